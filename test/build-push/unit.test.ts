import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/build-push/builders.js';
import { parseImageName, type BuildSecret, type BuildSecretFile } from '../../src/build-push/inputs.js';
import {
  filesSentMatching,
  isIgnored,
  parseDockerignore,
  sentByContext,
} from '../../src/build-push/dockerignore.js';
import { isLoopback, parseChallenge } from '../../src/build-push/registry.js';

const AR = 'europe-west1-docker.pkg.dev/acme/services/api';
const base = {
  imageName: AR,
  image: { registry: 'europe-west1-docker.pkg.dev', repository: 'acme/services/api' },
  context: '/w/app',
  file: '/w/app/Dockerfile',
  buildArgs: [] as [string, string][],
  secrets: [] as BuildSecret[],
  secretFiles: [] as BuildSecretFile[],
  target: '',
  platform: 'linux/amd64',
  tag: 'sha-3f2a9c8',
  tags: [] as string[],
  push: true,
  provenance: false,
  builder: 'docker' as const,
  cacheFrom: [] as string[],
  cacheTo: [] as string[],
};
const files = {
  metadata: '/t/metadata.json',
  digest: (tag: string) => `/t/digest-${tag}`,
  imageId: '/t/image-id',
};

describe('buildPlan', () => {
  it('docker: buildx with provenance off, metadata file and push', () => {
    expect(buildPlan(base, files)).toEqual({
      command: 'docker',
      build: [
        'buildx',
        'build',
        '--file',
        '/w/app/Dockerfile',
        '--platform',
        'linux/amd64',
        '--tag',
        `${AR}:sha-3f2a9c8`,
        '--provenance=false',
        '--metadata-file',
        '/t/metadata.json',
        '--push',
        '/w/app',
      ],
      env: {},
      pushes: [],
    });
  });

  it('docker: build args, target, extra tags, both caches, no push', () => {
    const plan = buildPlan(
      {
        ...base,
        buildArgs: [
          ['BASE_IMAGE', 'python:3.12-slim'],
          ['NOTE', 'a=b c'],
        ],
        target: 'runtime',
        tags: ['dev'],
        push: false,
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
      },
      files,
    );
    expect(plan.build).toEqual([
      'buildx',
      'build',
      '--file',
      '/w/app/Dockerfile',
      '--platform',
      'linux/amd64',
      '--tag',
      `${AR}:sha-3f2a9c8`,
      '--tag',
      `${AR}:dev`,
      '--build-arg',
      'BASE_IMAGE=python:3.12-slim',
      '--build-arg',
      'NOTE=a=b c',
      '--target',
      'runtime',
      '--provenance=false',
      '--cache-from',
      'type=gha',
      '--cache-to',
      'type=gha,mode=max',
      '--metadata-file',
      '/t/metadata.json',
      '/w/app',
    ]);
  });

  it('buildah: --layers, registry cache, one push per tag with a digest file', () => {
    const plan = buildPlan(
      { ...base, builder: 'buildah', tags: ['dev'], cacheFrom: [`${AR}-cache`], cacheTo: [`${AR}-cache`] },
      files,
    );
    expect(plan.command).toBe('buildah');
    expect(plan.build).toEqual([
      'build',
      '--file',
      '/w/app/Dockerfile',
      '--platform',
      'linux/amd64',
      '--tag',
      `${AR}:sha-3f2a9c8`,
      '--tag',
      `${AR}:dev`,
      '--layers',
      '--cache-from',
      `${AR}-cache`,
      '--cache-to',
      `${AR}-cache`,
      '--iidfile',
      '/t/image-id',
      '/w/app',
    ]);
    expect(plan.pushes).toEqual([
      {
        tag: 'sha-3f2a9c8',
        args: [
          'push',
          '--digestfile',
          '/t/digest-sha-3f2a9c8',
          `${AR}:sha-3f2a9c8`,
          `docker://${AR}:sha-3f2a9c8`,
        ],
      },
      { tag: 'dev', args: ['push', '--digestfile', '/t/digest-dev', `${AR}:dev`, `docker://${AR}:dev`] },
    ]);
  });

  it('podman to a loopback registry: plain HTTP allowed there only; a Dockerfile outside the context', () => {
    const local = {
      ...base,
      builder: 'podman' as const,
      imageName: '127.0.0.1:5000/svc/api',
      image: { registry: '127.0.0.1:5000', repository: 'svc/api' },
      file: '/w/docker/api.Dockerfile',
    };
    const plan = buildPlan(local, files);
    expect(plan.build).toEqual([
      'build',
      '--file',
      '/w/docker/api.Dockerfile',
      '--platform',
      'linux/amd64',
      '--tag',
      '127.0.0.1:5000/svc/api:sha-3f2a9c8',
      '--layers',
      '--iidfile',
      '/t/image-id',
      '--tls-verify=false',
      '/w/app',
    ]);
    expect(plan.pushes[0]?.args).toEqual([
      'push',
      '--digestfile',
      '/t/digest-sha-3f2a9c8',
      '--tls-verify=false',
      '127.0.0.1:5000/svc/api:sha-3f2a9c8',
      'docker://127.0.0.1:5000/svc/api:sha-3f2a9c8',
    ]);
  });
});

/** One case of the table: inputs over `base`, and the exact plan they give. */
interface PlanCase {
  name: string;
  inputs: Partial<Parameters<typeof buildPlan>[0]>;
  command: string;
  build: string[];
  pushes: { tag: string; args: string[] }[];
  /** The variables added to the build's environment (default none). */
  env?: Record<string, string>;
}

const LOCAL = {
  imageName: '127.0.0.1:5000/svc/api',
  image: { registry: '127.0.0.1:5000', repository: 'svc/api' },
};
const TAG = `${AR}:sha-3f2a9c8`;
/** buildah's and podman's push of one tag to Artifact Registry. */
const pushOf = (tag: string) => ({
  tag,
  args: ['push', '--digestfile', `/t/digest-${tag}`, `${AR}:${tag}`, `docker://${AR}:${tag}`],
});

describe('buildPlan, as a table: each builder with each input that reaches its arguments', () => {
  // A flag and its value on one line, as a command line reads.
  // prettier-ignore
  it.each<PlanCase>([
    {
      name: 'docker, defaults: provenance off, metadata file, --push',
      inputs: {},
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--provenance=false', '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker, push false: no --push, the metadata file still asked for',
      inputs: { push: false },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--provenance=false', '--metadata-file', '/t/metadata.json', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker, provenance true and another platform',
      inputs: { provenance: true, platform: 'linux/arm64' },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/arm64', '--tag', TAG,
        '--provenance=true', '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker, extra tags, build args (a value with = and a space), target, registry caches',
      inputs: {
        tags: ['dev', 'v1.2.0'],
        buildArgs: [
          ['PYTHON', '3.12'],
          ['NOTE', 'a=b c'],
        ],
        target: 'runtime',
        cacheFrom: [`type=registry,ref=${AR}:buildcache`],
        cacheTo: [`type=registry,ref=${AR}:buildcache,mode=max`],
      },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', TAG, '--tag', `${AR}:dev`, '--tag', `${AR}:v1.2.0`,
        '--build-arg', 'PYTHON=3.12', '--build-arg', 'NOTE=a=b c', '--target', 'runtime',
        '--provenance=false',
        '--cache-from', `type=registry,ref=${AR}:buildcache`,
        '--cache-to', `type=registry,ref=${AR}:buildcache,mode=max`,
        '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker, a Dockerfile outside the context, two cache sources, no cache destination',
      inputs: {
        file: '/w/docker/api.Dockerfile',
        cacheFrom: ['type=gha', `type=registry,ref=${AR}:buildcache`],
      },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/docker/api.Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--provenance=false',
        '--cache-from', 'type=gha', '--cache-from', `type=registry,ref=${AR}:buildcache`,
        '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'buildah, defaults: --layers, one push with a digest file',
      inputs: { builder: 'buildah' },
      command: 'buildah',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG, '--layers',
        '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [pushOf('sha-3f2a9c8')],
    },
    {
      name: 'buildah, push false: every tag built, none pushed',
      inputs: { builder: 'buildah', push: false, tags: ['dev'] },
      command: 'buildah',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', TAG, '--tag', `${AR}:dev`, '--layers', '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'buildah, build args, target, platform, a registry repository as cache both ways, a file',
      inputs: {
        builder: 'buildah',
        buildArgs: [['PYTHON', '3.12']],
        target: 'runtime',
        platform: 'linux/arm64',
        cacheFrom: [`${AR}-cache`],
        cacheTo: [`${AR}-cache`],
        file: '/w/app/Containerfile',
      },
      command: 'buildah',
      build: [
        'build', '--file', '/w/app/Containerfile', '--platform', 'linux/arm64', '--tag', TAG,
        '--build-arg', 'PYTHON=3.12', '--target', 'runtime',
        '--layers', '--cache-from', `${AR}-cache`, '--cache-to', `${AR}-cache`,
        '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [pushOf('sha-3f2a9c8')],
    },
    {
      name: 'podman, extra tags: one push per tag, in order',
      inputs: { builder: 'podman', tags: ['dev', 'v1.2.0'] },
      command: 'podman',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', TAG, '--tag', `${AR}:dev`, '--tag', `${AR}:v1.2.0`, '--layers',
        '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [pushOf('sha-3f2a9c8'), pushOf('dev'), pushOf('v1.2.0')],
    },
    {
      name: 'podman, push false, with caches and a target',
      inputs: {
        builder: 'podman',
        push: false,
        target: 'test',
        cacheFrom: [`${AR}-cache`],
        cacheTo: [`${AR}-cache`],
      },
      command: 'podman',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--target', 'test', '--layers', '--cache-from', `${AR}-cache`, '--cache-to', `${AR}-cache`,
        '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'podman to a loopback registry: --tls-verify=false on the build and each push',
      inputs: { ...LOCAL, builder: 'podman', tags: ['dev'] },
      command: 'podman',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', '127.0.0.1:5000/svc/api:sha-3f2a9c8', '--tag', '127.0.0.1:5000/svc/api:dev',
        '--layers', '--iidfile', '/t/image-id', '--tls-verify=false', '/w/app',
      ],
      pushes: [
        {
          tag: 'sha-3f2a9c8',
          args: [
            'push', '--digestfile', '/t/digest-sha-3f2a9c8', '--tls-verify=false',
            '127.0.0.1:5000/svc/api:sha-3f2a9c8', 'docker://127.0.0.1:5000/svc/api:sha-3f2a9c8',
          ],
        },
        {
          tag: 'dev',
          args: [
            'push', '--digestfile', '/t/digest-dev', '--tls-verify=false',
            '127.0.0.1:5000/svc/api:dev', 'docker://127.0.0.1:5000/svc/api:dev',
          ],
        },
      ],
    },
    {
      name: 'buildah to a loopback registry, push false: --tls-verify=false on the build only',
      inputs: { ...LOCAL, builder: 'buildah', push: false },
      command: 'buildah',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', '127.0.0.1:5000/svc/api:sha-3f2a9c8', '--layers',
        '--iidfile', '/t/image-id', '--tls-verify=false', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker to a loopback registry: no TLS flag (buildx build has none)',
      inputs: { ...LOCAL },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64',
        '--tag', '127.0.0.1:5000/svc/api:sha-3f2a9c8',
        '--provenance=false', '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      pushes: [],
    },
    {
      name: 'docker, secrets: each value by a variable of the build (env=), each file by its path (src=)',
      inputs: {
        secrets: [
          { id: 'npm_token', value: 'npm-value-1' },
          { id: 'pip.conf-2', value: 'a=b,c "d"' },
        ],
        secretFiles: [{ id: 'npmrc', path: '/runner/temp/.npmrc' }],
        buildArgs: [['PYTHON', '3.12']],
      },
      command: 'docker',
      build: [
        'buildx', 'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--build-arg', 'PYTHON=3.12',
        '--secret', 'id=npm_token,env=BUILD_PUSH_SECRET_1',
        '--secret', 'id=pip.conf-2,env=BUILD_PUSH_SECRET_2',
        '--secret', 'id=npmrc,src=/runner/temp/.npmrc',
        '--provenance=false', '--metadata-file', '/t/metadata.json', '--push', '/w/app',
      ],
      env: { BUILD_PUSH_SECRET_1: 'npm-value-1', BUILD_PUSH_SECRET_2: 'a=b,c "d"' },
      pushes: [],
    },
    {
      name: 'buildah, a secret and a secret file: the same --secret forms; the pushes get none',
      inputs: {
        builder: 'buildah',
        secrets: [{ id: 'token', value: 'buildah-Secret-Value' }],
        secretFiles: [{ id: 'netrc', path: '/w/.netrc' }],
        target: 'runtime',
      },
      command: 'buildah',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--secret', 'id=token,env=BUILD_PUSH_SECRET_1', '--secret', 'id=netrc,src=/w/.netrc',
        '--target', 'runtime', '--layers', '--iidfile', '/t/image-id', '/w/app',
      ],
      env: { BUILD_PUSH_SECRET_1: 'buildah-Secret-Value' },
      pushes: [pushOf('sha-3f2a9c8')],
    },
    {
      name: 'podman, only a secret file: no variable added',
      inputs: { builder: 'podman', secretFiles: [{ id: 'key', path: '/t/key.pem' }] },
      command: 'podman',
      build: [
        'build', '--file', '/w/app/Dockerfile', '--platform', 'linux/amd64', '--tag', TAG,
        '--secret', 'id=key,src=/t/key.pem', '--layers', '--iidfile', '/t/image-id', '/w/app',
      ],
      pushes: [pushOf('sha-3f2a9c8')],
    },
  ])('$name', ({ inputs, command, build, pushes, env = {} }) => {
    const plan = buildPlan({ ...base, ...inputs }, files);
    expect(plan).toEqual({ command, build, env, pushes });
    // No secret value is ever an argument: the arguments name the variables only.
    for (const { value } of inputs.secrets ?? []) {
      expect([...plan.build, ...plan.pushes.flatMap((push) => push.args)].join('\n')).not.toContain(value);
    }
  });
});

describe('parseImageName', () => {
  it.each([
    [AR, { registry: 'europe-west1-docker.pkg.dev', repository: 'acme/services/api' }],
    ['127.0.0.1:5000/svc/api', { registry: '127.0.0.1:5000', repository: 'svc/api' }],
    ['localhost/team/api-v2', { registry: 'localhost', repository: 'team/api-v2' }],
    ['ghcr.io/acme/my_service.web', { registry: 'ghcr.io', repository: 'acme/my_service.web' }],
  ])('%s', (raw, expected) => {
    expect(parseImageName(raw)).toEqual(expected);
  });

  it.each([
    [`${AR}:latest`, 'input "image" has a tag'],
    [`${AR}@sha256:${'a'.repeat(64)}`, 'input "image" has a digest'],
    ['Europe-west1-docker.pkg.dev/acme/api', 'input "image" has upper-case letters'],
    ['acme/api', 'input "image" has the registry host "acme", which is not a host name'],
    ['api', 'input "image" is "api": no registry host'],
    ['bad_host.example/api', 'which is not a host name'],
    ['ghcr.io/acme/-api', 'input "image" has an invalid path "acme/-api"'],
  ])('refuses %s', (raw, message) => {
    expect(() => parseImageName(raw)).toThrow(message);
  });
});

describe('.dockerignore', () => {
  it.each([
    [['gha-creds-*.json'], 'gha-creds-abc.json', true],
    [['gha-creds-*.json'], 'sub/gha-creds-abc.json', false],
    [['**/gha-creds-*.json'], 'sub/gha-creds-abc.json', true],
    [['*'], 'gha-creds-abc.json', true],
    [['*', '!src'], 'src/app.py', false],
    [['*.json', '!gha-creds-keep.json'], 'gha-creds-keep.json', false],
    [['secrets/'], 'secrets/gha-creds-a.json', true],
    [['/gha-creds-*.json'], 'gha-creds-a.json', true],
    [['# comment', ''], 'gha-creds-a.json', false],
  ])('%j: %s ignored = %s', (lines, path, ignored) => {
    expect(isIgnored(parseDockerignore(lines.join('\n')), path)).toBe(ignored);
  });

  it('finds credential files that the context would send', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'context-'));
    try {
      mkdirSync(join(dir, 'nested'));
      writeFileSync(join(dir, 'gha-creds-1a2b.json'), '{}');
      writeFileSync(join(dir, 'nested', 'gha-creds-3c4d.json'), '{}');
      writeFileSync(join(dir, 'app.py'), '');
      expect(await filesSentMatching(dir, /^gha-creds-.*\.json$/)).toEqual([
        'gha-creds-1a2b.json',
        'nested/gha-creds-3c4d.json',
      ]);
      writeFileSync(join(dir, '.dockerignore'), 'gha-creds-*.json\n');
      expect(await filesSentMatching(dir, /^gha-creds-.*\.json$/)).toEqual(['nested/gha-creds-3c4d.json']);
      writeFileSync(join(dir, '.dockerignore'), '**/gha-creds-*.json\n');
      expect(await filesSentMatching(dir, /^gha-creds-.*\.json$/)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says whether the context would send a given file (a secret file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'context-'));
    try {
      mkdirSync(join(dir, 'secrets'));
      expect(await sentByContext(dir, join(dir, 'secrets', '.npmrc'))).toBe('secrets/.npmrc');
      expect(await sentByContext(dir, join(dir, '..foo'))).toBe('..foo');
      expect(await sentByContext(dir, join(dir, '..', 'outside', '.npmrc'))).toBeUndefined();
      expect(await sentByContext(dir, '/etc/hostname')).toBeUndefined();
      writeFileSync(join(dir, '.dockerignore'), 'secrets/\n');
      expect(await sentByContext(dir, join(dir, 'secrets', '.npmrc'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('registry helpers', () => {
  it('parses a Bearer challenge', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://europe-west1-docker.pkg.dev/v2/token",service="europe-west1-docker.pkg.dev",scope="repository:acme/services/api:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://europe-west1-docker.pkg.dev/v2/token',
        service: 'europe-west1-docker.pkg.dev',
        scope: 'repository:acme/services/api:pull',
      },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
  });

  it.each([
    ['127.0.0.1:5000', true],
    ['localhost', true],
    ['[::1]:5000', true],
    ['127.0.0.1.example.com', false],
    ['europe-west1-docker.pkg.dev', false],
  ])('isLoopback(%s) = %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

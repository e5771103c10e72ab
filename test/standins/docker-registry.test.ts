// Tests of the registry helpers (testkit/registry.ts) and of the docker stand-in
// (test/standins/bin/docker) against the real registry (Debian's docker-registry 2.8), buildah and
// skopeo. The metadata files are compared with real ones written by buildx
// (test/fixtures/build-push/real-buildx, see its README). Every tool runs asynchronously: the
// token server lives in this process, so a synchronous child would wait for it forever.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MANIFEST_ACCEPT,
  STANDINS_BIN,
  buildContext,
  containersEnv,
  httpRequest,
  parseChallenge,
  startFlakyProxy,
  startRegistry,
  startSilentServer,
  type ContainersEnv,
  type TestRegistry,
} from '../../testkit/registry.js';

const DOCKER = join(STANDINS_BIN, 'docker');
const REAL = join(import.meta.dirname, '..', 'fixtures', 'build-push', 'real-buildx');
const realMetadata = (name: string) =>
  JSON.parse(readFileSync(join(REAL, name), 'utf8')) as Record<string, unknown>;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const USAGE =
  "\n\nUsage:  docker buildx build [OPTIONS] PATH | URL | -\n\nRun 'docker buildx build --help' for more information\n";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a tool asynchronously with the given environment. */
function runTool(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(input);
  });
}

let containers: ContainersEnv;
let logFile: string;
const docker = (args: string[], extra: Record<string, string> = {}) =>
  runTool(DOCKER, args, { ...containers.env, DOCKER_STANDIN_LOG: logFile, ...extra });
const loggedCalls = () =>
  readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { pid: number; argv: string[] });

beforeAll(() => {
  containers = containersEnv();
  logFile = join(containers.dir, 'docker-calls.jsonl');
});

afterAll(async () => {
  await containers.cleanup();
});

/** `docker buildx build` of a fresh simple context, pushing to `tags`; returns the metadata too. */
async function buildPush(tags: string[], flags: string[], extraEnv: Record<string, string> = {}) {
  const context = buildContext({ 'hello.txt': `built at ${Date.now()}\n` }, { parent: containers.dir });
  const metadataFile = join(context, '..', `metadata-${Date.now()}.json`);
  const iidFile = join(context, '..', `iid-${Date.now()}.txt`);
  const result = await docker(
    [
      'buildx',
      'build',
      '--file',
      join(context, 'Dockerfile'),
      ...tags.flatMap((tag) => ['--tag', tag]),
      '--metadata-file',
      metadataFile,
      '--iidfile',
      iidFile,
      ...flags,
      context,
    ],
    extraEnv,
  );
  const raw = existsSync(metadataFile) ? readFileSync(metadataFile, 'utf8') : '';
  const metadata = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const iid = existsSync(iidFile) ? readFileSync(iidFile, 'utf8') : '';
  rmSync(context, { recursive: true, force: true });
  return { result, raw, metadata, iid };
}

describe('a plain registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('answers /v2/ on 127.0.0.1 and stops, removing its storage', async () => {
    const other = await startRegistry();
    try {
      expect(other.host).toMatch(/^127\.0\.0\.1:\d+$/);
      expect((await httpRequest(`${other.url}/v2/`)).status).toBe(200);
      expect(existsSync(other.storage)).toBe(true);
    } finally {
      await other.stop();
    }
    await other.stop(); // twice is fine
    expect(existsSync(other.storage)).toBe(false);
    await expect(httpRequest(`${other.url}/v2/`, { timeoutMs: 1_000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('push through the stand-in: the registry, the metadata file, the iidfile and skopeo agree', async () => {
    const tags = [`${registry.host}/svc/api:sha-1234567`, `${registry.host}/svc/api:v1`];
    const { result, metadata, iid } = await buildPush(tags, [
      '--platform',
      'linux/amd64',
      '--provenance=false',
      '--push',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const fromRegistry = await registry.manifestDigest('svc/api', 'sha-1234567');
    expect(fromRegistry).toMatch(DIGEST);
    expect(metadata['containerimage.digest']).toBe(fromRegistry);
    expect((metadata['containerimage.descriptor'] as { digest: string }).digest).toBe(fromRegistry);
    expect(await registry.skopeoDigest('svc/api', 'sha-1234567')).toBe(fromRegistry);
    expect(await registry.manifestDigest('svc/api', 'v1')).toBe(fromRegistry);
    // buildx's default media types: one Docker image manifest, its config digest the image ID.
    const manifest = await registry.fetchManifest('svc/api', 'sha-1234567');
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(metadata['containerimage.descriptor']).toMatchObject({
      mediaType: manifest.mediaType,
      size: Buffer.byteLength(manifest.raw),
      platform: { architecture: 'amd64', os: 'linux' },
    });
    const config = (JSON.parse(manifest.raw) as { config: { digest: string } }).config.digest;
    expect(metadata['containerimage.config.digest']).toBe(config);
    expect(iid).toBe(config);
    expect(metadata['image.name']).toBe(tags.join(','));
    const last = loggedCalls().at(-1)!;
    expect(last.pid).toBeGreaterThan(0);
    expect(last.argv.slice(0, 2)).toEqual(['buildx', 'build']);
  });

  it('without --provenance=false a push is an OCI index with an attestation manifest', async () => {
    const { result, metadata, iid } = await buildPush([`${registry.host}/svc/api:attested`], ['--push']);
    expect(result.code, result.stderr).toBe(0);
    const index = await registry.fetchManifest('svc/api', 'attested');
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(metadata['containerimage.digest']).toBe(index.digest);
    expect(iid).toBe(index.digest); // no config digest for an index: the iidfile gets the index's
    expect(await registry.skopeoDigest('svc/api', 'attested')).toBe(index.digest);
    const entries = (
      JSON.parse(index.raw) as { manifests: { platform: unknown; annotations?: Record<string, string> }[] }
    ).manifests;
    expect(entries.map((entry) => entry.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'unknown', os: 'unknown' },
    ]);
    expect(entries[1]!.annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest');
  });

  it('BUILDX_NO_DEFAULT_ATTESTATIONS=1 keeps a single manifest', async () => {
    const { result, metadata } = await buildPush([`${registry.host}/svc/api:plain`], ['--push'], {
      BUILDX_NO_DEFAULT_ATTESTATIONS: '1',
    });
    expect(result.code, result.stderr).toBe(0);
    expect((metadata['containerimage.descriptor'] as { mediaType: string }).mediaType).toBe(
      'application/vnd.docker.distribution.manifest.v2+json',
    );
  });

  it('translates --target, --build-arg and --label for buildah (multi-stage context)', async () => {
    const context = buildContext({}, { variant: 'multi-stage', parent: containers.dir });
    const tag = `${registry.host}/svc/api:runtime`;
    const result = await docker([
      'build',
      '--target',
      'runtime',
      '--build-arg',
      'GREETING=bonjour',
      '--build-arg=REVISION=abc1234',
      '--label',
      'org.opencontainers.image.source=https://example.com/repo',
      '-t',
      tag,
      '--provenance=false',
      '--push',
      context,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const inspect = await runTool(
      'skopeo',
      ['inspect', '--tls-verify=false', '--no-creds', `docker://${tag}`],
      containers.env,
    );
    const { Labels } = JSON.parse(inspect.stdout) as { Labels: Record<string, string> };
    expect(Labels).toMatchObject({
      greeting: 'bonjour',
      'org.opencontainers.image.revision': 'abc1234',
      'org.opencontainers.image.source': 'https://example.com/repo',
    });
    const buildahCall = loggedCalls().at(-1)!;
    expect(buildahCall.argv[0]).toBe('build');
  });

  it('cache: type=gha is ignored with a log line, type=registry becomes buildah --layers --cache-to', async () => {
    const { result } = await buildPush(
      [`${registry.host}/svc/api:cached`],
      [
        '--cache-from',
        'type=gha,scope=build',
        '--cache-to',
        'type=gha,mode=max,scope=build',
        '--cache-to',
        `type=registry,ref=${registry.host}/svc/api:buildcache,mode=max`,
        '--provenance=false',
        '--push',
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      '--cache-from type=gha,scope=build: gha cache is not available here, ignored',
    );
    expect(result.stderr).toContain(`buildah --cache-to ${registry.host}/svc/api-buildcache`);
    const catalog = JSON.parse((await httpRequest(`${registry.url}/v2/_catalog`)).body.toString()) as {
      repositories: string[];
    };
    expect(catalog.repositories).toContain('svc/api-buildcache');
  });

  it('keeps buildah in the isolated vfs storage', () => {
    expect(containers.vars).toMatchObject({
      STORAGE_DRIVER: 'vfs',
      REGISTRY_AUTH_FILE: containers.authFile,
      HOME: join(containers.dir, 'home'),
    });
    const images = JSON.parse(
      readFileSync(join(containers.graphRoot, 'vfs-images', 'images.json'), 'utf8'),
    ) as {
      names?: string[];
    }[];
    expect(images.flatMap((image) => image.names ?? [])).toContain(`${registry.host}/svc/api:sha-1234567`);
    expect(readdirSync(join(containers.graphRoot, 'vfs', 'dir')).length).toBeGreaterThan(0);
  });
});

describe('the metadata file has buildx’s real format', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry.stop();
  });

  const keys = (value: unknown) => Object.keys(value as object);

  it('push, provenance off: the keys and the descriptor of a real push', async () => {
    const { result, raw, metadata } = await buildPush(
      [`${registry.host}/svc/api:format`],
      ['--provenance=false', '--push'],
      {
        BUILDX_METADATA_PROVENANCE: 'disabled',
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const real = realMetadata('metadata-push.json');
    expect(keys(metadata)).toEqual(keys(real));
    expect(keys(metadata['containerimage.descriptor'])).toEqual(keys(real['containerimage.descriptor']));
    // json.MarshalIndent: two spaces, keys sorted, no final newline.
    expect(raw.startsWith('{\n  "buildx.build.ref": "')).toBe(true);
    expect(raw.endsWith('\n}')).toBe(true);
    expect(metadata['buildx.build.ref']).toMatch(/^([\w-]+)\/\1[0]\/[a-z0-9]{25}$/);
    expect(real['buildx.build.ref']).toMatch(/^([\w-]+)\/\1[0]\/[a-z0-9]{25}$/);
  });

  it('push with the default attestation: the keys of a real attested push', async () => {
    const { result, metadata } = await buildPush([`${registry.host}/svc/api:format-attested`], ['--push']);
    expect(result.code, result.stderr).toBe(0);
    const real = realMetadata('metadata-push-attestations.json');
    expect(keys(metadata)).toEqual(keys(real));
    expect(keys(metadata['containerimage.descriptor'])).toEqual(keys(real['containerimage.descriptor']));
    expect(keys(metadata['buildx.build.provenance'])).toEqual(
      keys(real['buildx.build.provenance']).filter((key) => key !== 'materials'), // FROM scratch: none
    );
  });

  it('--load: the keys of a real load, the image kept in the buildah storage', async () => {
    const tag = `${registry.host}/svc/api:loaded`;
    const { result, metadata } = await buildPush([tag], ['--load']);
    expect(result.code, result.stderr).toBe(0);
    const real = realMetadata('metadata-load.json');
    expect(keys(metadata)).toEqual(keys(real));
    expect(keys(metadata['containerimage.descriptor'])).toEqual(keys(real['containerimage.descriptor']));
    const images = await runTool('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}'], containers.env);
    expect(images.stdout).toContain(tag);
  });
});

describe('token auth (the registry’s own, tokens signed in this process)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('an anonymous HEAD gets 401 with the Bearer challenge', async () => {
    const res = await httpRequest(`${registry.url}/v2/svc/api/manifests/latest`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(res.status).toBe(401);
    const challenge = parseChallenge(String(res.headers['www-authenticate']));
    expect(challenge).toEqual({
      scheme: 'Bearer',
      params: { realm: registry.realm!, service: registry.service, scope: 'repository:svc/api:pull' },
    });
  });

  it('a token with the right scope opens the repository; wrong credentials get no token', async () => {
    const good = await registry.requestToken(['repository:svc/api:pull']);
    expect(good.status).toBe(200);
    const withToken = await httpRequest(`${registry.url}/v2/svc/api/tags/list`, {
      headers: { authorization: `Bearer ${good.token!}` },
    });
    expect(withToken.status).toBe(404); // authorised: the repository does not exist yet
    expect(withToken.body.toString()).toContain('NAME_UNKNOWN');

    const otherRepo = await httpRequest(`${registry.url}/v2/svc/other/tags/list`, {
      headers: { authorization: `Bearer ${good.token!}` },
    });
    expect(otherRepo.status).toBe(401);
    expect(String(otherRepo.headers['www-authenticate'])).toContain('error="insufficient_scope"');

    const wrong = await registry.requestToken(['repository:svc/api:pull'], {
      username: 'ci-pusher',
      password: 'nope',
    });
    expect(wrong).toMatchObject({ status: 401 });
    expect(wrong.token).toBeUndefined();
    const anonymous = await registry.requestToken(['repository:svc/api:pull,push'], null);
    expect(anonymous.status).toBe(200); // a token, but without access
    expect(
      registry.tokenRequests.slice(-3).map(({ credentials, granted }) => ({ credentials, granted })),
    ).toEqual([
      { credentials: 'valid', granted: [{ type: 'repository', name: 'svc/api', actions: ['pull'] }] },
      { credentials: 'invalid', granted: undefined },
      { credentials: 'none', granted: [] },
    ]);
  });

  it('the stand-in pushes with the auth file; the token requests name the scope', async () => {
    const before = registry.tokenRequests.length;
    containers.addCredentials(registry.host, registry.username, registry.password);
    const { result, metadata } = await buildPush(
      [`${registry.host}/svc/api:sha-1234567`],
      ['--provenance=false', '--push'],
    );
    expect(result.code, result.stderr).toBe(0);
    const digest = await registry.manifestDigest('svc/api', 'sha-1234567');
    expect(metadata['containerimage.digest']).toBe(digest);
    expect(await registry.skopeoDigest('svc/api', 'sha-1234567')).toBe(digest);
    const pushes = registry.tokenRequests
      .slice(before)
      .filter((request) => request.scopes.includes('repository:svc/api:pull,push'));
    expect(pushes.length).toBeGreaterThan(0);
    expect(
      pushes.every((request) => request.credentials === 'valid' && request.account === 'ci-pusher'),
    ).toBe(true);
  });

  it('with wrong credentials the push fails and no token is issued', async () => {
    containers.addCredentials(registry.host, registry.username, 'wrong');
    try {
      const { result } = await buildPush(
        [`${registry.host}/svc/api:denied`],
        ['--provenance=false', '--push'],
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/ERROR: failed to build: .*(unauthorized|authentication required)/i);
      expect(registry.tokenRequests.at(-1)).toMatchObject({ credentials: 'invalid' });
      expect(registry.tokenRequests.at(-1)!.granted).toBeUndefined();
    } finally {
      containers.addCredentials(registry.host, registry.username, registry.password);
    }
  });
});

describe('htpasswd auth', () => {
  it('answers 401 Basic to anonymous requests and accepts the bcrypt credentials', async () => {
    const registry = await startRegistry({ auth: 'htpasswd' });
    try {
      const res = await httpRequest(`${registry.url}/v2/`);
      expect(res.status).toBe(401);
      expect(parseChallenge(String(res.headers['www-authenticate']))).toEqual({
        scheme: 'Basic',
        params: { realm: 'test-registry' },
      });
      const basic = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
      expect(
        (await httpRequest(`${registry.url}/v2/`, { headers: { authorization: `Basic ${basic}` } })).status,
      ).toBe(200);
      containers.addCredentials(registry.host, registry.username, registry.password);
      const { result, metadata } = await buildPush(
        [`${registry.host}/svc/api:basic`],
        ['--provenance=false', '--push'],
      );
      expect(result.code, result.stderr).toBe(0);
      expect(await registry.manifestDigest('svc/api', 'basic')).toBe(metadata['containerimage.digest']);
    } finally {
      await registry.stop();
    }
  });
});

describe('the flaky proxy', () => {
  it('fails exactly N manifest requests with 503 and Retry-After: 0, then forwards everything', async () => {
    const registry = await startRegistry({ auth: 'token' });
    const proxy = await startFlakyProxy(registry, { failFirst: 2 });
    try {
      expect((await httpRequest(`${proxy.url}/v2/`)).status).toBe(401); // not a manifest: forwarded
      const head = () =>
        httpRequest(`${proxy.url}/v2/svc/api/manifests/latest`, {
          method: 'HEAD',
          headers: { accept: MANIFEST_ACCEPT },
        });
      const first = await head();
      const second = await head();
      const third = await head();
      expect([first.status, second.status, third.status]).toEqual([503, 503, 401]);
      expect(first.headers['retry-after']).toBe('0');
      // Forwarded answers keep the registry's headers: the challenge names the registry's realm.
      expect(parseChallenge(String(third.headers['www-authenticate'])).params.realm).toBe(registry.realm);
      expect(proxy.failures).toBe(2);
      expect(proxy.requests.map(({ method, status, failed }) => [method, status, failed])).toEqual([
        ['GET', 401, false],
        ['HEAD', 503, true],
        ['HEAD', 503, true],
        ['HEAD', 401, false],
      ]);
    } finally {
      await proxy.stop();
      await registry.stop();
    }
  });

  it('streams a whole push through (uploads, Locations, Docker-Content-Digest)', async () => {
    const registry = await startRegistry();
    const proxy = await startFlakyProxy(registry.url, { failFirst: 0 });
    try {
      const { result, metadata } = await buildPush(
        [`${proxy.host}/svc/api:proxied`],
        ['--provenance=false', '--push'],
      );
      expect(result.code, result.stderr).toBe(0);
      const digest = await registry.manifestDigest('svc/api', 'proxied');
      expect(metadata['containerimage.digest']).toBe(digest);
      const viaProxy = await httpRequest(`${proxy.url}/v2/svc/api/manifests/proxied`, {
        method: 'HEAD',
        headers: { accept: MANIFEST_ACCEPT },
      });
      expect(viaProxy.headers['docker-content-digest']).toBe(digest);
      expect(proxy.requests.some((request) => request.method === 'PATCH' || request.method === 'PUT')).toBe(
        true,
      );
      expect(proxy.failures).toBe(0);
    } finally {
      await proxy.stop();
      await registry.stop();
    }
  });
});

describe('the silent server', () => {
  it('accepts the connection and never answers', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      await expect(httpRequest(`${silent.url}/v2/`, { timeoutMs: 300 })).rejects.toThrow(
        /no answer within 300 ms/,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(silent.connections).toBe(1);
    } finally {
      await silent.stop();
    }
  });
});

describe('the docker stand-in’s command line', () => {
  it('rejects an unknown flag in the real CLI’s words (exit 125)', async () => {
    const result = await docker(['buildx', 'build', '--bogus', '.']);
    expect(result).toMatchObject({ code: 125, stdout: '', stderr: `unknown flag: --bogus${USAGE}` });
    const short = await docker(['buildx', 'build', '-z', '.']);
    expect(short).toMatchObject({ code: 125, stderr: `unknown shorthand flag: 'z' in -z${USAGE}` });
    const missing = await docker(['buildx', 'build', '.', '--tag']);
    expect(missing).toMatchObject({ code: 125, stderr: `flag needs an argument: --tag${USAGE}` });
    const bool = await docker(['build', '--push=maybe', '.']);
    expect(bool.stderr).toBe(
      `invalid argument "maybe" for "--push" flag: strconv.ParseBool: parsing "maybe": invalid syntax${USAGE}`,
    );
  });

  it('wants exactly one context (exit 1), and a context that exists', async () => {
    const none = await docker(['buildx', 'build', '-t', 'x']);
    expect(none).toMatchObject({
      code: 1,
      stderr: `ERROR: docker: 'docker buildx build' requires 1 argument${USAGE}`,
    });
    const absent = await docker(['buildx', 'build', join(containers.dir, 'absent')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('unable to prepare context: path');
    const unsupported = await docker(['buildx', 'build', '--platform', 'linux/amd64,linux/arm64', '.']);
    expect(unsupported).toMatchObject({ code: 1 });
    expect(unsupported.stderr).toContain('the docker stand-in does not support more than one platform');
  });

  it('a cancelled build stops buildah and fails as buildx does (exit 130)', async () => {
    const registry = await startRegistry();
    try {
      const context = buildContext({}, { parent: containers.dir });
      const child = spawn(DOCKER, ['build', '-t', `${registry.host}/svc/api:cancelled`, '--push', context], {
        env: containers.env,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('STEP 1/2')) child.kill('SIGINT');
      });
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      expect(stderr).toMatch(/ERROR: failed to build: failed to solve: Canceled: context canceled\n$/);
    } finally {
      await registry.stop();
    }
  });

  it('prints the versions of Docker 28.0.4 and buildx v0.28.0', async () => {
    expect((await docker(['--version'])).stdout).toBe('Docker version 28.0.4, build b8034c0\n');
    expect((await docker(['buildx', 'version'])).stdout).toBe(
      'github.com/docker/buildx v0.28.0 b1281b81bba797b21d9eaf256e6a13eb14419836\n',
    );
    const version = await docker(['version']);
    expect(version.stdout).toMatch(/^Client: Docker Engine - Community\n Version: {11}28\.0\.4\n/);
    expect(version.stdout).toContain(
      '\nServer: Docker Engine - Community\n Engine:\n  Version:          28.0.4\n',
    );
    expect((await docker(['version', '--format', '{{.Server.Version}}'])).stdout).toBe('28.0.4\n');
  });
});

describe('containersEnv', () => {
  it('writes the configuration into its own directory and removes it on cleanup', async () => {
    const env = containersEnv(containers.dir);
    expect(readFileSync(env.vars.CONTAINERS_STORAGE_CONF!, 'utf8')).toContain(
      `graphroot = "${env.graphRoot}"`,
    );
    expect(JSON.parse(readFileSync(env.authFile, 'utf8'))).toEqual({ auths: {} });
    env.addCredentials('127.0.0.1:5000', 'u', 'p:w');
    expect(JSON.parse(readFileSync(env.authFile, 'utf8'))).toEqual({
      auths: { '127.0.0.1:5000': { auth: Buffer.from('u:p:w').toString('base64') } },
    });
    expect(env.env.NODE_EXTRA_CA_CERTS).toBeUndefined();
    await env.cleanup();
    expect(existsSync(env.dir)).toBe(false);
  });
});

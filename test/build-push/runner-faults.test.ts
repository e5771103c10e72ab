// actions/build-push as the runner runs it, against faults: a registry that fails a layer upload
// for a moment (real buildah, podman and the docker stand-in pushing to the real docker-registry
// through a fault-injecting proxy), one that refuses, docker without buildx, a context that
// would send .env files and .git, and base images named by a tag without a digest.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';
import {
  buildContext,
  containersEnv,
  startFlakyProxy,
  startRegistry,
  STANDINS_BIN,
  type ContainersEnv,
  type TestRegistry,
} from '../../testkit/registry.js';

const SHA = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
const TAG = 'sha-3f2a9c8';
let registry: TestRegistry;
let containers: ContainersEnv;
beforeAll(async () => {
  registry = await startRegistry();
  containers = containersEnv();
}, 60_000);
afterAll(async () => {
  await registry.stop();
  await containers.cleanup();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function context(files: Record<string, string | null> = {}): string {
  const dir = buildContext(files);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function buildPush(
  inputs: Record<string, string>,
  options: { vars?: Record<string, string>; cwd?: string } = {},
) {
  const result = await runAction({
    stage: 'build-push',
    inputs: { sha: SHA, context: inputs['context'] ?? context(), ...inputs },
    env: {
      ...containers.vars,
      ...options.vars,
      PATH: `${STANDINS_BIN}:${process.env.PATH ?? ''}`,
      NODE_EXTRA_CA_CERTS: undefined,
    },
    pathPrepend: [STANDINS_BIN],
    timeoutMs: 120_000,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  cleanups.push(result.cleanup);
  return result;
}

/** The first request of every layer (and config) upload: `POST /v2/<name>/blobs/uploads/`. */
const uploadStart = (repo: string): RegExp => new RegExp(`^/v2/${repo}/blobs/uploads/?$`);

describe.each(['buildah', 'podman', 'docker'] as const)(
  'build-push bundle with %s: a push the registry fails',
  (builder) => {
    it('one 503 on a layer upload: the push is retried, logged, and the digest is the registry’s', async () => {
      const repo = `svc/retry-${builder}`;
      const flaky = await startFlakyProxy(registry, {
        failFirst: 1,
        match: uploadStart(repo),
        methods: ['POST'],
      });
      cleanups.push(() => flaky.stop());
      const result = await buildPush({ image: `${flaky.host}/${repo}`, builder, tags: 'dev' });
      expect(result.code, result.log).toBe(0);
      expect(flaky.failures).toBe(1);
      expect(result.log).toMatch(
        new RegExp(
          `build-push: the push of 127\\.0\\.0\\.1:\\d+/${repo}:${TAG} failed \\(.*503 Service Unavailable.*\\): a push is idempotent, so it is retried in [\\d.]+m?s \\(attempt 2 of 4\\)`,
        ),
      );
      const digest = await registry.manifestDigest(repo, TAG);
      expect(result.outputs['digest']).toBe(digest);
      expect(await registry.manifestDigest(repo, 'dev')).toBe(digest);
      expect(result.summary).toContain(
        'the registry failed a push once for a moment; it was retried and succeeded',
      );
    });
  },
);

describe('build-push bundle: pushes that are not retried, or not for ever', () => {
  it('a registry that keeps answering 503: four attempts with backoff, then the failure says so', async () => {
    const repo = 'svc/retry-down';
    const flaky = await startFlakyProxy(registry, {
      failFirst: 1000,
      match: uploadStart(repo),
      methods: ['POST'],
    });
    cleanups.push(() => flaky.stop());
    const result = await buildPush({ image: `${flaky.host}/${repo}`, builder: 'buildah' });
    expect(result.code).toBe(1);
    expect(flaky.failures).toBe(4);
    expect(result.log.match(/so it is retried in/g)).toHaveLength(3);
    expect(result.log).toMatch(
      /::error::build-push: the push of 127\.0\.0\.1:\d+\/svc\/retry-down:sha-3f2a9c8 failed 4 times \(the registry kept failing: .*503 Service Unavailable/,
    );
    // Backoff: about 1 s, 2 s and 4 s between the attempts (±20 %).
    expect(result.durationMs).toBeGreaterThan(5_000);
    expect(result.outputs).toEqual({});
  });

  it.each([401, 403])('a %i on the upload is a refusal: one attempt, no retry', async (status) => {
    const repo = `svc/refused-${status}`;
    const flaky = await startFlakyProxy(registry, {
      failFirst: 1000,
      status,
      match: uploadStart(repo),
      methods: ['POST'],
    });
    cleanups.push(() => flaky.stop());
    const result = await buildPush({ image: `${flaky.host}/${repo}`, builder: 'podman' });
    expect(result.code).toBe(1);
    expect(flaky.failures, result.log).toBe(1);
    expect(result.log).not.toContain('retried in');
    expect(result.log).toMatch(/::error::build-push: podman push .* failed with exit code \d+/);
  });

  it('a failing build is not retried (docker: one buildx call)', async () => {
    const calls = join(context(), 'docker-calls.jsonl');
    const dir = context({ Dockerfile: 'FROM scratch\nCOPY missing.txt /missing.txt\n' });
    const result = await buildPush(
      { image: `${registry.host}/svc/broken`, builder: 'docker', context: dir },
      { vars: { DOCKER_STANDIN_LOG: calls } },
    );
    expect(result.code).toBe(1);
    expect(result.log).not.toContain('retried in');
    const builds = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { argv: string[] }).argv)
      .filter((argv) => argv[0] === 'buildx' && argv[1] === 'build');
    expect(builds).toHaveLength(1);
  });
});

describe('build-push bundle: docker without the buildx plugin', () => {
  it('says "docker buildx is required" and how to set it up, before any build', async () => {
    const calls = join(context(), 'docker-calls.jsonl');
    const result = await buildPush(
      { image: `${registry.host}/svc/no-buildx`, builder: 'docker' },
      { vars: { DOCKER_STANDIN_LOG: calls, DOCKER_STANDIN_NO_BUILDX: '1' } },
    );
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '::error::build-push: docker buildx is required (builder "docker" builds with docker buildx build), and "docker buildx version" failed; it answered: docker: unknown command: docker buildx',
    );
    expect(result.log).toContain('docker/setup-buildx-action');
    expect(result.log).not.toContain('unknown flag: --file');
    expect(result.summary).toContain('docker buildx is required');
    const argvs = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
    expect(argvs).toEqual([['buildx', 'version']]);
    expect(
      existsSync(join(registry.storage, 'docker', 'registry', 'v2', 'repositories', 'svc', 'no-buildx')),
    ).toBe(false);
  });
});

describe('build-push bundle: what the context would send', () => {
  it('warns about .env files and .git with the .dockerignore lines; both lines silence it', async () => {
    const dir = context({
      '.env': 'DATABASE_URL=postgresql://app:pw@db/app\n',
      'config/.env.production': 'API_KEY=x\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/config': '[core]\n',
    });
    const result = await buildPush({
      image: `${registry.host}/svc/context-warn`,
      builder: 'buildah',
      context: dir,
    });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain(
      '::warning::build-push: the build context sends ".env", "config/.env.production", which .dockerignore does not exclude',
    );
    expect(result.log).toContain('Add the line "**/.env*" to');
    expect(result.log).toContain(
      '::warning::build-push: the build context sends .git, which .dockerignore does not exclude',
    );
    expect(result.log).toContain('Add the line ".git" to');
    expect(result.summary).toContain('warning: the build context sends .git');

    writeFileSync(join(dir, '.dockerignore'), '**/.env*\n.git\n');
    const quiet = await buildPush({
      image: `${registry.host}/svc/context-warn`,
      builder: 'buildah',
      context: dir,
    });
    expect(quiet.code, quiet.log).toBe(0);
    expect(quiet.log).not.toContain('the build context sends');
  });

  it('a root .env only: the line is ".env*"; credential files stay refused', async () => {
    const dir = context({ '.env.local': 'X=1\n' });
    const warned = await buildPush({
      image: `${registry.host}/svc/context-env`,
      builder: 'buildah',
      context: dir,
    });
    expect(warned.code, warned.log).toBe(0);
    expect(warned.log).toContain('Add the line ".env*" to');
    expect(warned.log).not.toContain('sends .git');
    writeFileSync(join(dir, 'gha-creds-1a2b.json'), '{"type":"external_account"}');
    const refused = await buildPush({
      image: `${registry.host}/svc/context-env`,
      builder: 'buildah',
      context: dir,
    });
    expect(refused.code).toBe(1);
    expect(refused.log).toContain('the build context would carry cloud credentials (gha-creds-1a2b.json)');
  });
});

describe('build-push bundle: base images without a digest', () => {
  it('warns on each FROM that names a tag only, on its line; digests, stages and scratch are fine', async () => {
    // A base image in the local registry, pushed first, so that buildah can pull it here.
    const base = await buildPush({ image: `${registry.host}/svc/base`, builder: 'buildah' });
    expect(base.code, base.log).toBe(0);
    const digest = base.outputs['digest'] ?? '';
    const workspace = context();
    mkdirSync(join(workspace, 'app'));
    writeFileSync(join(workspace, 'app', 'hello.txt'), 'hello\n');
    const dockerfile = [
      `ARG BASE=${registry.host}/svc/base:${TAG}`, // 1
      `ARG PINNED=${registry.host}/svc/base@${digest}`, // 2
      `FROM ${registry.host}/svc/base:${TAG} AS tagged`, // 3: warned
      'FROM ${BASE} AS via-arg', // 4: warned, resolved
      'FROM --platform=linux/amd64 ${PINNED} AS pinned', // 5
      `FROM ${registry.host}/svc/base@${digest} AS pinned-too`, // 6
      'FROM tagged AS again', // 7: an earlier stage
      'FROM scratch', // 8
      'COPY --from=via-arg /hello.txt /a.txt',
      'COPY --from=pinned /hello.txt /b.txt',
      'COPY --from=again /hello.txt /c.txt',
      'COPY --from=pinned-too /hello.txt /d.txt',
      'COPY hello.txt /hello.txt',
      '',
    ].join('\n');
    writeFileSync(join(workspace, 'app', 'Dockerfile'), dockerfile);
    const result = await buildPush(
      { image: `${registry.host}/svc/unpinned`, builder: 'buildah', context: 'app' },
      { cwd: workspace },
    );
    expect(result.code, result.log).toBe(0);
    const warnings = result.log.split('\n').filter((line) => line.includes('Base image without a digest'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('::warning title=Base image without a digest,file=app/Dockerfile,line=3::');
    expect(warnings[0]).toContain(
      `build-push: app/Dockerfile:3: FROM ${registry.host}/svc/base:${TAG} names its base image by a tag without a digest`,
    );
    expect(warnings[0]).toContain(`Pin it as ${registry.host}/svc/base:${TAG}@sha256:<digest>`);
    expect(warnings[1]).toContain('file=app/Dockerfile,line=4::');
    expect(warnings[1]).toContain(
      `app/Dockerfile:4: FROM \${BASE} (${registry.host}/svc/base:${TAG}) names its base image by a tag without a digest`,
    );
    expect(warnings[1]).toContain('where the value is set (the ARG default or the build-arg)');
    expect(result.summary).toContain('warning: app/Dockerfile:3: FROM');

    // A build-arg with a digest resolves the ARG to a pinned image: that FROM is fine.
    const pinned = await buildPush(
      {
        image: `${registry.host}/svc/unpinned`,
        builder: 'buildah',
        context: 'app',
        'build-args': `BASE=${registry.host}/svc/base@${digest}`,
      },
      { cwd: workspace },
    );
    expect(pinned.code, pinned.log).toBe(0);
    const lines = pinned.log.split('\n').filter((line) => line.includes('Base image without a digest'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('line=3::');
  });
});

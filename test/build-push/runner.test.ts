// actions/build-push as the runner runs it: the bundle started as a process, real builds with
// buildah and podman (vfs storage, isolated per test), the docker stand-in that builds through
// buildah, and a real OCI registry (Debian's docker-registry) on 127.0.0.1.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  options: {
    env?: ContainersEnv;
    secrets?: string[];
    vars?: Record<string, string>;
    cancel?: Parameters<typeof runAction>[0]['cancel'];
  } = {},
) {
  const env = options.env ?? containers;
  const result = await runAction({
    stage: 'build-push',
    inputs: { sha: SHA, context: inputs['context'] ?? context(), ...inputs },
    env: {
      ...env.vars,
      ...options.vars,
      PATH: `${STANDINS_BIN}:${process.env.PATH ?? ''}`,
      NODE_EXTRA_CA_CERTS: undefined,
    },
    pathPrepend: [STANDINS_BIN],
    secrets: options.secrets ?? [],
    timeoutMs: 120_000,
    ...(options.cancel === undefined ? {} : { cancel: options.cancel }),
  });
  cleanups.push(result.cleanup);
  return result;
}

describe.each(['buildah', 'podman', 'docker'] as const)('build-push bundle with %s', (builder) => {
  it('pushes sha-<7> and outputs the digest the registry holds (= skopeo = the builder report)', async () => {
    const repo = `svc/${builder}-api`;
    const result = await buildPush({ image: `${registry.host}/${repo}`, builder, tags: 'dev' });
    expect(result.code, result.log).toBe(0);
    const digest = await registry.manifestDigest(repo, 'sha-3f2a9c8');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registry.skopeoDigest(repo, 'sha-3f2a9c8')).toBe(digest);
    expect(await registry.manifestDigest(repo, 'dev')).toBe(digest);
    expect(result.outputs).toEqual({
      digest,
      image: `${registry.host}/${repo}@${digest}`,
      tag: 'sha-3f2a9c8',
      'tagged-image': `${registry.host}/${repo}:sha-3f2a9c8`,
    });
    expect(result.summary).toContain(`| Digest | ${digest} |`);
    expect(result.summary).toContain(`| Builder | ${builder} (linux/amd64) |`);
    expect(result.log).not.toContain('reported no digest');
  });
});

describe('build-push bundle: the registry', () => {
  it('answers the token handshake with the credentials the builder pushed with', async () => {
    const secured = await startRegistry({ auth: 'token' });
    cleanups.push(() => secured.stop());
    const env = containersEnv();
    cleanups.push(() => env.cleanup());
    env.addCredentials(secured.host, secured.username, secured.password);
    const result = await buildPush(
      { image: `${secured.host}/svc/api`, builder: 'buildah' },
      { env, secrets: [secured.password] },
    );
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['digest']).toBe(await secured.manifestDigest('svc/api', 'sha-3f2a9c8'));
    // Ours asks for pull only (the builder's push asks for push too), with the pushing credentials.
    expect(
      secured.tokenRequests.some(
        (request) => request.scopes.includes('repository:svc/api:pull') && request.credentials === 'valid',
      ),
    ).toBe(true);
  });

  it('still gets the right digest from a registry that answers 503 twice', async () => {
    // The builder's push goes through; the action's own reads fail twice (matched by User-Agent).
    const flaky = await startFlakyProxy(registry, {
      failFirst: 2,
      match: /^\/v2\/svc\/flaky\/manifests\/sha-/,
      userAgent: /^cloud-run-deploy-actions/,
    });
    cleanups.push(() => flaky.stop());
    const result = await buildPush({ image: `${flaky.host}/svc/flaky`, builder: 'buildah' });
    expect(result.code, result.log).toBe(0);
    expect(flaky.failures).toBe(2);
    expect(result.outputs['digest']).toBe(await registry.manifestDigest('svc/flaky', 'sha-3f2a9c8'));
  });

  it('fails within the deadline, clearly, when the registry keeps failing the manifest request', async () => {
    const flaky = await startFlakyProxy(registry, {
      failFirst: 1000,
      status: 503,
      match: /^\/v2\/svc\/down\/manifests\//,
      userAgent: /^cloud-run-deploy-actions/,
    });
    cleanups.push(() => flaky.stop());
    const result = await buildPush({ image: `${flaky.host}/svc/down`, builder: 'buildah', timeout: '8s' });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /gave up waiting for 127\.0\.0\.1:\d+ to serve the manifest of svc\/down:sha-3f2a9c8 after [\d.]+s and \d+ attempts; last: 503/,
    );
    expect(result.durationMs).toBeLessThan(30_000);
  });
});

describe('build-push bundle: a registry that never answers', () => {
  it('fails within the deadline with a clear message', async () => {
    const silent = await startFlakyProxy(registry, {
      failFirst: 1000,
      hang: true,
      match: /^\/v2\/svc\/silent\/manifests\//,
      userAgent: /^cloud-run-deploy-actions/,
    });
    cleanups.push(() => silent.stop());
    const result = await buildPush({
      image: `${silent.host}/svc/silent`,
      builder: 'buildah',
      timeout: '10s',
    });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /gave up waiting for 127\.0\.0\.1:\d+ to serve the manifest of svc\/silent:sha-3f2a9c8 after [\d.]+s and \d+ attempts?; last: ETIMEDOUT/,
    );
    expect(result.durationMs).toBeLessThan(30_000);
    expect(result.outputs).toEqual({});
  });
});

describe('build-push bundle: guards change nothing', () => {
  it('refuses a context that would carry gha-creds-*.json, before building', async () => {
    const dir = context({ 'gha-creds-7f3a.json': '{"type":"external_account"}' });
    const result = await buildPush({
      image: `${registry.host}/svc/guarded`,
      builder: 'buildah',
      context: dir,
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'the build context would carry cloud credentials (gha-creds-7f3a.json): add "gha-creds-*.json" to',
    );
    expect(result.log).not.toContain('::group::');
    writeFileSync(join(dir, '.dockerignore'), 'gha-creds-*.json\n');
    const allowed = await buildPush({
      image: `${registry.host}/svc/guarded`,
      builder: 'buildah',
      context: dir,
    });
    expect(allowed.code, allowed.log).toBe(0);
  });

  it.each([
    [{ image: 'REGISTRY.example/svc/api' }, 'input "image" has upper-case letters'],
    [{ image: '127.0.0.1:5000/svc/api:latest' }, 'input "image" has a tag'],
    [{ image: 'svc/api' }, 'input "image" has the registry host "svc"'],
    [{ sha: 'abc12' }, 'input "sha" is "abc12", which is not a commit SHA: use at least 7 hex characters'],
    [{ builder: 'kaniko' }, 'input "builder" is "kaniko": use one of docker, buildah, podman'],
    [
      { tags: 'not a tag' },
      'input "tags": line 1 has "not a tag", which is not a tag (it holds white space)',
    ],
    [{ platform: 'amd64' }, 'input "platform" is "amd64"'],
  ])('%j', async (inputs, message) => {
    const repo = `svc/refused-${Math.random().toString(36).slice(2, 8)}`;
    const result = await buildPush({ image: `${registry.host}/${repo}`, builder: 'buildah', ...inputs });
    expect(result.code).toBe(1);
    expect(result.log).toContain(message);
    expect(existsSync(join(registry.storage, 'docker', 'registry', 'v2', 'repositories', repo))).toBe(false);
  });
});

/** Whether the registry holds anything of the repository (a refused or cancelled run pushes nothing). */
const pushedAnything = (repo: string): boolean =>
  existsSync(join(registry.storage, 'docker', 'registry', 'v2', 'repositories', repo));

/** Processes whose command line names `text` (a builder left running would). */
function processesNaming(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return command.includes(text) && Number(pid) !== process.pid ? [`${pid}: ${command}`] : [];
      } catch {
        return [];
      }
    });
}

describe('build-push bundle: one summary on every outcome', () => {
  it.each([
    [{ image: '127.0.0.1:5000/svc/api:latest' }, 'input "image" has a tag: use REGISTRY/PATH'],
    [{ builder: 'kaniko' }, 'input "builder" is "kaniko": use one of docker, buildah, podman'],
  ])(
    'invalid input %j: the reason as the summary note, exit 1, no builder started',
    async (inputs, reason) => {
      const repo = `svc/invalid-${Math.random().toString(36).slice(2, 8)}`;
      const calls = join(context(), 'docker-calls.jsonl');
      const result = await buildPush(
        { image: `${registry.host}/${repo}`, builder: 'docker', ...inputs },
        { vars: { DOCKER_STANDIN_LOG: calls } },
      );
      expect(result.code).toBe(1);
      expect(result.log).toContain(`::error::build-push: invalid configuration: ${reason}`);
      expect(result.summary).toMatch(/^### ❌ build-push: invalid input\n/);
      expect(result.summary).toContain(`> ${reason}`);
      expect(result.summary).toMatch(/\| Time \| \d+ms \|/);
      expect(result.summary.match(/^### /gm)).toHaveLength(1);
      expect(result.log).not.toContain('::group::');
      expect(existsSync(calls)).toBe(false);
      expect(result.outputs).toEqual({});
      expect(pushedAnything(repo)).toBe(false);
    },
  );

  it('push: false builds every tag, pushes nothing, outputs the tag without a digest', async () => {
    const repo = 'svc/local-only';
    const result = await buildPush({
      image: `${registry.host}/${repo}`,
      builder: 'buildah',
      push: 'false',
      tags: 'dev',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({
      digest: '',
      image: '',
      tag: 'sha-3f2a9c8',
      'tagged-image': `${registry.host}/${repo}:sha-3f2a9c8`,
    });
    expect(result.summary).toMatch(
      new RegExp(`^### ✅ build-push: built ${registry.host}/${repo}:sha-3f2a9c8, not pushed\n`),
    );
    expect(result.summary).toContain('> push is false: nothing was pushed, so there is no registry digest');
    expect(result.summary).toMatch(/\| Build and push \| \d+(?:\.\d+)?m?s \|/);
    expect(result.summary).toContain('| Tag | sha-3f2a9c8, dev |');
    expect(result.summary).not.toContain('| Digest |');
    expect(result.log).toContain('Successfully tagged');
    expect(pushedAnything(repo)).toBe(false);
  });

  // The runner's SIGINT as the build's log group opens (the builder just started), and while the
  // builder is at work (the docker stand-in passes the signal on to its buildah).
  describe.each([
    ['buildah', 'buildah build'],
    ['podman', 'podman build'],
    ['docker', 'docker buildx build'],
  ] as const)('cancelled during the %s build', (builder, group) => {
    it.each([
      ['as its log group opens', new RegExp(`::group::${group} `)],
      ['while the builder is at work', new RegExp(`::group::${group} [\\s\\S]*STEP 1/2: FROM`)],
    ])(
      '%s: the summary names the group, the builder is stopped, the temp folder gone',
      async (_, whenLog) => {
        const repo = `svc/cancel-${builder}-${Math.random().toString(36).slice(2, 8)}`;
        const tagged = `${registry.host}/${repo}:sha-3f2a9c8`;
        const result = await buildPush(
          { image: `${registry.host}/${repo}`, builder },
          { cancel: { whenLog } },
        );
        expect(result.code, result.log).toBe(1);
        expect(result.log).toContain(
          '::error::build-push: cancelled (SIGINT); stopping the tools this step started',
        );
        expect(result.summary).toMatch(/^### ❌ build-push: cancelled\n/);
        expect(result.summary).toContain(`| Cancelled | SIGINT during "${group} ${tagged}" |`);
        expect(result.summary).toContain(`| Builder | ${builder} (linux/amd64) |`);
        expect(result.summary).toMatch(/\| Time \| [\d.]+m?s \|/);
        // The note is what was interrupted: the stopped build (podman exits 0 on SIGTERM, and its
        // missing image ID file says so); no push started after it.
        expect(result.summary).toMatch(
          new RegExp(
            `^> ${group} (?:--file .* (?:was killed by SIGTERM|failed with exit code \\d+)|ended without writing the image ID: the build did not finish)`,
            'm',
          ),
        );
        expect(result.summary).not.toContain('push --digestfile');
        expect(result.summary.match(/^### /gm)).toHaveLength(1);
        expect(result.outputs).toEqual({});
        expect(readdirSync(result.runnerTemp).filter((name) => name.startsWith('build-push-'))).toEqual([]);
        expect(processesNaming(tagged)).toEqual([]);
        expect(pushedAnything(repo)).toBe(false);
      },
    );
  });
});

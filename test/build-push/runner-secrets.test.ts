// actions/build-push as the runner runs it, on what must not leak or forge: build secrets with
// the real buildah and podman (and the docker stand-in, which builds through buildah) against
// Debian's docker-registry on 127.0.0.1, proven by a Dockerfile that checks the secret during a
// RUN and by the pushed blobs, which must not hold it; refused build arguments; and hostile
// values in every input that reaches a builder, a registry URL or a log line.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { leakForms, runAction, workflowCommands } from '../../testkit/local-runner.mjs';
import {
  buildContext,
  containersEnv,
  httpRequest,
  MANIFEST_ACCEPT,
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

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function context(files: Record<string, string | null> = {}): string {
  const dir = buildContext(files);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const unique = (): string => randomBytes(4).toString('hex');

/** The programs a RUN of these tests needs, and the libraries they load, from this machine. */
const PROGRAMS = ['/bin/sh', '/bin/cat', '/usr/bin/sha256sum'];
function librariesOf(program: string): string[] {
  const text = execFileSync('ldd', [program], { encoding: 'utf8' });
  return [...text.matchAll(/(\/\S+)\s+\(0x/g)].map((match) => match[1] ?? '').filter(Boolean);
}

/**
 * A build context whose image can RUN: this machine's sh, cat and sha256sum with their
 * libraries under rootfs/ (COPY rootfs/ /), and the given Dockerfile. buildah and podman run it
 * with chroot isolation (BUILDAH_ISOLATION), the one that works here.
 */
function runnableContext(dockerfile: string): string {
  const dir = context({ Dockerfile: dockerfile });
  const files = new Set([...PROGRAMS, ...PROGRAMS.flatMap(librariesOf)]);
  for (const file of files) {
    const target = join(dir, 'rootfs', file.startsWith('/usr/bin/') ? `/bin/${file.slice(9)}` : file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return dir;
}

async function buildPush(
  inputs: Record<string, string>,
  options: { secrets?: string[]; vars?: Record<string, string> } = {},
) {
  const result = await runAction({
    stage: 'build-push',
    inputs: { sha: SHA, context: inputs['context'] ?? context(), ...inputs },
    env: {
      ...containers.vars,
      BUILDAH_ISOLATION: 'chroot',
      ...options.vars,
      PATH: `${STANDINS_BIN}:${process.env.PATH ?? ''}`,
      NODE_EXTRA_CA_CERTS: undefined,
    },
    pathPrepend: [STANDINS_BIN],
    secrets: options.secrets ?? [],
    timeoutMs: 120_000,
  });
  cleanups.push(result.cleanup);
  return result;
}

/** Whether the registry holds anything of the repository. */
const pushedAnything = (repo: string): boolean =>
  existsSync(join(registry.storage, 'docker', 'registry', 'v2', 'repositories', repo));

interface StandinCall {
  argv: string[];
  secretEnv: Record<string, string | null>;
  inputSecrets: boolean;
}
const standinCalls = (file: string): StandinCall[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as StandinCall)
    : [];

/**
 * Every byte the registry serves for the tag: the manifest, the config and each layer (gunzipped,
 * so that a file's contents in a layer's tar are plain text), through the Registry HTTP API.
 */
async function pulledBytes(repo: string, tag: string): Promise<string> {
  const manifest = await registry.fetchManifest(repo, tag);
  expect(manifest.status).toBe(200);
  const parsed = JSON.parse(manifest.raw) as { config: { digest: string }; layers: { digest: string }[] };
  const parts = [manifest.raw];
  for (const digest of [parsed.config.digest, ...parsed.layers.map((layer) => layer.digest)]) {
    const blob = await httpRequest(`${registry.url}/v2/${repo}/blobs/${digest}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(blob.status, digest).toBe(200);
    const bytes = blob.body[0] === 0x1f && blob.body[1] === 0x8b ? gunzipSync(blob.body) : blob.body;
    parts.push(bytes.toString('latin1'));
  }
  return parts.join('\n');
}

/** Whether any form of `secret` (as given, percent-encoded, base64) is in `text`. */
const holds = (text: string, secret: string): boolean =>
  leakForms(secret).some((form) => text.includes(form));

/**
 * A Dockerfile that proves the build saw both secrets: the first RUN reads /run/secrets/token and
 * compares its SHA-256 with the expected one, the second does so for the secret file. Only hashes
 * are in the Dockerfile (its RUN lines are in the image's history); the nonce keeps a cached
 * layer from answering for a build that never saw the secret.
 */
const checkingDockerfile = (tokenHash: string, fileHash: string): string =>
  [
    'FROM scratch',
    'COPY rootfs/ /',
    `RUN --mount=type=secret,id=token cat /run/secrets/token > /dev/null && test "$(sha256sum < /run/secrets/token)" = "${tokenHash}  -" && echo token-checked-${unique()}`,
    `RUN --mount=type=secret,id=npmrc test "$(sha256sum < /run/secrets/npmrc)" = "${fileHash}  -" && echo file-checked`,
    '',
  ].join('\n');

/** A secret file outside the context, as a workflow writes one under $RUNNER_TEMP. */
function secretFile(content: string): string {
  const file = join(tempDir('secret-file-'), '.npmrc');
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

describe.each(['buildah', 'podman', 'docker'] as const)('build secrets with %s', (builder) => {
  it('the RUN sees the secret and the file; the pushed image, the log, the summary and the outputs hold neither', async () => {
    const token = `tok-${unique()}-Zq8:/+%x`;
    const npmrc = `//registry.npmjs.org/:_authToken=npm-${unique()}-file-secret\n`;
    const file = secretFile(npmrc);
    const repo = `svc/secrets-${builder}-${unique()}`;
    const calls = join(tempDir('docker-calls-'), 'calls.jsonl');
    const result = await buildPush(
      {
        image: `${registry.host}/${repo}`,
        builder,
        context: runnableContext(checkingDockerfile(sha256(token), sha256(npmrc))),
        secrets: `token=${token}`,
        'secret-files': `npmrc=${file}`,
      },
      // runAction fails the test when a value shows in the log, summary, outputs or state.
      { secrets: [token, npmrc.trim()], vars: { DOCKER_STANDIN_LOG: calls } },
    );
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('token-checked-');
    expect(result.log).toContain('file-checked');
    expect(result.outputs['digest']).toBe(await registry.manifestDigest(repo, 'sha-3f2a9c8'));
    expect(result.summary).toContain('| Build secrets | token, npmrc (file) |');
    // The debug dump names the secret by id, the file by id and path, and holds no value.
    const dump = result.log.split('\n').find((line) => line.startsWith('::debug::inputs: '));
    expect(dump).toContain('"secrets":["token"]');
    expect(dump).toContain(`"secretFiles":[{"id":"npmrc","path":"${file}"}]`);

    const pulled = await pulledBytes(repo, 'sha-3f2a9c8');
    expect(pulled).toContain('token-checked-'); // the RUN line is in the history, as expected
    expect(holds(pulled, token)).toBe(false);
    expect(holds(pulled, npmrc.trim())).toBe(false);

    if (builder === 'docker') {
      // The first call checks for buildx (`docker buildx version`), with no secret either.
      const [check, build, ...more] = standinCalls(calls);
      expect(check?.argv).toEqual(['buildx', 'version']);
      expect(check?.inputSecrets).toBe(false);
      expect(more).toEqual([]);
      expect(build?.argv).toEqual([
        'buildx',
        'build',
        '--file',
        expect.stringMatching(/\/Dockerfile$/),
        '--platform',
        'linux/amd64',
        '--tag',
        `${registry.host}/${repo}:sha-3f2a9c8`,
        '--secret',
        'id=token,env=BUILD_PUSH_SECRET_1',
        '--secret',
        `id=npmrc,src=${file}`,
        '--provenance=false',
        '--metadata-file',
        expect.stringMatching(/\/build-push-[^/]+\/metadata\.json$/),
        '--push',
        expect.any(String),
      ]);
      // The value came through the environment; the raw input did not reach the builder.
      expect(build?.secretEnv).toEqual({ BUILD_PUSH_SECRET_1: token });
      expect(build?.inputSecrets).toBe(false);
      expect(holds(build?.argv.join('\n') ?? '', token)).toBe(false);
    }
  });

  it('a wrong secret fails the RUN: the check can fail, and nothing is pushed', async () => {
    const npmrc = `registry=https://npm.example/${unique()}\n`;
    const repo = `svc/wrong-${builder}-${unique()}`;
    const token = `the-Real-Token-${unique()}`;
    const result = await buildPush(
      {
        image: `${registry.host}/${repo}`,
        builder,
        context: runnableContext(checkingDockerfile(sha256(`${token}-other`), sha256(npmrc))),
        secrets: `token=${token}`,
        'secret-files': `npmrc=${secretFile(npmrc)}`,
      },
      { secrets: [token] },
    );
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/::error::build-push: (?:docker buildx build|buildah build|podman build) /);
    expect(pushedAnything(repo)).toBe(false);
    expect(result.outputs).toEqual({});
  });

  it('a build that prints the secret: the log shows ***, the failure shows the command without the value', async () => {
    const token = `printed-Token-${unique()}`;
    const repo = `svc/printed-${builder}-${unique()}`;
    const result = await buildPush(
      {
        image: `${registry.host}/${repo}`,
        builder,
        context: runnableContext(
          `FROM scratch\nCOPY rootfs/ /\nRUN --mount=type=secret,id=token echo "seen: $(cat /run/secrets/token)" >&2; exit 3\n`,
        ),
        secrets: `token=${token}`,
      },
      { secrets: [token] },
    );
    expect(result.code).toBe(1);
    expect(result.log).toContain('seen: ***');
    // The command line in the error names the variable, and nothing had to be masked in it.
    const error = workflowCommands(result.rawLog).find((line) => line.startsWith('::error::'));
    expect(error).toContain('--secret id=token,env=BUILD_PUSH_SECRET_1 ');
    expect(pushedAnything(repo)).toBe(false);
  });
});

describe('build secrets: the blob check can see a secret', () => {
  it('a Dockerfile that copies the secret into a layer is caught by the same scan', async () => {
    const token = `copied-Into-Layer-${unique()}`;
    const repo = `svc/leaky-${unique()}`;
    const result = await buildPush(
      {
        image: `${registry.host}/${repo}`,
        builder: 'buildah',
        context: runnableContext(
          'FROM scratch\nCOPY rootfs/ /\nRUN --mount=type=secret,id=token cat /run/secrets/token > /leaked\n',
        ),
        secrets: `token=${token}`,
      },
      { secrets: [token] },
    );
    expect(result.code, result.log).toBe(0);
    expect(holds(await pulledBytes(repo, 'sha-3f2a9c8'), token)).toBe(true);
  });
});

describe('build secrets: refused before anything starts', () => {
  it('a secret file inside the context that .dockerignore does not exclude', async () => {
    const dir = context({ 'conf/.npmrc': '//registry/:_authToken=x' });
    const repo = `svc/in-context-${unique()}`;
    const calls = join(tempDir('docker-calls-'), 'calls.jsonl');
    const result = await buildPush(
      {
        image: `${registry.host}/${repo}`,
        builder: 'docker',
        context: dir,
        'secret-files': `npmrc=${dir}/conf/.npmrc`,
      },
      { vars: { DOCKER_STANDIN_LOG: calls } },
    );
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '::error::build-push: invalid configuration: input "secret-files": the file of "npmrc" ("conf/.npmrc") is inside the build context',
    );
    expect(existsSync(calls)).toBe(false);
    expect(pushedAnything(repo)).toBe(false);
    writeFileSync(join(dir, '.dockerignore'), 'conf/.npmrc\n');
    const allowed = await buildPush({
      image: `${registry.host}/${repo}`,
      builder: 'buildah',
      context: dir,
      'secret-files': `npmrc=${dir}/conf/.npmrc`,
    });
    expect(allowed.code, allowed.log).toBe(0);
  });

  it('an empty secret (an unset secrets.NAME)', async () => {
    const repo = `svc/empty-${unique()}`;
    const result = await buildPush({
      image: `${registry.host}/${repo}`,
      builder: 'buildah',
      secrets: 'npm_token=',
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('input "secrets": the secret "npm_token" (line 1) is empty');
    expect(pushedAnything(repo)).toBe(false);
  });
});

describe('build-args whose names look secret are refused', () => {
  it.each(['DB_PASSWORD', 'NPM_TOKEN', 'API_KEY', 'aws_secret_access_key', 'GCP_CREDENTIALS'])(
    '%s: named with the way out; its value in no log, summary, output or error; no builder started; nothing pushed',
    async (name) => {
      // Nothing of the name in the value: the error names the argument, and may suggest its id.
      const value = `Value-${unique()}-${unique()}`;
      const repo = `svc/build-arg-${unique()}`;
      const calls = join(tempDir('docker-calls-'), 'calls.jsonl');
      const result = await buildPush(
        {
          image: `${registry.host}/${repo}`,
          builder: 'docker',
          'build-args': `PYTHON=3.12\n${name}=${value}`,
        },
        // runAction fails the test if the value shows anywhere (the raw log, add-mask lines aside).
        { secrets: [value], vars: { DOCKER_STANDIN_LOG: calls } },
      );
      expect(result.code).toBe(1);
      const errors = workflowCommands(result.rawLog).filter((line) => line.startsWith('::error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(
        `::error::build-push: invalid configuration: input "build-args" passes ${name}`,
      );
      expect(errors[0]).toContain(`RUN --mount=type=secret,id=${name.toLowerCase()} `);
      expect(result.rawLog).not.toContain(value); // not even an ::add-mask:: line
      expect(result.log).not.toContain('::debug::inputs:');
      expect(result.summary).toContain(`input "build-args" passes ${name}`);
      expect(result.outputs).toEqual({});
      expect(existsSync(calls)).toBe(false);
      expect(pushedAnything(repo)).toBe(false);
    },
  );
});

/** The hostile classes, each as it would arrive in a single-line input. */
const HOSTILE: Record<string, string> = {
  'a newline and a forged annotation': '\n::error file=x::forged',
  'a newline and a forged mask': '\n::add-mask::main',
  'a leading hyphen': '-h',
  'an option': '--project=attacker-proj',
  ':: at the start': '::warning::forged',
  oversize: 'a'.repeat(300),
  'a Cyrillic look-alike': 'аpi',
  'upper case': 'API',
  'a shell command': "api'; rm -rf /",
};

/** The inputs of one hostile run: `bad` placed where it reaches the builder, the registry or the log. */
function hostileInputs(
  input: string,
  what: string,
  bad: string,
  host: string,
  file: string,
): Record<string, string> | undefined {
  const appended = bad.startsWith('\n');
  switch (input) {
    case 'image':
      return { image: appended ? `${host}/svc/api${bad}` : bad.startsWith('-') ? bad : `${host}/svc/${bad}` };
    case 'sha':
      if (what === 'upper case') return undefined; // hex in any case is a commit
      return { sha: appended ? `3f2a9c8${bad}` : what === 'oversize' ? 'f'.repeat(65) : bad };
    case 'tags':
      if (what === 'upper case') return undefined; // OCI tags may be upper case
      return { tags: appended ? `dev${bad}` : bad };
    case 'target':
      if (what === 'upper case') return undefined; // stage names are case-insensitive
      return { target: appended ? `runtime${bad}` : bad };
    case 'platform':
      return { platform: appended ? `linux/amd64${bad}` : what === 'upper case' ? 'Linux/AMD64' : bad };
    case 'build-args':
      if (what === 'upper case') return undefined;
      return { 'build-args': appended ? `PYTHON=3.12${bad}` : `${bad}=1` };
    case 'secrets':
      if (what === 'upper case') return undefined;
      return {
        secrets: appended ? `token=Hostile-Run-Secret-1${bad}` : `${bad.slice(0, 70)}=Hostile-Run-Secret-2`,
      };
    case 'secret-files':
      if (what === 'upper case') return undefined;
      return { 'secret-files': appended ? `npmrc=${file}${bad}` : `${bad.slice(0, 70)}=${file}` };
    default:
      throw new Error(input);
  }
}

describe('hostile values: refused naming the input, nothing forged, nothing started, nothing pushed', () => {
  const inputs = ['image', 'sha', 'tags', 'target', 'platform', 'build-args', 'secrets', 'secret-files'];
  // Only the pairs the rules refuse: upper case, for one, is a valid commit, tag or stage name.
  const cases = inputs
    .flatMap((input) => Object.keys(HOSTILE).map((what) => [input, what] as const))
    .filter(([input, what]) => hostileInputs(input, what, HOSTILE[what] ?? '', 'host', 'file') !== undefined);

  it.each(cases)('%s with %s', async (input, what) => {
    const repo = `svc/hostile-${unique()}`;
    const file = secretFile('x');
    const given = hostileInputs(input, what, HOSTILE[what] ?? '', registry.host, file) ?? {};
    const calls = join(tempDir('docker-calls-'), 'calls.jsonl');
    const result = await buildPush(
      { image: `${registry.host}/${repo}`, builder: 'docker', ...given },
      { vars: { DOCKER_STANDIN_LOG: calls } },
    );
    expect(result.code, result.log).toBe(1);
    const commands = workflowCommands(result.rawLog);
    const errors = commands.filter((line) => line.startsWith('::error') || line.startsWith('::warning'));
    expect(errors, result.rawLog).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^::error::build-push: invalid configuration: input "${input}"`));
    expect(commands).not.toContain('::add-mask::main');
    // A line of `secrets` is registered as a secret before it is checked (it may be a value):
    // masking it is the action's doing and hides more, never less. Anything else is forged.
    const own = (line: string) =>
      line.startsWith('::error::build-push:') || (input === 'secrets' && line.startsWith('::add-mask::'));
    expect(commands.filter((line) => /forged/.test(line) && !own(line))).toEqual([]);
    // The summary note is one escaped line: nothing in it starts a line with ::.
    expect(result.summary.split('\n').filter((line) => line.startsWith('::'))).toEqual([]);
    expect(result.summary).toContain(`input "${input}"`);
    expect(result.outputs).toEqual({});
    expect(existsSync(calls)).toBe(false);
    expect(pushedAnything(repo)).toBe(false);
  });
});

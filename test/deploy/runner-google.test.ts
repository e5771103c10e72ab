// The secret preflight as the runner runs it: the deploy bundle started as a process with no
// gcloud on PATH, reaching Secret Manager v1 over REST on the local Google emulator
// (testkit/google-emulator.mjs) with the Workload Identity credentials file that
// google-github-actions/auth writes, its token exchange answered by the emulator too. Every
// secret the plan reads must exist with an enabled version before Terraform applies anything.
import { existsSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, workflowCommands, type RunOptions } from '../../testkit/local-runner.mjs';
import {
  devDeployInputs,
  referenceBypass,
  serviceOutputs,
  servicePlan,
  standinRunEnv,
  standinsDir,
  terraformCalls,
  useDeployGitHubApi,
  writeTerraformScenario,
  type SecretRef,
} from '../../testkit/deploy-scenarios.js';
import {
  emulatorRunEnv,
  putSecrets,
  requestsTo,
  startEmulator,
  type GoogleEmulator,
  type SecretVersions,
} from '../../testkit/google.js';

const GITHUB_TOKEN = 'ghs_RunnerGoogleToken2b7e4c9a1d6f3e8b5a0c';
const PROJECT = 'acme-dev';
const SECRETS_PATH = /^\/v1\/projects\/acme-dev\/secrets\//;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

type State = SecretVersions['versions'][number]['state'];

/** A secret whose versions 1, 2, … have these states (1 is the oldest). */
const versions = (...states: State[]): SecretVersions => ({
  project: PROJECT,
  versions: states.map((state, index) => ({ version: index + 1, state })),
});

/** The reference service's three secrets, each with one enabled version. */
const READY: Record<string, SecretVersions> = {
  'database-url-dev': versions('ENABLED'),
  'clerk-secret-key-dev': versions('ENABLED'),
  'admin-api-key-dev': versions('ENABLED'),
};

interface GoogleCase {
  /** What Secret Manager holds (default READY). */
  secrets?: Record<string, SecretVersions>;
  /** The env from Secret Manager the plan gives the service (default the reference three at latest). */
  secretEnv?: Record<string, SecretRef>;
  inputs?: Record<string, string>;
  /** Faults scripted on the emulator before the run. */
  faults?: (emulator: GoogleEmulator) => void;
  cancel?: (emulator: GoogleEmulator) => NonNullable<RunOptions['cancel']>;
}

async function deploy(test: GoogleCase = {}) {
  const terraform = writeTerraformScenario({
    plan: {
      document: servicePlan({
        environment: 'dev',
        ...(test.secretEnv === undefined ? {} : { secretEnv: test.secretEnv }),
      }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
    },
    output: serviceOutputs(),
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: PROJECT });
  putSecrets(emulator, test.secrets ?? READY);
  test.faults?.(emulator);
  const google = emulatorRunEnv(emulator, {}, [standinsDir]);
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, test.inputs),
    env: standinRunEnv(terraform, { env: google }, githubApi.url),
    secrets: [GITHUB_TOKEN, google['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? ''],
    ...(test.cancel === undefined ? {} : { cancel: test.cancel(emulator), timeoutMs: 30_000 }),
  });
  cleanups.push(result.cleanup);
  const commands = terraformCalls(terraform.log).map(
    (call) => call.argv.find((arg) => !arg.startsWith('-')) ?? '',
  );
  const prefix = `/v1/projects/${PROJECT}/secrets/`;
  return {
    result,
    commands,
    emulator,
    path: google['PATH'] ?? '',
    /** Secret Manager requests as `GET <path after secrets/>`, in arrival order. */
    asked: requestsTo(emulator, SECRETS_PATH).map(
      (request) => `${request.method} ${request.path.slice(prefix.length)}`,
    ),
    /** The `::error::` lines, decoded as the runner shows them. */
    errors: result.log.split('\n').filter((line) => line.startsWith('::error::')),
  };
}

describe('deploy bundle: the secret preflight through Secret Manager v1, with no gcloud', () => {
  it('checks every secret with the Workload Identity token, puts the resolved versions in the summary, and applies', async () => {
    const { result, commands, emulator, path, asked } = await deploy({
      secrets: {
        // latest is version 3 (2 was destroyed): the summary says which one Cloud Run will read.
        'database-url-dev': versions('ENABLED', 'DESTROYED', 'ENABLED'),
        'clerk-secret-key-dev': versions('DISABLED', 'ENABLED'),
        'admin-api-key-dev': versions('ENABLED', 'DISABLED'),
      },
      secretEnv: {
        DATABASE_URL: { secret: 'database-url-dev', version: 'latest' },
        CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
        // Pinned to the enabled one under a disabled newer version: fine.
        ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: '1' },
      },
    });
    expect(result.code, result.log).toBe(0);
    // The premise: nothing on the run's PATH is gcloud.
    expect(path.split(delimiter).filter((dir) => existsSync(join(dir, 'gcloud')))).toEqual([]);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    expect(result.summary).toContain('| database-url-dev | latest | ✅ enabled (3) |');
    expect(result.summary).toContain('| clerk-secret-key-dev | latest | ✅ enabled (2) |');
    expect(result.summary).toContain('| admin-api-key-dev | 1 | ✅ enabled (1) |');
    expect(result.log).toContain('database-url-dev:latest ok (version 3)');
    expect(asked.sort()).toEqual([
      'GET admin-api-key-dev/versions/1',
      'GET clerk-secret-key-dev/versions/latest',
      'GET database-url-dev/versions/latest',
    ]);
    // One token for the run, from the credentials file: GitHub's OIDC token, STS, then the
    // service account's token; every Secret Manager request carried it.
    expect(emulator.tokensIssued).toEqual({ oidc: 1, sts: 1, iam: 1, direct: 0 });
    expect(requestsTo(emulator, SECRETS_PATH).every((request) => request.authorization)).toBe(true);
  });

  it.each<{
    case: string;
    secrets: Record<string, SecretVersions>;
    secretEnv?: Record<string, SecretRef>;
    secret: string;
    message: string;
  }>([
    {
      case: 'a secret that does not exist',
      secrets: { 'database-url-dev': versions('ENABLED'), 'admin-api-key-dev': versions('ENABLED') },
      secret: 'clerk-secret-key-dev',
      message:
        'secret clerk-secret-key-dev does not exist in project acme-dev. The platform stack creates the secrets and must be applied before the service stack. Then store one with: printf \'%s\' "$VALUE" | gcloud secrets versions add clerk-secret-key-dev --project=acme-dev --data-file=-',
    },
    {
      case: 'a secret without any version',
      secrets: { ...READY, 'clerk-secret-key-dev': versions() },
      secret: 'clerk-secret-key-dev',
      message:
        'secret clerk-secret-key-dev has no version in project acme-dev. The platform stack creates the secrets and must be applied before the service stack. Then store one with: printf \'%s\' "$VALUE" | gcloud secrets versions add clerk-secret-key-dev --project=acme-dev --data-file=-',
    },
    {
      case: 'a secret whose only version is disabled',
      secrets: { ...READY, 'admin-api-key-dev': versions('DISABLED') },
      secret: 'admin-api-key-dev',
      message:
        'secret admin-api-key-dev has no enabled version (the newest, 1, is DISABLED); store one with: printf \'%s\' "$VALUE" | gcloud secrets versions add admin-api-key-dev --project=acme-dev --data-file=-. The platform stack creates the secrets and must be applied before the service stack.',
    },
    {
      case: 'a secret whose latest is disabled over an older enabled version',
      secrets: { ...READY, 'database-url-dev': versions('ENABLED', 'DESTROYED', 'DISABLED') },
      secret: 'database-url-dev',
      message:
        'secret database-url-dev at latest is version 3, which is DISABLED: enable it (gcloud secrets versions enable 3 --secret=database-url-dev --project=acme-dev), add a new version, or pin version 1',
    },
    {
      case: 'a pinned version that is disabled',
      secrets: { ...READY, 'database-url-dev': versions('DISABLED', 'ENABLED') },
      secretEnv: {
        DATABASE_URL: { secret: 'database-url-dev', version: '1' },
        CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
        ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
      },
      secret: 'database-url-dev',
      message:
        'secret database-url-dev version 1 is DISABLED, not ENABLED; enable it (gcloud secrets versions enable 1 --secret=database-url-dev --project=acme-dev) or pin another version',
    },
  ])('$case: fails before apply, naming the secret and what to do', async (test) => {
    const { result, commands, errors } = await deploy({
      secrets: test.secrets,
      ...(test.secretEnv === undefined ? {} : { secretEnv: test.secretEnv }),
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(errors).toEqual([
      `::error::deploy: ${test.message}`,
      `::error::deploy: 1 secret not ready: ${test.secret}; nothing was applied`,
    ]);
    expect(result.log).toContain(`${test.secret}:`);
    expect(result.summary).toMatch(
      new RegExp(`^\\| ${test.secret} \\| [^|]+ \\| ❌ secret ${test.secret} `, 'm'),
    );
    expect(result.summary).toContain(`1 secret not ready: ${test.secret}; nothing was applied`);
    expect(result.outputs).toEqual({});
  });

  it('waits out a 429 for its Retry-After, then checks the secret and applies', async () => {
    let quota: ReturnType<GoogleEmulator['fault']> | undefined;
    const { result, commands, emulator, asked } = await deploy({
      faults: (emulator) => {
        quota = emulator.fault({
          method: 'GET',
          path: /\/secrets\/database-url-dev\/versions\/latest$/,
          times: 1,
          status: 429,
          headers: { 'retry-after': '2' },
        });
      },
    });
    expect(result.code, result.log).toBe(0);
    expect(quota?.hits).toBe(1);
    expect(commands).toContain('apply');
    expect(asked.filter((request) => request === 'GET database-url-dev/versions/latest')).toHaveLength(2);
    const [refused, retried] = requestsTo(emulator, /\/secrets\/database-url-dev\/versions\/latest$/);
    // Retry-After: 2 (seconds), not the backoff's first, shorter wait.
    expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_950);
    expect(result.log).toMatch(/429.*; trying again in 2s/);
    expect(result.summary).toContain('| database-url-dev | latest | ✅ enabled (1) |');
  });

  it('a 403 names the permission and the role to grant, and applies nothing', async () => {
    const { result, commands, errors, asked } = await deploy({
      faults: (emulator) => {
        emulator.fault({
          path: /\/secrets\/clerk-secret-key-dev\//,
          status: 403,
          permission: 'secretmanager.versions.get',
        });
      },
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    // Not retried: a missing permission does not come back by waiting.
    expect(asked.filter((request) => request.startsWith('GET clerk-secret-key-dev'))).toEqual([
      'GET clerk-secret-key-dev/versions/latest',
    ]);
    const problem = errors.find((line) => line.includes('could not check secret clerk-secret-key-dev')) ?? '';
    expect(problem).toContain('403 PERMISSION_DENIED');
    expect(problem).toContain(
      'the deployer lacks secretmanager.versions.get: grant it roles/secretmanager.viewer',
    );
    expect(errors).toContain(
      '::error::deploy: 1 secret not ready: clerk-secret-key-dev; nothing was applied',
    );
  });

  it('asks for 8 secrets at once, not one after another', async () => {
    const names = ['DATABASE_URL', 'CLERK_SECRET_KEY', 'ADMIN_API_KEY', 'STRIPE_KEY'].flatMap((name) => [
      name,
      `${name}_OLD`,
    ]);
    const ids = names.map((name) => `${name.toLowerCase().replace(/_/g, '-')}-dev`);
    const delayMs = 1_000;
    const { result, commands, emulator, asked } = await deploy({
      secrets: Object.fromEntries(ids.map((id) => [id, versions('ENABLED')])),
      secretEnv: Object.fromEntries(
        names.map((name, i) => [name, { secret: ids[i] ?? '', version: 'latest' }]),
      ),
      // Without a contract: the contract knows only the reference service's three secrets.
      inputs: { contract: '' },
      // Each answer takes a second: one after another, the last would arrive 7 s after the first.
      faults: (emulator) => void emulator.fault({ path: SECRETS_PATH, delayMs }),
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(asked.sort()).toEqual(ids.map((id) => `GET ${id}/versions/latest`).sort());
    const arrivals = requestsTo(emulator, SECRETS_PATH).map((request) => request.at);
    // All 8 were in flight together: the last arrived before the first could be answered.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(delayMs);
    expect(result.log).toContain('::group::Secret preflight: 8 secrets');
    for (const id of ids) expect(result.summary).toContain(`| ${id} | latest | ✅ enabled (1) |`);
  });

  it('the access token appears in no log line, output or summary', async () => {
    const { result, emulator } = await deploy({
      // A failure that quotes Google's answer: a message is where a token would slip out.
      faults: (emulator) => {
        emulator.fault({ path: /\/secrets\/admin-api-key-dev\//, status: 403 });
      },
    });
    expect(result.code).toBe(1);
    expect(emulator.tokensIssued.iam).toBe(1);
    // The token the run got was registered with the runner (masked)…
    const masked = workflowCommands(result.rawLog)
      .filter((line) => line.startsWith('::add-mask::ya29.'))
      .map((line) => line.slice('::add-mask::'.length));
    expect(masked).toEqual([expect.stringMatching(/^ya29\.c\.iam-[A-Za-z0-9_-]{20,}$/)]);
    const token = masked[0] ?? '';
    // …and is nowhere else: not in the log, the outputs or the summary; no token of any kind is.
    const log = result.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const text of [log, JSON.stringify(result.outputs), result.summary]) {
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/ya29\.|Bearer /);
    }
    expect(result.summary).toContain('could not check secret admin-api-key-dev');
  });

  it('a cancel during a slow preflight ends the run at once, with nothing applied', async () => {
    const { result, commands, asked } = await deploy({
      // Secret Manager answers only after 20 s.
      faults: (emulator) => void emulator.fault({ path: SECRETS_PATH, delayMs: 20_000 }),
      cancel: (emulator) => ({
        when: () => requestsTo(emulator, SECRETS_PATH).length === 3,
        signal: 'SIGINT',
      }),
    });
    expect(result.code).toBe(1);
    expect(asked).toHaveLength(3);
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(result.log).toContain('deploy: cancelled (SIGINT)');
    expect(result.summary).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(result.summary).toContain('| Cancelled | SIGINT during "Secret preflight: 3 secrets" |');
    expect(result.outputs).toEqual({});
    // Far from the 20 s the answers would have taken.
    expect(result.durationMs).toBeLessThan(10_000);
  });
});

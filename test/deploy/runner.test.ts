// actions/deploy as the runner runs it: the bundle started as a process, the terraform stand-in
// first on PATH (answering from scenario files and recording every call), Google the local
// emulator (testkit/google-emulator.mjs) reached over its REST APIs, with no gcloud on PATH.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAction, workflowCommands } from '../../testkit/local-runner.mjs';
import {
  platformPlan,
  referenceBypass,
  serviceOutputs,
  servicePlan,
  stackDirs,
  standinRunEnv,
  standinsDir,
  terraformCalls,
  terraformSignals,
  useDeployGitHubApi,
  writeTerraformScenario,
  type Environment,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import {
  emulatorRunEnv,
  putSecrets,
  requestsTo,
  startEmulator,
  type GoogleEmulator,
  type SecretVersions,
} from '../../testkit/google.js';

const IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
const CONTRACT = join(repoRoot, 'test', 'fixtures', 'contracts', 'runtime-contract.yml');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The stale-commit guard asks GitHub before every apply over a labelled service: a local compare
// API where this run's commit is one newer than the one the fixtures' live service carries.
// (test/deploy/stale-runner.test.ts tests the guard itself.)
const GITHUB_TOKEN = 'ghs_RunnerTestToken4f1c9b2e7d0a5c8b3e6f';
const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

/** A private copy of a fixture stack, so that a test can add *.auto.tfvars or var files. */
function stackCopy(stack: 'service' | 'platform'): string {
  const dir = mkdtempSync(join(tmpdir(), `stack-${stack}-`));
  cpSync(stackDirs[stack], dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The secrets of the reference service, each at version 2 (ENABLED) over a DISABLED version 1. */
function enabledSecrets(
  environment: Environment,
  names: string[] = ['database-url', 'clerk-secret-key', 'admin-api-key'],
): Record<string, SecretVersions> {
  return Object.fromEntries(
    names.map((name) => [
      `${name}-${environment}`,
      {
        project: `acme-${environment}`,
        versions: [
          { version: 1, state: 'DISABLED' as const },
          { version: 2, state: 'ENABLED' as const },
        ],
      },
    ]),
  );
}

/** An emulator of the environment's project holding `secrets` (default: enabledSecrets). */
async function googleWith(
  environment: Environment,
  secrets: Record<string, SecretVersions> = enabledSecrets(environment),
): Promise<GoogleEmulator> {
  const emulator = await startEmulator(cleanups, { project: `acme-${environment}` });
  putSecrets(emulator, secrets);
  return emulator;
}

/** What the run asked Secret Manager about the project's secrets: `GET <path after secrets/>`. */
function secretRequests(emulator: GoogleEmulator, project: string): string[] {
  const prefix = `/v1/projects/${project}/secrets/`;
  return requestsTo(emulator, new RegExp(`^${prefix}`)).map(
    (request) => `${request.method} ${request.path.slice(prefix.length)}`,
  );
}

interface DeployCase {
  environment?: Environment;
  terraform: TerraformScenario;
  /** The secrets in Secret Manager (default: enabledSecrets). */
  google?: Record<string, SecretVersions>;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  stack?: string;
  secrets?: string[];
  /** Cancels the step as the runner does; given the stand-in's call log to decide when. */
  cancel?: (terraformLog: string) => NonNullable<Parameters<typeof runAction>[0]['cancel']>;
}

async function deploy(test: DeployCase) {
  const environment = test.environment ?? 'dev';
  const terraform = writeTerraformScenario(test.terraform);
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await googleWith(environment, test.google);
  const result = await runAction({
    stage: 'deploy',
    inputs: {
      'working-directory': test.stack ?? stackDirs.service,
      environment,
      image: IMAGE,
      contract: CONTRACT,
      project: `acme-${environment}`,
      'github-token': GITHUB_TOKEN,
      ...test.inputs,
    },
    env: {
      ...standinRunEnv(terraform, { env: emulatorRunEnv(emulator, {}, [standinsDir]) }, githubApi.url),
      ...test.env,
    },
    secrets: [GITHUB_TOKEN, ...(test.secrets ?? [])],
    ...(test.cancel ? { cancel: test.cancel(terraform.log), timeoutMs: 30_000 } : {}),
  });
  cleanups.push(result.cleanup);
  const calls = terraformCalls(terraform.log);
  return {
    result,
    calls,
    /** The stand-in's call log as written: every argv and TF_VAR_ it saw. */
    rawCalls: existsSync(terraform.log) ? readFileSync(terraform.log, 'utf8') : '',
    commands: calls.map((call) => call.argv.find((arg) => !arg.startsWith('-')) ?? ''),
    /** Every request the run made of Google (the token exchange included), in order. */
    google: emulator.requests.map((request) => `${request.method} ${request.path}`),
    /** What it asked Secret Manager about the environment's project. */
    secretRequests: secretRequests(emulator, `acme-${environment}`),
    signals: terraformSignals(terraform.log),
  };
}

const serviceScenario = (
  environment: Environment = 'dev',
  extra: Partial<NonNullable<TerraformScenario['plan']>> = {},
  options: Parameters<typeof servicePlan>[0] = {},
): TerraformScenario => ({
  plan: {
    document: servicePlan({ environment, ...options }),
    requiredVariables: ['image'],
    bypass: referenceBypass(environment),
    ...extra,
  },
  output: serviceOutputs(),
});

describe('deploy bundle: the happy paths', () => {
  it('applies the saved plan of a clean dev service deploy, with the exact Terraform calls and Secret Manager requests', async () => {
    const scenario = serviceScenario('dev');
    const sensitive = 'sensitive-output-value-71c2';
    scenario.output = {
      ...scenario.output,
      db_password: { value: sensitive, type: 'string', sensitive: true },
    };
    const { result, calls, commands, secretRequests } = await deploy({
      terraform: scenario,
      secrets: [sensitive],
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    const planFile = calls[1]?.argv.find((arg) => arg.startsWith('-out='))?.slice('-out='.length) ?? '';
    expect(planFile).toMatch(/deploy-plan-[^/]+\/tfplan$/);
    expect(calls.map((call) => call.argv)).toEqual([
      ['init', '-input=false', '-no-color'],
      [
        'plan',
        '-input=false',
        '-no-color',
        '-detailed-exitcode',
        '-lock-timeout=300s',
        `-out=${planFile}`,
        '-var',
        'allow_dev_auth_bypass=false',
        '-var',
        `image=${IMAGE}`,
      ],
      ['show', '-json', '-no-color', planFile],
      ['apply', '-input=false', '-no-color', '-json', '-lock-timeout=300s', planFile],
      ['output', '-json', '-no-color'],
    ]);
    expect(calls.every((call) => call.cwd === stackDirs.service)).toBe(true);
    // One GET of each secret's latest version, which is what Cloud Run resolves: nothing else.
    expect(secretRequests.sort()).toEqual([
      'GET admin-api-key-dev/versions/latest',
      'GET clerk-secret-key-dev/versions/latest',
      'GET database-url-dev/versions/latest',
    ]);
    expect(result.outputs).toMatchObject({
      'has-changes': 'true',
      url: 'https://api-q7h2kq3zaa-ew.a.run.app',
      revision: 'api-00042-xyz',
    });
    // Only the non-sensitive outputs; the sensitive one appears nowhere (the leak check).
    expect(JSON.parse(result.outputs['outputs'] ?? '')).toEqual({
      url: 'https://api-q7h2kq3zaa-ew.a.run.app',
      revision: 'api-00042-xyz',
    });
    expect(result.summary).toContain(
      '### ✅ deploy: applied (0 to add, 1 to change, 0 to replace, 0 to destroy)',
    );
    expect(result.summary).toContain('| DATABASE_URL | secret database-url-dev:latest |');
    expect(result.summary).toContain('| ENV | plain |');
    expect(result.summary).toContain('| database-url-dev | latest | ✅ enabled (2) |');
  });

  it('applies a clean prod deploy with prod secrets', async () => {
    const { result, commands } = await deploy({ environment: 'prod', terraform: serviceScenario('prod') });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    expect(result.summary).toContain('| Environment | prod (production) |');
  });

  it('applies the dev bypass when the flag is true: the stack injects both dev-only variables', async () => {
    const { result, calls } = await deploy({
      terraform: serviceScenario('dev'),
      google: { ...enabledSecrets('dev'), ...enabledSecrets('dev', ['dev-bypass-secret']) },
      inputs: { 'allow-dev-auth-bypass': 'TRUE' },
    });
    expect(result.code, result.log).toBe(0);
    expect(calls[1]?.argv).toContain('allow_dev_auth_bypass=true');
    expect(result.summary).toContain('| ALLOW_DEV_AUTH_BYPASS | plain |');
    expect(result.summary).toContain('| DEV_BYPASS_SECRET | secret dev-bypass-secret-dev:latest |');
  });

  it('does not apply a plan without changes, and still reads the outputs', async () => {
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev', {}, { action: 'no-op', image: IMAGE }),
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'output']);
    expect(result.outputs['has-changes']).toBe('false');
    expect(result.summary).toContain('### ✅ deploy: no changes');
  });

  it('plans the platform stack (no image variable) and applies it', async () => {
    const { result, calls } = await deploy({
      stack: stackDirs.platform,
      terraform: { plan: { document: platformPlan({ action: 'create' }) }, output: {} },
      inputs: { image: '' },
    });
    expect(result.code, result.log).toBe(0);
    expect(calls[1]?.argv.filter((arg) => arg.startsWith('image='))).toEqual([]);
  });

  it('plan-only plans and checks without applying', async () => {
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { 'plan-only': 'true' },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(result.outputs['has-changes']).toBe('true');
  });
});

describe('deploy bundle: the dev auth bypass never reaches prod', () => {
  it.each([
    [
      'the input',
      { inputs: { 'allow-dev-auth-bypass': 'true' } },
      'input "allow-dev-auth-bypass" is "true" in a production environment',
    ],
    [
      'a vars line',
      { inputs: { vars: 'allow_dev_auth_bypass=true' } },
      'input "vars" sets allow_dev_auth_bypass to "true" in a production environment',
    ],
    [
      'TF_VAR_',
      { env: { TF_VAR_allow_dev_auth_bypass: 'true' } },
      'TF_VAR_allow_dev_auth_bypass is "true" in a production environment',
    ],
    [
      'a non-boolean input',
      { inputs: { 'allow-dev-auth-bypass': 'yes' } },
      'input "allow-dev-auth-bypass" is "yes" in a production environment',
    ],
  ])('fails before terraform init when %s sets it', async (_route, extra, message) => {
    const { result, calls } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod'),
      ...extra,
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::deploy: invalid configuration: ${message}`);
    expect(calls).toEqual([]);
  });

  it('fails before apply when a var file turns it on behind the input', async () => {
    const stack = stackCopy('service');
    writeFileSync(join(stack, 'prod.tfvars'), 'allow_dev_auth_bypass = true\n');
    const { result, commands } = await deploy({
      environment: 'prod',
      stack,
      terraform: serviceScenario('prod'),
      inputs: { 'var-files': 'prod.tfvars' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'the dev-only variable ALLOW_DEV_AUTH_BYPASS (a plain value) is planned for prod',
    );
    expect(result.log).toContain(
      'the dev-only variable DEV_BYPASS_SECRET (secret dev-bypass-secret-prod:latest) is planned for prod',
    );
    expect(result.log).toContain('the plan sets variable allow_dev_auth_bypass = true for prod');
    expect(commands).not.toContain('apply');
  });

  it('fails before apply when the stack injects the dev-only variables unconditionally', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario(
        'prod',
        {},
        { plainEnv: { ENV: 'prod', BASE_URL: 'https://api.example.com', ALLOW_DEV_AUTH_BYPASS: 'false' } },
      ),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'the dev-only variable ALLOW_DEV_AUTH_BYPASS (a plain value) is planned for prod',
    );
    expect(commands).not.toContain('apply');
  });
});

describe('deploy bundle: plans that break the contract stop before apply', () => {
  it('dev with the flag true but no bypass env in the plan', async () => {
    const scenario = serviceScenario('dev');
    delete scenario.plan?.bypass;
    const { result, commands } = await deploy({
      terraform: scenario,
      inputs: { 'allow-dev-auth-bypass': 'true' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'allow-dev-auth-bypass is true but the plan injects no ALLOW_DEV_AUTH_BYPASS',
    );
    expect(commands).not.toContain('apply');
  });

  it('dev with the flag false but the bypass env in the plan', async () => {
    const { result, commands } = await deploy({
      terraform: serviceScenario(
        'dev',
        {},
        { plainEnv: { ENV: 'dev', BASE_URL: 'x', ALLOW_DEV_AUTH_BYPASS: 'true' } },
      ),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('ALLOW_DEV_AUTH_BYPASS is planned although allow-dev-auth-bypass is false');
    expect(commands).not.toContain('apply');
  });

  it('a required secret given as a plain value, whose value never shows', async () => {
    const password = 'pl41n-S3cret/with+chars';
    // No 12-character piece of it is other text of the log (the image names europe-west1).
    const url = `postgresql+psycopg2://api:${password}@/api?host=/cloudsql/acme-dev:us-east4:plainleak`;
    const { result, commands } = await deploy({
      terraform: serviceScenario(
        'dev',
        {},
        {
          plainEnv: { ENV: 'dev', BASE_URL: 'x', DATABASE_URL: url },
          secretEnv: {
            CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
            ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
          },
        },
      ),
      secrets: [password, url],
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('DATABASE_URL is a secret but the plan sets it as a plain value');
    expect(commands).not.toContain('apply');
  });

  it('a -dev secret in a prod plan', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario(
        'prod',
        {},
        {
          secretEnv: {
            DATABASE_URL: { secret: 'database-url-dev', version: 'latest' },
            CLERK_SECRET_KEY: { secret: 'clerk-secret-key-prod', version: 'latest' },
            ADMIN_API_KEY: { secret: 'admin-api-key-prod', version: 'latest' },
          },
        },
      ),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'DATABASE_URL reads secret database-url-dev, but in prod it must be database-url-prod',
    );
    expect(commands).not.toContain('apply');
  });

  it('a secret without an enabled version: names it, the command to add one, and the platform stack first', async () => {
    const secrets = enabledSecrets('dev');
    secrets['clerk-secret-key-dev'] = { project: 'acme-dev', versions: [{ version: 1, state: 'DISABLED' }] };
    delete secrets['admin-api-key-dev'];
    const { result, commands, secretRequests } = await deploy({
      terraform: serviceScenario('dev'),
      google: secrets,
    });
    expect(result.code).toBe(1);
    // Latest of each; then, for the disabled one, an enabled version to suggest, and for the
    // missing one, whether the secret itself exists.
    expect(secretRequests.sort()).toEqual([
      'GET admin-api-key-dev',
      'GET admin-api-key-dev/versions/latest',
      'GET clerk-secret-key-dev/versions',
      'GET clerk-secret-key-dev/versions/latest',
      'GET database-url-dev/versions/latest',
    ]);
    expect(result.log).toContain(
      'secret clerk-secret-key-dev has no enabled version (the newest, 1, is DISABLED); store one with: printf \'%s\' "$VALUE" | gcloud secrets versions add clerk-secret-key-dev --project=acme-dev --data-file=-. The platform stack creates the secrets and must be applied before the service stack.',
    );
    expect(result.log).toContain(
      'secret admin-api-key-dev does not exist in project acme-dev. The platform stack creates the secrets and must be applied before the service stack.',
    );
    expect(result.log).toContain(
      '::error::deploy: 2 secrets not ready: admin-api-key-dev, clerk-secret-key-dev; nothing was applied',
    );
    expect(commands).not.toContain('apply');
  });

  it('a plan that replaces the service, unless allow-destroy', async () => {
    const refused = await deploy({ terraform: serviceScenario('dev', {}, { action: 'replace' }) });
    expect(refused.result.code).toBe(1);
    expect(refused.result.log).toContain(
      'google_cloud_run_v2_service.api would be replaced (destroyed, then created): refused unless input allow-destroy is true',
    );
    expect(refused.commands).not.toContain('apply');
    const allowed = await deploy({
      terraform: serviceScenario('dev', {}, { action: 'replace' }),
      inputs: { 'allow-destroy': 'true' },
    });
    expect(allowed.result.code, allowed.result.log).toBe(0);
    expect(allowed.commands).toContain('apply');
  });
});

describe('deploy bundle: Terraform failures', () => {
  it('a locked state names the lock id and how to release it', async () => {
    const lock = {
      id: '8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f',
      who: 'runner@fv-az123-456',
      operation: 'OperationTypeApply',
      created: '2026-11-28 10:00:00.000000000 +0000 UTC',
    };
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev', { lock }),
      inputs: { 'lock-timeout': '1s' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'terraform plan: the state is locked (lock ID 8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f, held by runner@fv-az123-456',
    );
    expect(result.log).toContain('terraform force-unlock 8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f');
    expect(commands).toEqual(['init', 'plan']);
  });

  it('a missing required variable is named with both ways to pass it', async () => {
    const scenario = serviceScenario('dev', { requiredVariables: ['image', 'region'] });
    const { result, commands } = await deploy({ terraform: scenario });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'variable region has no value: pass it in input vars (region=…) or set TF_VAR_region',
    );
    expect(commands).toEqual(['init', 'plan']);
  });

  it('a stale saved plan applies nothing and says to re-run', async () => {
    const { result } = await deploy({ terraform: { ...serviceScenario('dev'), apply: { stale: true } } });
    expect(result.code).toBe(1);
    expect(result.log).toContain('terraform apply: the saved plan is stale');
  });

  it('an init failure points at providers and backend', async () => {
    const { result, commands } = await deploy({
      terraform: {
        ...serviceScenario('dev'),
        init: { exitCode: 1, stderr: 'Error: Failed to query available provider packages' },
      },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('terraform init failed (providers or backend)');
    expect(commands).toEqual(['init']);
  });

  it('a cancelled apply forwards exactly one SIGINT to Terraform, even when SIGTERM follows', async () => {
    const terraform = { ...serviceScenario('dev'), apply: { delayMs: 20_000 } };
    const files = writeTerraformScenario(terraform);
    cleanups.push(() => rmSync(files.dir, { recursive: true, force: true }));
    const emulator = await googleWith('dev');
    const result = await runAction({
      stage: 'deploy',
      inputs: {
        'working-directory': stackDirs.service,
        environment: 'dev',
        image: IMAGE,
        contract: CONTRACT,
        project: 'acme-dev',
        'github-token': GITHUB_TOKEN,
      },
      env: standinRunEnv(files, { env: emulatorRunEnv(emulator, {}, [standinsDir]) }, githubApi.url),
      secrets: [GITHUB_TOKEN],
      cancel: {
        when: () => terraformCalls(files.log).some((call) => call.argv[0] === 'apply'),
        signal: 'SIGINT',
        secondSignalAfterMs: 100,
      },
      timeoutMs: 30_000,
    });
    cleanups.push(result.cleanup);
    expect(result.code).toBe(1);
    expect(terraformSignals(files.log).map((s) => s.signal)).toEqual(['SIGINT']);
    expect(result.log).toContain('Releasing state lock');
    expect(result.durationMs).toBeLessThan(15_000);
  });
});

describe('deploy bundle: bad inputs change nothing', () => {
  it.each([
    [
      { image: 'europe-west1-docker.pkg.dev/acme/services/api:sha-3f2a9c8' },
      'input "image" is "europe-west1-docker.pkg.dev/acme/services/api:sha-3f2a9c8": a tag is refused',
    ],
    [{ image: '' }, 'input "image" is required: the stack in'],
    [{ environment: 'staging' }, 'input "environment" is "staging": use one of dev, prod'],
    [{ 'allow-dev-auth-bypass': 'maybe' }, 'input "allow-dev-auth-bypass" is "maybe": use true or false'],
    [{ 'lock-timeout': 'soon' }, 'input "lock-timeout" is "soon": not a duration'],
    [{ vars: 'image=other' }, 'input "vars" sets image: pass the image in input "image"'],
    [
      { 'working-directory': 'no/such/stack' },
      'input "working-directory" is "no/such/stack", which is not a folder',
    ],
    [{ contract: 'missing-contract.yml' }, 'missing-contract.yml'],
    [{ 'working-directory': stackDirs.platform }, 'input "image" is set but the stack in'],
  ])('%j', async (inputs, message) => {
    const { result, calls, google } = await deploy({ terraform: serviceScenario('dev'), inputs });
    expect(result.code).toBe(1);
    expect(result.log).toContain(message);
    expect(calls).toEqual([]);
    // Google was asked nothing, not even for a token.
    expect(google).toEqual([]);
  });
});

describe('deploy bundle: the summary on invalid input and on cancellation', () => {
  it.each([
    [
      'environment missing',
      'dev' as const,
      { environment: '' },
      'input "environment" is required: dev, prod, or an environment the contract declares',
    ],
    [
      'a prod run with allow-dev-auth-bypass true',
      'prod' as const,
      { 'allow-dev-auth-bypass': 'true' },
      'input "allow-dev-auth-bypass" is "true" in a production environment: the dev auth bypass never reaches production; set it to false or remove it',
    ],
  ])(
    '%s: one "invalid input" section with the reason, and nothing run',
    async (_case, environment, inputs, reason) => {
      const { result, calls, google } = await deploy({
        environment,
        terraform: serviceScenario(environment),
        inputs,
      });
      expect(result.code).toBe(1);
      expect(result.log).toContain(`::error::deploy: invalid configuration: ${reason}`);
      expect(result.summary).toMatch(/^### ❌ deploy: invalid input\n/);
      expect(result.summary).toContain(`> ${reason}`);
      expect(result.summary).toMatch(/\| Time \| [^|]+ \|/);
      expect(result.summary.match(/^### /gm)).toHaveLength(1);
      // The inputs were refused before anything was described or run.
      expect(result.summary).not.toContain('| Environment |');
      expect(calls).toEqual([]);
      expect(google).toEqual([]);
      expect(result.outputs).toEqual({});
      expect(readdirSync(result.runnerTemp).filter((name) => name.startsWith('deploy-plan-'))).toEqual([]);
    },
  );

  it('a run cancelled during apply writes the cancelled summary and removes the plan folder', async () => {
    const { result, calls, signals } = await deploy({
      terraform: { ...serviceScenario('dev'), apply: { delayMs: 20_000 } },
      cancel: (log) => ({
        when: () => terraformCalls(log).some((call) => call.argv[0] === 'apply'),
        signal: 'SIGINT',
      }),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('deploy: cancelled (SIGINT)');
    expect(signals.map((s) => s.signal)).toEqual(['SIGINT']);
    expect(result.summary).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(result.summary).toContain('| Cancelled | SIGINT during "terraform apply (the saved plan)" |');
    // What the run found before it was stopped is there too.
    expect(result.summary).toContain('| Environment | dev |');
    expect(result.summary).toContain('| Changes | 0 to add, 1 to change, 0 to replace, 0 to destroy |');
    expect(result.summary).toContain('| database-url-dev | latest | ✅ enabled (2) |');
    expect(result.summary).toMatch(/\| Time \| [^|]+ \|/);
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    expect(result.outputs).toEqual({});
    // The saved plan (it holds secret values) was under RUNNER_TEMP, and is gone with its folder.
    const planFile = calls[1]?.argv.find((arg) => arg.startsWith('-out='))?.slice('-out='.length) ?? '';
    expect(planFile.startsWith(join(result.runnerTemp, 'deploy-plan-'))).toBe(true);
    expect(existsSync(dirname(planFile))).toBe(false);
    expect(readdirSync(result.runnerTemp).filter((name) => name.startsWith('deploy-plan-'))).toEqual([]);
    expect(result.durationMs).toBeLessThan(15_000);
  });
});

/** A secret-looking value of a variable: it must reach Terraform only through the private file. */
const SECRET_VALUE = 'sk_live_51Hc9aZ3kQ7wLmN4pR8tV2xY6';

/** A copy of the service stack that declares more variables. */
function serviceStackWith(extraTf: string): string {
  const dir = stackCopy('service');
  writeFileSync(join(dir, 'extra.tf'), extraTf);
  return dir;
}
const EXTRA_VARIABLES = [
  'variable "api_key" {',
  '  type = string',
  '}',
  'variable "labels" {',
  '  type    = map(string)',
  '  default = {}',
  '}',
  '',
].join('\n');

/** The path of the vars file in the plan's argv, checked to be in the private folder. */
function varsFileOf(argv: readonly string[] | undefined, runnerTemp: string): string {
  const files = (argv ?? []).filter((arg) => arg.startsWith('-var-file=')).map((arg) => arg.slice(10));
  const file = files.at(-1) ?? '';
  expect(file.startsWith(join(runnerTemp, 'deploy-plan-'))).toBe(true);
  expect(file.endsWith('/vars.tfvars.json')).toBe(true);
  return file;
}

describe('deploy bundle: vars reach Terraform in a private file, never on the command line', () => {
  it('a secret-looking value is in no argv, no log and no summary, and the plan gets it', async () => {
    const stack = serviceStackWith(EXTRA_VARIABLES);
    writeFileSync(join(stack, 'dev.tfvars'), 'region = "file-region"\n');
    const { result, calls, rawCalls } = await deploy({
      stack,
      // api_key has no default: the plan fails unless the file carries it.
      terraform: serviceScenario('dev', { requiredVariables: ['image', 'api_key'] }),
      inputs: {
        vars: `api_key=${SECRET_VALUE}\nlabels={"team": "api"}\nregion=vars-region`,
        'var-files': 'dev.tfvars',
        'backend-config': `encryption_key=${SECRET_VALUE}-backend`,
      },
      secrets: [SECRET_VALUE, `${SECRET_VALUE}-backend`],
    });
    expect(result.code, result.log).toBe(0);
    const plan = calls[1]?.argv ?? [];
    const varsFile = varsFileOf(plan, result.runnerTemp);
    // Precedence, lowest first: the bypass flag, the var files, the vars, the image.
    expect(plan.slice(plan.indexOf('-var'))).toEqual([
      '-var',
      'allow_dev_auth_bypass=false',
      '-var-file=dev.tfvars',
      `-var-file=${varsFile}`,
      '-var',
      `image=${IMAGE}`,
    ]);
    expect(calls.filter((call) => call.argv[0] !== 'init').map((c) => c.argv.join(' '))).not.toContain(
      SECRET_VALUE,
    );
    expect(rawCalls).toContain('-var-file=');
    expect(rawCalls.replace(`encryption_key=${SECRET_VALUE}-backend`, '')).not.toContain(SECRET_VALUE);
    // apply takes the saved plan alone; the file and its folder are gone.
    expect(calls[3]?.argv.some((arg) => arg.startsWith('-var'))).toBe(false);
    expect(existsSync(varsFile)).toBe(false);
    expect(readdirSync(result.runnerTemp).filter((name) => name.startsWith('deploy-plan-'))).toEqual([]);
    // The debug dump names the vars and backend settings, never their values.
    const dump = result.log.split('\n').find((line) => line.startsWith('::debug::inputs: ')) ?? '';
    expect(dump).toContain('"api_key=…"');
    expect(dump).toContain('"encryption_key=…"');
    expect(dump).toContain('"githubToken":"(set)"');
  });

  it('a hung plan stopped at the deadline: its message, log and summary show no value', async () => {
    const stack = serviceStackWith(EXTRA_VARIABLES);
    const lock = {
      id: '8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f',
      who: 'runner@fv-az123-456',
      operation: 'OperationTypeApply',
      created: '2026-11-28 10:00:00.000000000 +0000 UTC',
    };
    const { result, calls, rawCalls, commands } = await deploy({
      stack,
      terraform: serviceScenario('dev', { lock }),
      inputs: { vars: `api_key=${SECRET_VALUE}`, timeout: '2s' },
      secrets: [SECRET_VALUE],
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan']);
    const error = result.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toMatch(/^::error::deploy: terraform plan .* did not finish within 2s and was stopped/);
    expect(error).toContain(`-var-file=${varsFileOf(calls[1]?.argv, result.runnerTemp)}`);
    expect(error).not.toContain(SECRET_VALUE);
    expect(result.summary).toContain('did not finish within 2s');
    expect(result.summary).not.toContain(SECRET_VALUE);
    expect(rawCalls).not.toContain(SECRET_VALUE);
    expect(readdirSync(result.runnerTemp).filter((name) => name.startsWith('deploy-plan-'))).toEqual([]);
  });

  it.each([
    [
      'a name the stack does not declare',
      'regoin=europe-west1',
      'input "vars" sets "regoin", which the stack in',
    ],
    [
      'a structured variable in HCL, not JSON',
      'labels={"team"="api"}',
      'input "vars" sets labels, which the stack declares with the structured type map: give its value as JSON on one line',
    ],
  ])('%s is refused before terraform init', async (_case, vars, message) => {
    const { result, calls } = await deploy({
      stack: serviceStackWith(EXTRA_VARIABLES),
      terraform: serviceScenario('dev'),
      inputs: { vars },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::deploy: invalid configuration: ${message}`);
    expect(calls).toEqual([]);
  });
});

/** The classes of hostile values of the common rules, built around a valid value. */
function hostile(valid: string): string[] {
  return [
    `${valid}\n::error file=x::forged`,
    `${valid}\n::add-mask::main`,
    '--project=attacker-proj',
    '-h',
    `::${valid}`,
    `${valid}'; rm -rf /`,
  ];
}

describe('deploy bundle: hostile names reach no process and forge nothing', () => {
  const cyrillicA = '\u0430';
  it.each([
    ...[...hostile('acme-dev'), 'a'.repeat(64), `${cyrillicA}cme-dev`, 'Acme-Dev'].map(
      (value) => ['project', value] as const,
    ),
    ...[...hostile('dev'), 'd'.repeat(64), `d\u0435v`, 'DEV'].map((value) => ['environment', value] as const),
    ...[
      ...hostile(IMAGE),
      IMAGE.replace('/acme-dev/', `/${'a'.repeat(300)}/`),
      IMAGE.replace('acme', `${cyrillicA}cme`),
      IMAGE.replace('europe', 'Europe'),
    ].map((value) => ['image', value] as const),
    ...[...hostile('image'), `${cyrillicA}pi`].map((value) => ['image-variable', value] as const),
    ...[...hostile('allow_dev_auth_bypass'), `${cyrillicA}llow`].map(
      (value) => ['bypass-variable', value] as const,
    ),
    // Upper case and length are no fault of a Terraform name: those are refused as undeclared.
    // A value is free text (it goes only into the private file): the names are what is checked.
    ...[
      ...hostile('region=x').filter((value) => !value.endsWith("'; rm -rf /")),
      '-h=1',
      `${cyrillicA}pi=1`,
      'API=1',
      `${'v'.repeat(64)}=1`,
      "api'; rm -rf /=1",
    ].map((value) => ['vars', value] as const),
    ['image-variable', 'IMAGE'] as const,
    ['image-variable', 'i'.repeat(64)] as const,
  ])('%s: %j', async (input, value) => {
    const { result, calls, google } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { [input]: value },
    });
    expect(result.code).toBe(1);
    const commands = workflowCommands(result.rawLog).filter((c) => !c.startsWith('::add-mask::'));
    // The stage's one annotation, and it names the input.
    expect(commands).toEqual([expect.stringMatching(/^::error::deploy: invalid configuration: /)]);
    expect(commands[0]).toContain(`"${input}"`);
    expect(workflowCommands(result.rawLog)).not.toContain('::add-mask::main');
    expect(result.summary.split('\n').filter((line) => line.startsWith('::'))).toEqual([]);
    expect(result.outputs).toEqual({});
    expect(calls).toEqual([]);
    expect(google).toEqual([]);
  });
});

describe('deploy bundle: Terraform outputs are checked before any is set', () => {
  it.each([
    ['revision', 'api-00001\n::error file=x::forged', 'it holds a line break or another control character'],
    ['revision', 'API-00001', 'it is not a Cloud Run revision name'],
    ['url', 'javascript:alert(1)', 'it is not an http(s) URL without credentials'],
    [
      'url',
      'https://api.example.com\n::add-mask::main',
      'it holds a line break or another control character',
    ],
  ])('output %s = %j fails the stage, names the output and forges nothing', async (name, value, problem) => {
    const scenario = serviceScenario('dev');
    scenario.output = { ...scenario.output, [name]: { value, type: 'string', sensitive: false } };
    const { result, commands } = await deploy({ terraform: scenario });
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    // Groups and debug lines aside: the stage's one annotation, and no mask of a forged value.
    const annotations = workflowCommands(result.rawLog).filter((c) => /^::(error|warning|notice)/.test(c));
    expect(annotations).toEqual([
      `::error::deploy: output "${name}" was not set: ${problem}. The value came from a tool or a service, not from an input; check what it printed above`,
    ]);
    expect(workflowCommands(result.rawLog)).not.toContain('::add-mask::main');
    // No output at all: neither the bad one, nor the JSON that holds it, nor the others.
    expect(result.outputs).toEqual({});
    expect(result.summary).not.toContain('forged');
    expect(result.summary).not.toContain('javascript:');
  });
});

describe('deploy bundle: what the plan names is re-logged escaped and never reaches a Google request', () => {
  it.each([
    'database-url-dev\n::error file=x::forged',
    '--impersonate-service-account=attacker@evil.iam.gserviceaccount.com',
    '::add-mask::main',
  ])('a planned secret id %j', async (secret) => {
    const { result, google, secretRequests, commands } = await deploy({
      terraform: serviceScenario(
        'dev',
        {},
        {
          secretEnv: {
            DATABASE_URL: { secret, version: 'latest' },
            CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
            ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
          },
        },
      ),
      // Without a contract only the production guard checks the plan: the preflight sees the id.
      inputs: { contract: '' },
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    expect(result.log).toContain('which is not a Secret Manager secret id');
    // The two valid ids were checked; the other never became part of a request path.
    expect(secretRequests.sort()).toEqual([
      'GET admin-api-key-dev/versions/latest',
      'GET clerk-secret-key-dev/versions/latest',
    ]);
    expect(google.filter((request) => /attacker|forged|add-mask|database-url/.test(request))).toEqual([]);
    // Every annotation is the stage's own; no mask of a piece of a name.
    const annotations = workflowCommands(result.rawLog).filter((c) => /^::(error|warning|notice)/.test(c));
    expect(annotations.filter((c) => !/^::(error|warning)::deploy: /.test(c))).toEqual([]);
    expect(workflowCommands(result.rawLog)).not.toContain('::add-mask::main');
    expect(workflowCommands(result.rawLog).some((c) => c.startsWith('::error file=x'))).toBe(false);
  });
});

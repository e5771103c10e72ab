// Input `report-file` and `image: running` as the runner runs them: the deploy bundle started as
// a process against the Terraform stand-in (its call log shows each argv) and the local Google
// emulator (Cloud Run Admin API v2, Secret Manager). A plan-only run plans without the state lock,
// with the digest the service runs now, and writes the report JSON that actions/report reads, on
// every outcome: changes, a first deploy (skipped), a plan that fails, a contract failure.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployReport } from '../../src/deploy/report.js';
import { runAction, type RunOptions } from '../../testkit/local-runner.mjs';
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
  type ServicePlanOptions,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { emulatorRunEnv, putSecrets, startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const GITHUB_TOKEN = 'ghs_RunnerReportToken8e2b6d4a1c9f3e7b5d0a';
const PROJECT = 'acme-dev';
const REGION = 'europe-west1';
const RUNNING = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'7b'.repeat(32)}`;
const REPORT = 'reports/plan-dev-service.json';
const PLAN_RUNNING = {
  'plan-only': 'true',
  image: 'running',
  service: 'api',
  region: REGION,
  'report-file': REPORT,
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

interface ReportCase {
  inputs?: Record<string, string>;
  plan?: ServicePlanOptions;
  scenario?: Partial<NonNullable<TerraformScenario['plan']>>;
  /** The service before the run (none: a first deploy, 404). */
  service?: Parameters<GoogleEmulator['putService']>[0];
  /** The cancellation, given the Terraform stand-in's call log. */
  cancel?: (terraformLog: string) => NonNullable<RunOptions['cancel']>;
}

async function deploy(test: ReportCase) {
  const terraform = writeTerraformScenario({
    plan: {
      document: servicePlan({ environment: 'dev', ...test.plan }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
      ...test.scenario,
    },
    output: serviceOutputs(),
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: PROJECT, region: REGION });
  putSecrets(emulator, {
    'database-url-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'clerk-secret-key-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'admin-api-key-dev': {
      project: PROJECT,
      versions: [
        { version: 1, state: 'DISABLED' },
        { version: 2, state: 'ENABLED' },
      ],
    },
  });
  if (test.service !== undefined) emulator.putService(test.service);
  const google = emulatorRunEnv(emulator, {}, [standinsDir]);
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, test.inputs),
    env: standinRunEnv(terraform, { env: google }, githubApi.url),
    secrets: [GITHUB_TOKEN, google['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? ''],
    ...(test.cancel === undefined ? {} : { cancel: test.cancel(terraform.log), timeoutMs: 30_000 }),
  });
  cleanups.push(result.cleanup);
  const calls = terraformCalls(terraform.log);
  const path = join(result.workspace, REPORT);
  return {
    result,
    calls,
    commands: calls.map((call) => call.argv.find((arg) => !arg.startsWith('-')) ?? ''),
    plan: calls.find((call) => call.argv[0] === 'plan')?.argv ?? [],
    path,
    raw: (): string => readFileSync(path, 'utf8'),
    report: (): DeployReport => JSON.parse(readFileSync(path, 'utf8')) as DeployReport,
  };
}

const running = { name: 'api', image: RUNNING };

describe('deploy bundle: plan-only with image: running and report-file', () => {
  it('plans without the lock with the running digest and writes the report: counts, changes, findings, preflight, plan text', async () => {
    const { result, commands, plan, path, report } = await deploy({
      inputs: PLAN_RUNNING,
      // A plain variable the contract does not know: a warning finding.
      plan: { plainEnv: { ENV: 'dev', BASE_URL: 'https://api.example.com', FEATURE_FLAGS: 'beta' } },
      service: running,
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'show']);
    expect(plan).toContain('-lock=false');
    expect(plan.some((arg) => arg.startsWith('-lock-timeout'))).toBe(false);
    expect(plan).toContain(`image=${RUNNING}`);
    expect(result.outputs).toMatchObject({ report: path, 'has-changes': 'true' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = report();
    expect(written).toMatchObject({
      version: 1,
      environment: 'dev',
      tool: 'terraform',
      outcome: 'changes',
      counts: { add: 0, change: 1, destroy: 0, replace: 0 },
      runUrl: 'https://github.com/example-org/fastapi-service/actions/runs/1234567890',
      planTextCut: 0,
    });
    expect(written.stack).toMatch(/stacks\/service$/);
    expect(written.changes).toContainEqual({
      address: 'google_cloud_run_v2_service.api',
      actions: ['update'],
    });
    expect(written.findings).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('FEATURE_FLAGS') as string,
      }),
    );
    expect(written.preflight).toEqual([
      { secret: 'admin-api-key-dev', version: 'latest', ok: true, detail: 'enabled (2)' },
      { secret: 'clerk-secret-key-dev', version: 'latest', ok: true, detail: 'enabled (1)' },
      { secret: 'database-url-dev', version: 'latest', ok: true, detail: 'enabled (1)' },
    ]);
    expect(written.planText).toContain('Terraform will perform the following actions:');
    expect(written.planText).toContain('# google_cloud_run_v2_service.api will be updated in-place');
    expect(written.planText).toContain(RUNNING);
    expect(written.planText).not.toContain('Saved the plan to');
    expect(written).not.toHaveProperty('error');
    // The plan text is for the report only: not in the log.
    expect(result.log).not.toContain('Terraform will perform the following actions');
    expect(result.summary).toContain(`| Image | ${RUNNING} (running now) |`);
  });

  it('a first deploy (404): nothing planned, outcome skipped with its note, the run succeeds', async () => {
    const { result, commands, report } = await deploy({ inputs: PLAN_RUNNING });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual([]);
    expect(report()).toMatchObject({
      outcome: 'skipped',
      note: 'no revision runs yet: the service stack is planned by its first deploy',
      counts: { add: 0, change: 0, destroy: 0, replace: 0 },
      changes: [],
      planText: '',
    });
    expect(result.outputs).toMatchObject({ 'has-changes': 'false' });
  });

  it('a service running a tag, not a digest: the run fails, and the report says why', async () => {
    const { result, commands, report } = await deploy({
      inputs: PLAN_RUNNING,
      service: { name: 'api', image: 'europe-west1-docker.pkg.dev/acme-dev/services/api:latest' },
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(report()).toMatchObject({ outcome: 'failed' });
    expect(report().error).toContain('services/api:latest", which is not a digest reference');
  });

  it('a missing variable: outcome failed, the error names it and how to pass it; the report output is set', async () => {
    const { result, path, report } = await deploy({
      inputs: { 'plan-only': 'true', 'report-file': REPORT },
      scenario: { requiredVariables: ['image', 'shopify_shop'] },
    });
    expect(result.code).toBe(1);
    const written = report();
    expect(written.outcome).toBe('failed');
    expect(written.error).toContain('variable shopify_shop has no value');
    expect(written.error).toContain('input vars (shopify_shop=…)');
    expect(written.error).toContain('TF_VAR_shopify_shop');
    expect(written.error).toContain("the caller's input service-vars");
    expect(result.outputs['report']).toBe(path);
  });

  it('a contract failure: the report holds the findings and the error, and no registered secret', async () => {
    // DATABASE_URL as a plain value (a contract error) whose value is the run's registered token.
    const { result, raw, report } = await deploy({
      inputs: { 'plan-only': 'true', 'report-file': REPORT },
      plan: {
        plainEnv: { ENV: 'dev', BASE_URL: 'https://api.example.com', DATABASE_URL: GITHUB_TOKEN },
        // New in this plan, so that the plan text shows the value.
        previousPlainEnv: { ENV: 'dev', BASE_URL: 'https://api.example.com' },
        secretEnv: {
          CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
          ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
        },
      },
    });
    expect(result.code).toBe(1);
    const written = report();
    expect(written.outcome).toBe('failed');
    expect(written.error).toContain('rule');
    expect(written.findings.some((f) => f.level === 'error' && f.message.includes('DATABASE_URL'))).toBe(
      true,
    );
    // The plan text showed the value: redacted, as everywhere else in the file.
    expect(written.planText).toContain('***');
    expect(raw()).not.toContain(GITHUB_TOKEN);
    expect(raw()).not.toContain(GITHUB_TOKEN.slice(4));
  });

  it('a cancelled run (a deploy waiting for the state lock) writes the report as failed, cancelled', async () => {
    const { result, plan, report } = await deploy({
      inputs: { 'report-file': REPORT },
      scenario: {
        lock: {
          id: 'a1b2c3d4-0000-4000-8000-000000000001',
          who: 'runner@fv-az1',
          operation: 'OperationTypeApply',
          created: '2026-12-04 20:00:00.000000000 +0000 UTC',
          holdMs: 60_000,
        },
      },
      // Once Terraform plans (and waits for the lock).
      cancel: (log) => ({ when: () => terraformCalls(log).some((call) => call.argv[0] === 'plan') }),
    });
    expect(result.code).toBe(1);
    // A deploy (not plan-only) waits for the lock.
    expect(plan.some((arg) => arg.startsWith('-lock-timeout='))).toBe(true);
    expect(report()).toMatchObject({ outcome: 'failed' });
    expect(report().error).toMatch(/cancel|interrupted/);
  });

  it('without report-file no report is written and output report is empty', async () => {
    const { result, path } = await deploy({ inputs: { 'plan-only': 'true' } });
    expect(result.code, result.log).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(result.outputs['report'] ?? '').toBe('');
  });

  it.each([
    [
      { 'report-file': 'reports/plan.json\n::error::forged' },
      'input "report-file" is "reports/plan.json\\n::error::forged", which is not a file path',
    ],
    [{ 'report-file': 'reports/' }, 'input "report-file" is "reports/", which is not a file path'],
    [{ image: 'running\n::warning::forged' }, 'input "image"'],
    [{ image: '-running' }, 'input "image"'],
    [{ service: 'api\n::error::forged' }, 'input "service" is "api\\n::error::forged"'],
  ])('refuses %j before terraform, Google or a report, forging nothing', async (hostile, message) => {
    const { result, commands, path } = await deploy({
      service: running,
      inputs: { ...PLAN_RUNNING, ...hostile },
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(existsSync(path)).toBe(false);
    const errors = result.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(result.log.split('\n').some((line) => /^::(error|warning)::forged/.test(line))).toBe(false);
  });
});

// actions/deploy as the runner runs it with `tool: tofu`: the bundle started as a process, the
// Terraform stand-in answering as OpenTofu through test/standins/bin/tofu (its name, version
// and texts), recording every call with the tool that answered.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';
import {
  devDeployInputs,
  referenceBypass,
  serviceOutputs,
  servicePlan,
  standinRunEnv,
  standinsDir,
  useDeployGitHubApi,
  writeTerraformScenario,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { emulatorRunEnv, pathWithoutGcloud, putSecrets, startEmulator } from '../../testkit/google.js';

const GITHUB_TOKEN = 'ghs_RunnerTofuToken3c8e1a7d5b2f9c4e6a0d';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

/** One call as the stand-in logs it: which tool answered, with what arguments. */
interface Call {
  tool: string;
  argv: string[];
}

function calls(logFile: string): Call[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Partial<Call>)
    .filter((entry): entry is Call => Array.isArray(entry.argv));
}

const scenario = (extra: Partial<NonNullable<TerraformScenario['plan']>> = {}): TerraformScenario => ({
  plan: {
    document: servicePlan({ environment: 'dev' }),
    requiredVariables: ['image'],
    bypass: referenceBypass('dev'),
    ...extra,
  },
  output: serviceOutputs(),
});

/**
 * A folder with only the stand-ins named, for a PATH without the others (`tofu` is not
 * installed on this machine; the test checks that too).
 */
function onlyStandins(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'standins-'));
  for (const name of names) symlinkSync(join(standinsDir, name), join(dir, name));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function deploy(
  terraform: TerraformScenario,
  inputs: Record<string, string>,
  pathPrepend: string[] = [standinsDir],
) {
  const files = writeTerraformScenario(terraform);
  cleanups.push(() => rmSync(files.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: 'acme-dev' });
  putSecrets(
    emulator,
    Object.fromEntries(
      ['database-url', 'clerk-secret-key', 'admin-api-key'].map((name) => [
        `${name}-dev`,
        { project: 'acme-dev', versions: [{ version: 1, state: 'ENABLED' as const }] },
      ]),
    ),
  );
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, inputs),
    // The stand-in folders first on a PATH without gcloud (emulatorRunEnv's PATH wins over pathPrepend).
    env: standinRunEnv(files, { env: emulatorRunEnv(emulator, {}, pathPrepend) }, githubApi.url),
    secrets: [GITHUB_TOKEN],
  });
  cleanups.push(result.cleanup);
  return { result, calls: calls(files.log) };
}

const errorLine = (log: string): string => log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
const command = (call: Call): string => call.argv.find((arg) => !arg.startsWith('-')) ?? '';

describe('deploy bundle with tool: tofu (OpenTofu)', () => {
  it('plans and applies with tofu, never terraform, and names OpenTofu in the log and summary', async () => {
    const { result, calls: made } = await deploy(scenario(), { tool: 'tofu' });
    expect(result.code, result.log).toBe(0);
    expect(made.map(command)).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    expect(made.map((call) => call.tool)).toEqual(['tofu', 'tofu', 'tofu', 'tofu', 'tofu']);
    // The same arguments as for Terraform: the CLIs agree on every flag deploy uses.
    const planFile = made[1]?.argv.find((arg) => arg.startsWith('-out='))?.slice('-out='.length) ?? '';
    expect(made[1]?.argv.slice(0, 5)).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-lock-timeout=300s',
    ]);
    expect(made[2]?.argv).toEqual(['show', '-json', '-no-color', planFile]);
    expect(made[3]?.argv).toEqual([
      'apply',
      '-input=false',
      '-no-color',
      '-json',
      '-lock-timeout=300s',
      planFile,
    ]);
    expect(made[4]?.argv).toEqual(['output', '-json', '-no-color']);
    expect(result.outputs).toMatchObject({
      'has-changes': 'true',
      url: 'https://api-q7h2kq3zaa-ew.a.run.app',
      revision: 'api-00042-xyz',
    });
    expect(result.log).toContain('::group::tofu init');
    expect(result.log).toContain('OpenTofu has been successfully initialized!');
    expect(result.log).toContain('::group::tofu plan');
    expect(result.log).toContain('::group::tofu apply (the saved plan)');
    expect(result.log).not.toContain('::group::terraform');
    expect(result.summary).toContain('| Tool | OpenTofu (tofu) |');
    expect(result.summary).toContain(
      '### ✅ deploy: applied (0 to add, 1 to change, 0 to replace, 0 to destroy)',
    );
  });

  it('explains a held state lock in OpenTofu’s words with the tofu command that releases it', async () => {
    const lock = {
      id: '5e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2',
      who: 'runner@fv-az987-654',
      operation: 'OperationTypeApply',
      created: '2026-12-01 09:30:00.000000000 +0000 UTC',
    };
    const { result, calls: made } = await deploy(scenario({ lock }), { tool: 'tofu', 'lock-timeout': '1s' });
    expect(result.code).toBe(1);
    expect(made.map(command)).toEqual(['init', 'plan']);
    // The stand-in answered with OpenTofu's own lock text (tofu.test.ts reads it); deploy
    // explains it as it does Terraform's.
    const error = errorLine(result.log);
    expect(error).toContain(`tofu plan: the state is locked (lock ID ${lock.id}, held by ${lock.who}`);
    expect(error).toContain(`release the lock with: tofu force-unlock ${lock.id}`);
    expect(error).not.toContain('terraform');
  });

  it('names a variable without value in a tofu plan', async () => {
    const { result } = await deploy(scenario({ requiredVariables: ['image', 'region'] }), { tool: 'tofu' });
    expect(result.code).toBe(1);
    expect(errorLine(result.log)).toContain(
      'tofu plan: variable region has no value: pass it in input vars (region=…) or set TF_VAR_region',
    );
  });

  it('explains a stale saved plan at tofu apply', async () => {
    const { result, calls: made } = await deploy({ ...scenario(), apply: { stale: true } }, { tool: 'tofu' });
    expect(result.code).toBe(1);
    expect(made.map(command)).toEqual(['init', 'plan', 'show', 'apply']);
    expect(errorLine(result.log)).toContain('tofu apply: the saved plan is stale');
  });

  it('fails before any plan, naming input tool, when no tofu binary is on PATH', async () => {
    const bin = onlyStandins(['terraform']);
    // The premise: nothing on the run's PATH answers as tofu.
    const path = pathWithoutGcloud([bin]).split(delimiter);
    expect(path.some((dir) => dir !== '' && existsSync(join(dir, 'tofu')))).toBe(false);
    const { result, calls: made } = await deploy(scenario(), { tool: 'tofu' }, [bin]);
    expect(result.code).toBe(1);
    expect(made).toEqual([]);
    const error = errorLine(result.log);
    expect(error).toContain('input "tool" is tofu, but no tofu binary is on PATH');
    expect(error).toContain('opentofu/setup-opentofu with tofu_wrapper: false');
    expect(error).toContain('set input "tool" to terraform');
    expect(result.summary).toContain('input "tool" is tofu, but no tofu binary is on PATH');
  });

  it('refuses a tool it does not know before anything runs', async () => {
    const { result, calls: made } = await deploy(scenario(), { tool: 'opentofu' });
    expect(result.code).toBe(1);
    expect(made).toEqual([]);
    expect(errorLine(result.log)).toContain('input "tool" is "opentofu": use one of terraform, tofu');
  });

  it('still runs terraform by default, and OpenTofu’s texts never appear then', async () => {
    const { result, calls: made } = await deploy(scenario(), {});
    expect(result.code, result.log).toBe(0);
    expect(made.map((call) => call.tool)).toEqual([
      'terraform',
      'terraform',
      'terraform',
      'terraform',
      'terraform',
    ]);
    expect(result.log).toContain('::group::terraform init');
    expect(result.log).not.toContain('OpenTofu');
    expect(result.summary).not.toContain('| Tool |');
  });
});

// Tests of the stand-ins themselves (test/standins/bin): they are started as the deploy action
// starts them, and what they print is compared with texts captured from the real Terraform
// 1.11.4 (test/fixtures/deploy/real-terraform/, see its README and capture.sh). gcloud has no
// stand-in: the actions reach Google over REST, proven against the local Google emulator.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  platformPlan,
  referenceBypass,
  servicePlan,
  standinsDir,
  terraformCalls,
  terraformSignals,
  writeTerraformScenario,
  type Json,
  type JsonObject,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';

const realTerraform = join(import.meta.dirname, '..', 'fixtures', 'deploy', 'real-terraform');
const golden = (name: string) => readFileSync(join(realTerraform, name), 'utf8');
const goldenJson = (name: string) => JSON.parse(golden(name)) as JsonObject;

const IMAGE1 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'1'.repeat(64)}`;
const IMAGE2 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'2'.repeat(64)}`;
// The deploy action's own argument lists.
const PLAN = ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-lock-timeout=5m', '-out=tfplan'];
const APPLY = ['apply', '-input=false', '-no-color', '-lock-timeout=5m', 'tfplan'];
const SHOW = ['show', '-json', '-no-color', 'tfplan'];
const OUTPUT = ['output', '-json', '-no-color'];

const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Called with the child once its stdout contains this text. */
  when?: { stdout: string; then: (pid: number) => void };
}

/** Environment without anything of the machine's that the stand-ins read. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_EXTRA_CA_CERTS costs every Node start ~90 ms here; the stand-ins make no TLS calls.
    if (!/^(TF_|TERRAFORM_STANDIN|CLOUDSDK_|NODE_EXTRA_CA_CERTS$)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

function run(tool: 'terraform', args: string[], options: RunOptions = {}): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(standinsDir, tool), args, { cwd: options.cwd, env: cleanEnv(options.env) });
    let stdout = '';
    let stderr = '';
    let fired = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.when && !fired && stdout.includes(options.when.stdout) && child.pid !== undefined) {
        fired = true;
        options.when.then(child.pid);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A working directory holding a copy of a real-terraform configuration folder. */
function workdir(config?: 'service' | 'precedence'): string {
  const dir = mkdtempSync(join(tmpdir(), 'standin-work-'));
  cleanups.push(dir);
  if (config) cpSync(join(realTerraform, config), dir, { recursive: true });
  return dir;
}

function scenario(value: TerraformScenario) {
  const files = writeTerraformScenario(value);
  cleanups.push(files.dir);
  return files;
}

/** Runs the terraform stand-in in `cwd` with a scenario. */
function terraform(
  files: { env: Record<string, string> },
  cwd: string,
  args: string[],
  extra: Omit<RunOptions, 'cwd'> = {},
) {
  return run('terraform', args, { ...extra, cwd, env: { ...files.env, ...extra.env } });
}

const withoutTimestamp = (document: JsonObject) => {
  const copy: JsonObject = { ...document };
  delete copy['timestamp'];
  return copy;
};

/** A minimal plan document: one resource with the given actions. */
function tinyPlan(actions: string[], outputActions: string[] = ['no-op']): JsonObject {
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: {},
    resource_changes: [
      {
        address: 'terraform_data.api',
        mode: 'managed',
        type: 'terraform_data',
        name: 'api',
        provider_name: 'terraform.io/builtin/terraform',
        change: {
          actions,
          before: actions[0] === 'create' ? null : { id: 'abc', input: 'a' },
          after:
            actions.includes('delete') && actions.length === 1
              ? null
              : { id: 'abc', input: actions.includes('no-op') ? 'a' : 'b' },
          after_unknown: {},
          before_sensitive: {},
          after_sensitive: {},
        },
      },
    ],
    output_changes: {
      url: {
        actions: outputActions,
        before: 'x',
        after: 'x',
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: false,
      },
    },
  };
}

/** The container env of the planned Cloud Run service in a `show -json` document. */
function plannedEnv(document: JsonObject): Json[] {
  const changes = document['resource_changes'] as {
    address: string;
    change: { after: { template: { containers: { env: Json[] }[] }[] } };
  }[];
  const service = changes.find((rc) => rc.address === 'google_cloud_run_v2_service.api')!;
  return service.change.after.template[0]!.containers[0]!.env;
}

// ---------------------------------------------------------------------------------------------

describe('terraform stand-in: the real texts (goldens captured from Terraform 1.11.4)', () => {
  const createScenario = () =>
    scenario({
      plan: { document: goldenJson('plan-create.show.stdout') },
      output: goldenJson('output.stdout') as never,
    });

  it('version', async () => {
    const result = await run('terraform', ['version']);
    expect(result.stdout).toBe(golden('version.stdout'));
    expect((await run('terraform', ['-version'])).stdout).toBe(golden('version.stdout'));
  });

  it('unknown flags, with and without -no-color, and for init', async () => {
    const plan = await run('terraform', ['plan', '-input=false', '-no-color', '-bogus']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(golden('unknown-flag.stderr'));
    const init = await run('terraform', ['init', '-input=false', '-no-color', '-bogus']);
    expect(init.stderr).toBe(golden('unknown-flag-init.stderr'));
    expect((await run('terraform', ['plan', '-bogus'])).stderr).toBe(golden('unknown-flag-color.stderr'));
    const timeout = await run('terraform', ['plan', '-input=false', '-no-color', '-lock-timeout=soon']);
    expect(timeout.stderr).toBe(golden('invalid-lock-timeout.stderr'));
  });

  it('init', async () => {
    const files = createScenario();
    const dir = workdir('service');
    expect((await terraform(files, dir, ['init', '-input=false', '-no-color'])).stdout).toBe(
      golden('init.stdout'),
    );
    const automated = await terraform(files, dir, ['init', '-input=false', '-no-color'], {
      env: { TF_IN_AUTOMATION: '1' },
    });
    expect(automated.stdout).toBe(golden('init-automation.stdout'));
  });

  it('variable errors: required, undeclared, not a bool from -var and from TF_VAR_', async () => {
    const files = createScenario();
    const dir = workdir('service');
    const required = await terraform(files, dir, PLAN);
    expect([required.code, required.stdout, required.stderr]).toEqual([
      1,
      '',
      golden('required-variable.stderr'),
    ]);
    const undeclared = await terraform(files, dir, [...PLAN, '-var', 'image=x', '-var', 'zz=1']);
    expect([undeclared.code, undeclared.stderr]).toEqual([1, golden('undeclared-variable.stderr')]);
    const bool = await terraform(files, dir, [
      ...PLAN,
      '-var',
      'image=x',
      '-var',
      'allow_dev_auth_bypass=yes',
    ]);
    expect([bool.code, bool.stderr]).toEqual([1, golden('invalid-bool-var.stderr')]);
    const env = await terraform(files, dir, [...PLAN, '-var', 'image=x'], {
      env: { TF_VAR_allow_dev_auth_bypass: 'yes' },
    });
    expect([env.code, env.stderr]).toEqual([1, golden('invalid-bool-env.stderr')]);
  });

  it('plan, show -json, apply and output -json of a new resource', async () => {
    const files = createScenario();
    const dir = workdir('service');
    const plan = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE1}`]);
    expect([plan.code, plan.stdout, plan.stderr]).toEqual([2, golden('plan-create.stdout'), '']);
    const show = await terraform(files, dir, SHOW);
    expect(show.stdout.split('\n')).toHaveLength(2); // one line, as the real CLI prints it
    expect(withoutTimestamp(JSON.parse(show.stdout) as JsonObject)).toEqual(
      withoutTimestamp(goldenJson('plan-create.show.stdout')),
    );
    const apply = await terraform(files, dir, APPLY);
    expect(apply.code).toBe(0);
    // The new resource's id is random in Terraform too.
    const id = (text: string) => text.replace(/complete after 0s \[id=[^\]]+\]/, 'complete after 0s [id=ID]');
    expect(id(apply.stdout)).toBe(id(golden('apply-create.stdout')));
    const output = await terraform(files, dir, OUTPUT);
    expect([output.code, output.stdout]).toEqual([0, golden('output.stdout')]);
  });

  it('plan and apply of an in-place update; the plan without -out and in automation', async () => {
    const files = scenario({
      plan: { document: goldenJson('plan-update.show.stdout') },
      output: goldenJson('output.stdout') as never,
    });
    const dir = workdir('service');
    const plan = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    expect([plan.code, plan.stdout]).toEqual([2, golden('plan-update.stdout')]);
    const noOut = await terraform(files, dir, [
      'plan',
      '-input=false',
      '-no-color',
      '-var',
      `image=${IMAGE2}`,
    ]);
    expect([noOut.code, noOut.stdout]).toEqual([0, golden('plan-noout.stdout')]);
    const automated = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`], {
      env: { TF_IN_AUTOMATION: 'true' },
    });
    expect(automated.stdout).toBe(golden('plan-automation.stdout'));
    const apply = await terraform(files, dir, APPLY);
    expect([apply.code, apply.stdout]).toEqual([0, golden('apply-update.stdout')]);
  });

  // No capture of `show` without -json exists: Terraform's show and plan print the saved plan
  // with one renderer (RenderHumanPlan), plan adding its refresh lines before and, outside
  // automation, the rule and "Saved the plan" after; so show's text is derived from the
  // captured plan texts: plan-automation.stdout and plan-nochanges.stdout without their refresh
  // lines, plan-create.stdout without its footer.
  it('show -no-color of a saved plan: the plan text without its refresh lines and footer', async () => {
    const withoutRefresh = (text: string) =>
      text.replace(/^\S+: Refreshing state\.\.\. \[id=[^\]]+\]\n/gm, '');
    const showText = ['show', '-no-color', 'tfplan'];
    const update = scenario({ plan: { document: goldenJson('plan-update.show.stdout') } });
    const updateDir = workdir('service');
    await terraform(update, updateDir, [...PLAN, '-var', `image=${IMAGE2}`]);
    const shown = await terraform(update, updateDir, showText);
    expect([shown.code, shown.stdout, shown.stderr]).toEqual([
      0,
      withoutRefresh(golden('plan-automation.stdout')),
      '',
    ]);
    const created = createScenario();
    const createDir = workdir('service');
    await terraform(created, createDir, [...PLAN, '-var', `image=${IMAGE1}`]);
    const createText = golden('plan-create.stdout');
    expect((await terraform(created, createDir, showText)).stdout).toBe(
      createText.slice(0, createText.indexOf('\n─')),
    );
    const none = scenario({ plan: { document: goldenJson('plan-nochanges.show.stdout') } });
    const noneDir = workdir('service');
    await terraform(none, noneDir, [...PLAN, '-var', `image=${IMAGE2}`]);
    expect((await terraform(none, noneDir, showText)).stdout).toBe(
      withoutRefresh(golden('plan-nochanges.stdout')),
    );
  });

  it('a plan without changes, and the warning for an undeclared variable in terraform.tfvars', async () => {
    const files = scenario({ plan: { document: goldenJson('plan-nochanges.show.stdout') } });
    const dir = workdir('service');
    const plan = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    expect([plan.code, plan.stdout]).toEqual([0, golden('plan-nochanges.stdout')]);
    writeFileSync(join(dir, 'terraform.tfvars'), 'qq = 1\n');
    const warned = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    expect([warned.code, warned.stdout]).toEqual([0, golden('plan-undeclared-warning.stdout')]);
  });

  it('apply errors: stale plan, missing plan file, two plan files, a -var that changes the plan', async () => {
    const files = scenario({ plan: { document: goldenJson('plan-update.show.stdout') } });
    const dir = workdir('service');
    await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    cpSync(join(dir, 'tfplan'), join(dir, 'old.tfplan'));
    const changed = await terraform(files, dir, [
      'apply',
      '-input=false',
      '-no-color',
      '-var',
      `image=${IMAGE1}`,
      'tfplan',
    ]);
    expect([changed.code, changed.stderr]).toEqual([1, golden('apply-changed-var.stderr')]);
    const two = await terraform(files, dir, ['apply', '-input=false', '-no-color', 'tfplan', 'extra']);
    expect([two.code, two.stderr]).toEqual([1, golden('apply-two-plans.stderr')]);
    const missing = await terraform(files, dir, [
      'apply',
      '-input=false',
      '-no-color',
      '-lock-timeout=5m',
      'missing.tfplan',
    ]);
    expect([missing.code, missing.stderr]).toEqual([1, golden('apply-missing.stderr')]);
    expect((await terraform(files, dir, APPLY)).code).toBe(0);
    const stale = await terraform(files, dir, [
      'apply',
      '-input=false',
      '-no-color',
      '-lock-timeout=5m',
      'old.tfplan',
    ]);
    expect([stale.code, stale.stdout, stale.stderr]).toEqual([1, '', golden('stale.stderr')]);
  });

  it('show -json of a missing plan file', async () => {
    const result = await run('terraform', ['show', '-json', '-no-color', 'missing.tfplan'], {
      cwd: workdir(),
    });
    expect([result.code, result.stderr]).toEqual([1, golden('show-missing.stderr')]);
  });

  it('the state lock: the Lock Info block, with and without -lock-timeout', async () => {
    const info = goldenJson('lock.info') as Record<string, string>;
    // Go prints time.Time as "2006-01-02 15:04:05.999999999 -0700 MST".
    const created = info['Created']!.replace('T', ' ').replace('Z', ' +0000 UTC');
    const files = scenario({
      plan: {
        document: goldenJson('plan-create.show.stdout'),
        lock: {
          id: info['ID']!,
          who: info['Who']!,
          operation: info['Operation']!,
          created,
          path: info['Path']!,
        },
      },
    });
    const dir = workdir('service');
    const waited = await terraform(files, dir, [
      ...PLAN.slice(0, 4),
      '-lock-timeout=600ms',
      '-out=tfplan',
      '-var',
      'image=x',
    ]);
    expect([waited.code, waited.stdout, waited.stderr]).toEqual([
      1,
      golden('lock.stdout'),
      golden('lock.stderr'),
    ]);
    expect(waited.ms).toBeGreaterThanOrEqual(600);
    const immediate = await terraform(files, dir, [
      'plan',
      '-input=false',
      '-no-color',
      '-out=tfplan',
      '-var',
      'image=x',
    ]);
    expect([immediate.code, immediate.stdout, immediate.stderr]).toEqual([
      1,
      golden('lock-notimeout.stdout'),
      golden('lock-notimeout.stderr'),
    ]);
  });

  it('an interrupt during apply prints the real text (SIGINT and SIGTERM alike)', async () => {
    const interrupted =
      '\nInterrupt received.\nPlease wait for Terraform to exit or data loss may occur.\nGracefully shutting down...\n\n';
    for (const name of ['sigint.stdout', 'sigterm.stdout']) {
      expect(golden(name)).toContain(interrupted);
      expect(golden(name)).toContain('\nStopping operation...\n');
    }
    const files = scenario({
      plan: { document: goldenJson('plan-update.show.stdout') },
      apply: { delayMs: 20_000 },
    });
    const dir = workdir('service');
    await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const result = await terraform(files, dir, APPLY, {
        when: { stdout: 'Modifying...', then: (pid) => process.kill(pid, signal) },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`${interrupted}Stopping operation...\n`);
      expect(result.stderr).toContain('\nError: execution halted\n\n'); // as in sigint.stderr
      expect(golden('sigint.stderr')).toContain('\nError: execution halted\n\n');
    }
  });

  it('variable precedence and the types the plan records', async () => {
    const dir = workdir('precedence');
    const files = scenario({ plan: { document: { format_version: '1.2', resource_changes: [] } } });
    const env = {
      TF_VAR_a: 'env',
      TF_VAR_b: 'env',
      TF_VAR_g: 'env',
      TF_VAR_flag: 'true',
      TF_VAR_replicas: '5',
    };
    const args = [
      'plan',
      '-input=false',
      '-no-color',
      '-out=tfplan',
      '-var-file=one.tfvars',
      '-var',
      'e=cli',
      '-var',
      'f=cli',
      '-var-file=two.tfvars',
    ];
    expect((await terraform(files, dir, args, { env })).code).toBe(0);
    const show = await terraform(files, dir, SHOW);
    expect((JSON.parse(show.stdout) as JsonObject)['variables']).toEqual(
      goldenJson('precedence.variables.json'),
    );
  });
});

describe('terraform stand-in: behaviour', () => {
  it('-detailed-exitcode: 0 without changes, 2 with changes, 1 on error; 0 with changes without the flag', async () => {
    const dir = workdir();
    const cases: [string[], string[], number][] = [
      [['no-op'], ['no-op'], 0],
      [['update'], ['no-op'], 2],
      [['no-op'], ['update'], 2], // an output change is a change
      [['read'], ['no-op'], 2], // a deferred read too (Terraform's Changes.Empty)
      [['delete', 'create'], ['no-op'], 2],
    ];
    for (const [actions, outputActions, code] of cases) {
      const files = scenario({ plan: { document: tinyPlan(actions, outputActions) } });
      expect(
        (await terraform(files, dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode'])).code,
        actions.join(),
      ).toBe(code);
    }
    const files = scenario({
      plan: {
        document: tinyPlan(['update']),
        exitCode: 1,
        stderr: 'Error 403: Permission denied\n\nThe caller does not have permission',
      },
    });
    const failed = await terraform(files, dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    expect([failed.code, failed.stderr]).toEqual([
      1,
      '\nError: Error 403: Permission denied\n\nThe caller does not have permission\n',
    ]);
    expect(failed.stdout).toContain(
      'Planning failed. Terraform encountered an error while generating this plan.',
    );
    const plain = scenario({ plan: { document: tinyPlan(['update']) } });
    expect((await terraform(plain, dir, ['plan', '-input=false', '-no-color'])).code).toBe(0);
  });

  it('a required variable is satisfied by -var (one or two arguments), -var-file, TF_VAR_, terraform.tfvars and *.auto.tfvars', async () => {
    const files = scenario({ plan: { document: tinyPlan(['no-op']), requiredVariables: ['image'] } });
    const routes: [string, string[], Record<string, string>, Record<string, string>][] = [
      ['-var NAME=VALUE', ['-var', 'image=a'], {}, {}],
      ['-var=NAME=VALUE', ['-var=image=a'], {}, {}],
      ['--var NAME=VALUE', ['--var', 'image=a'], {}, {}],
      ['-var-file', ['-var-file=prod.tfvars'], {}, { 'prod.tfvars': 'image = "a"\n' }],
      ['TF_VAR_', [], { TF_VAR_image: 'a' }, {}],
      ['terraform.tfvars', [], {}, { 'terraform.tfvars': 'image = "a"\n' }],
      ['*.auto.tfvars', [], {}, { 'ci.auto.tfvars': 'image = "a"\n' }],
      ['*.auto.tfvars.json', [], {}, { 'ci.auto.tfvars.json': '{"image": "a"}' }],
    ];
    for (const [route, args, env, fileContents] of routes) {
      const dir = workdir();
      for (const [name, text] of Object.entries(fileContents)) writeFileSync(join(dir, name), text);
      const result = await terraform(
        files,
        dir,
        ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...args],
        { env },
      );
      expect([route, result.code, result.stderr]).toEqual([route, 0, '']);
    }
    const missing = await terraform(files, workdir(), ['plan', '-input=false', '-no-color']);
    expect(missing.code).toBe(1);
    // Without a *.tf file the diagnostic points at variables.tf, where stacks declare them.
    expect(missing.stderr).toContain(
      'Error: No value for required variable\n\n  on variables.tf line 1:\n   1: variable "image" {\n',
    );
  });

  it('later sources win: TF_VAR_ < terraform.tfvars < auto files < -var/-var-file in order', async () => {
    const files = scenario({
      plan: { document: tinyPlan(['no-op']), variableDefaults: { region: 'default' } },
    });
    const dir = workdir();
    writeFileSync(join(dir, 'terraform.tfvars'), 'region = "tfvars"\n');
    writeFileSync(join(dir, 'b.auto.tfvars'), 'region = "b.auto"\n');
    writeFileSync(join(dir, 'a.auto.tfvars'), 'region = "a.auto"\n');
    writeFileSync(join(dir, 'x.tfvars'), 'region = "x.tfvars"\n');
    const region = async (args: string[], env: Record<string, string> = {}) => {
      await terraform(files, dir, ['plan', '-input=false', '-no-color', '-out=tfplan', ...args], { env });
      const document = JSON.parse((await terraform(files, dir, SHOW)).stdout) as {
        variables: Record<string, { value: Json }>;
      };
      return document.variables['region']?.value;
    };
    expect(await region([], { TF_VAR_region: 'env' })).toBe('b.auto');
    expect(await region(['-var', 'region=cli', '-var-file=x.tfvars'])).toBe('x.tfvars');
    expect(await region(['-var-file=x.tfvars', '-var', 'region=cli'])).toBe('cli');
    rmSync(join(dir, 'a.auto.tfvars'));
    rmSync(join(dir, 'b.auto.tfvars'));
    expect(await region([], { TF_VAR_region: 'env' })).toBe('tfvars');
    rmSync(join(dir, 'terraform.tfvars'));
    expect(await region([], { TF_VAR_region: 'env' })).toBe('env');
    expect(await region([])).toBe('default');
  });

  it('the bypass rule adds exactly the two env entries, only when the variable is true', async () => {
    const document = servicePlan({ environment: 'dev', action: 'update' });
    const files = scenario({ plan: { document, bypass: referenceBypass('dev') } });
    const base = plannedEnv(document);
    const bypassEntries = [
      { name: 'ALLOW_DEV_AUTH_BYPASS', value: 'true', value_source: [] },
      {
        name: 'DEV_BYPASS_SECRET',
        value: null,
        value_source: [{ secret_key_ref: [{ secret: 'dev-bypass-secret-dev', version: 'latest' }] }],
      },
    ];
    const envOf = async (args: string[], env: Record<string, string> = {}, autoFile?: string) => {
      const dir = workdir();
      if (autoFile !== undefined) writeFileSync(join(dir, 'bypass.auto.tfvars'), autoFile);
      const plan = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE1}`, ...args], { env });
      expect(plan.stderr).toBe('');
      return plannedEnv(JSON.parse((await terraform(files, dir, SHOW)).stdout) as JsonObject);
    };
    expect(await envOf(['-var', 'allow_dev_auth_bypass=true'])).toEqual([...base, ...bypassEntries]);
    expect(await envOf([], { TF_VAR_allow_dev_auth_bypass: 'true' })).toEqual([...base, ...bypassEntries]);
    expect(await envOf([], {}, 'allow_dev_auth_bypass = true\n')).toEqual([...base, ...bypassEntries]);
    expect(await envOf(['-var', 'allow_dev_auth_bypass=false'])).toEqual(base);
    expect(await envOf([], { TF_VAR_allow_dev_auth_bypass: 'false' })).toEqual(base);
    expect(await envOf([])).toEqual(base);
  });

  it('the bypass turns a no-op service into an update; -var keeps the string type in "variables"', async () => {
    const files = scenario({
      plan: { document: servicePlan({ action: 'no-op' }), bypass: referenceBypass() },
    });
    const dir = workdir();
    const plain = await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE1}`]);
    expect(plain.code).toBe(0);
    const bypass = await terraform(files, dir, [
      ...PLAN,
      '-var',
      `image=${IMAGE1}`,
      '-var',
      'allow_dev_auth_bypass=true',
    ]);
    expect(bypass.code).toBe(2);
    expect(bypass.stdout).toContain('  # google_cloud_run_v2_service.api will be updated in-place\n');
    expect(bypass.stdout).toContain(
      '              + env {\n                  + name  = "ALLOW_DEV_AUTH_BYPASS"\n',
    );
    const document = JSON.parse((await terraform(files, dir, SHOW)).stdout) as {
      variables: Record<string, { value: Json }>;
      resource_changes: { change: { actions: string[] } }[];
    };
    expect(document.resource_changes[0]!.change.actions).toEqual(['update']);
    // As Terraform records it: a -var value stays a string even for a bool variable.
    expect(document.variables['allow_dev_auth_bypass']).toEqual({ value: 'true' });
    expect(document.variables['image']).toEqual({ value: IMAGE1 });
  });

  it('"${var.NAME}" anywhere in the document becomes the value', async () => {
    const files = scenario({ plan: { document: servicePlan({ action: 'create' }) } });
    const dir = workdir();
    await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    const show = (await terraform(files, dir, SHOW)).stdout;
    expect(show).not.toContain('${var.');
    expect(show).toContain(`"image":"${IMAGE2}"`);
  });

  it('the lock honours -lock-timeout, holdMs and releaseAfterMs', async () => {
    const lock = {
      id: '9f3c2a1b-0000-4e5f-8a9b-0c1d2e3f4a5b',
      who: 'runner@fv-az123',
      operation: 'OperationTypeApply',
      created: '2026-11-28 10:00:00.000000000 +0000 UTC',
    };
    const dir = workdir();
    const plan = (timeout: string) => [
      'plan',
      '-input=false',
      '-no-color',
      `-lock-timeout=${timeout}`,
      '-out=tfplan',
    ];
    const held = scenario({ plan: { document: tinyPlan(['update']), lock } });
    const waited = await terraform(held, dir, plan('1s'));
    expect(waited.code).toBe(1);
    expect(waited.ms).toBeGreaterThanOrEqual(1000);
    expect(waited.ms).toBeLessThan(2500);
    expect(waited.stderr).toContain(
      `\nError: Error acquiring the state lock\n\nError message: resource temporarily unavailable\nLock Info:\n  ID:        ${lock.id}\n  Path:      terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       runner@fv-az123\n`,
    );
    const shortHold = scenario({ plan: { document: tinyPlan(['update']), lock: { ...lock, holdMs: 300 } } });
    const gaveUp = await terraform(shortHold, dir, plan('5m'));
    expect(gaveUp.code).toBe(1);
    expect(gaveUp.ms).toBeLessThan(2000);
    const released = scenario({
      plan: { document: tinyPlan(['update']), lock: { ...lock, releaseAfterMs: 500 } },
    });
    const acquired = await terraform(released, dir, plan('5m'));
    expect([acquired.code, acquired.stderr]).toEqual([0, '']);
    expect(acquired.stdout).toMatch(/^Acquiring state lock\. This may take a few moments\.\.\.\n/);
    const noLock = await terraform(held, dir, [...plan('1s'), '-lock=false']);
    expect(noLock.code).toBe(0);
  });

  it('apply: refuses to run without the saved plan; a plan applied twice is stale; apply.stale', async () => {
    const files = scenario({ plan: { document: tinyPlan(['update']) } });
    const dir = workdir();
    const refused = await terraform(files, dir, ['apply', '-input=false', '-no-color', '-auto-approve']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('apply without a saved plan file is refused');
    await terraform(files, dir, ['plan', '-input=false', '-no-color', '-out=tfplan']);
    const first = await terraform(files, dir, APPLY);
    expect(first.stdout).toBe(
      'terraform_data.api: Modifying... [id=abc]\nterraform_data.api: Modifications complete after 0s [id=abc]\n\nApply complete! Resources: 0 added, 1 changed, 0 destroyed.\n',
    );
    expect((await terraform(files, dir, APPLY)).stderr).toContain('Error: Saved plan is stale');
    const stale = scenario({ plan: { document: tinyPlan(['update']) }, apply: { stale: true } });
    await terraform(stale, dir, ['plan', '-input=false', '-no-color', '-out=tfplan']);
    expect((await terraform(stale, dir, APPLY)).code).toBe(1);
  });

  it('apply: progress per action, and a failure injection', async () => {
    const document = servicePlan({ action: 'replace' });
    const files = scenario({ plan: { document } });
    const dir = workdir();
    await terraform(files, dir, [...PLAN, '-var', `image=${IMAGE1}`]);
    const apply = await terraform(files, dir, APPLY);
    const id = 'projects/acme-dev/locations/europe-west1/services/api';
    expect(apply.stdout).toBe(
      `google_cloud_run_v2_service.api: Destroying... [id=${id}]\ngoogle_cloud_run_v2_service.api: Destruction complete after 0s\ngoogle_cloud_run_v2_service.api: Creating...\ngoogle_cloud_run_v2_service.api: Creation complete after 0s [id=${id}]\n\nApply complete! Resources: 1 added, 0 changed, 1 destroyed.\n`,
    );
    const failing = scenario({
      plan: { document: tinyPlan(['update']) },
      apply: {
        exitCode: 1,
        stderr: 'Error waiting to update Service: Error code 9, message: Revision is not ready',
      },
    });
    await terraform(failing, dir, ['plan', '-input=false', '-no-color', '-out=tfplan']);
    const failed = await terraform(failing, dir, APPLY);
    expect([failed.code, failed.stderr]).toEqual([
      1,
      '\nError: Error waiting to update Service: Error code 9, message: Revision is not ready\n\n',
    ]);
  });

  it('SIGINT during apply: one signal logged, exit 1, the lock released; a second one exits at once', async () => {
    const files = scenario({ plan: { document: tinyPlan(['update']) }, apply: { delayMs: 20_000 } });
    const dir = workdir();
    await terraform(files, dir, ['plan', '-input=false', '-no-color', '-out=tfplan']);
    const once = await terraform(files, dir, APPLY, {
      when: { stdout: 'Modifying...', then: (pid) => process.kill(pid, 'SIGINT') },
    });
    expect(once.code).toBe(1);
    expect(once.ms).toBeLessThan(5000);
    expect(once.stdout).toMatch(
      /Stopping operation\.\.\.\nReleasing state lock\. This may take a few moments\.\.\.\n$/,
    );
    const applyPid = terraformCalls(files.log).find((call) => call.argv[0] === 'apply')!.pid;
    expect(terraformSignals(files.log)).toEqual([{ pid: applyPid, signal: 'SIGINT' }]);

    const twice = await terraform(files, dir, APPLY, {
      when: {
        stdout: 'Modifying...',
        then: (pid) => {
          process.kill(pid, 'SIGINT');
          setTimeout(() => process.kill(pid, 'SIGINT'), 50);
        },
      },
    });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe(
      '\nTwo interrupts received. Exiting immediately. Note that data loss may have\noccurred.\n\n\nError: operation canceled\n\n',
    );
    expect(twice.stdout).not.toContain('Releasing state lock');
    expect(terraformSignals(files.log).map((entry) => entry.signal)).toEqual(['SIGINT', 'SIGINT', 'SIGINT']);
  });

  it('logs every call with argv, cwd and the TF_VAR_ values; -chdir', async () => {
    const files = scenario({ plan: { document: tinyPlan(['no-op']) } });
    const dir = workdir();
    const stack = join(dir, 'stack');
    cpSync(join(realTerraform, 'service'), stack, { recursive: true });
    const result = await terraform(files, dir, ['-chdir=stack', 'plan', '-input=false', '-no-color'], {
      env: { TF_VAR_image: 'x', TF_VAR_allow_dev_auth_bypass: 'false' },
    });
    expect(result.code).toBe(0);
    expect(terraformCalls(files.log)).toEqual([
      {
        pid: expect.any(Number) as number,
        tool: 'terraform',
        argv: ['-chdir=stack', 'plan', '-input=false', '-no-color'],
        cwd: dir,
        tfVars: { image: 'x', allow_dev_auth_bypass: 'false' },
      },
    ]);
    const missing = await terraform(files, dir, ['-chdir', 'stack', 'plan']);
    expect(missing.stderr).toBe(
      'Invalid -chdir option: must include an equals sign followed by a directory path, like -chdir=example\n',
    );
  });

  it('output -json: sorted, Go escaping, inferred types, null outputs left out', async () => {
    const files = scenario({
      output: {
        url: { value: 'https://a<b>&c', sensitive: false },
        list: { value: ['a', 1], sensitive: false },
        gone: { value: null },
        secret: { value: 's', sensitive: true, type: 'string' },
      },
    });
    const result = await terraform(files, workdir(), OUTPUT);
    expect(result.stdout).toBe(
      '{\n  "list": {\n    "sensitive": false,\n    "type": [\n      "tuple",\n      [\n        "string",\n        "number"\n      ]\n    ],\n    "value": [\n      "a",\n      1\n    ]\n  },\n  "secret": {\n    "sensitive": true,\n    "type": "string",\n    "value": "s"\n  },\n  "url": {\n    "sensitive": false,\n    "type": "string",\n    "value": "https://a\\u003cb\\u003e\\u0026c"\n  }\n}\n',
    );
    expect((await terraform(scenario({}), workdir(), OUTPUT)).stdout).toBe('{}\n');
  });

  it('init: failure injection in the error format', async () => {
    const files = scenario({
      init: {
        exitCode: 1,
        stderr:
          'Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/google: could not connect to registry.terraform.io: failed to request discovery document',
      },
    });
    const result = await terraform(files, workdir(), [
      'init',
      '-input=false',
      '-no-color',
      '-backend-config=bucket=acme-tfstate',
      '-backend-config=prefix=service/dev',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '\nError: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider\nhashicorp/google: could not connect to registry.terraform.io: failed to\nrequest discovery document\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('plan builders (testkit/deploy-scenarios.ts)', () => {
  type Rc = {
    address: string;
    index?: string;
    change: { actions: string[]; before: Json; after: Json; after_unknown: Json; after_sensitive: Json };
    action_reason?: string;
  };
  const changes = (document: JsonObject) => document['resource_changes'] as Rc[];

  it('the v2 service: env as {name, value} or {name, value_source}, sensitive and unknown marks', () => {
    const document = servicePlan({
      environment: 'prod',
      plainEnv: { ENV: 'prod' },
      secretEnv: { DATABASE_URL: { secret: 'database-url-prod', version: '4' } },
      sensitiveEnv: ['ENV'],
    });
    const [service] = changes(document);
    expect(service!.address).toBe('google_cloud_run_v2_service.api');
    expect(plannedEnv(document)).toEqual([
      {
        name: 'DATABASE_URL',
        value: '',
        value_source: [{ secret_key_ref: [{ secret: 'database-url-prod', version: '4' }] }],
      },
      { name: 'ENV', value: 'prod', value_source: [] },
    ]);
    expect(JSON.stringify(service!.change.after_sensitive)).toContain(
      '"env":[{"value_source":[{"secret_key_ref":[{}]}]},{"value":true,"value_source":[]}]',
    );
    const unknown = changes(servicePlan({ unknownEnv: true }))[0]!;
    expect(JSON.stringify(unknown.change.after_unknown)).toContain('"env":true');
    expect(JSON.stringify(unknown.change.after)).not.toContain('"env"');
  });

  it('actions, the v1 shape, and the platform stack', () => {
    expect(changes(servicePlan({ action: 'replace' }))[0]!.change.actions).toEqual(['delete', 'create']);
    expect(changes(servicePlan({ action: 'create-delete' }))[0]!.action_reason).toBe(
      'replace_because_cannot_update',
    );
    expect(servicePlan({ action: 'create' })['prior_state']).toBeUndefined();
    const v1 = changes(
      servicePlan({
        v1: true,
        secretEnv: { DATABASE_URL: { secret: 'database-url-dev', version: 'latest' } },
        plainEnv: {},
      }),
    )[0]!;
    expect(v1.address).toBe('google_cloud_run_service.api');
    expect(
      (v1.change.after as { template: { spec: { containers: { env: Json }[] }[] }[] }).template[0]!.spec[0]!
        .containers[0]!.env,
    ).toEqual([
      {
        name: 'DATABASE_URL',
        value: '',
        value_from: [{ secret_key_ref: [{ key: 'latest', name: 'database-url-dev' }] }],
      },
    ]);
    const platform = changes(
      platformPlan({ environment: 'prod', secrets: ['DATABASE_URL'], deleteSecrets: ['OLD_TOKEN'] }),
    );
    expect(platform.map((rc) => [rc.address, rc.change.actions.join()])).toEqual([
      ['google_service_account.api_runtime', 'no-op'],
      ['google_secret_manager_secret.secrets["database-url-prod"]', 'no-op'],
      ['google_secret_manager_secret_iam_member.runtime_access["database-url-prod"]', 'no-op'],
      ['google_secret_manager_secret.secrets["old-token-prod"]', 'delete'],
    ]);
    expect(platform[1]!.index).toBe('database-url-prod');
  });

  it('every builder output is what the stand-in plans and shows back', async () => {
    const dir = workdir();
    const cases: [JsonObject, string[]][] = [
      [servicePlan({ action: 'create' }), ['-var', `image=${IMAGE1}`]],
      [servicePlan({ v1: true }), ['-var', `image=${IMAGE1}`]],
      [platformPlan({ action: 'create' }), []], // the platform stack declares no image variable
    ];
    for (const [document, vars] of cases) {
      const files = scenario({ plan: { document } });
      const plan = await terraform(files, dir, [...PLAN, ...vars]);
      expect([plan.code, plan.stderr]).toEqual([2, '']);
      expect(readdirSync(dir)).toContain('tfplan');
      const shown = JSON.parse((await terraform(files, dir, SHOW)).stdout) as JsonObject;
      expect(shown['resource_changes']).toEqual(
        JSON.parse(JSON.stringify(document['resource_changes']).replaceAll('${var.image}', IMAGE1)),
      );
    }
  });
});

// actions/deploy as the runner runs it, on Terraform's faults: a required variable whose long
// name Terraform wraps, a tainted resource the plan replaces, an apply that fails halfway (read
// from `apply -json`), and a state bucket that refuses the run (the GCS backend's 403). The
// terraform stand-in prints what the real CLI prints in each case
// (test/deploy/terraform-standin-faults.test.ts proves it against the captured texts).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../../testkit/local-runner.mjs';
import {
  devDeployInputs,
  platformPlan,
  referenceBypass,
  REPOSITORY,
  serviceOutputs,
  servicePlan,
  stackDirs,
  standinRunEnv,
  standinsDir,
  terraformCalls,
  useDeployGitHubApi,
  writeTerraformScenario,
  type JsonObject,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { emulatorRunEnv, putSecrets, startEmulator, type SecretVersions } from '../../testkit/google.js';

const GITHUB_TOKEN = 'ghs_RunnerFaultsToken7a2d9c4e1b8f3a6d0c5e';
const real = join(repoRoot, 'test', 'fixtures', 'deploy', 'real-terraform');

/** The stand-in's scenario with what these faults add (see the stand-in's header). */
type FaultScenario = TerraformScenario & {
  init?: { backendForbidden?: { identity?: string; permission?: string } };
  apply?: { failures?: { address: string; summary: string; detail?: string }[] };
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

const enabled = (names: string[]): Record<string, SecretVersions> =>
  Object.fromEntries(
    names.map((name) => [
      `${name}-dev`,
      { project: 'acme-dev', versions: [{ version: 1, state: 'ENABLED' as const }] },
    ]),
  );

async function deploy(
  terraform: FaultScenario,
  inputs: Record<string, string> = {},
  stack = stackDirs.service,
  cancelDuring?: string,
) {
  const files = writeTerraformScenario(terraform);
  cleanups.push(() => rmSync(files.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: 'acme-dev' });
  putSecrets(emulator, enabled(['database-url', 'clerk-secret-key', 'admin-api-key']));
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, inputs, stack),
    env: standinRunEnv(files, { env: emulatorRunEnv(emulator, {}, [standinsDir]) }, githubApi.url),
    secrets: [GITHUB_TOKEN],
    ...(cancelDuring === undefined
      ? {}
      : {
          cancel: {
            when: () => terraformCalls(files.log).some((call) => call.argv[0] === cancelDuring),
            signal: 'SIGINT' as const,
          },
          timeoutMs: 30_000,
        }),
  });
  cleanups.push(result.cleanup);
  const calls = terraformCalls(files.log);
  return { result, commands: calls.map((call) => call.argv.find((arg) => !arg.startsWith('-')) ?? '') };
}

const serviceScenario = (
  extra: Partial<NonNullable<TerraformScenario['plan']>> = {},
  options: Parameters<typeof servicePlan>[0] = {},
): FaultScenario => ({
  plan: {
    document: servicePlan({ environment: 'dev', ...options }),
    requiredVariables: ['image'],
    bypass: referenceBypass('dev'),
    ...extra,
  },
  output: serviceOutputs(),
});

/** The `::error::` line of the run. */
const errorLine = (log: string): string => log.split('\n').find((line) => line.startsWith('::error::')) ?? '';

describe('deploy bundle: Terraform faults explained', () => {
  it('a missing required variable of 40 characters, which Terraform wraps over two lines, is named', async () => {
    const name = 'cloud_sql_connection_name_for_the_api_db';
    expect(name).toHaveLength(40);
    const { result, commands } = await deploy(serviceScenario({ requiredVariables: ['image', name] }));
    expect(result.code).toBe(1);
    // Terraform's text has the name and "is not set" on two lines (the stand-in prints the real
    // CLI's bytes: terraform-standin-faults.test.ts); the action's message names the variable
    // and both ways to pass it, not Terraform's generic failure.
    expect(errorLine(result.log)).not.toContain('terraform plan failed');
    expect(errorLine(result.log)).toContain(
      `terraform plan: variable ${name} has no value: pass it in input vars (${name}=…) or set TF_VAR_${name} in the workflow's env`,
    );
    expect(result.summary).toMatch(/^### ❌ deploy: invalid configuration\n/);
    expect(result.summary).toContain(`variable ${name} has no value`);
    expect(commands).toEqual(['init', 'plan']);
  });

  it('a tainted resource that the plan replaces: named, said to be tainted, with both ways out', async () => {
    const document = servicePlan({ environment: 'dev', action: 'replace' }) as JsonObject & {
      resource_changes: { address: string; action_reason?: string }[];
    };
    const service = document.resource_changes.find((rc) => rc.address === 'google_cloud_run_v2_service.api');
    if (service === undefined) throw new Error('the fixture plan has no service');
    service.action_reason = 'replace_because_tainted';
    const { result, commands } = await deploy(serviceScenario({ document }));
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'google_cloud_run_v2_service.api is tainted (a create or apply that did not finish, e.g. a cancelled run, left it marked), so the plan replaces it',
    );
    expect(result.log).toContain('run terraform untaint google_cloud_run_v2_service.api in this stack');
    expect(result.log).toContain('re-run with allow-destroy: true');
    expect(result.summary).toContain('| google_cloud_run_v2_service.api | replace (tainted) |');
    expect(commands).not.toContain('apply');

    // allow-destroy lets Terraform replace it; the summary lists the replacement as done.
    const allowed = await deploy(serviceScenario({ document }), { 'allow-destroy': 'true' });
    expect(allowed.result.code, allowed.result.log).toBe(0);
    expect(allowed.result.summary).toContain(
      '| google_cloud_run_v2_service.api | replace (tainted) | ✅ done after 0s |',
    );
  });

  it('a failed apply: the summary lists what was applied and what failed, the log shows readable lines', async () => {
    const document = platformPlan({ action: 'create' }) as JsonObject & {
      resource_changes: { address: string }[];
    };
    const addresses = document.resource_changes.map((rc) => rc.address);
    const failing = addresses[1] ?? '';
    // Markup, emphasis and a secret in Terraform's text: the summary shows them as plain text, redacted.
    const detail = `googleapi: Error 409: <img src=x onerror=alert(1)> already exists, *really* [see](https://evil.example) token ${GITHUB_TOKEN}`;
    const { result, commands } = await deploy(
      {
        plan: { document },
        output: {},
        apply: { failures: [{ address: failing, summary: 'Error creating Secret', detail }] },
      },
      { image: '' },
      stackDirs.platform,
    );
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply']);
    const others = addresses.length - 1;
    expect(result.summary).toMatch(
      new RegExp(
        `^### ❌ deploy: apply failed: ${others} of ${addresses.length} changes applied, 1 failed\\n`,
      ),
    );
    expect(result.summary).toContain(`| ${failing.replace(/[[\]]/g, '$&')} | create | ❌ failed after 0s |`);
    expect(result.summary).toContain(`| ${addresses[0]} | create | ✅ done after 0s |`);
    const errors = result.summary.split('\n').find((line) => line.includes('Error creating Secret')) ?? '';
    expect(errors).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(errors).toContain('\\*really\\* \\[see\\](https://evil.example)');
    expect(errors).not.toContain('<img');
    expect(errors).not.toContain(GITHUB_TOKEN);
    // The redaction's *** itself, escaped: it renders as *** and starts no emphasis.
    expect(errors).toContain('token \\*\\*\\*');
    // The log: Terraform's progress as lines a person reads, not its JSON.
    expect(result.log).toContain(`${addresses[0]}: Creating...`);
    expect(result.log).toContain(`${addresses[0]}: Creation complete after 0s [id=`);
    expect(result.log).toContain('Error: Error creating Secret');
    expect(result.log).not.toContain('"@level"');
    // The step's error is Terraform's diagnostic, which -json prints on stdout.
    const failure = result.log.slice(result.log.indexOf('::error::'));
    expect(failure).toMatch(
      /^::error::deploy: terraform apply failed:\n(?:.*\n)*?Error: Error creating Secret\n/,
    );
    expect(failure).toContain(`  with ${failing},`);
  });

  it('an apply cancelled halfway: the summary says which change was started and not finished', async () => {
    const { result } = await deploy(
      { ...serviceScenario(), apply: { delayMs: 20_000 } },
      {},
      stackDirs.service,
      'apply',
    );
    expect(result.code).toBe(1);
    expect(result.summary).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(result.summary).toContain(
      '| google_cloud_run_v2_service.api | update | ❌ started, not finished |',
    );
    // Terraform's interrupt texts reach the log as lines, from its JSON UI.
    expect(result.log).toContain('Interrupt received.');
    expect(result.log).toContain('Releasing state lock. This may take a few moments...');
    expect(result.log).not.toContain('"@level"');
  });

  it('a stale plan is still explained when apply prints its diagnostics as JSON', async () => {
    const { result } = await deploy({ ...serviceScenario(), apply: { stale: true } });
    expect(result.code).toBe(1);
    expect(errorLine(result.log)).toContain('terraform apply: the saved plan is stale');
  });

  it('init refused by the state bucket (403) gets the Workload Identity hint', async () => {
    const identity = 'deployer@acme-dev.iam.gserviceaccount.com';
    const { result, commands } = await deploy(
      { ...serviceScenario(), init: { backendForbidden: { identity } } },
      { 'backend-config': 'bucket=acme-dev-tfstate\nprefix=service' },
    );
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init']);
    const error = errorLine(result.log);
    expect(error).toContain(
      `terraform init: Google refused ${identity} access to state bucket gs://acme-dev-tfstate (403, storage.objects.list)`,
    );
    expect(error).toContain('needs roles/storage.objectAdmin on the state bucket');
    expect(error).toContain(
      `gcloud storage buckets add-iam-policy-binding gs://acme-dev-tfstate --member=serviceAccount:${identity} --role=roles/storage.objectAdmin`,
    );
    expect(error).toContain(
      `the workload identity provider's attribute condition (it must admit ${REPOSITORY})`,
    );
    expect(error).toContain(`attribute.repository/${REPOSITORY}`);
    expect(result.summary).toContain('roles/storage.objectAdmin');
    // The stand-in printed the real backend's text (captured from Terraform 1.11.4).
    const realText = readFileSync(join(real, 'init-gcs-forbidden.stderr'), 'utf8').trim();
    expect(result.log).toContain(realText);
  });
});

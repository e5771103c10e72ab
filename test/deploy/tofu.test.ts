// The OpenTofu side of deploy's Terraform helpers: failures explained from OpenTofu's own texts
// (as the stand-in prints them in its tofu mode, from OpenTofu's sources), naming `tofu` in every
// message and suggested command; the missing-binary error; the direct Workload Identity hint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { standinsDir } from '../../testkit/deploy-scenarios.js';
import { checkPlanAgainstContract } from '../../src/deploy/checks.js';
import {
  describeCancelledTerraform,
  explainTerraformFailure,
  IAC_TOOLS,
  missingToolError,
  PRODUCT_NAME,
} from '../../src/deploy/terraform.js';
import type { PlanSummary } from '../../src/deploy/terraform-plan.js';
import { DEFAULT_CONTRACT } from '../../src/lib/contract.js';
import { ConfigurationError } from '../../src/lib/errors.js';

const failed = (stderr: string) => ({ code: 1, stdout: '', stderr, durationMs: 1 });

/** OpenTofu's lock diagnostic (clistate.LockErrorMessage), as `-no-color` prints it. */
const TOFU_LOCK = [
  '',
  'Error: Error acquiring the state lock',
  '',
  'Error message: resource temporarily unavailable',
  'Lock Info:',
  '  ID:        5e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2',
  '  Path:      terraform.tfstate',
  '  Operation: OperationTypeApply',
  '  Who:       runner@fv-az987-654',
  '  Version:   1.12.6',
  '  Created:   2026-12-01 09:30:00.000000000 +0000 UTC',
  '  Info:      ',
  '',
  '',
  'OpenTofu acquires a state lock to protect the state from being written',
  'by multiple users at the same time. Please resolve the issue above and try',
  'again. For most commands, you can disable locking with the "-lock=false"',
  'flag, but this is not recommended.',
  '',
].join('\n');

const work = mkdtempSync(join(tmpdir(), 'tofu-standin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the stand-in as `tofu` (test/standins/bin/tofu) with a scenario, as deploy would. */
function tofu(
  args: string[],
  scenario: object = {},
): { code: number | null; stdout: string; stderr: string } {
  const file = join(work, `scenario-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const run = spawnSync(join(standinsDir, 'tofu'), args, {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], TERRAFORM_STANDIN_SCENARIO: file, TF_IN_AUTOMATION: '1' },
    timeout: 20_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the stand-in answering as tofu', () => {
  it('names itself OpenTofu, as tofu version does', () => {
    expect(tofu(['version'])).toMatchObject({ code: 0, stdout: 'OpenTofu v1.12.6\non linux_amd64\n' });
    // OpenTofu keeps Terraform's key in version -json.
    expect(JSON.parse(tofu(['version', '-json']).stdout)).toEqual({
      terraform_version: '1.12.6',
      platform: 'linux_amd64',
      provider_selections: {},
    });
    expect(tofu(['init', '-input=false', '-no-color']).stdout).toContain(
      'OpenTofu has been successfully initialized!',
    );
  });

  it('prints OpenTofu’s lock text, which deploy explains naming tofu', () => {
    const lock = {
      id: '5e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2',
      who: 'runner@fv-az987-654',
      operation: 'OperationTypeApply',
      created: '2026-12-01 09:30:00.000000000 +0000 UTC',
    };
    const run = tofu(
      ['plan', '-input=false', '-no-color', '-lock-timeout=0s', `-out=${join(work, 'plan')}`],
      {
        plan: { document: { format_version: '1.2', resource_changes: [] }, lock },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('OpenTofu acquires a state lock to protect the state from being written');
    expect(run.stderr).not.toContain('Terraform');
    const error = explainTerraformFailure('plan', { ...run, code: 1, durationMs: 1 }, 'x', [], {
      tool: 'tofu',
    });
    expect(error.message).toContain(
      `tofu plan: the state is locked (lock ID ${lock.id}, held by ${lock.who}`,
    );
    expect(error.message).toContain(`tofu force-unlock ${lock.id}`);
  });
});

describe('the tools', () => {
  it('are terraform and tofu, each with its product name', () => {
    expect(IAC_TOOLS).toEqual(['terraform', 'tofu']);
    expect(PRODUCT_NAME).toEqual({ terraform: 'Terraform', tofu: 'OpenTofu' });
  });
});

describe('explainTerraformFailure with tool tofu', () => {
  it('reads OpenTofu’s lock text and names tofu force-unlock', () => {
    const error = explainTerraformFailure('plan', failed(TOFU_LOCK), 'x', [], { tool: 'tofu' });
    expect(error.message).toBe(
      'tofu plan: the state is locked (lock ID 5e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2, held by runner@fv-az987-654 since 2026-12-01 09:30:00.000000000 +0000 UTC). ' +
        'Another run is changing this stack: let it finish (input lock-timeout waits for it). If that run died, release the lock with: tofu force-unlock 5e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2',
    );
  });

  it('without a tool, keeps terraform (the default)', () => {
    const error = explainTerraformFailure('plan', failed(TOFU_LOCK), 'x');
    expect(error.message).toContain('release the lock with: terraform force-unlock 5e1d2c3b');
  });

  it('reads a stale plan and a variable without value as OpenTofu prints them', () => {
    const stale = explainTerraformFailure(
      'apply',
      failed(
        '\nError: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed\nby another operation after the plan was created.\n',
      ),
      'x',
      [],
      { tool: 'tofu' },
    );
    expect(stale.message).toMatch(/^tofu apply: the saved plan is stale/);
    const missing = explainTerraformFailure(
      'plan',
      failed(
        '\nError: No value for required variable\n\n  on variables.tf line 1:\n   1: variable "region" {\n\nThe root module input variable "region" is not set, and has no default value.\nUse a -var or -var-file command line argument to provide a value for this\nvariable.\n',
      ),
      'x',
      [],
      { tool: 'tofu' },
    );
    expect(missing).toBeInstanceOf(ConfigurationError);
    expect(missing.message).toMatch(/^tofu plan: variable region has no value/);
  });

  it('names tofu for init failures and the plain fallback', () => {
    expect(
      explainTerraformFailure('init', failed('Error: registry down'), 'x', [], { tool: 'tofu' }).message,
    ).toMatch(/^tofu init failed \(providers or backend\)/);
    expect(explainTerraformFailure('plan', failed('Error: boom'), 'x', [], { tool: 'tofu' }).message).toMatch(
      /^tofu plan failed:\nError: boom/,
    );
  });
});

describe('the state bucket refusing a federated principal (direct Workload Identity)', () => {
  const principal =
    'principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/subject/repo:example-org/api:ref:refs/heads/main';
  const stderr = `\nError: Failed to get existing workspaces: querying Cloud Storage failed: googleapi: Error 403: ${principal} does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist)., forbidden\n`;

  it('grants the role to the repository’s principal set, and names the service-account way too', () => {
    const error = explainTerraformFailure('init', failed(stderr), 'x', [], {
      stateBucket: 'acme-dev-tfstate',
      repository: 'example-org/api',
      tool: 'tofu',
    });
    expect(error.message).toContain(
      `tofu init: Google refused ${principal} access to state bucket gs://acme-dev-tfstate (403, storage.objects.list)`,
    );
    expect(error.message).toContain('direct Workload Identity Federation (no service account)');
    expect(error.message).toContain(
      'gcloud storage buckets add-iam-policy-binding gs://acme-dev-tfstate --member="principalSet://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/attribute.repository/example-org/api" --role=roles/storage.objectAdmin',
    );
    expect(error.message).toContain("the pipeline's service-account");
  });

  it('keeps the service-account hint when the refused identity is a service account', () => {
    const error = explainTerraformFailure(
      'init',
      failed(stderr.replace(principal, 'deployer@acme-dev.iam.gserviceaccount.com')),
      'x',
      [],
      { stateBucket: 'acme-dev-tfstate', repository: 'example-org/api' },
    );
    expect(error.message).toContain('--member=serviceAccount:deployer@acme-dev.iam.gserviceaccount.com');
    expect(error.message).toContain('grant roles/storage.objectAdmin to that principal set instead');
  });
});

describe('missingToolError', () => {
  it.each([
    ['tofu', 'OpenTofu', 'opentofu/setup-opentofu with tofu_wrapper: false', 'terraform'],
    ['terraform', 'Terraform', 'hashicorp/setup-terraform with terraform_wrapper: false', 'tofu'],
  ] as const)(
    'for %s names the input, the setup step and the other choice',
    (tool, product, setup, other) => {
      const error = missingToolError(tool);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toBe(
        `input "tool" is ${tool}, but no ${tool} binary is on PATH: install ${product} in a step before this one (${setup}), or set input "tool" to ${other} if the job installs ${PRODUCT_NAME[other]}; nothing was planned`,
      );
    },
  );
});

describe('describeCancelledTerraform with tool tofu', () => {
  it('names tofu in the note and in the unlock command', () => {
    const note = describeCancelledTerraform(
      'apply',
      {
        code: 1,
        stdout: '',
        stderr: '\nTwo interrupts received. Exiting immediately. Note that data loss may have\noccurred.\n',
        durationMs: 1,
        stopped: { reason: 'cancel', signals: ['SIGINT'], exitedAfterMs: 300 },
      },
      '/nonexistent-stack',
      'tofu',
    );
    expect(note).toMatch(/^tofu apply was interrupted by the cancellation \(SIGINT sent\)/);
    expect(note).toContain('release it with: tofu force-unlock <lock ID>');
  });
});

describe('the tainted replacement', () => {
  it('suggests the untaint command of the tool in use', () => {
    const plan = {
      services: [],
      variables: {},
      changes: [
        { address: 'google_cloud_run_v2_service.api', kind: 'replace', reason: 'replace_because_tainted' },
      ],
      hasChanges: true,
    } as unknown as PlanSummary;
    const findings = checkPlanAgainstContract(plan, {
      contract: DEFAULT_CONTRACT,
      hasContract: false,
      environment: 'dev',
      production: false,
      allowDevAuthBypass: false,
      bypassVariable: 'allow_dev_auth_bypass',
      allowDestroy: false,
      tool: 'tofu',
    });
    expect(findings.map((finding) => finding.message).join('\n')).toContain(
      'run tofu untaint google_cloud_run_v2_service.api in this stack',
    );
  });
});

// The readers of Terraform's fault texts, on what the REAL Terraform 1.11.4 printed
// (test/fixtures/deploy/real-terraform/, capture.sh): apply's JSON UI, the wrapped "is not set",
// the GCS backend's 403, the tainted replacement in show -json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyLog, MAX_DIAGNOSTICS, MAX_RESOURCES } from '../../src/deploy/apply-log.js';
import { checkPlanAgainstContract } from '../../src/deploy/checks.js';
import { applyTables, plainMarkdown, resourceChangesTable } from '../../src/deploy/plan-tables.js';
import { parsePlan, summarisePlan } from '../../src/deploy/terraform-plan.js';
import {
  explainTerraformFailure,
  missingVariables,
  stateBucketOf,
  stateBucketRefusal,
} from '../../src/deploy/terraform.js';
import { DEFAULT_CONTRACT } from '../../src/lib/contract.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { registerSecret } from '../../src/lib/secrets.js';

const real = join(import.meta.dirname, '..', 'fixtures', 'deploy', 'real-terraform');
const golden = (name: string): string => readFileSync(join(real, name), 'utf8');
const failed = (stderr: string) => ({ code: 1, stdout: '', stderr, durationMs: 1 });

/** Feeds text as the relay does: whole lines, in batches of a few lines. */
function readAll(text: string, log = new ApplyLog()): { log: ApplyLog; shown: string } {
  const lines = text.split(/(?<=\n)/);
  let shown = '';
  for (let i = 0; i < lines.length; i += 3) shown += log.read(lines.slice(i, i + 3).join(''));
  return { log, shown };
}

describe('ApplyLog on the real apply -json', () => {
  it('a failed create: what was applied, what failed, and the diagnostic', () => {
    const { log, shown } = readAll(golden('apply-fails.json'));
    expect(log.applied).toEqual([
      { address: 'terraform_data.api', action: 'create', status: 'complete', elapsedSeconds: 0 },
      { address: 'terraform_data.migrate', action: 'create', status: 'errored', elapsedSeconds: 0 },
    ]);
    expect(log.completion).toBeUndefined();
    expect(log.diagnostics).toEqual([
      {
        severity: 'error',
        summary: 'local-exec provisioner error',
        detail:
          "Error running command 'echo 'job failed: <b>exit</b> & more' >&2; exit 3': exit status 3. Output: job failed: <b>exit</b> & more",
        address: 'terraform_data.migrate',
      },
    ]);
    // The log reads as Terraform's human UI: no JSON, no "Plan to create" lines.
    expect(shown).not.toContain('"@level"');
    expect(shown).not.toContain('Plan to create');
    expect(shown).toContain('terraform_data.api: Creating...\n');
    expect(shown).toMatch(/terraform_data\.api: Creation complete after 0s \[id=[0-9a-f-]{36}\]\n/);
    expect(shown).toContain('terraform_data.migrate: Creation errored after 0s\n');
    expect(shown).toContain('Error: local-exec provisioner error\n\n  with terraform_data.migrate,\n\n');
    expect(log.errorText()).toMatch(
      /^Error: local-exec provisioner error\n\n {2}with terraform_data\.migrate,\n\n/,
    );
  });

  it('a tainted replacement (destroy, then create) and an update that complete', () => {
    const { log } = readAll(golden('apply-replace.json'));
    expect(log.applied).toEqual([
      expect.objectContaining({ address: 'terraform_data.api', action: 'update', status: 'complete' }),
      expect.objectContaining({
        address: 'terraform_data.migrate',
        action: 'replace',
        reason: 'tainted',
        status: 'complete',
      }),
    ]);
    expect(log.completion).toBe('Apply complete! Resources: 1 added, 1 changed, 1 destroyed.');
  });

  it('a replacement with only its destroy done is half done, not done', () => {
    const lines = golden('apply-replace.json')
      .split('\n')
      .filter((line) => !(line.includes('"apply_complete"') && line.includes('"action":"create"')));
    const { log } = readAll(lines.join('\n'));
    expect(log.applied.find((r) => r.address === 'terraform_data.migrate')?.status).toBe('half');
  });

  it('a stale plan: its diagnostic explains the failure, as stderr did without -json', () => {
    const { log } = readAll(golden('apply-stale.json'));
    const error = explainTerraformFailure('apply', failed(log.errorText()), 'x');
    expect(error.message).toContain('terraform apply: the saved plan is stale');
  });

  it('removes a secret only recognisable once the JSON is decoded, and shows other lines as they are', () => {
    const secret = 'p<ss&w>rd-ApplyLog-5d1e';
    registerSecret(secret);
    const encoded = JSON.stringify(secret)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026');
    const line = `{"@level":"error","@message":"Error: bad","diagnostic":{"severity":"error","summary":"bad","detail":"value ${encoded.slice(1, -1)}"},"type":"diagnostic"}\n`;
    const { log, shown } = readAll(`${line}panic: not json\n`);
    expect(log.diagnostics[0]?.detail).toBe('value ***');
    expect(shown).not.toContain(secret);
    expect(shown).toContain('panic: not json\n');
  });

  it('keeps what it holds bounded, whatever the length of the output', () => {
    const log = new ApplyLog();
    const hook = (i: number) =>
      `{"@message":"r.x${i}: Creating...","hook":{"resource":{"addr":"r.x${i}"},"action":"create"},"type":"apply_start"}`;
    const diagnostic = `{"@message":"Error: e","diagnostic":{"severity":"error","summary":"e","detail":"${'d'.repeat(10_000)}"},"type":"diagnostic"}`;
    for (let batch = 0; batch < 20; batch++) {
      const lines = Array.from({ length: 500 }, (_, i) => hook(batch * 500 + i));
      log.read(`${lines.join('\n')}\n${diagnostic}\n${diagnostic}\n`);
    }
    expect(log.applied).toHaveLength(MAX_RESOURCES);
    expect(log.diagnostics).toHaveLength(MAX_DIAGNOSTICS);
    expect(log.droppedDiagnostics).toBe(40 - MAX_DIAGNOSTICS);
    expect(log.diagnostics[0]?.detail.length).toBeLessThan(2_100);
  });
});

describe('the apply tables', () => {
  it('lists each resource with its result, and the errors as plain text', () => {
    const { log } = readAll(golden('apply-fails.json'));
    const [applied, errors] = applyTables(log);
    expect(applied?.rows).toEqual([
      ['terraform_data.api', 'create', '✅ done after 0s'],
      ['terraform_data.migrate', 'create', '❌ failed after 0s'],
    ]);
    expect(errors?.rows[0]?.[3]).toBe(
      "Error running command 'echo 'job failed: &lt;b&gt;exit&lt;/b&gt; &amp; more' &gt;&2; exit 3': exit status 3. Output: job failed: &lt;b&gt;exit&lt;/b&gt; &amp; more".replace(
        '&gt;&2',
        '&gt;&amp;2',
      ),
    );
  });

  it('plainMarkdown: no HTML, no emphasis, links or code spans', () => {
    expect(plainMarkdown('<a href="x">*b* _i_ `c` [l](u) ~s~ # h & \\')).toBe(
      '&lt;a href="x"&gt;\\*b\\* \\_i\\_ \\`c\\` \\[l\\](u) \\~s\\~ \\# h &amp; \\\\',
    );
  });
});

describe('missingVariables on the real wrapped text', () => {
  it('finds a 40-character name that Terraform wrapped before "not set"', () => {
    const stderr = golden('required-variable-long.stderr');
    expect(stderr).toContain('"cloud_sql_connection_name_for_the_api_db" is\nnot set');
    expect(missingVariables(stderr)).toEqual(['cloud_sql_connection_name_for_the_api_db']);
    const error = explainTerraformFailure('plan', failed(stderr), 'x');
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('variable cloud_sql_connection_name_for_the_api_db has no value');
  });

  it.each([
    ['a short name', 'input variable "image" is not set, and'],
    ['a break after "variable"', 'input variable\n"a_name_of_some_length" is not set'],
    ['a break after the name', 'input variable "a_name"\nis not set'],
    ['a break before "set"', 'input variable "a_name" is not\nset'],
    ['boxed lines', '│ input variable "a_name" is\n│ not set'],
  ])('%s', (_case, text) => {
    const name = /"([^"]+)"/.exec(text)?.[1];
    const plain = text.replace(/│ /g, '');
    expect(missingVariables(plain)).toEqual([name]);
  });

  it('each name once, in order', () => {
    const stderr = golden('required-variable.stderr') + golden('required-variable-long.stderr');
    expect(missingVariables(stderr)).toEqual(['image', 'cloud_sql_connection_name_for_the_api_db']);
  });
});

describe('the state bucket refused (403)', () => {
  it('reads who and which permission from the real backend text', () => {
    expect(stateBucketRefusal(golden('init-gcs-forbidden.stderr'))).toEqual({
      identity: 'deployer@acme-dev.iam.gserviceaccount.com',
      permission: 'storage.objects.list',
    });
    expect(stateBucketRefusal(golden('unknown-flag-init.stderr'))).toBeUndefined();
  });

  it('gives the Workload Identity hint with the bucket and the repository', () => {
    const error = explainTerraformFailure('init', failed(golden('init-gcs-forbidden.stderr')), 'x', [], {
      stateBucket: 'acme-dev-tfstate',
      repository: 'example-org/api',
    });
    expect(error.message).toContain(
      'Google refused deployer@acme-dev.iam.gserviceaccount.com access to state bucket gs://acme-dev-tfstate (403, storage.objects.list)',
    );
    expect(error.message).toContain('--member=serviceAccount:deployer@acme-dev.iam.gserviceaccount.com');
    expect(error.message).toContain('attribute.repository/example-org/api');
    expect(error.message).not.toContain('providers or backend');
  });

  it('without a known bucket or service account, says what to look for', () => {
    const stderr =
      '\nError: Failed to get existing workspaces: querying Cloud Storage failed: googleapi: Error 403: principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/repo:o/r does not have storage.objects.list access to the Google Cloud Storage bucket., forbidden\n';
    const error = explainTerraformFailure('init', failed(stderr), 'x');
    expect(error.message).toContain('access to the state bucket (403, storage.objects.list)');
    expect(error.message).toContain('--member=serviceAccount:<the deployer service account>');
    expect(error.message).toContain('attribute.repository/OWNER/REPO');
  });

  it('stateBucketOf reads the last bucket= of backend-config', () => {
    expect(stateBucketOf(['prefix=service', 'bucket=a', 'bucket = "b"'])).toBe('b');
    expect(stateBucketOf(['prefix=service', 'backend.hcl'])).toBeUndefined();
  });
});

describe('a tainted replacement in the plan', () => {
  const summary = summarisePlan(parsePlan(golden('plan-tainted.show.stdout')));
  const context = {
    contract: DEFAULT_CONTRACT,
    hasContract: false,
    environment: 'dev',
    production: false,
    allowDevAuthBypass: false,
    bypassVariable: 'allow_dev_auth_bypass',
    allowDestroy: false,
  };

  it('carries the reason from show -json into the summary table', () => {
    expect(summary.changes).toContainEqual({
      address: 'terraform_data.migrate',
      type: 'terraform_data',
      kind: 'replace',
      actions: ['delete', 'create'],
      reason: 'replace_because_tainted',
    });
    expect(resourceChangesTable(summary)?.rows).toEqual([['terraform_data.migrate', 'replace (tainted)']]);
  });

  it('the destroy guard names it, says it is tainted, and gives both ways out', () => {
    const findings = checkPlanAgainstContract(summary, context);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/^terraform_data\.migrate is tainted \(/);
    expect(findings[0]?.message).toContain('terraform untaint terraform_data.migrate');
    expect(findings[0]?.message).toContain('allow-destroy: true');
    const allowed = checkPlanAgainstContract(summary, {
      ...context,
      allowDestroy: true,
    });
    expect(allowed).toEqual([]);
  });
});

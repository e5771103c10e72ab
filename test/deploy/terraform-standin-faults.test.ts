// The Terraform stand-in's texts for the faults deploy explains (a wrapped variable name, a
// tainted replacement, apply's JSON UI with a failed resource, the GCS backend's 403), compared
// with what the REAL Terraform 1.11.4 printed offline (test/fixtures/deploy/real-terraform/,
// capture.sh: long-variable/, apply-fails/, gcs-forbidden/).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { standinsDir, writeTerraformScenario, type JsonObject } from '../../testkit/deploy-scenarios.js';

const real = join(import.meta.dirname, '..', 'fixtures', 'deploy', 'real-terraform');
const golden = (name: string): string => readFileSync(join(real, name), 'utf8');
const goldenJson = (name: string): JsonObject => JSON.parse(golden(name)) as JsonObject;
const IMAGE1 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'1'.repeat(64)}`;
const IMAGE2 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'2'.repeat(64)}`;
const PLAN = ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-lock-timeout=5m', '-out=tfplan'];
const APPLY_JSON = ['apply', '-json', '-input=false', '-no-color', '-lock-timeout=5m', 'tfplan'];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scenario(value: unknown): Record<string, string> {
  const files = writeTerraformScenario(value as Parameters<typeof writeTerraformScenario>[0]);
  dirs.push(files.dir);
  return files.env;
}

function workdir(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'standin-faults-'));
  dirs.push(dir);
  cpSync(join(real, config), dir, { recursive: true });
  return dir;
}

function terraform(
  env: Record<string, string>,
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TF_|TERRAFORM_STANDIN|NODE_EXTRA_CA_CERTS$)/.test(key)) clean[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(join(standinsDir, 'terraform'), args, { cwd, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * UI messages compared without what differs between any two runs: timestamps, object ids, the
 * order of concurrent resources (sorted), the local-exec provisioner's own messages (the
 * stand-in runs none), a diagnostic's source range and snippet (the stand-in reads no HCL).
 */
function uiMessages(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((message) => !String(message['type']).startsWith('provision_'))
    .map((message) => {
      const copy = structuredClone(message);
      delete copy['@timestamp'];
      const hook = copy['hook'] as Record<string, unknown> | undefined;
      if (hook !== undefined && 'id_value' in hook) hook['id_value'] = 'ID';
      const diagnostic = copy['diagnostic'] as Record<string, unknown> | undefined;
      if (diagnostic !== undefined) {
        delete diagnostic['range'];
        delete diagnostic['snippet'];
      }
      return JSON.stringify(copy).replace(/\[id=[^\]]+\]/g, '[id=ID]');
    })
    .sort();
}

/** The provisioner's failure, as the real apply-fails/ stack reports it. */
function realFailure(): { summary: string; detail: string } {
  const line = golden('apply-fails.json')
    .split('\n')
    .find((text) => text.includes('"type":"diagnostic"'));
  const diagnostic = (JSON.parse(line ?? '{}') as { diagnostic: { summary: string; detail: string } })
    .diagnostic;
  return { summary: diagnostic.summary, detail: diagnostic.detail };
}

describe('terraform stand-in: the texts of the faults deploy explains, as the real CLI prints them', () => {
  it('a required variable of 40 characters: its detail wrapped after "is"', async () => {
    const env = scenario({ plan: { document: goldenJson('plan-fails.show.stdout') } });
    const result = await terraform(env, workdir('long-variable'), [...PLAN, '-var', `image=${IMAGE1}`]);
    expect([result.code, result.stdout, result.stderr]).toEqual([
      1,
      '',
      golden('required-variable-long.stderr'),
    ]);
    // What the action's parser must survive: the name and "is not set" on two lines.
    expect(result.stderr).toMatch(/"cloud_sql_connection_name_for_the_api_db" is\nnot set/);
  });

  it('the plan that replaces a tainted resource (show -json marks replace_because_tainted)', async () => {
    const document = goldenJson('plan-tainted.show.stdout');
    const env = scenario({ plan: { document } });
    const result = await terraform(env, workdir('apply-fails'), [...PLAN, '-var', `image=${IMAGE1}`]);
    const ids = (text: string): string => text.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID');
    expect(result.code).toBe(2);
    expect(ids(result.stdout)).toBe(ids(golden('plan-tainted.stdout')));
  });

  it('apply -json with a failed create: the same UI messages as the real apply', async () => {
    const env = scenario({
      plan: { document: goldenJson('plan-fails.show.stdout') },
      apply: { failures: [{ address: 'terraform_data.migrate', ...realFailure() }] },
      output: { url: { value: 'https://api.example.test' } },
    });
    const dir = workdir('apply-fails');
    expect((await terraform(env, dir, [...PLAN, '-var', `image=${IMAGE1}`])).code).toBe(2);
    const result = await terraform(env, dir, APPLY_JSON);
    expect([result.code, result.stderr]).toEqual([1, golden('apply-fails.json.stderr')]);
    expect(uiMessages(result.stdout)).toEqual(uiMessages(golden('apply-fails.json')));
  });

  it('apply -json of a stale plan, and of a tainted replacement that completes', async () => {
    const stale = scenario({
      plan: { document: goldenJson('plan-fails.show.stdout') },
      apply: { stale: true },
    });
    const dir = workdir('apply-fails');
    await terraform(stale, dir, [...PLAN, '-var', `image=${IMAGE1}`]);
    const refused = await terraform(stale, dir, APPLY_JSON);
    expect(refused.code).toBe(1);
    expect(uiMessages(refused.stdout)).toEqual(uiMessages(golden('apply-stale.json')));

    const env = scenario({
      plan: { document: goldenJson('plan-replace.show.stdout') },
      output: { url: { value: 'https://api.example.test' } },
    });
    await terraform(env, dir, [...PLAN, '-var', `image=${IMAGE2}`]);
    const replaced = await terraform(env, dir, APPLY_JSON);
    expect(replaced.code).toBe(0);
    expect(uiMessages(replaced.stdout)).toEqual(uiMessages(golden('apply-replace.json')));
  });

  it("init against a state bucket that refuses the run (the gcs backend's 403)", async () => {
    const env = scenario({ init: { backendForbidden: {} } });
    const dir = workdir('gcs-forbidden');
    writeFileSync(join(dir, 'server.mjs'), ''); // the capture's Cloud Storage API, not needed here
    const result = await terraform({ ...env, TF_IN_AUTOMATION: '1' }, dir, [
      'init',
      '-input=false',
      '-no-color',
      '-backend-config=bucket=acme-dev-tfstate',
    ]);
    expect([result.code, result.stdout, result.stderr]).toEqual([
      1,
      golden('init-gcs-forbidden.stdout'),
      golden('init-gcs-forbidden.stderr'),
    ]);
  });
});

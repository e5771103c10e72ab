// The Terraform stand-in's opt-in Cloud Run path (TERRAFORM_STANDIN_CLOUD_RUN_API): its apply of
// the service stack writes the service to a real local Google emulator
// (testkit/google-emulator.mjs) through the Cloud Run Admin API v2, as the Google provider does,
// and `output -json` reports the URL and revision the emulator reports. Without the variable the
// stand-in never calls the emulator (standins.test.ts holds its texts to the real Terraform's).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  servicePlan,
  serviceOutputs,
  standinsDir,
  writeTerraformScenario,
  type JsonObject,
  type StandinFiles,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { requestsTo, startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const PROJECT = 'acme-dev';
const REGION = 'europe-west1';
const SERVICE = 'api';
const SERVICE_NAME = `projects/${PROJECT}/locations/${REGION}/services/${SERVICE}`;
const IMAGE1 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'1'.repeat(64)}`;
const IMAGE2 = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'2'.repeat(64)}`;
// The deploy action's own argument lists (src/deploy/terraform.ts).
const PLAN = ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-lock-timeout=5m', '-out=tfplan'];
const APPLY = ['apply', '-input=false', '-no-color', '-json', '-lock-timeout=5m', 'tfplan'];
const APPLY_TEXT = ['apply', '-input=false', '-no-color', '-lock-timeout=5m', 'tfplan'];
const OUTPUT = ['output', '-json', '-no-color'];
const READY_AFTER_MS = 300;

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startEmulator(cleanups, {
    project: PROJECT,
    region: REGION,
    readyAfterMs: READY_AFTER_MS,
  });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The stand-in, started as the deploy action starts it, with nothing of the machine's TF_ or stand-in variables. */
function terraform(cwd: string, args: string[], env: Record<string, string>): Promise<Result> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TF_|TERRAFORM_STANDIN|CLOUDSDK_|NODE_EXTRA_CA_CERTS$)/.test(key)) {
      clean[key] = value;
    }
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(standinsDir, 'terraform'), args, { cwd, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A stack: a scenario file the test rewrites per deploy, and an empty working directory. */
function stack(value: TerraformScenario): { files: StandinFiles; dir: string; env: Record<string, string> } {
  const files = writeTerraformScenario(value);
  const dir = mkdtempSync(join(tmpdir(), 'standin-emulator-work-'));
  cleanups.push(
    () => rmSync(files.dir, { recursive: true, force: true }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { files, dir, env: { ...files.env, TERRAFORM_STANDIN_CLOUD_RUN_API: emulator.url } };
}

/** plan -out=tfplan, then apply it. */
async function planAndApply(
  s: { dir: string; env: Record<string, string> },
  image: string,
  apply: string[] = APPLY,
  env: Record<string, string> = {},
): Promise<Result> {
  const plan = await terraform(s.dir, [...PLAN, '-var', `image=${image}`], { ...s.env, ...env });
  expect([plan.code, plan.stderr]).toEqual([2, '']);
  return terraform(s.dir, apply, { ...s.env, ...env });
}

/** The JSON UI messages of `apply -json`. */
function messages(stdout: string): { type: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string });
}

function serviceNow(name = SERVICE): Record<string, unknown> {
  const service = emulator.service(PROJECT, REGION, name);
  expect(service, `the emulator holds ${name}`).toBeDefined();
  return service as Record<string, unknown>;
}

const shortName = (revision: unknown) => String(revision).split('/').at(-1);

/** Keys with an underscore outside map attributes: a Terraform attribute name sent to the API as is. */
function snakeKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => snakeKeys(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    ['labels', 'annotations', 'limits'].includes(key)
      ? []
      : [...(key.includes('_') ? [`${path}.${key}`] : []), ...snakeKeys(item, `${path}.${key}`)],
  );
}

describe('terraform stand-in with TERRAFORM_STANDIN_CLOUD_RUN_API: Cloud Run in the Google emulator', () => {
  it('creates the service, then updates it: a new revision each time, output -json as the emulator reports it', async () => {
    emulator.resetScripts();
    const s = stack({ plan: { document: servicePlan({ action: 'create' }) } });

    // create: POST …/services?serviceId=api, the operation waited for
    const created = await planAndApply(s, IMAGE1);
    expect([created.code, created.stderr]).toEqual([0, '']);
    const posts = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/services'));
    expect(posts).toEqual([
      expect.objectContaining({
        path: `/v2/projects/${PROJECT}/locations/${REGION}/services`,
        query: { serviceId: SERVICE },
        authorization: true,
      }),
    ]);
    expect(requestsTo(emulator, /\/operations\//).length).toBeGreaterThanOrEqual(1);
    expect(emulator.tokensIssued.direct).toBeGreaterThanOrEqual(1);
    // The provider returns once the operation is done: the revision reconciled meanwhile.
    expect(created.ms).toBeGreaterThanOrEqual(READY_AFTER_MS);
    const first = serviceNow();
    const firstRevision = shortName(first['latestCreatedRevision']);
    expect(firstRevision).toMatch(/^api-00001-[a-z]{3}$/);
    expect(first).toMatchObject({
      name: SERVICE_NAME,
      generation: '1',
      reconciling: false,
      latestReadyRevision: first['latestCreatedRevision'],
      ingress: 'INGRESS_TRAFFIC_ALL',
      labels: { 'commit-sha': '3f2a9c8', 'goog-terraform-provisioned': 'true' },
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    });
    // The plan's `after` in the API's shape: camelCase, blocks as messages, secrets as valueSource.
    const template = first['template'] as Record<string, unknown>;
    expect(template).toMatchObject({
      serviceAccount: `api-runtime@${PROJECT}.iam.gserviceaccount.com`,
      scaling: { maxInstanceCount: 10, minInstanceCount: 0 },
      containers: [
        {
          image: IMAGE1,
          resources: { cpuIdle: true, limits: { cpu: '1', memory: '512Mi' }, startupCpuBoost: false },
        },
      ],
    });
    const env = (template['containers'] as { env: unknown[] }[])[0]!.env;
    expect(env).toContainEqual({ name: 'ENV', value: 'dev' });
    expect(env).toContainEqual({
      name: 'DATABASE_URL',
      valueSource: { secretKeyRef: { secret: 'database-url-dev', version: 'latest' } },
    });
    expect(snakeKeys(first)).toEqual([]);
    // apply -json's outputs message: the emulator's service.
    const outputsMessage = messages(created.stdout).find((m) => m.type === 'outputs');
    expect(outputsMessage?.['outputs']).toEqual({
      revision: { sensitive: false, type: 'string', value: firstRevision },
      url: { sensitive: false, type: 'string', value: first['uri'] },
    });
    const afterCreate = await terraform(s.dir, OUTPUT, s.env);
    expect(afterCreate.code).toBe(0);
    expect(JSON.parse(afterCreate.stdout)).toEqual({
      revision: { sensitive: false, type: 'string', value: firstRevision },
      url: { sensitive: false, type: 'string', value: first['uri'] },
    });

    // update (the next deploy of the same stack): PATCH …/services/api with the new image
    writeFileSync(
      s.files.scenario,
      JSON.stringify({ plan: { document: servicePlan({ action: 'update' }) } }),
    );
    const before = emulator.requests.length;
    const updated = await planAndApply(s, IMAGE2);
    expect([updated.code, updated.stderr]).toEqual([0, '']);
    const writes = emulator.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/v2/') && r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /v2/${SERVICE_NAME}`]);
    const second = serviceNow();
    const secondRevision = shortName(second['latestCreatedRevision']);
    expect(secondRevision).toMatch(/^api-00002-[a-z]{3}$/);
    expect(secondRevision).not.toBe(firstRevision);
    expect(second).toMatchObject({ generation: '2', reconciling: false, uri: first['uri'] });
    expect((second['template'] as { containers: { image: string }[] }).containers[0]!.image).toBe(IMAGE2);
    const afterUpdate = await terraform(s.dir, OUTPUT, s.env);
    expect(JSON.parse(afterUpdate.stdout)).toEqual({
      revision: { sensitive: false, type: 'string', value: secondRevision },
      url: { sensitive: false, type: 'string', value: second['uri'] },
    });
    // output -json asks the emulator each time (GET the service), it keeps no copy.
    expect(requestsTo(emulator, new RegExp(`^/v2/${SERVICE_NAME}$`)).some((r) => r.method === 'GET')).toBe(
      true,
    );
  });

  it('the text UI prints the emulator’s outputs after "Apply complete!"', async () => {
    emulator.resetScripts();
    const s = stack({ plan: { document: servicePlan({ action: 'create', name: 'text-ui' }) } });
    const applied = await planAndApply(s, IMAGE1, APPLY_TEXT);
    expect(applied.code).toBe(0);
    const service = serviceNow('text-ui');
    expect(applied.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    expect(applied.stdout).toContain(
      `\nOutputs:\n\nrevision = "${shortName(service['latestCreatedRevision'])}"\nurl = "${String(service['uri'])}"\n`,
    );
  });

  it('a revision that fails: the provider’s error on the resource, exit 1, no outputs', async () => {
    emulator.resetScripts();
    emulator.scriptDeploy({
      service: 'failing',
      readyAfterMs: 100,
      fails: { reason: 'CONTAINER_MISSING', message: 'Image not found.', code: 9 },
    });
    const s = stack({ plan: { document: servicePlan({ action: 'create', name: 'failing' }) } });
    const applied = await planAndApply(s, IMAGE1);
    expect(applied.code).toBe(1);
    const ui = messages(applied.stdout);
    expect(ui.some((m) => m.type === 'apply_errored')).toBe(true);
    expect(ui.some((m) => m.type === 'outputs' || m.type === 'change_summary')).toBe(false);
    const diagnostic = ui.find((m) => m.type === 'diagnostic');
    expect(diagnostic?.['diagnostic']).toMatchObject({
      severity: 'error',
      summary:
        'Error waiting to create Service: Error waiting for Creating Service: Error code 9, message: Image not found.',
      address: 'google_cloud_run_v2_service.failing',
    });
  });

  it('an API refusal (the service exists already) is "Error creating Service: googleapi: Error 409"', async () => {
    emulator.resetScripts();
    emulator.putService({ name: 'taken' });
    const s = stack({ plan: { document: servicePlan({ action: 'create', name: 'taken' }) } });
    const applied = await planAndApply(s, IMAGE1);
    expect(applied.code).toBe(1);
    const diagnostic = messages(applied.stdout).find((m) => m.type === 'diagnostic');
    expect((diagnostic?.['diagnostic'] as { summary: string }).summary).toBe(
      `Error creating Service: googleapi: Error 409: Resource 'projects/${PROJECT}/locations/${REGION}/services/taken' already exists.`,
    );
  });

  it('TERRAFORM_STANDIN_CLOUD_RUN_WAIT=none: apply returns with the revision still reconciling', async () => {
    emulator.resetScripts();
    emulator.scriptDeploy({ service: 'nowait', readyAfterMs: 60_000 });
    const s = stack({ plan: { document: servicePlan({ action: 'create', name: 'nowait' }) } });
    const applied = await planAndApply(s, IMAGE1, APPLY, { TERRAFORM_STANDIN_CLOUD_RUN_WAIT: 'none' });
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(requestsTo(emulator, /\/operations\//)).toEqual([]);
    const service = serviceNow('nowait');
    expect(service).toMatchObject({ reconciling: true });
    expect(service['latestReadyRevision']).toBeUndefined();
    const output = JSON.parse((await terraform(s.dir, OUTPUT, s.env)).stdout) as JsonObject;
    expect(output['revision']).toMatchObject({ value: shortName(service['latestCreatedRevision']) });
  });

  it('replacing a Cloud Run service is refused, not half-emulated', async () => {
    emulator.resetScripts();
    const s = stack({ plan: { document: servicePlan({ action: 'replace', name: 'replaced' }) } });
    const applied = await planAndApply(s, IMAGE1);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toContain(
      'terraform stand-in: google_cloud_run_v2_service.replaced: delete-create of a Cloud Run service is not emulated',
    );
    expect(emulator.requests.filter((r) => r.path.startsWith('/v2/'))).toEqual([]);
  });

  it('without the variable: the scenario’s outputs, and not one request to the emulator', async () => {
    emulator.resetScripts();
    const s = stack({
      plan: { document: servicePlan({ action: 'create', name: 'offline' }) },
      output: serviceOutputs(),
    });
    const withoutApi = { ...s.env, TERRAFORM_STANDIN_CLOUD_RUN_API: '' };
    const applied = await planAndApply({ dir: s.dir, env: withoutApi }, IMAGE1);
    expect(applied.code).toBe(0);
    const output = await terraform(s.dir, OUTPUT, withoutApi);
    expect(JSON.parse(output.stdout)).toEqual({
      revision: { sensitive: false, type: 'string', value: 'api-00042-xyz' },
      url: { sensitive: false, type: 'string', value: 'https://api-q7h2kq3zaa-ew.a.run.app' },
    });
    expect(emulator.requests).toEqual([]);
    expect(emulator.service(PROJECT, REGION, 'offline')).toBeUndefined();
  });
});

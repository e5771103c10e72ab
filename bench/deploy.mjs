// The deploy action's own overhead above Terraform's and Google's time, for a 5 MB plan JSON,
// and its peak memory. Terraform is an instant shell stand-in (bench/standins) and Secret
// Manager the local Google emulator (testkit/google-emulator.mjs, no gcloud on PATH), so the
// action's wall time minus the same calls made directly is what the action itself costs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoogleEmulator } from '../testkit/google-emulator.mjs';
import { repoRoot, runAction } from '../testkit/local-runner.mjs';
import { directGets, pathWithoutGcloud, verdict } from './google.mjs';

const standins = join(repoRoot, 'bench', 'standins');
const stack = join(repoRoot, 'test', 'fixtures', 'deploy', 'stacks', 'service');
const contract = join(repoRoot, 'test', 'fixtures', 'contracts', 'runtime-contract.yml');
const image = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;

/** A plan of the reference service plus enough IAM members to weigh about 5 MB. */
export function bigPlan() {
  const secretRef = (/** @type {string} */ secret) => [{ secret_key_ref: [{ secret, version: 'latest' }] }];
  const env = [
    { name: 'ADMIN_API_KEY', value: null, value_source: secretRef('admin-api-key-dev') },
    { name: 'BASE_URL', value: 'https://api.dev.example.com', value_source: [] },
    { name: 'CLERK_SECRET_KEY', value: null, value_source: secretRef('clerk-secret-key-dev') },
    { name: 'DATABASE_URL', value: null, value_source: secretRef('database-url-dev') },
    { name: 'ENV', value: 'dev', value_source: [] },
  ];
  const afterUnknown = { template: [{ containers: [{ env: env.map(() => ({ value_source: [{}] })) }] }] };
  const filler = Array.from({ length: 2000 }, (_, i) => ({
    address: `google_secret_manager_secret_iam_member.reader[${i}]`,
    mode: 'managed',
    type: 'google_secret_manager_secret_iam_member',
    name: 'reader',
    index: i,
    change: {
      actions: ['update'],
      before: {
        member: `serviceAccount:reader-${i}@acme-dev.iam.gserviceaccount.com`,
        role: 'roles/secretmanager.secretAccessor',
        etag: 'x'.repeat(1100),
        condition: [],
      },
      after: {
        member: `serviceAccount:reader-${i}@acme-dev.iam.gserviceaccount.com`,
        role: 'roles/secretmanager.secretAccessor',
        etag: 'y'.repeat(1100),
        condition: [],
      },
      after_unknown: { etag: true },
    },
  }));
  return planJson(env, afterUnknown, filler);
}

/**
 * A plan JSON that updates service `api` to `image` with the container env `env`, followed by
 * `more` resource changes.
 * @param {unknown[]} env @param {object} afterUnknown @param {unknown[]} [more]
 */
export function planJson(env, afterUnknown, more = []) {
  const service = {
    address: 'google_cloud_run_v2_service.api',
    mode: 'managed',
    type: 'google_cloud_run_v2_service',
    name: 'api',
    change: {
      actions: ['update'],
      before: { name: 'api', template: [{ containers: [{ image: 'old', env }] }] },
      after: { name: 'api', template: [{ containers: [{ image, env }] }] },
      after_unknown: afterUnknown,
    },
  };
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: { image: { value: image }, allow_dev_auth_bypass: { value: false } },
    resource_changes: [service, ...more],
    output_changes: {},
  });
}

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The secrets the plan reads (bigPlan), each with one enabled version in the emulator. */
const SECRETS = ['admin-api-key-dev', 'clerk-secret-key-dev', 'database-url-dev'];

/**
 * The same calls the action makes, made directly: Terraform in sequence, the Secret Manager
 * GETs concurrently (with a token the emulator issued; the action's token exchange is its own cost).
 * @param {NodeJS.ProcessEnv} env @param {{ url: string, project: string, token: string }} google
 */
async function toolsAlone(env, google) {
  const run = (/** @type {string} */ tool, /** @type {string[]} */ args) =>
    new Promise((resolve) =>
      spawn(join(standins, tool), args, { env, stdio: 'ignore' }).on('close', resolve),
    );
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'bench-tools-'));
  const plan = join(dir, 'tfplan');
  await run('terraform', ['init']);
  await run('terraform', ['plan', `-out=${plan}`]);
  await run('terraform', ['show', '-json', plan]);
  await directGets(
    google.url,
    SECRETS.map((secret) => `/v1/projects/${google.project}/secrets/${secret}/versions/latest`),
    google.token,
  );
  await run('terraform', ['apply', plan]);
  await run('terraform', ['output', '-json']);
  rmSync(dir, { recursive: true, force: true });
  return performance.now() - started;
}

/** @param {number} runs */
export async function benchDeploy(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deploy-'));
  const planJson = join(dir, 'plan.json');
  writeFileSync(planJson, bigPlan());
  const rssFile = join(dir, 'rss');
  // Observes only: records the action process's peak resident memory when it exits.
  const preload = join(dir, 'rss.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const emulator = await startGoogleEmulator({ project: 'acme-dev', region: 'europe-west1' });
  for (const id of SECRETS) emulator.putSecret({ id, versions: [{ state: 'ENABLED' }] });
  const google = { url: emulator.url, project: emulator.project, token: emulator.issueToken() };
  const env = { ...emulator.env(), PATH: pathWithoutGcloud([standins]), BENCH_PLAN_JSON: planJson };
  /** @type {number[]} */
  const action = [];
  /** @type {number[]} */
  const tools = [];
  /** @type {number[]} */
  const rss = [];
  for (let i = 0; i < runs; i++) {
    emulator.resetScripts();
    const result = await runAction({
      stage: 'deploy',
      inputs: { 'working-directory': stack, environment: 'dev', image, contract, project: 'acme-dev' },
      env: { ...env, NODE_OPTIONS: `--require ${preload}`, RUNNER_DEBUG: undefined },
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`deploy failed in the benchmark:\n${result.log}`);
    const asked = emulator.requests.filter((r) => r.path.includes('/secrets/')).length;
    if (asked !== SECRETS.length) {
      throw new Error(`deploy asked Secret Manager ${asked} times, not ${SECRETS.length}:\n${result.log}`);
    }
    action.push(result.durationMs);
    rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    tools.push(await toolsAlone(env, google));
  }
  await emulator.close();
  const size = readFileSync(planJson).length;
  rmSync(dir, { recursive: true, force: true });
  const overhead = action.map((value, i) => value - (tools[i] ?? 0));
  console.log(
    `\nDeploy: the action's own overhead above the tools, plan JSON ${(size / 1e6).toFixed(1)} MB, ${runs} runs`,
  );
  const row = (/** @type {string} */ what, /** @type {number[]} */ values, target = '', result = '') =>
    console.log(
      `| ${what} | ${median(values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${target} | ${result} |`,
    );
  console.log('| measure | median | max | target | result |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  row('action wall time, ms', action);
  row('the same Terraform and Secret Manager calls alone, ms', tools);
  row('overhead (action − calls), ms', overhead, 'median ≤ 200', verdict(median(overhead), 200));
  row('peak memory of the action, MiB', rss, 'max ≤ 120', verdict(Math.max(...rss), 120));
}

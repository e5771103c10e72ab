// The deploy action's own overhead above Terraform's time, for a 5 MB plan JSON, and its peak
// memory. Terraform and gcloud are instant shell stand-ins (bench/standins), so the action's
// wall time minus the same tool calls made directly is what the action itself costs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runAction } from '../testkit/local-runner.mjs';

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
  const service = {
    address: 'google_cloud_run_v2_service.api',
    mode: 'managed',
    type: 'google_cloud_run_v2_service',
    name: 'api',
    change: {
      actions: ['update'],
      before: { name: 'api', template: [{ containers: [{ image: 'old', env }] }] },
      after: { name: 'api', template: [{ containers: [{ image, env }] }] },
      after_unknown: { template: [{ containers: [{ env: env.map(() => ({ value_source: [{}] })) }] }] },
    },
  };
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
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: { image: { value: image }, allow_dev_auth_bypass: { value: false } },
    resource_changes: [service, ...filler],
    output_changes: {},
  });
}

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The same tool calls the action makes, made directly: Terraform in sequence, gcloud concurrently. */
/** @param {NodeJS.ProcessEnv} env */
async function toolsAlone(env) {
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
  await Promise.all(['a', 'b', 'c'].map((secret) => run('gcloud', ['secrets', 'versions', 'list', secret])));
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
  const env = { PATH: `${standins}:${process.env.PATH}`, BENCH_PLAN_JSON: planJson };
  /** @type {number[]} */
  const action = [];
  /** @type {number[]} */
  const tools = [];
  /** @type {number[]} */
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const result = await runAction({
      stage: 'deploy',
      pathPrepend: [standins],
      inputs: { 'working-directory': stack, environment: 'dev', image, contract, project: 'acme-dev' },
      env: { BENCH_PLAN_JSON: planJson, NODE_OPTIONS: `--require ${preload}`, RUNNER_DEBUG: undefined },
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`deploy failed in the benchmark:\n${result.log}`);
    action.push(result.durationMs);
    rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    tools.push(await toolsAlone(env));
  }
  const size = readFileSync(planJson).length;
  rmSync(dir, { recursive: true, force: true });
  const overhead = action.map((value, i) => value - (tools[i] ?? 0));
  console.log(
    `\nDeploy: the action's own overhead above the tools, plan JSON ${(size / 1e6).toFixed(1)} MB, ${runs} runs`,
  );
  console.log('(goal: overhead ≤ 200 ms, peak memory ≤ 120 MiB)');
  console.log('| measure | median | max |');
  console.log('| --- | ---: | ---: |');
  console.log(`| action wall time, ms | ${median(action).toFixed(0)} | ${Math.max(...action).toFixed(0)} |`);
  console.log(
    `| the same tool calls alone, ms | ${median(tools).toFixed(0)} | ${Math.max(...tools).toFixed(0)} |`,
  );
  console.log(
    `| overhead (action − tools), ms | ${median(overhead).toFixed(0)} | ${Math.max(...overhead).toFixed(0)} |`,
  );
  console.log(
    `| peak memory of the action, MiB | ${median(rss).toFixed(0)} | ${Math.max(...rss).toFixed(0)} |`,
  );
}

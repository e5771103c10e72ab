// `npm run bench`: what a user waits for, measured side by side in one run.
//  1. cold start of every bundle as a ratio to bare `node -e 0` (and to a bundle of
//     @actions/core alone), median of alternating runs, each process with a clean environment
//     (this machine's NODE_EXTRA_CA_CERTS alone adds ~90 ms to every Node start);
//  2. bundle sizes;
//  3. health-check detection latency: from the server turning healthy to the action's exit;
//  4. deploy: its own overhead above Terraform for a 5 MB plan JSON, and its peak memory;
//  5. test: three 1 s commands in parallel and in sequence; the import guard on 10k/20k files;
//  6. migrate: from the proxy turning ready to the migration command starting;
//  7. build-push: its overhead above buildah's own build and push;
//  8. against the local Google emulator (bench/google.mjs, no gcloud on PATH): health-check's
//     readiness detection and its CPU time over a long wait, deploy's secret preflight for 8
//     secrets, and google-auth-library loading only when Google is asked;
//  9. the verified rollout (bench/promote.mjs): from the candidate turning healthy on its tag URL
//     to promote's first traffic step.
// Every figure with a target says PASS or FAIL. Runs: BENCH_RUNS (cold start), BENCH_LATENCY_RUNS
// (both health-check latencies), BENCH_CPU_WAIT_S (the CPU wait, default 60 s),
// BENCH_PREFLIGHT_RUNS, BENCH_PROMOTE_RUNS, BENCH_DEPLOY_RUNS, BENCH_TEST_RUNS, BENCH_MIGRATE_RUNS, BENCH_BUILD_RUNS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runAction } from '../testkit/local-runner.mjs';
import { pathWithoutGcloud, verdict } from './google.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 12);
const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
/** The cold start goal for an action: at most this many times bare `node -e 0`. */
const COLD_START_RATIO = 3.5;

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (/** @type {number} */ index) => sorted[index] ?? NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
};
/** @param {string[]} args */
const timeNode = (args) => {
  const started = process.hrtime.bigint();
  spawnSync(process.execPath, args, { env: cleanEnv, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e6;
};

const stages = readdirSync(join(repoRoot, 'actions')).filter((stage) =>
  existsSync(join(repoRoot, 'actions', stage, 'dist', 'index.js')),
);

// A bundle of @actions/core alone, built the same way: the floor any action on core 3 pays.
const coreDir = mkdtempSync(join(repoRoot, 'node_modules', '.bench-core-'));
writeFileSync(
  join(coreDir, 'index.mjs'),
  "import * as core from '@actions/core';\ncore.setFailed('bench: no inputs');\n",
);
const ncc = join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
spawnSync(
  process.execPath,
  [ncc, 'build', join(coreDir, 'index.mjs'), '-o', join(coreDir, 'dist'), '-m', '-q'],
  { stdio: 'inherit' },
);
const coreBundle = readdirSync(join(coreDir, 'dist')).find((file) => /^index\.m?js$/.test(file));

/** @type {[string, string[]][]} */
const subjects = [
  ['node -e 0', ['-e', '0']],
  ['@actions/core alone', [join(coreDir, 'dist', /** @type {string} */ (coreBundle))]],
  ...stages.map(
    (stage) =>
      /** @type {[string, string[]]} */ ([
        `actions/${stage}`,
        [join(repoRoot, 'actions', stage, 'dist', 'index.js')],
      ]),
  ),
];
/** @type {Record<string, number[]>} */
const times = Object.fromEntries(subjects.map(([name]) => [name, []]));
for (const [, args] of subjects) timeNode(args); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  // Alternate the order so that no subject always runs on a warmer machine.
  const order = run % 2 === 0 ? subjects : [...subjects].reverse();
  for (const [name, args] of order) times[name]?.push(timeNode(args));
}
rmSync(coreDir, { recursive: true, force: true });

const base = median(times['node -e 0'] ?? []);
const core = median(times['@actions/core alone'] ?? []);
console.log(
  `\nCold start, median of ${RUNS} alternating runs, clean environment (goal: ≤ ${COLD_START_RATIO}× node -e 0)`,
);
console.log('| subject | median ms | × node -e 0 | × core alone | result |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const [name] of subjects) {
  const value = median(times[name] ?? []);
  const result = name.startsWith('actions/') ? verdict(value / base, COLD_START_RATIO) : '';
  console.log(
    `| ${name} | ${value.toFixed(1)} | ${(value / base).toFixed(2)} | ${(value / core).toFixed(2)} | ${result} |`,
  );
}

console.log(
  '\nBundle size (goal: ≤ 600 KB minified for what every start loads; lazy chunks load only when used)',
);
console.log('| bundle | index.js KB | lazy chunks KB | source maps KB |');
console.log('| --- | ---: | ---: | ---: |');
for (const stage of stages) {
  const dist = join(repoRoot, 'actions', stage, 'dist');
  const files = readdirSync(dist);
  const kb = (/** @type {string[]} */ names) =>
    (names.reduce((sum, name) => sum + statSync(join(dist, name)).size, 0) / 1000).toFixed(0);
  const chunks = files.filter((name) => /^\d+\.index\.js$/.test(name));
  const maps = files.filter((name) => name.endsWith('.map'));
  console.log(`| actions/${stage} | ${kb(['index.js'])} | ${kb(chunks)} | ${kb(maps)} |`);
}

if (stages.includes('health-check')) {
  const BACKOFF_CAP_MS = 2500;
  let healthy = false;
  const server = http.createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    res.end(healthy ? '{"status":"ok"}' : '{"status":"starting"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const latencies = [];
  const peer = [];
  for (let run = 0; run < LATENCY_RUNS; run++) {
    healthy = false;
    // The service comes up at a random moment 0.5–3 s after the step starts.
    const upAfter = 500 + Math.random() * 2500;
    const started = performance.now();
    let flippedAt = 0;
    const flip = setTimeout(() => {
      healthy = true;
      flippedAt = performance.now();
    }, upAfter);
    const result = await runAction({
      stage: 'health-check',
      inputs: { url, timeout: '60s' },
      env: { PATH: pathWithoutGcloud() },
    });
    const exitedAt = performance.now();
    clearTimeout(flip);
    result.cleanup();
    if (result.code !== 0) throw new Error(`health-check failed in the benchmark:\n${result.log}`);
    latencies.push(exitedAt - flippedAt);
    // The most used peer polls every 3 s: same moment, its first try after the flip.
    const sinceStart = flippedAt - started;
    peer.push(Math.ceil(sinceStart / 3000) * 3000 - sinceStart);
  }
  server.close();
  console.log(
    `\nHealth-check detection latency (HTTP probe, url only): server healthy → action exited, ${LATENCY_RUNS} runs, service up 0.5–3 s after start`,
  );
  console.log(`(goal: median ≤ 300 ms and max ≤ backoff cap + 100 ms = ${BACKOFF_CAP_MS + 100} ms)`);
  console.log('| poller | median ms | max ms | result |');
  console.log('| --- | ---: | ---: | --- |');
  const passed = median(latencies) <= 300 && Math.max(...latencies) <= BACKOFF_CAP_MS + 100 ? 'PASS' : 'FAIL';
  console.log(
    `| actions/health-check (measured) | ${median(latencies).toFixed(0)} | ${Math.max(...latencies).toFixed(0)} | ${passed} |`,
  );
  console.log(
    `| fixed 3 s interval (modelled on the same moments) | ${median(peer).toFixed(0)} | ${Math.max(...peer).toFixed(0)} | |`,
  );
}

if (stages.includes('health-check') && stages.includes('deploy')) {
  const { benchGoogle } = await import('./google.mjs');
  await benchGoogle({
    latencyRuns: LATENCY_RUNS,
    cpuWaitS: Number(process.env.BENCH_CPU_WAIT_S ?? 60),
    preflightRuns: Number(process.env.BENCH_PREFLIGHT_RUNS ?? 9),
  });
}

if (stages.includes('health-check') && stages.includes('promote')) {
  const { benchPromote } = await import('./promote.mjs');
  await benchPromote(Number(process.env.BENCH_PROMOTE_RUNS ?? 9));
}

if (stages.includes('deploy')) {
  const { benchDeploy } = await import('./deploy.mjs');
  await benchDeploy(Number(process.env.BENCH_DEPLOY_RUNS ?? 9));
}

if (stages.includes('test')) {
  const { benchTestStage } = await import('./test-stage.mjs');
  await benchTestStage(Number(process.env.BENCH_TEST_RUNS ?? 3));
}

if (stages.includes('migrate')) {
  const { benchMigrate } = await import('./migrate.mjs');
  await benchMigrate(Number(process.env.BENCH_MIGRATE_RUNS ?? 11));
}

if (stages.includes('build-push')) {
  const { benchBuildPush } = await import('./build-push.mjs');
  await benchBuildPush(Number(process.env.BENCH_BUILD_RUNS ?? 9));
}

// The actions against Google, measured against the local emulator (testkit/google-emulator.mjs,
// started in this process) with no gcloud on PATH:
//  1. health-check readiness detection: the revision turns ready 0.5–3 s after the step starts;
//     from that instant to the action's first GET of the service that sees it ready;
//  2. the CPU time (user + sys) of health-check over a long wait for a revision;
//  3. deploy's secret preflight for 8 secrets, above the emulator's own time for 8 direct GETs;
//  4. google-auth-library is not loaded at start, nor by a run that asks Google nothing.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { startGoogleEmulator } from '../testkit/google-emulator.mjs';
import { repoRoot, runAction } from '../testkit/local-runner.mjs';
import { planJson } from './deploy.mjs';

/** READINESS_BACKOFF.maxMs in src/health-check/cloud-run.ts: no wait between GETs is longer. */
export const READINESS_BACKOFF_CAP_MS = 1000;

const standins = join(repoRoot, 'bench', 'standins');
const stack = join(repoRoot, 'test', 'fixtures', 'deploy', 'stacks', 'service');
const image = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
const PROJECT = 'acme-dev';
const REGION = 'europe-west1';

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
/** "PASS" when `value` ≤ `limit`. @param {number} value @param {number} limit */
export const verdict = (value, limit) => (value <= limit ? 'PASS' : 'FAIL');

/** The Google SDK's commands: none of them may be found on the PATH of a run. */
const SDK_COMMANDS = ['gcloud', 'gsutil', 'bq', 'docker-credential-gcloud'];
/** @type {string[]} */
const shadowFolders = [];
/** @type {Map<string, string>} */
const shadowed = new Map();
process.on('exit', () => {
  for (const folder of shadowFolders) rmSync(folder, { recursive: true, force: true });
});

/**
 * `prepend`, then this process's PATH, with the Google SDK taken out: a folder that holds one of
 * its commands (this machine's /usr/bin holds gcloud) is replaced by a folder of links to
 * everything else in it (as testkit/google.ts pathWithoutGcloud does for the tests). Made once
 * per `prepend`; the folders are removed when this process exits.
 * @param {string[]} [prepend]
 */
export function pathWithoutGcloud(prepend = []) {
  const path = [...prepend, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  const known = shadowed.get(path);
  if (known !== undefined) return known;
  const result = path
    .split(delimiter)
    .map((folder) => {
      if (!SDK_COMMANDS.some((command) => existsSync(join(folder, command)))) return folder;
      const copy = mkdtempSync(join(tmpdir(), 'bench-path-without-gcloud-'));
      shadowFolders.push(copy);
      for (const entry of readdirSync(folder)) {
        if (!SDK_COMMANDS.includes(entry)) symlinkSync(join(folder, entry), join(copy, entry));
      }
      return copy;
    })
    .join(delimiter);
  shadowed.set(path, result);
  return result;
}

/**
 * GETs `paths` of the emulator at once, each on a new connection (as the action's first
 * requests are), with `token`; resolves with the wall time in ms once every answer is read.
 * @param {string} base @param {string[]} paths @param {string} token
 */
export async function directGets(base, paths, token) {
  const started = performance.now();
  await Promise.all(
    paths.map(
      (path) =>
        new Promise((resolve, reject) => {
          const req = http.get(
            `${base}${path}`,
            { agent: false, headers: { authorization: `Bearer ${token}` } },
            (res) => {
              res.resume();
              res.on('end', () =>
                res.statusCode === 200
                  ? resolve(undefined)
                  : reject(new Error(`${path} answered ${res.statusCode}`)),
              );
            },
          );
          req.on('error', reject);
        }),
    ),
  );
  return performance.now() - started;
}

/** A local /health server that always answers 200: the service's URL, so that runs complete. */
async function healthServer() {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** An RFC 3339 time (nanosecond digits) as epoch ms. @param {unknown} text */
const epochMs = (text) => Date.parse(String(text).replace(/(\.\d{3})\d*Z$/, '$1Z'));

/** @typedef {Awaited<ReturnType<typeof startGoogleEmulator>>} GoogleEmulator */

/**
 * The instant the emulator made the service's latest revision ready: its terminal condition's
 * lastTransitionTime, once it has succeeded.
 * @param {GoogleEmulator} emulator
 */
function readyInstant(emulator) {
  const service = /** @type {{ terminalCondition?: { state?: string, lastTransitionTime?: string } }} */ (
    emulator.service(PROJECT, REGION, 'api')
  );
  if (service.terminalCondition?.state !== 'CONDITION_SUCCEEDED') {
    throw new Error(`the service is not ready: ${JSON.stringify(service.terminalCondition)}`);
  }
  return epochMs(service.terminalCondition.lastTransitionTime);
}

const SERVICE_PATH = `/v2/projects/${PROJECT}/locations/${REGION}/services/api`;

/**
 * 1. From the emulator turning the revision ready to the action's first GET that sees it.
 * @param {GoogleEmulator} emulator @param {Record<string, string>} env @param {number} runs
 */
async function readinessLatency(emulator, env, runs) {
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const gets = [];
  for (let run = 0; run < runs; run++) {
    emulator.resetScripts();
    const upAfter = 500 + Math.random() * 2500;
    emulator.putService({ name: 'api', ready: { afterMs: upAfter } });
    const result = await runAction({
      stage: 'health-check',
      inputs: { service: 'api', region: REGION, timeout: '60s' },
      env: { ...env, RUNNER_DEBUG: undefined },
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`health-check failed in the benchmark:\n${result.log}`);
    const readyAt = readyInstant(emulator);
    const polls = emulator.requests.filter((r) => r.method === 'GET' && r.path === SERVICE_PATH);
    // The action stops polling at the first answer that says ready: that is its last GET. One
    // that arrived a hair before the instant but was answered after it counts as 0 ms.
    const seen = polls.find((r) => r.at >= readyAt) ?? polls.at(-1);
    if (seen === undefined || polls.at(-1) !== seen) {
      throw new Error(`health-check went on polling after the revision was ready:\n${result.log}`);
    }
    latencies.push(Math.max(0, seen.at - readyAt));
    gets.push(polls.length);
  }
  const limit = READINESS_BACKOFF_CAP_MS + 100;
  console.log(
    `\nHealth-check readiness detection (Google emulator): revision ready → the action's first GET that sees it,`,
  );
  console.log(`${runs} runs, ready 0.5–3 s after the step starts`);
  console.log('| measure | value | target | result |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(
    `| median latency, ms | ${median(latencies).toFixed(0)} | ≤ 300 | ${verdict(median(latencies), 300)} |`,
  );
  console.log(
    `| max latency, ms | ${Math.max(...latencies).toFixed(0)} | ≤ ${limit} (backoff cap + 100) | ${verdict(Math.max(...latencies), limit)} |`,
  );
  console.log(`| GETs of the service per run, median | ${median(gets).toFixed(0)} | | |`);
}

/**
 * 2. The CPU time of the health-check process while it waits `waitS` seconds for a revision
 * (ready at `waitS`): user + sys, read by the process itself as it exits.
 * @param {GoogleEmulator} emulator @param {Record<string, string>} env @param {number} waitS
 */
async function waitCpu(emulator, env, waitS) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  const cpuFile = join(dir, 'cpu');
  // Observes only: the process's own user and system CPU time (µs) when it exits.
  const preload = join(dir, 'cpu.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(${JSON.stringify(cpuFile)}, JSON.stringify([u.userCPUTime, u.systemCPUTime])); });\n`,
  );
  emulator.resetScripts();
  emulator.putService({ name: 'api', ready: { afterMs: waitS * 1000 } });
  const result = await runAction({
    stage: 'health-check',
    inputs: { service: 'api', region: REGION, timeout: `${waitS + 30}s` },
    env: { ...env, RUNNER_DEBUG: undefined, NODE_OPTIONS: `--require ${preload}` },
    timeoutMs: (waitS + 60) * 1000,
  });
  result.cleanup();
  if (result.code !== 0) throw new Error(`health-check failed in the benchmark:\n${result.log}`);
  const [user, sys] = /** @type {[number, number]} */ (JSON.parse(readFileSync(cpuFile, 'utf8')));
  rmSync(dir, { recursive: true, force: true });
  const polls = emulator.requests.filter((r) => r.method === 'GET' && r.path === SERVICE_PATH).length;
  const cpuS = (user + sys) / 1e6;
  console.log(
    `\nHealth-check CPU time over a ${waitS} s wait for the revision (ready at ${waitS} s), the whole process`,
  );
  console.log('| measure | value | target | result |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| user + sys CPU, s | ${cpuS.toFixed(2)} | ≤ 1 | ${verdict(cpuS, 1)} |`);
  console.log(`| of which user / sys, s | ${(user / 1e6).toFixed(2)} / ${(sys / 1e6).toFixed(2)} | | |`);
  console.log(`| wall time, s | ${(result.durationMs / 1000).toFixed(1)} | | |`);
  console.log(`| GETs of the service | ${polls} | | |`);
}

/** A plan of one Cloud Run service whose environment reads `secrets` secrets and `plain` plain values. */
/** @param {number} secrets @param {number} plain */
export function secretsPlan(secrets, plain) {
  const env = [
    ...Array.from({ length: secrets }, (_, i) => ({
      name: `SECRET_${i + 1}`,
      value: null,
      value_source: [{ secret_key_ref: [{ secret: `bench-secret-${i + 1}-dev`, version: 'latest' }] }],
    })),
    ...Array.from({ length: plain }, (_, i) => ({ name: `PLAIN_${i + 1}`, value: 'x', value_source: [] })),
  ];
  return planJson(env, {});
}

/**
 * 3. The secret preflight for 8 secrets: its log group's time in the action (the time between
 * its ::group:: and ::endgroup:: lines, token and library load included) minus the emulator's
 * own time for 8 concurrent direct GETs; and, side by side, the whole run with 8 secrets
 * against the same run with none.
 * @param {GoogleEmulator} emulator @param {Record<string, string>} env @param {number} runs
 */
async function secretPreflight(emulator, env, runs) {
  const SECRETS = 8;
  for (let i = 1; i <= SECRETS; i++) {
    emulator.putSecret({ id: `bench-secret-${i}-dev`, versions: [{ state: 'ENABLED' }] });
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-preflight-'));
  const withSecrets = join(dir, 'plan-8.json');
  const without = join(dir, 'plan-0.json');
  writeFileSync(withSecrets, secretsPlan(SECRETS, 0));
  writeFileSync(without, secretsPlan(0, SECRETS));
  const timesFile = join(dir, 'group');
  // Observes only: when the preflight's log group opens and closes (the action's own lines).
  const preload = join(dir, 'group.cjs');
  writeFileSync(
    preload,
    `const file = ${JSON.stringify(timesFile)}; const write = process.stdout.write.bind(process.stdout); let opened;
process.stdout.write = (chunk, ...rest) => {
  const text = String(chunk);
  if (text.startsWith('::group::Secret preflight')) opened = performance.now();
  else if (opened !== undefined && text.startsWith('::endgroup::')) { require('fs').writeFileSync(file, String(performance.now() - opened)); opened = undefined; }
  return write(chunk, ...rest);
};\n`,
  );
  const paths = Array.from(
    { length: SECRETS },
    (_, i) => `/v1/projects/${PROJECT}/secrets/bench-secret-${i + 1}-dev/versions/latest`,
  );
  const token = emulator.issueToken();
  await directGets(emulator.url, paths, token); // warm this process's HTTP client
  /** @param {string} planJson */
  const deploy = async (planJson) => {
    emulator.resetScripts();
    rmSync(timesFile, { force: true });
    const result = await runAction({
      stage: 'deploy',
      inputs: { 'working-directory': stack, environment: 'dev', image, project: PROJECT },
      env: {
        ...env,
        BENCH_PLAN_JSON: planJson,
        NODE_OPTIONS: `--require ${preload}`,
        RUNNER_DEBUG: undefined,
      },
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`deploy failed in the benchmark:\n${result.log}`);
    const secretGets = emulator.requests.filter((r) => r.path.startsWith(`/v1/projects/${PROJECT}/secrets/`));
    return { durationMs: result.durationMs, secretGets: secretGets.length, log: result.log };
  };
  /** @type {number[]} */
  const group = [];
  /** @type {number[]} */
  const direct = [];
  /** @type {number[]} */
  const wall8 = [];
  /** @type {number[]} */
  const wall0 = [];
  for (let run = 0; run < runs; run++) {
    // Alternate the order so that neither variant always runs on a warmer machine.
    const order = run % 2 === 0 ? [withSecrets, without] : [without, withSecrets];
    for (const planJson of order) {
      const done = await deploy(planJson);
      if (planJson === withSecrets) {
        if (done.secretGets !== SECRETS || !existsSync(timesFile)) {
          throw new Error(
            `the preflight made ${done.secretGets} Secret Manager requests, not ${SECRETS}:\n${done.log}`,
          );
        }
        group.push(Number(readFileSync(timesFile, 'utf8')));
        wall8.push(done.durationMs);
      } else {
        if (done.secretGets !== 0) {
          throw new Error(`a plan without secrets asked Secret Manager:\n${done.log}`);
        }
        wall0.push(done.durationMs);
      }
    }
    direct.push(await directGets(emulator.url, paths, token));
  }
  rmSync(dir, { recursive: true, force: true });
  const above = group.map((value, i) => value - (direct[i] ?? 0));
  const sideBySide = wall8.map((value, i) => value - (wall0[i] ?? 0) - (direct[i] ?? 0));
  console.log(`\nDeploy secret preflight, ${SECRETS} secrets (Google emulator), ${runs} runs`);
  console.log('| measure | median | max | target | result |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  const row = (/** @type {string} */ what, /** @type {number[]} */ values, limit = NaN) =>
    console.log(
      `| ${what} | ${median(values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${Number.isNaN(limit) ? '' : `median ≤ ${limit}`} | ${Number.isNaN(limit) ? '' : verdict(median(values), limit)} |`,
    );
  row('preflight log group in the action (token, library load, 8 GETs), ms', group);
  row('8 concurrent direct GETs (the emulator alone), ms', direct);
  row('preflight above the emulator, ms', above, 100);
  row('cross-check: run with 8 secrets − run with 0 − direct GETs, ms', sideBySide, 100);
}

/**
 * 4. Which of a bundle's files a process loads: each stage at start (no inputs), health-check
 * with a URL only (asks Google nothing) and with a service (asks Google: the library must load,
 * which shows the check itself works).
 * @param {Record<string, string>} env
 * @param {string} healthUrl
 * @param {GoogleEmulator} emulator
 */
async function authLibraryLoading(env, healthUrl, emulator) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-loads-'));
  const loadsFile = join(dir, 'loads');
  const loader = join(dir, 'loader.mjs');
  writeFileSync(
    loader,
    `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, url + '\\n');
  return next(url, context);
}\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(loader).href)}, { data: { out: ${JSON.stringify(loadsFile)} } });\n`,
  );
  const loaded = () => {
    const text = existsSync(loadsFile) ? readFileSync(loadsFile, 'utf8') : '';
    rmSync(loadsFile, { force: true });
    return text.split('\n').filter(Boolean);
  };
  /** The dist files of a stage that hold google-auth-library. @param {string} stage */
  const authChunks = (stage) => {
    const dist = join(repoRoot, 'actions', stage, 'dist');
    return readdirSync(dist)
      .filter((file) => file.endsWith('.js'))
      .filter((file) => readFileSync(join(dist, file), 'utf8').includes('ExternalAccountClient'))
      .map((file) => pathToFileURL(join(dist, file)).href);
  };
  /** @type {[string, string, boolean, string[]][]} what, chunks, expected loaded, loaded files */
  const rows = [];
  const stages = readdirSync(join(repoRoot, 'actions')).filter((stage) =>
    existsSync(join(repoRoot, 'actions', stage, 'dist', 'index.js')),
  );
  for (const stage of stages) {
    const chunks = authChunks(stage);
    if (chunks.length === 0) continue;
    spawnSync(
      process.execPath,
      ['--import', register, join(repoRoot, 'actions', stage, 'dist', 'index.js')],
      {
        env: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() },
        stdio: 'ignore',
      },
    );
    rows.push([`actions/${stage} at start (no inputs)`, chunks.join(' '), false, loaded()]);
  }
  const hcChunks = authChunks('health-check');
  const urlOnly = await runAction({
    stage: 'health-check',
    inputs: { url: healthUrl },
    env: { ...env, NODE_OPTIONS: `--import ${register}`, RUNNER_DEBUG: undefined },
  });
  urlOnly.cleanup();
  if (urlOnly.code !== 0) throw new Error(`health-check failed in the benchmark:\n${urlOnly.log}`);
  rows.push([
    'actions/health-check with url only (asks Google nothing)',
    hcChunks.join(' '),
    false,
    loaded(),
  ]);
  emulator.putService({ name: 'api', ready: true });
  const withService = await runAction({
    stage: 'health-check',
    inputs: { service: 'api', region: REGION },
    env: { ...env, NODE_OPTIONS: `--import ${register}`, RUNNER_DEBUG: undefined },
  });
  withService.cleanup();
  if (withService.code !== 0) throw new Error(`health-check failed in the benchmark:\n${withService.log}`);
  rows.push(['actions/health-check with service (control: asks Google)', hcChunks.join(' '), true, loaded()]);
  rmSync(dir, { recursive: true, force: true });
  console.log('\ngoogle-auth-library loads only when Google is asked (its chunk of the bundle)');
  console.log('| run | files loaded | library loaded | expected | result |');
  console.log('| --- | ---: | --- | --- | --- |');
  for (const [what, chunks, expected, files] of rows) {
    const hit = chunks.split(' ').some((chunk) => files.includes(chunk));
    const bundleFiles = files.filter((file) => file.includes('/dist/'));
    console.log(
      `| ${what} | ${bundleFiles.length} | ${hit ? 'yes' : 'no'} | ${expected ? 'yes' : 'no'} | ${hit === expected && bundleFiles.length > 0 ? 'PASS' : 'FAIL'} |`,
    );
  }
}

/**
 * Every Google benchmark, against one emulator.
 * @param {{ latencyRuns: number, cpuWaitS: number, preflightRuns: number }} options
 */
export async function benchGoogle({ latencyRuns, cpuWaitS, preflightRuns }) {
  const health = await healthServer();
  const emulator = await startGoogleEmulator({
    project: PROJECT,
    region: REGION,
    serviceUrl: () => health.url,
  });
  try {
    const env = { ...emulator.env(), PATH: pathWithoutGcloud([standins]) };
    await authLibraryLoading(env, health.url, emulator);
    await readinessLatency(emulator, env, latencyRuns);
    await secretPreflight(emulator, env, preflightRuns);
    await waitCpu(emulator, env, cpuWaitS);
  } finally {
    await emulator.close();
    health.close();
  }
}

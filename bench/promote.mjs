// From a candidate revision turning healthy to the first traffic step of its rollout, as the
// verified rollout runs them back to back: actions/health-check polling the candidate's tag URL
// until it answers healthy (the candidate turns healthy at a random 0.5–3 s), then
// actions/promote reading the service and sending the first step. Both bundles are started as the
// runner starts them, against the local Google emulator (no gcloud on PATH); the instant of the
// first step is when the emulator received it.
import * as http from 'node:http';
import { startGoogleEmulator } from '../testkit/google-emulator.mjs';
import { runAction } from '../testkit/local-runner.mjs';
import { pathWithoutGcloud, verdict } from './google.mjs';

const PROJECT = 'acme-prod';
const REGION = 'europe-west1';
const OLD = 'api-00041-abc';
const NEW = 'api-00042-xyz';
const BY_NAME = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** A server that answers 503 until `healthy()` says otherwise. @param {() => boolean} healthy */
async function server(healthy) {
  const listener = http.createServer((_req, res) => {
    const ok = healthy();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}' : '{"status":"starting"}');
  });
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (listener.address());
  return { url: `http://127.0.0.1:${address.port}`, close: () => listener.close() };
}

/** @param {number} runs */
export async function benchPromote(runs) {
  let healthyAt = Infinity;
  const candidate = await server(() => performance.timeOrigin + performance.now() >= healthyAt);
  const stable = await server(() => true);
  const emulator = await startGoogleEmulator({
    project: PROJECT,
    region: REGION,
    serviceUrl: (_service, tag) => (tag === undefined ? stable.url : candidate.url),
  });
  /** @type {number[]} */
  const chain = [];
  /** @type {number[]} */
  const promoteOwn = [];
  try {
    const env = { ...emulator.env(), PATH: pathWithoutGcloud() };
    for (let run = 0; run < runs; run++) {
      emulator.putService({
        name: 'api',
        revisions: [{ name: OLD }, { name: NEW }],
        traffic: [
          { type: BY_NAME, revision: OLD, percent: 100 },
          { type: BY_NAME, revision: NEW, tag: 'candidate' },
        ],
      });
      emulator.resetScripts();
      healthyAt = Date.now() + 500 + Math.random() * 2500;
      const health = await runAction({
        stage: 'health-check',
        inputs: { service: 'api', region: REGION, revision: NEW, tag: 'candidate', timeout: '60s' },
        env: { ...env, RUNNER_DEBUG: undefined },
      });
      health.cleanup();
      if (health.code !== 0) throw new Error(`health-check failed in the benchmark:\n${health.log}`);
      const healthEnded = Date.now();
      const promote = await runAction({
        stage: 'promote',
        inputs: { service: 'api', region: REGION, revision: NEW, tag: 'candidate', 'step-wait': '100ms' },
        env: { ...env, RUNNER_DEBUG: undefined },
      });
      promote.cleanup();
      if (promote.code !== 0) throw new Error(`promote failed in the benchmark:\n${promote.log}`);
      const first = emulator.trafficChanges.find((change) =>
        change.traffic.some((target) => target.revision === NEW && (target.percent ?? 0) > 0),
      );
      if (first === undefined) throw new Error('promote moved no traffic in the benchmark');
      chain.push(first.at - healthyAt);
      promoteOwn.push(first.at - healthEnded);
    }
  } finally {
    await emulator.close();
    candidate.close();
    stable.close();
  }
  console.log(
    `\nVerified rollout: candidate healthy → first traffic step (health-check on the tag URL, then promote), ${runs} runs, healthy 0.5–3 s after the check starts`,
  );
  console.log('| measure | median ms | max ms | target | result |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  console.log(
    `| candidate healthy → first step | ${median(chain).toFixed(0)} | ${Math.max(...chain).toFixed(0)} | median ≤ 300 | ${verdict(median(chain), 300)} |`,
  );
  console.log(
    `| of which promote: its start → first step | ${median(promoteOwn).toFixed(0)} | ${Math.max(...promoteOwn).toFixed(0)} | | |`,
  );
}

// The verified rollout as the pipeline chains it, each stage the bundle started as the runner
// starts it, against one local Google emulator: deploy (`traffic: hold`, the Terraform stand-in's
// apply writing the new revision into the emulator) → health-check (`tag: candidate`, /health on
// the tag's own URL) → promote (steps). The candidate and the serving revision are two real HTTP
// servers on 127.0.0.1: the tag URL reaches the candidate's, the service URL the serving one's.
// Every traffic change the emulator records is checked in order.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';
import {
  devDeployInputs,
  referenceBypass,
  serviceOutputs,
  servicePlan,
  standinRunEnv,
  standinsDir,
  useDeployGitHubApi,
  writeTerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { emulatorRunEnv, putSecrets, startEmulator, type GoogleEmulator } from '../../testkit/google.js';
import { json, startServer, type TestServer } from '../../testkit/servers.js';

const GITHUB_TOKEN = 'ghs_VerifiedRolloutToken8e2c4a6b1d9f3e7c5a0b';
const PROJECT = 'acme-dev';
const REGION = 'europe-west1';
const OLD = 'api-00001-old';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

async function server(status: number, body: Record<string, unknown>): Promise<TestServer> {
  const started = await startServer((_req, res) => json(res, status, body));
  cleanups.push(() => started.close());
  return started;
}

/** The emulator with OLD serving 100 % (LATEST, as Cloud Run's default), and the two servers. */
async function world(candidateStatus: number) {
  const serving = await server(200, { status: 'ok', revision: OLD });
  const candidate = await server(candidateStatus, { status: candidateStatus === 200 ? 'ok' : 'starting' });
  const emulator = await startEmulator(cleanups, {
    project: PROJECT,
    region: REGION,
    readyAfterMs: 100,
    serviceUrl: (_service, tag) => (tag === 'candidate' ? candidate.url : serving.url),
  });
  putSecrets(emulator, {
    'database-url-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'clerk-secret-key-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'admin-api-key-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
  });
  emulator.putService({ name: 'api', revisions: [{ name: OLD }] });
  return { emulator, serving, candidate };
}

async function deployHeld(emulator: GoogleEmulator) {
  const terraform = writeTerraformScenario({
    plan: {
      document: servicePlan({ environment: 'dev' }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
    },
    output: serviceOutputs(),
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const google = emulatorRunEnv(emulator, {}, [standinsDir]);
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, { traffic: 'hold', service: 'api', region: REGION }),
    env: standinRunEnv(
      { env: { ...terraform.env, TERRAFORM_STANDIN_CLOUD_RUN_API: emulator.url } },
      { env: google },
      githubApi.url,
    ),
  });
  cleanups.push(result.cleanup);
  return result;
}

async function stage(
  name: 'health-check' | 'promote',
  emulator: GoogleEmulator,
  inputs: Record<string, string>,
) {
  const result = await runAction({
    stage: name,
    inputs: { service: 'api', region: REGION, project: PROJECT, ...inputs },
    env: emulatorRunEnv(emulator),
  });
  cleanups.push(result.cleanup);
  return result;
}

/** Each recorded traffic change as `revision=percent[:tag]` entries (LATEST named so). */
const changes = (emulator: GoogleEmulator): string[] =>
  emulator.trafficChanges.map((change) =>
    change.traffic
      .map(
        (t) =>
          `${t.type === LATEST ? 'LATEST' : (t.revision ?? '?')}=${t.percent ?? 0}${t.tag ? `:${t.tag}` : ''}`,
      )
      .join(' '),
  );

describe('the verified rollout: deploy hold → health on the tag URL → promote', () => {
  it('pins, applies a revision at 0 %, checks it on its tag URL, then moves the traffic 50 → 100', async () => {
    const { emulator, serving, candidate } = await world(200);
    const deployed = await deployHeld(emulator);
    expect(deployed.code, deployed.log).toBe(0);
    const revision = deployed.outputs['revision'] ?? '';
    expect(revision).toMatch(/^api-\d{5}-[a-z]{3}$/);
    expect(deployed.outputs['previous-revision']).toBe(OLD);

    const health = await stage('health-check', emulator, { revision, tag: 'candidate' });
    expect(health.code, health.log).toBe(0);
    expect(health.outputs['tag-url']).toBe(candidate.url);
    // The candidate answered on its own URL; nobody asked the serving revision.
    expect(candidate.requests.length).toBeGreaterThan(0);
    expect(serving.requests).toHaveLength(0);

    const promoted = await stage('promote', emulator, {
      revision,
      'previous-revision': deployed.outputs['previous-revision'] ?? '',
      tag: 'candidate',
      steps: '50,100',
      'step-wait': '1s',
    });
    expect(promoted.code, promoted.log).toBe(0);
    expect(changes(emulator)).toEqual([
      // deploy: the pin (the apply's PATCH carried no traffic: ignore_changes)
      `${OLD}=100`,
      // health-check: the tag, the split kept
      `${OLD}=100 ${revision}=0:candidate`,
      // promote: the steps, the tag going with the last
      `${OLD}=50 ${revision}=50:candidate`,
      `${revision}=100`,
    ]);
    expect(promoted.outputs).toEqual({ revision, 'previous-revision': OLD, 'rolled-back': 'false' });
  });

  it('an unhealthy candidate never gets traffic: the health check fails, the tag goes, OLD keeps 100 %', async () => {
    const { emulator, serving } = await world(503);
    const deployed = await deployHeld(emulator);
    expect(deployed.code, deployed.log).toBe(0);
    const revision = deployed.outputs['revision'] ?? '';
    const health = await stage('health-check', emulator, { revision, tag: 'candidate', timeout: '3s' });
    expect(health.code).toBe(1);
    // The pipeline's promote needs health: it does not run. Every change kept the candidate at 0 %.
    expect(changes(emulator)).toEqual([`${OLD}=100`, `${OLD}=100 ${revision}=0:candidate`, `${OLD}=100`]);
    for (const change of emulator.trafficChanges) {
      expect(change.traffic.filter((t) => t.revision === revision && (t.percent ?? 0) > 0)).toEqual([]);
    }
    expect(serving.requests).toHaveLength(0);
  });
});

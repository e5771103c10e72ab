// Issue 17, the workflows: the pipeline's `rollout` (direct: today's order; verified: deploy
// holds the traffic, health-check checks the candidate on its tag URL, promote moves the
// traffic), health-expect, the defaults of deploy-dev and deploy-prod, the traffic jobs'
// concurrency, and the reusable rollback.yml with its example caller. Each value is evaluated
// from the workflow files themselves, through the call chain, as the runner would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publisherOf } from '../../scripts/publisher.mjs';
import { readActionYml, repoRoot } from '../../testkit/local-runner.mjs';
import {
  callInputs,
  evaluateCondition,
  evaluateStepEnv,
  evaluateTemplate,
  evaluateWith,
  exampleWorkflowsDir,
  loadWorkflow,
  needsOf,
  runBashStep,
  stageSteps,
  stepOf,
  type ExpressionContext,
  type ExpressionValue,
  type Job,
  type Step,
} from '../../testkit/workflows.js';

const pipeline = loadWorkflow('pipeline.yml');
const rollback = loadWorkflow('rollback.yml');
const TRAFFIC_GROUP = 'cloud-run-${{ inputs.environment }}-traffic-${{ github.repository }}';
const required = {
  project: 'acme-prod',
  region: 'europe-west1',
  service: 'api',
  image: 'europe-west1-docker.pkg.dev/acme-prod/services/api',
  'workload-identity-provider': 'projects/1/locations/global/workloadIdentityPools/p/providers/p',
  'service-account': 'deployer@acme-prod.iam.gserviceaccount.com',
};
const deployOutputs = {
  url: 'https://api-abc-ew.a.run.app',
  revision: 'api-00042-new',
  'previous-revision': 'api-00041-old',
};

const jobOf = (workflow: typeof pipeline, id: string): Job => {
  const found = workflow.jobs[id];
  if (!found) throw new Error(`no job "${id}"`);
  return found;
};
/** A job's `if:` (testkit's Job does not declare it). */
const jobIf = (job: Job): string | undefined => (job as Job & { if?: string }).if;
const onlyStep = (job: Job, stage: string): Step => {
  const found = stageSteps(job).filter((s) => s.stage === stage);
  expect(found, stage).toHaveLength(1);
  return (found[0] as { step: Step }).step;
};

/** pipeline.yml's inputs for a caller of deploy-<environment>.yml passing `given`. */
function pipelineInputs(environment: 'dev' | 'prod', given: Record<string, ExpressionValue> = {}) {
  const file = `deploy-${environment}.yml`;
  const callee = loadWorkflow(file);
  const context: ExpressionContext = {
    inputs: callInputs(callee, file, { ...required, ...given }),
    vars: {},
    secrets: {},
  };
  const call = callee.jobs['pipeline']?.with ?? {};
  return callInputs(
    pipeline,
    'pipeline.yml',
    Object.fromEntries(Object.entries(call).map(([name, value]) => [name, evaluateTemplate(value, context)])),
  );
}

/** The expression context of a pipeline job after config, deploy and health succeeded. */
const pipelineContext = (inputs: Record<string, ExpressionValue>): ExpressionContext => ({
  inputs,
  vars: {},
  secrets: { 'health-check-bearer-token': '' },
  github: { sha: '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9', token: 'ghs_token', repository: 'acme/api' },
  needs: {
    config: {
      outputs: {
        'allow-dev-auth-bypass': 'false',
        'actions-repository': 'example-org/cloud-run-deploy-actions',
        'actions-ref': 'v1',
        registry: 'europe-west1-docker.pkg.dev',
        'database-url-secret': 'database-url-prod',
      },
    },
    build: { outputs: { image: `${required.image}@sha256:${'a'.repeat(64)}` } },
    migrate: { outputs: {} },
    deploy: { outputs: deployOutputs },
    health: { outputs: { url: deployOutputs.url, revision: deployOutputs.revision } },
  },
  steps: {},
  runner: { tool_cache: '/opt/hostedtoolcache', os: 'Linux' },
});

/** What each stage step of a pipeline job is given, and whether the job runs. */
function stageInputs(inputs: Record<string, ExpressionValue>, jobId: string, stage: string) {
  const job = jobOf(pipeline, jobId);
  const context = pipelineContext(inputs);
  return {
    runs: evaluateCondition(jobIf(job), context),
    with: evaluateWith(onlyStep(job, stage).with, context),
  };
}

describe('pipeline.yml: rollout direct (dev’s default) is today’s order', () => {
  const inputs = pipelineInputs('dev');

  it('is what deploy-dev gives by default', () => {
    expect(inputs['rollout']).toBe('direct');
    expect(inputs['rollout-steps']).toBe('100');
    expect(inputs['rollout-step-wait']).toBe('60s');
    expect(inputs['health-expect']).toBe('');
  });

  it('deploys with the traffic to the latest revision, and names the service', () => {
    const deploy = stageInputs(inputs, 'deploy', 'deploy').with;
    expect(deploy).toMatchObject({ traffic: 'latest', service: 'api', region: 'europe-west1' });
    const declared = readActionYml('deploy').inputs ?? {};
    // latest is deploy's own default: direct changes nothing there (once deploy declares it).
    if (declared['traffic'] !== undefined) expect(declared['traffic'].default).toBe('latest');
  });

  it('checks the revision deploy reports at the URL deploy reports, no tag, no promote', () => {
    const health = stageInputs(inputs, 'health', 'health-check');
    expect(health.runs).toBe(true);
    expect(health.with).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: deployOutputs.revision,
      url: deployOutputs.url,
      tag: '',
      path: '/health',
      expect: '',
      timeout: '5m',
      'custom-domain': '',
      'bearer-token': '',
    });
    // The values that are new to the step are health-check's defaults: the same check as before.
    const declared = readActionYml('health-check').inputs ?? {};
    for (const name of ['tag', 'expect']) {
      if (declared[name] !== undefined) expect(declared[name].default ?? '', name).toBe('');
    }
    expect(stageInputs(inputs, 'promote', 'promote').runs).toBe(false);
  });

  it('passes health-expect to the health check when the caller gives it', () => {
    const expected = '{"status": "ok"}';
    const given = pipelineInputs('dev', { 'health-expect': expected });
    expect(stageInputs(given, 'health', 'health-check').with['expect']).toBe(expected);
    const prod = pipelineInputs('prod', { 'health-expect': expected });
    expect(stageInputs(prod, 'health', 'health-check').with['expect']).toBe(expected);
  });
});

describe('pipeline.yml: rollout verified (prod’s default)', () => {
  const inputs = pipelineInputs('prod', { 'rollout-steps': '10,50,100', 'rollout-step-wait': '2m' });

  it('is what deploy-prod gives by default, and dev may choose it', () => {
    expect(pipelineInputs('prod')['rollout']).toBe('verified');
    expect(inputs['rollout']).toBe('verified');
    expect(pipelineInputs('dev', { rollout: 'verified' })['rollout']).toBe('verified');
    expect(pipelineInputs('prod', { rollout: 'direct' })['rollout']).toBe('direct');
  });

  it('deploys with the traffic held where it is', () => {
    expect(stageInputs(inputs, 'deploy', 'deploy').with).toMatchObject({
      traffic: 'hold',
      service: 'api',
      region: 'europe-west1',
    });
    expect(jobOf(pipeline, 'deploy').outputs?.['previous-revision']).toBe(
      '${{ steps.deploy.outputs.previous-revision }}',
    );
  });

  it('checks the revision deploy reports on the candidate tag, not at the service URL', () => {
    const health = stageInputs(inputs, 'health', 'health-check');
    expect(health.runs).toBe(true);
    expect(health.with).toMatchObject({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: deployOutputs.revision,
      tag: 'candidate',
      // health-check refuses url with tag: the tag's own URL is what it checks.
      url: '',
    });
  });

  it('promotes after the health check, from the split deploy found, removing the candidate tag', () => {
    const promote = jobOf(pipeline, 'promote');
    expect(needsOf(promote).sort()).toEqual(['config', 'deploy', 'health']);
    const given = stageInputs(inputs, 'promote', 'promote');
    expect(given.runs).toBe(true);
    expect(given.with).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: deployOutputs.revision,
      'previous-revision': deployOutputs['previous-revision'],
      tag: 'candidate',
      steps: '10,50,100',
      'step-wait': '2m',
      path: '/health',
      'bearer-token': '',
    });
    // Every input promote requires is given, every one given is declared.
    const declared = readActionYml('promote').inputs ?? {};
    for (const name of Object.keys(given.with)) expect(Object.keys(declared), name).toContain(name);
    for (const [name, spec] of Object.entries(declared)) {
      if (spec.required) expect(Object.keys(given.with), name).toContain(name);
    }
    // The same tag that health-check set.
    expect(given.with['tag']).toBe(stageInputs(inputs, 'health', 'health-check').with['tag']);
  });

  it('runs promote only in verified mode, whatever else the inputs say', () => {
    for (const rollout of ['direct', 'verified']) {
      const runs = stageInputs({ ...inputs, rollout }, 'promote', 'promote').runs;
      expect(runs, rollout).toBe(rollout === 'verified');
    }
  });
});

describe('the jobs that change traffic', () => {
  const trafficJobs: [string, Job][] = [
    ['pipeline.yml deploy', jobOf(pipeline, 'deploy')],
    ['pipeline.yml promote', jobOf(pipeline, 'promote')],
    ['rollback.yml rollback', jobOf(rollback, 'rollback')],
  ];

  it.each(trafficJobs)('%s is never cancelled halfway', (_name, job) => {
    expect(job.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('share one group for promote and rollback, so a rollback never runs during a promotion', () => {
    expect(jobOf(pipeline, 'promote').concurrency?.group).toBe(TRAFFIC_GROUP);
    expect(jobOf(rollback, 'rollback').concurrency?.group).toBe(TRAFFIC_GROUP);
  });

  it.each(trafficJobs)(
    '%s has no step that runs on failure or cancellation, or carries on after one',
    (_name, job) => {
      for (const step of job.steps ?? []) {
        const label = step.id ?? step.name ?? step.uses ?? '?';
        expect(step.if ?? '', label).not.toMatch(/always\(\)|cancelled\(\)|failure\(\)/);
        expect((step as { 'continue-on-error'?: unknown })['continue-on-error'], label).toBeUndefined();
      }
      expect(jobIf(job) ?? '', 'job').not.toMatch(/always\(\)|cancelled\(\)|failure\(\)/);
      // The step that moves traffic runs unconditionally once the job runs.
      const mover = stageSteps(job).find(({ stage }) => stage === 'promote' || stage === 'deploy');
      expect(mover?.step.if).toBeUndefined();
    },
  );

  it('show the service URL on the run and the commit: the deploying job’s environment carries it', () => {
    expect(jobOf(pipeline, 'deploy').environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ steps.deploy.outputs.url }}',
    });
    expect(jobOf(rollback, 'rollback').environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ steps.health.outputs.url }}',
    });
  });
});

describe('rollback.yml', () => {
  const config = jobOf(rollback, 'config');
  const job = jobOf(rollback, 'rollback');
  const rollbackInputs = (given: Record<string, ExpressionValue> = {}) =>
    callInputs(rollback, 'rollback.yml', {
      environment: 'prod',
      service: 'api',
      region: 'europe-west1',
      'workload-identity-provider': required['workload-identity-provider'],
      revision: 'api-00041-old',
      ...given,
    });
  const context = (inputs: Record<string, ExpressionValue>): ExpressionContext => ({
    inputs,
    vars: {},
    secrets: { 'health-check-bearer-token': '' },
    github: { repository: 'acme/api' },
    needs: {
      config: {
        outputs: { 'actions-repository': 'example-org/cloud-run-deploy-actions', 'actions-ref': 'v1' },
      },
    },
    steps: {
      promote: {
        outputs: { revision: 'api-00041-old', 'previous-revision': 'api-00042-new', 'rolled-back': 'false' },
      },
    },
  });

  it('is a reusable workflow with the inputs the brief names, typed and described', () => {
    expect(Object.keys(rollback.on)).toEqual(['workflow_call']);
    const inputs = rollback.on.workflow_call?.inputs ?? {};
    expect(Object.keys(inputs).sort()).toEqual(
      [
        'actions-ref',
        'environment',
        'health-expect',
        'health-path',
        'health-timeout',
        'project',
        'region',
        'revision',
        'service',
        'service-account',
        'step-wait',
        'steps',
        'workload-identity-provider',
      ].sort(),
    );
    for (const [name, spec] of Object.entries(inputs)) {
      expect(spec.type, name).toBe('string');
      expect(spec.description, name).toMatch(/^.{10,}$/);
      expect(spec.required === true || spec.default !== undefined, name).toBe(true);
    }
    expect(
      Object.entries(inputs)
        .filter(([, spec]) => spec.required)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['environment', 'region', 'service', 'workload-identity-provider']);
    expect(inputs['revision']?.default).toBe('');
    expect(inputs['steps']?.default).toBe('100');
    expect(inputs['health-path']?.default).toBe('/health');
    expect(rollback.on.workflow_call?.secrets).toEqual(pipeline.on.workflow_call?.secrets);
    expect(rollback.permissions).toEqual({});
  });

  it('checks its inputs in a job without permissions, then moves the traffic and checks it', () => {
    expect(Object.keys(rollback.jobs)).toEqual(['config', 'rollback']);
    expect(config.permissions).toEqual({});
    expect(needsOf(job)).toEqual(['config']);
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(stageSteps(job).map(({ stage }) => stage)).toEqual(['promote', 'health-check']);
    const steps = job.steps ?? [];
    const authIndex = steps.findIndex((s) => s.uses?.startsWith('google-github-actions/auth@'));
    const promoteIndex = steps.findIndex((s) => s.id === 'promote');
    expect(authIndex).toBeGreaterThan(-1);
    expect(authIndex).toBeLessThan(promoteIndex);
  });

  it('authenticates as the pipeline’s health job does, and runs the actions from the config ref', () => {
    const auth = (j: Job) => (j.steps ?? []).find((s) => s.uses?.startsWith('google-github-actions/auth@'));
    expect(auth(job)).toEqual(auth(jobOf(pipeline, 'health')));
    const checkout = (j: Job) => (j.steps ?? []).find((s) => s.with?.['path'] === '.cloud-run-actions');
    expect(checkout(job)).toEqual(checkout(jobOf(pipeline, 'health')));
    expect(stepOf(config, 'actions').run).toBe(stepOf(jobOf(pipeline, 'config'), 'actions').run);
    for (const { step } of stageSteps(job)) {
      expect(step.uses).toMatch(/^\.\/\.cloud-run-actions\/actions\//);
    }
  });

  it('promotes the named revision, from whatever serves now, then checks that revision', () => {
    const inputs = rollbackInputs({ project: 'acme-prod', steps: '50,100', 'health-expect': '{"ok": true}' });
    const promote = evaluateWith(stepOf(job, 'promote').with, context(inputs));
    expect(promote).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: 'api-00041-old',
      steps: '50,100',
      'step-wait': '60s',
      path: '/health',
      'bearer-token': '',
    });
    // No previous-revision: there is no deploy to compare with. No tag: none was set.
    expect(promote).not.toHaveProperty('previous-revision');
    expect(promote).not.toHaveProperty('tag');
    const health = evaluateWith(stepOf(job, 'health').with, context(inputs));
    expect(health).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: 'api-00041-old',
      path: '/health',
      expect: '{"ok": true}',
      timeout: '5m',
      'bearer-token': '',
    });
    for (const [stage, given] of [
      ['promote', promote],
      ['health-check', health],
    ] as const) {
      const declared = readActionYml(stage).inputs ?? {};
      for (const name of Object.keys(given)) {
        expect(Object.keys(declared), `${stage} ${name}`).toContain(name);
      }
    }
    expect(rollback.on.workflow_call?.outputs?.['revision']?.value).toBe(
      '${{ jobs.rollback.outputs.revision }}',
    );
    expect(job.outputs?.['revision']).toBe('${{ steps.promote.outputs.revision }}');
  });

  describe('config: Check the inputs', () => {
    const work = mkdtempSync(join(tmpdir(), 'rollback-config-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    const run = (given: Record<string, ExpressionValue>) => {
      const step = stepOf(config, 'Check the inputs');
      return runBashStep(
        step,
        { GITHUB_ACTIONS: 'true', ...evaluateStepEnv(step, { inputs: rollbackInputs(given) }) },
        work,
      );
    };

    it('lets a named revision through, changing nothing', () => {
      const result = run({});
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('Rolling api (europe-west1) in prod back to api-00041-old.\n');
      expect(result.rawOutput).toBe('');
    });

    it('stops at once without a revision, saying where to find one and the command that lists them', () => {
      const result = run({ revision: '', project: 'acme-prod' });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^::error title=No revision named::input "revision" is empty/);
      expect(result.stdout).toContain('Nothing was changed.');
      expect(result.stdout).toContain('previous-revision');
      expect(result.stdout).toContain(
        'gcloud run revisions list --service api --region europe-west1 --project acme-prod\n',
      );
      const noProject = run({ revision: '' });
      expect(noProject.stdout).toContain('--project PROJECT\n');
    });

    it.each([
      [{ revision: 'API-00041' }, 'input "revision" is API-00041: not a Cloud Run revision name'],
      [{ revision: 'api-00041-old\n::warning::x' }, 'input "revision" is $\'api-00041-old\\n::warning::x\''],
      [{ revision: '-api' }, 'not a Cloud Run revision name'],
      [{ environment: 'staging' }, 'input "environment" is staging: it must be dev or prod'],
    ])('refuses %j', (given, message) => {
      const result = run(given);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Invalid input::/);
      expect(result.stdout).toContain(message);
      // A newline in an input cannot start a workflow command of its own.
      expect(result.stdout.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(1);
    });
  });
});

describe('the example service’s rollback caller', () => {
  const caller = loadWorkflow(join(exampleWorkflowsDir, 'rollback.yml'));
  const call = jobOf(caller, 'rollback');

  it('is a workflow_dispatch that calls rollback.yml at the major tag, with a required revision', () => {
    expect(Object.keys(caller.on)).toEqual(['workflow_dispatch']);
    const dispatch = caller.on['workflow_dispatch'] as {
      inputs: Record<string, { required?: boolean; type: string; options?: string[] }>;
    };
    expect(dispatch.inputs['revision']).toMatchObject({ type: 'string', required: true });
    expect(dispatch.inputs['environment']).toMatchObject({ type: 'choice', options: ['prod', 'dev'] });
    expect(call.uses).toBe(`${publisherOf(repoRoot).repository}/.github/workflows/rollback.yml@v1`);
    expect(call.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(caller.permissions).toEqual({});
  });

  it.each(['prod', 'dev'])('gives rollback.yml the %s environment’s values', (environment) => {
    const suffix = environment.toUpperCase();
    const vars = {
      GCP_REGION: 'europe-west1',
      GCP_PROJECT_PROD: 'acme-prod',
      GCP_PROJECT_DEV: 'acme-dev',
      WIF_PROVIDER_PROD: 'wif-prod',
      WIF_PROVIDER_DEV: 'wif-dev',
      DEPLOYER_SERVICE_ACCOUNT_PROD: 'deployer@acme-prod.iam.gserviceaccount.com',
      DEPLOYER_SERVICE_ACCOUNT_DEV: 'deployer@acme-dev.iam.gserviceaccount.com',
    };
    const given = evaluateWith(call.with, {
      inputs: { environment, revision: 'fastapi-service-00041-abc', steps: '100' },
      vars,
    });
    const inputs = callInputs(rollback, 'rollback.yml', given);
    expect(inputs).toMatchObject({
      environment,
      project: vars[`GCP_PROJECT_${suffix}` as keyof typeof vars],
      'workload-identity-provider': vars[`WIF_PROVIDER_${suffix}` as keyof typeof vars],
      'service-account': vars[`DEPLOYER_SERVICE_ACCOUNT_${suffix}` as keyof typeof vars],
      service: 'fastapi-service',
      revision: 'fastapi-service-00041-abc',
    });
  });
});

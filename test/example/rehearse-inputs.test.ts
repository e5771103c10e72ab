// The rehearsal computes every stage's inputs from the shipped workflows (the reference caller →
// deploy-<environment>.yml → pipeline.yml), without running anything: the call chain, what it
// changes and why, that nothing a stand-in adds shadows a pipeline value, and that an expression
// the evaluation does not know stops it. The run itself is in rehearse.test.ts.
import { describe, expect, it } from 'vitest';
import {
  CALLER_CHANGES,
  CANDIDATE_TAG,
  callerChangeReasons,
  callerChangeValues,
  EXAMPLE,
  jobOutputs,
  parseMode,
  pipelineStageInputs,
  PROD_CALLER_CHANGES,
  repositoryVars,
  resolvePipeline,
  STAGE_ADDITIONS,
  STAGES,
  stageStepOf,
  UNHEALTHY_CALLER_CHANGES,
  type JobRecord,
} from '../../scripts/rehearse.js';
import { readActionYml } from '../../testkit/local-runner.mjs';
import { loadWorkflow, stageSteps } from '../../testkit/workflows.js';

const SHA = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
const changes = {
  builder: 'buildah',
  image: '127.0.0.1:5000/services/fastapi-service',
  dockerfile: `${EXAMPLE}/Dockerfile.rehearsal`,
  'build-args': 'BASE_IMAGE=scratch',
};

/** Job records as a successful run leaves them, each job's outputs from pipeline.yml's `outputs:`. */
function successfulJobs(pipeline: ReturnType<typeof resolvePipeline>) {
  const steps: Record<string, JobRecord['steps']> = {
    config: {
      pair: { outputs: {} },
      inputs: {
        outputs: { registry: '127.0.0.1:5000', 'database-url-secret': 'database-url-dev' },
      },
      bypass: { outputs: { 'allow-dev-auth-bypass': 'true' } },
      actions: { outputs: { repository: 'example-org/cloud-run-deploy-actions', ref: SHA } },
    },
    test: {},
    build: { build: { outputs: { image: `${changes.image}@sha256:${'a'.repeat(64)}`, digest: 'sha256:a' } } },
    platform: {},
    migrate: { secrets: { outputs: { 'database-url': 'postgresql+psycopg2://u:p@/db' } } },
    deploy: {
      deploy: {
        outputs: {
          url: 'http://127.0.0.1:8080',
          revision: 'fastapi-service-00002-new',
          'previous-revision': 'fastapi-service-00001-rhs',
        },
      },
    },
    health: { health: { outputs: { url: 'http://127.0.0.1:8080', revision: 'fastapi-service-00002-new' } } },
    promote: {
      promote: {
        outputs: {
          revision: 'fastapi-service-00002-new',
          'previous-revision': 'fastapi-service-00001-rhs',
          'rolled-back': 'false',
        },
      },
    },
  };
  const jobs: Record<string, JobRecord> = {};
  for (const { job } of STAGES) {
    const own = steps[job] ?? {};
    jobs[job] = { steps: own, outputs: jobOutputs(pipeline, jobs, job, own) };
  }
  return { jobs, steps };
}

describe('the rehearsal’s call chain', () => {
  const pipeline = resolvePipeline('dev', repositoryVars('dev', 'true'), changes, SHA);

  it('is the reference caller’s, through deploy-dev.yml, with only CALLER_CHANGES changed', () => {
    expect(pipeline.callerFile).toBe(`${EXAMPLE}/.github/workflows/deploy-dev.yml`);
    expect(pipeline.calleeFile).toBe('deploy-dev.yml');
    const changed = Object.keys(pipeline.callerInputs).filter(
      (name) => pipeline.callerInputs[name] !== pipeline.referenceInputs[name],
    );
    expect(changed.sort()).toEqual(Object.keys(CALLER_CHANGES).sort());
    // The reference caller sets no builder: the shipped default (docker) is what it would get.
    expect(pipeline.referenceInputs).not.toHaveProperty('builder');
    expect(pipeline.referenceInputs).toMatchObject({
      project: 'acme-dev',
      image: 'europe-west1-docker.pkg.dev/acme-dev/services/fastapi-service',
      lint: 'python -m pyflakes src tests',
    });
    expect(pipeline.inputs).toMatchObject({
      environment: 'dev',
      branch: 'dev',
      'cancel-superseded': true,
      builder: 'buildah',
      'working-directory': EXAMPLE,
      'health-timeout': '5m',
    });
    expect(pipeline.github['ref']).toBe('refs/heads/dev');
  });

  it('names every change with its reason, each an input both deploy workflows declare', () => {
    for (const file of ['deploy-dev.yml', 'deploy-prod.yml']) {
      const declared = loadWorkflow(file).on.workflow_call?.inputs ?? {};
      for (const [name, why] of Object.entries(CALLER_CHANGES)) {
        expect(declared, `${file}: ${name}`).toHaveProperty(name);
        expect(why.length, name).toBeGreaterThan(20);
      }
    }
    expect(CALLER_CHANGES.builder).toMatch(/buildah instead of docker \(buildx\): no Docker engine here/);
  });

  it('adds to a stage only inputs the action declares and pipeline.yml does not set', () => {
    for (const [job, additions] of Object.entries(STAGE_ADDITIONS)) {
      const { stage, step } = stageStepOf(pipeline.workflow, job);
      for (const name of Object.keys(additions)) {
        expect(Object.keys(readActionYml(stage).inputs ?? {}), `${job}: ${name}`).toContain(name);
        expect(Object.keys(step.with ?? {}), `${job}: ${name}`).not.toContain(name);
      }
    }
  });

  it('gives every stage its inputs from pipeline.yml, e.g. health an empty `expect` and build the builder', () => {
    const { jobs, steps } = successfulJobs(pipeline);
    const workflow = loadWorkflow('pipeline.yml');
    const stageJobs = Object.keys(workflow.jobs).filter(
      (id) => stageSteps(workflow.jobs[id] ?? {}).length > 0,
    );
    expect(stageJobs).toEqual(STAGES.map((s) => s.job).filter((job) => job !== 'config'));
    const inputs = Object.fromEntries(
      stageJobs.map((job) => [job, pipelineStageInputs(pipeline, jobs, job, steps[job] ?? {})]),
    );
    for (const job of stageJobs) {
      expect(Object.keys(inputs[job] ?? {}).sort(), job).toEqual(
        Object.keys(stageStepOf(workflow, job).step.with ?? {}).sort(),
      );
    }
    expect(inputs['health']).toEqual({
      service: 'fastapi-service',
      region: 'europe-west1',
      project: 'acme-dev',
      revision: 'fastapi-service-00002-new',
      url: 'http://127.0.0.1:8080',
      tag: '',
      path: '/health',
      expect: '',
      timeout: '5m',
      'custom-domain': '',
      'bearer-token': '',
    });
    expect(inputs['build']).toMatchObject({
      builder: 'buildah',
      context: `service/${EXAMPLE}`,
      file: `service/${EXAMPLE}/Dockerfile.rehearsal`,
      'cache-from': `${changes.image}-cache`,
      sha: SHA,
    });
    expect(inputs['test']).toMatchObject({
      'working-directory': `service/${EXAMPLE}`,
      lint: 'python -m pyflakes src tests',
      test: 'python -m pytest -q --junitxml=reports/junit.xml',
      junit: 'reports/junit.xml',
    });
    expect(inputs['migrate']).toEqual({
      'database-url': 'postgresql+psycopg2://u:p@/db',
      instance: '',
      command: 'alembic upgrade head',
      'working-directory': `service/${EXAMPLE}`,
    });
    expect(inputs['deploy']?.['vars']).toBe(
      [
        'project=acme-dev',
        'region=europe-west1',
        'environment=dev',
        `commit_sha=${SHA}`,
        'base_url=https://api.dev.example.com',
        'clerk_jwks_url=https://clerk.example.com/.well-known/jwks.json',
        'cloud_sql_instance=acme-dev:europe-west1:main-db',
        '',
        '',
      ].join('\n'),
    );
  });

  it('stops at an expression it cannot evaluate, or at a job output that was not set', () => {
    const { jobs, steps } = successfulJobs(pipeline);
    const workflow = structuredClone(pipeline.workflow);
    const health = stageStepOf(workflow, 'health').step;
    health.with = { ...health.with, expect: '${{ runner.temp }}' };
    expect(() => pipelineStageInputs({ ...pipeline, workflow }, jobs, 'health', {})).toThrow(
      /with: expect: .*runner context/,
    );
    health.with = { ...health.with, expect: '${{ needs.deploy.outputs.body }}' };
    expect(() => pipelineStageInputs({ ...pipeline, workflow }, jobs, 'health', {})).toThrow(
      /needs\.deploy\.outputs\.body is not known/,
    );
    expect(() =>
      pipelineStageInputs(pipeline, { config: jobs['config'] }, 'migrate', steps['migrate'] ?? {}),
    ).toThrow(/needs "test", which has not run/);
  });

  it('resolves prod through deploy-prod.yml with the custom domain the reference caller sets', () => {
    const prod = resolvePipeline('prod', repositoryVars('prod', 'true'), changes, SHA);
    expect(prod.calleeFile).toBe('deploy-prod.yml');
    expect(prod.inputs).toMatchObject({
      environment: 'prod',
      branch: 'main',
      'cancel-superseded': false,
      'custom-domain': 'api.example.com',
      builder: 'buildah',
    });
    expect(prod.github['ref']).toBe('refs/heads/main');
  });
});

describe('the prod rehearsal’s call chain (--env prod)', () => {
  const prodMode = { environment: 'prod', bypassInProd: false, unhealthyCandidate: false } as const;
  const prodChanges = callerChangeValues(prodMode, changes.image);
  const prod = resolvePipeline('prod', repositoryVars('prod', 'false'), prodChanges, SHA);

  it('changes the dev changes and the rollout’s waits and the custom domain, each with its reason', () => {
    const reasons = callerChangeReasons(prodMode);
    expect(Object.keys(prodChanges).sort()).toEqual(Object.keys(reasons).sort());
    const changed = Object.keys(prod.callerInputs).filter(
      (name) => prod.callerInputs[name] !== prod.referenceInputs[name],
    );
    // custom-domain: the reference caller sets api.example.com, the rehearsal empties it.
    expect(changed.sort()).toEqual(Object.keys(reasons).sort());
    expect(prod.referenceInputs['custom-domain']).toBe('api.example.com');
    const declared = loadWorkflow('deploy-prod.yml').on.workflow_call?.inputs ?? {};
    for (const [name, why] of Object.entries({ ...PROD_CALLER_CHANGES, ...UNHEALTHY_CALLER_CHANGES })) {
      expect(declared, name).toHaveProperty(name);
      expect(why.length, name).toBeGreaterThan(20);
    }
    const unhealthy = callerChangeValues({ ...prodMode, unhealthyCandidate: true }, changes.image);
    expect(unhealthy).toEqual({ ...prodChanges, 'health-timeout': '15s' });
    // The rollout itself is deploy-prod.yml's default: verified, with the candidate tag.
    expect(prod.referenceInputs).not.toHaveProperty('rollout');
    expect(prod.inputs).toMatchObject({
      environment: 'prod',
      rollout: 'verified',
      'rollout-steps': '50,100',
      'rollout-step-wait': '2s',
      'custom-domain': '',
      'health-timeout': '5m',
    });
  });

  it('holds the traffic at deploy, checks the candidate on its tag URL, then promotes in the steps', () => {
    const { jobs, steps } = successfulJobs(prod);
    const inputs = (job: string) => pipelineStageInputs(prod, jobs, job, steps[job] ?? {});
    expect(inputs('deploy')).toMatchObject({
      environment: 'prod',
      traffic: 'hold',
      service: 'fastapi-service',
      region: 'europe-west1',
    });
    expect(inputs('health')).toMatchObject({ tag: CANDIDATE_TAG, url: '', 'custom-domain': '' });
    expect(inputs('promote')).toEqual({
      service: 'fastapi-service',
      region: 'europe-west1',
      project: 'acme-prod',
      revision: 'fastapi-service-00002-new',
      'previous-revision': 'fastapi-service-00001-rhs',
      tag: CANDIDATE_TAG,
      steps: '50,100',
      'step-wait': '2s',
      path: '/health',
      'bearer-token': '',
    });
    // dev: direct, no tag; the promote job's own `if:` is false there (the rehearsal skips it).
    const devPipeline = resolvePipeline('dev', repositoryVars('dev', 'true'), changes, SHA);
    const dev = successfulJobs(devPipeline);
    expect(pipelineStageInputs(devPipeline, dev.jobs, 'deploy', {})).toMatchObject({ traffic: 'latest' });
    expect(pipelineStageInputs(devPipeline, dev.jobs, 'health', {})).toMatchObject({
      tag: '',
      url: 'http://127.0.0.1:8080',
    });
    expect(devPipeline.inputs['rollout']).toBe('direct');
  });
});

describe('the rehearsal’s command line', () => {
  it('takes --env dev|prod, --unhealthy-candidate with prod, and --bypass-in-prod', () => {
    expect(parseMode([])).toEqual({ environment: 'dev', bypassInProd: false, unhealthyCandidate: false });
    expect(parseMode(['--env', 'prod'])).toEqual({
      environment: 'prod',
      bypassInProd: false,
      unhealthyCandidate: false,
    });
    expect(parseMode(['--env=prod', '--unhealthy-candidate'])).toEqual({
      environment: 'prod',
      bypassInProd: false,
      unhealthyCandidate: true,
    });
    expect(parseMode(['--bypass-in-prod'])).toEqual({
      environment: 'prod',
      bypassInProd: true,
      unhealthyCandidate: false,
    });
    expect(parseMode(['--unhealthy-candidate'])).toMatch(/needs --env prod/);
    expect(parseMode(['--env', 'staging'])).toMatch(/--env takes dev or prod/);
    expect(parseMode(['--env'])).toMatch(/--env takes dev or prod/);
    expect(parseMode(['--prod'])).toMatch(/unknown argument "--prod"/);
  });
});

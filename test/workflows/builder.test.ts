// The pipeline's `builder` input (#15): docker (buildx, the default) or buildah/podman for runners
// without a Docker engine. deploy-dev and deploy-prod pass it through; the build job sets up
// buildx only for docker and gives build-push the builder and a cache that builder reads. Each
// value is evaluated from the workflow files themselves, through the whole call chain.
import { describe, expect, it } from 'vitest';
import { readActionYml } from '../../testkit/local-runner.mjs';
import {
  callInputs,
  evaluateCondition,
  evaluateTemplate,
  evaluateWith,
  loadWorkflow,
  stageSteps,
  type ExpressionContext,
  type ExpressionValue,
  type Step,
} from '../../testkit/workflows.js';

const pipeline = loadWorkflow('pipeline.yml');
const IMAGE = 'europe-west1-docker.pkg.dev/acme-dev/services/api';
const required = {
  project: 'acme-dev',
  region: 'europe-west1',
  service: 'api',
  image: IMAGE,
  'workload-identity-provider': 'projects/1/locations/global/workloadIdentityPools/p/providers/p',
  'service-account': 'deployer@acme-dev.iam.gserviceaccount.com',
};

/** pipeline.yml's inputs for a caller of deploy-<environment>.yml passing `given`. */
function pipelineInputs(environment: 'dev' | 'prod', given: Record<string, ExpressionValue>) {
  const file = `deploy-${environment}.yml`;
  const callee = loadWorkflow(file);
  const context: ExpressionContext = { inputs: callInputs(callee, file, given), vars: {}, secrets: {} };
  const call = callee.jobs['pipeline']?.with ?? {};
  return callInputs(
    pipeline,
    'pipeline.yml',
    Object.fromEntries(Object.entries(call).map(([name, value]) => [name, evaluateTemplate(value, context)])),
  );
}

/** The build job's steps, each with whether it runs, and build-push's inputs. */
function buildJob(inputs: Record<string, ExpressionValue>) {
  const job = pipeline.jobs['build'];
  const context: ExpressionContext = {
    inputs,
    vars: {},
    secrets: {},
    github: { sha: '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9' },
    needs: {
      config: {
        outputs: {
          registry: 'europe-west1-docker.pkg.dev',
          'actions-repository': 'example-org/cloud-run-deploy-actions',
          'actions-ref': 'v1',
        },
      },
    },
    steps: { auth: { outputs: { access_token: 'token' } } },
    env: {},
  };
  const steps = job?.steps ?? [];
  const runs = (step: Step) => evaluateCondition(step.if, context);
  const buildx = steps.filter((step) => step.uses?.startsWith('docker/setup-buildx-action@'));
  const stage = stageSteps(job ?? {}).find((s) => s.stage === 'build-push')?.step;
  return {
    buildxRuns: buildx.length === 1 && runs(buildx[0] as Step),
    buildx,
    buildPush: evaluateWith(stage?.with, context),
  };
}

describe('input builder', () => {
  it('is declared alike by pipeline.yml, deploy-dev.yml and deploy-prod.yml, default docker', () => {
    const spec = pipeline.on.workflow_call?.inputs?.['builder'];
    expect(spec).toMatchObject({ type: 'string', default: 'docker' });
    expect(spec?.description).toMatch(/`docker`.*`buildah`.*`podman`/);
    for (const file of ['deploy-dev.yml', 'deploy-prod.yml']) {
      expect(loadWorkflow(file).on.workflow_call?.inputs?.['builder'], file).toEqual(spec);
    }
  });

  it('is one that build-push accepts, for every value the description names', () => {
    const builder = readActionYml('build-push').inputs?.['builder'];
    expect(builder?.description).toMatch(/docker.*buildah.*podman/s);
  });

  it.each(['dev', 'prod'] as const)(
    'defaults to docker through deploy-%s: buildx is set up, layers in the GitHub Actions cache',
    (environment) => {
      const inputs = pipelineInputs(environment, required);
      expect(inputs['builder']).toBe('docker');
      const build = buildJob(inputs);
      expect(build.buildxRuns).toBe(true);
      expect(build.buildPush).toMatchObject({
        builder: 'docker',
        'cache-from': `type=gha,scope=cloud-run-${environment}`,
        'cache-to': `type=gha,mode=max,scope=cloud-run-${environment}`,
      });
    },
  );

  it.each([
    ['dev', 'buildah'],
    ['dev', 'podman'],
    ['prod', 'buildah'],
    ['prod', 'podman'],
  ] as const)(
    'deploy-%s passes %s to build-push; buildx is not set up; layers in <image>-cache',
    (environment, builder) => {
      const build = buildJob(pipelineInputs(environment, { ...required, builder }));
      expect(build.buildx).toHaveLength(1);
      expect(build.buildxRuns).toBe(false);
      expect(build.buildPush).toMatchObject({
        builder,
        image: IMAGE,
        'cache-from': `${IMAGE}-cache`,
        'cache-to': `${IMAGE}-cache`,
      });
    },
  );
});

// The pipeline's two choices of #15: the IaC tool (`iac-tool`: terraform or tofu, installed by
// hashicorp/setup-terraform or opentofu/setup-opentofu, and passed to actions/deploy as `tool`)
// and direct Workload Identity Federation (an empty `service-account`: no service account is
// impersonated, no access token is asked for; the build's registry login goes through gcloud, and
// no other job sets up gcloud: the actions reach Google over its REST APIs). Each is
// evaluated from the workflow itself, for every value of the input, with the expression
// evaluator the rehearsal uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../testkit/local-runner.mjs';
import {
  callInputs,
  evaluateCondition,
  evaluateWith,
  loadWorkflow,
  type ExpressionValue,
  type Job,
  type Step,
} from '../../testkit/workflows.js';

const pipeline = loadWorkflow('pipeline.yml');
const dev = loadWorkflow('deploy-dev.yml');
const prod = loadWorkflow('deploy-prod.yml');

const job = (id: string): Job => {
  const found = pipeline.jobs[id];
  if (!found) throw new Error(`pipeline.yml has no job "${id}"`);
  return found;
};

/** The inputs context of a pipeline call: the required ones given, defaults for the rest. */
function inputs(given: Record<string, ExpressionValue> = {}): Record<string, ExpressionValue> {
  return callInputs(pipeline, 'pipeline.yml', {
    environment: 'dev',
    branch: 'dev',
    'cancel-superseded': true,
    project: 'acme-dev',
    region: 'europe-west1',
    service: 'api',
    image: 'europe-west1-docker.pkg.dev/acme-dev/services/api',
    'workload-identity-provider':
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/repo',
    ...given,
  });
}

/** The steps of a job that run for these inputs (their `if:` evaluated; a step without one runs). */
const running = (id: string, context: Record<string, ExpressionValue>): Step[] =>
  (job(id).steps ?? []).filter((step) => evaluateCondition(step.if, { inputs: context }));

const uses = (step: Step, action: string): boolean => step.uses?.startsWith(`${action}@`) === true;

/** Only the named `with:` values of a step, evaluated (the others read contexts not given here). */
function withOf(
  step: Step,
  names: string[],
  context: Record<string, ExpressionValue>,
): Record<string, string> {
  const picked = Object.fromEntries(Object.entries(step.with ?? {}).filter(([name]) => names.includes(name)));
  return evaluateWith(picked, { inputs: context });
}

const deployStep = (id: string): Step => {
  const step = (job(id).steps ?? []).find((s) => s.uses?.endsWith('/actions/deploy'));
  if (!step) throw new Error(`${id} has no deploy step`);
  return step;
};

describe('iac-tool', () => {
  it('is an optional string input, terraform by default, in the pipeline and both callers alike', () => {
    for (const workflow of [pipeline, dev, prod]) {
      const declared = workflow.on.workflow_call?.inputs ?? {};
      expect(declared['iac-tool']).toMatchObject({ type: 'string', default: 'terraform' });
      expect(declared['iac-tool']?.required).not.toBe(true);
      expect(declared['tofu-version']).toMatchObject({ type: 'string' });
      expect(String(declared['tofu-version']?.default)).toMatch(/^1\.\d+\.\d+$/);
    }
    for (const caller of [dev, prod]) {
      expect(caller.jobs['pipeline']?.with?.['iac-tool']).toBe('${{ inputs.iac-tool }}');
      expect(caller.jobs['pipeline']?.with?.['tofu-version']).toBe('${{ inputs.tofu-version }}');
    }
  });

  it.each(['platform', 'deploy'])(
    '%s: for each tool exactly its own setup step runs, wrapper off, and deploy gets the same tool',
    (id) => {
      for (const [tool, setup, other] of [
        ['terraform', 'hashicorp/setup-terraform', 'opentofu/setup-opentofu'],
        ['tofu', 'opentofu/setup-opentofu', 'hashicorp/setup-terraform'],
      ] as const) {
        const context = inputs({ 'iac-tool': tool });
        const steps = running(id, context);
        const setups = steps.filter((step) => uses(step, setup));
        expect(setups, `${id} with ${tool}`).toHaveLength(1);
        expect(
          steps.filter((step) => uses(step, other)),
          `${id} with ${tool}`,
        ).toEqual([]);
        const setupStep = setups[0] as Step;
        if (tool === 'tofu') {
          expect(withOf(setupStep, ['tofu_version', 'tofu_wrapper'], context)).toEqual({
            tofu_version: context['tofu-version'] as string,
            tofu_wrapper: 'false',
          });
        } else {
          expect(withOf(setupStep, ['terraform_version', 'terraform_wrapper'], context)).toEqual({
            terraform_version: context['terraform-version'] as string,
            terraform_wrapper: 'false',
          });
        }
        expect(withOf(deployStep(id), ['tool'], context)).toEqual({ tool });
        // The setup comes before the stage that runs the tool.
        expect(steps.indexOf(setupStep)).toBeLessThan(steps.indexOf(deployStep(id)));
      }
    },
  );

  it('installs neither tool in the jobs that run none', () => {
    for (const id of ['config', 'test', 'build', 'migrate', 'health']) {
      const actions = (job(id).steps ?? []).map((step) => step.uses ?? '');
      expect(
        actions.filter((a) => /^(hashicorp\/setup-terraform|opentofu\/setup-opentofu)@/.test(a)),
        id,
      ).toEqual([]);
    }
  });

  it('pins opentofu/setup-opentofu by full SHA to the row of the pins table', () => {
    const table = JSON.parse(readFileSync(join(repoRoot, '.github', 'action-pins.json'), 'utf8')) as {
      pins: { action: string; sha: string; version: string }[];
    };
    const row = table.pins.find((pin) => pin.action === 'opentofu/setup-opentofu');
    expect(row).toMatchObject({ sha: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown, version: 'v2.0.2' });
    for (const id of ['platform', 'deploy']) {
      const step = (job(id).steps ?? []).find((s) => uses(s, 'opentofu/setup-opentofu'));
      expect(step?.uses, id).toBe(`opentofu/setup-opentofu@${row?.sha ?? ''}`);
    }
  });
});

describe('service-account: optional, empty means direct Workload Identity Federation', () => {
  const DEPLOYER = 'deployer@acme-dev.iam.gserviceaccount.com';
  const authSteps = (id: string): Step[] =>
    (job(id).steps ?? []).filter((step) => uses(step, 'google-github-actions/auth'));

  it('is optional with an empty default in the pipeline and both callers', () => {
    for (const workflow of [pipeline, dev, prod]) {
      const declared = workflow.on.workflow_call?.inputs?.['service-account'];
      expect(declared?.required).not.toBe(true);
      expect(declared?.default).toBe('');
      expect(declared?.description).toContain('direct Workload Identity Federation');
    }
  });

  it('every auth step passes no service account and asks for no token when it is empty', () => {
    const context = inputs();
    expect(context['service-account']).toBe('');
    const ids = Object.keys(pipeline.jobs).filter((id) => authSteps(id).length > 0);
    expect(ids.sort()).toEqual(['build', 'deploy', 'health', 'migrate', 'platform', 'promote']);
    for (const id of ids) {
      for (const step of authSteps(id)) {
        expect(evaluateCondition(step.if, { inputs: context }), id).toBe(true);
        const given = withOf(
          step,
          ['service_account', 'token_format', 'workload_identity_provider'],
          context,
        );
        // An empty input is what auth reads for one not given: direct WIF.
        expect(given['service_account'] ?? '', id).toBe('');
        expect(given['token_format'] ?? '', id).toBe('');
        expect(given['workload_identity_provider'], id).toBe(context['workload-identity-provider']);
      }
    }
  });

  it('with a service account, every auth step impersonates it, and only build gets an access token', () => {
    const context = inputs({ 'service-account': DEPLOYER });
    for (const id of ['build', 'platform', 'migrate', 'deploy', 'health', 'promote']) {
      for (const step of authSteps(id)) {
        const given = withOf(step, ['service_account', 'token_format'], context);
        expect(given['service_account'], id).toBe(DEPLOYER);
        // deploy's image check and secret preflight use the credentials file itself.
        expect(given['token_format'] ?? '', id).toBe(id === 'build' ? 'access_token' : '');
      }
    }
  });

  it.each(['build'])(
    '%s logs in to the registry with the access token, or through gcloud under direct WIF',
    (id) => {
      const isLogin = (step: Step) => uses(step, 'docker/login-action');
      const isGcloudLogin = (step: Step) =>
        /gcloud auth configure-docker "\$REGISTRY" --quiet/.test(step.run ?? '');
      const isSetupGcloud = (step: Step) => uses(step, 'google-github-actions/setup-gcloud');

      const impersonating = running(id, inputs({ 'service-account': DEPLOYER }));
      const login = impersonating.filter(isLogin);
      expect(login).toHaveLength(1);
      expect((login[0] as Step).with?.['password']).toBe('${{ steps.auth.outputs.access_token }}');
      expect(impersonating.filter(isGcloudLogin)).toEqual([]);

      const direct = running(id, inputs());
      expect(direct.filter(isLogin)).toEqual([]);
      const gcloudLogin = direct.filter(isGcloudLogin);
      expect(gcloudLogin).toHaveLength(1);
      const login2 = gcloudLogin[0] as Step;
      expect(login2.env?.['REGISTRY']).toBe('${{ needs.config.outputs.registry }}');
      // gcloud is set up after auth and before the login; the login comes before the stage.
      const auth = direct.findIndex((step) => uses(step, 'google-github-actions/auth'));
      const setup = direct.findIndex(isSetupGcloud);
      const stage = direct.findIndex((step) => /\/actions\/(build-push|deploy)$/.test(step.uses ?? ''));
      expect(auth).toBeGreaterThanOrEqual(0);
      expect(setup).toBeGreaterThan(auth);
      expect(direct.indexOf(login2)).toBeGreaterThan(setup);
      expect(direct.indexOf(login2)).toBeLessThan(stage);
    },
  );

  it('only the build job sets up gcloud (its direct-WIF docker login); deploy needs no registry login step', () => {
    const setupJobs = Object.entries(pipeline.jobs)
      .filter(([, found]) =>
        (found.steps ?? []).some((step) => uses(step, 'google-github-actions/setup-gcloud')),
      )
      .map(([id]) => id);
    expect(setupJobs).toEqual(['build']);
    for (const context of [inputs(), inputs({ 'service-account': DEPLOYER })]) {
      const steps = running('deploy', context);
      expect(steps.filter((step) => uses(step, 'docker/login-action'))).toEqual([]);
      expect(steps.filter((step) => /\bgcloud\b/.test(step.run ?? ''))).toEqual([]);
    }
  });
});

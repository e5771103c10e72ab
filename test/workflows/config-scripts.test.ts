// The config job's own shell, run as the runner runs a `shell: bash` step
// (`bash --noprofile --norc -eo pipefail <file>`), with the step's env: evaluated for the
// values a caller would give, in a clean environment. Asserts the exit code, GITHUB_OUTPUT and
// the error text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  evaluateStepEnv,
  loadWorkflow,
  runBashStep,
  stepOf,
  type BashStepResult,
  type Job,
} from '../../testkit/workflows.js';

const pipeline = loadWorkflow('pipeline.yml');
const config = pipeline.jobs['config'];
if (!config) throw new Error('pipeline.yml has no config job');
const work = mkdtempSync(join(tmpdir(), 'config-scripts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Context {
  inputs?: Record<string, string>;
  /** Repository variables; a missing one evaluates to '' as on GitHub. */
  vars?: Record<string, string>;
  job?: Record<string, unknown>;
  ref?: string;
}

const defaultInputs: Record<string, string> = {
  environment: 'dev',
  branch: 'dev',
  'allow-environment-branch': '',
  image: 'europe-west1-docker.pkg.dev/my-project/services/api',
  'database-url-secret': 'database-url',
  'on-stale': 'fail',
  'iac-tool': 'terraform',
  builder: 'docker',
  rollout: 'direct',
  'rollout-steps': '100',
  'rollout-step-wait': '60s',
  'health-expect': '',
  'actions-ref': '',
};

/** The config job's env:, which the runner gives every step of the job. */
const jobEnv = (config as Job & { env?: Record<string, string> }).env ?? {};

function runStep(idOrName: string, context: Context = {}): BashStepResult {
  const step = stepOf(config as NonNullable<typeof config>, idOrName);
  return runBashStep(
    step,
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_REF: context.ref ?? 'refs/heads/dev',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      ...evaluateStepEnv(
        { env: { ...jobEnv, ...step.env } },
        {
          inputs: { ...defaultInputs, ...context.inputs },
          vars: context.vars ?? {},
          job: context.job,
        },
      ),
    },
    work,
  );
}

describe('config: Check the environment and branch (the first step)', () => {
  it.each([
    ['dev', 'dev'],
    ['prod', 'main'],
  ])('lets %s deploy from %s without being asked', (environment, branch) => {
    const run = runStep('pair', { inputs: { environment, branch } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.rawOutput).toBe('');
  });

  it.each([
    ['prod', 'dev'],
    ['dev', 'main'],
    ['prod', 'release'],
    ['dev', 'feature/x'],
    ['staging', 'dev'],
    ['prod', ''],
  ])('refuses %s from branch %j, naming both inputs and the fix', (environment, branch) => {
    const run = runStep('pair', { inputs: { environment, branch } });
    expect(run.code).toBe(1);
    const shownBranch = branch === '' ? "''" : branch;
    expect(run.stdout).toBe(
      `::error title=Environment and branch::input "environment" is ${environment} and input "branch" is ${shownBranch}: dev deploys only from branch dev and prod only from branch main. Nothing was changed. Pass environment dev with branch dev, or prod with main (deploy-dev.yml and deploy-prod.yml do); to deploy ${environment} from ${shownBranch} on purpose, set allow-environment-branch: ${environment}/${branch}.\n`,
    );
    expect(run.rawOutput).toBe('');
  });

  it.each([
    ['prod', 'release'],
    ['prod', 'dev'],
    ['dev', 'main'],
  ])(
    'lets %s deploy from %s when allow-environment-branch names exactly that pair',
    (environment, branch) => {
      const pair = `${environment}/${branch}`;
      const run = runStep('pair', { inputs: { environment, branch, 'allow-environment-branch': pair } });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `::notice title=Environment and branch::${environment} deploys from branch ${branch}, as input "allow-environment-branch" allows.\n`,
      );
    },
  );

  it.each([
    ['prod', 'dev', 'prod/release'],
    ['prod', 'dev', 'prod/*'],
    ['dev', 'dev', 'prod/dev'],
    ['prod', 'main', 'prod/main '],
  ])(
    'refuses %s from %s when allow-environment-branch names another pair (%j)',
    (environment, branch, allow) => {
      const run = runStep('pair', { inputs: { environment, branch, 'allow-environment-branch': allow } });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(
          `^::error title=Environment and branch::input "allow-environment-branch" is .+, but input "environment" is ${environment} and input "branch" is ${branch}\\. Nothing was changed\\. Set allow-environment-branch to ${environment}/${branch}, or leave it empty\\.$`,
          'm',
        ),
      );
    },
  );

  it('cannot be turned into workflow commands by the inputs’ values', () => {
    const run = runStep('pair', {
      inputs: { environment: 'prod', branch: 'dev\n::add-mask::x\n::set-output name=a::b' },
    });
    expect(run.code).toBe(1);
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^::error title=Environment and branch::/);
  });
});

describe('config: Check the branch', () => {
  it.each([
    ['dev', 'dev', 'refs/heads/dev', 0],
    ['prod', 'main', 'refs/heads/main', 0],
    ['dev', 'dev', 'refs/heads/main', 1],
    ['prod', 'main', 'refs/heads/dev', 1],
    ['dev', 'dev', 'refs/heads/feature/dev', 1],
    ['dev', 'dev', 'refs/heads/dev-old', 1],
    ['prod', 'main', 'refs/tags/main', 1],
    ['prod', 'main', 'refs/pull/7/merge', 1],
    ['prod', 'main', '', 1],
  ] as const)('%s from branch %s, run for "%s" → exit %i', (environment, branch, ref, code) => {
    const run = runStep('Check the branch', { inputs: { environment, branch }, ref });
    expect(run.code).toBe(code);
    if (code === 0) {
      expect(run.stdout).toContain(`to ${environment}`);
    } else {
      expect(run.stdout).toMatch(
        new RegExp(
          `^::error title=Wrong branch::${environment} deploys only from branch ${branch}; this run is for ${ref || 'an unknown ref'}\\. Nothing was changed\\.`,
          'm',
        ),
      );
    }
    expect(run.rawOutput).toBe('');
  });
});

describe('config: Read ALLOW_DEV_AUTH_BYPASS', () => {
  const unset = undefined;
  it.each([
    ['dev', unset, 0, 'false'],
    ['dev', 'true', 0, 'true'],
    ['dev', 'TRUE', 0, 'true'],
    ['dev', ' true ', 0, 'true'],
    ['dev', '\ttrue\n', 0, 'true'],
    ['dev', 'false', 0, 'false'],
    ['dev', 'False', 0, 'false'],
    ['dev', '1', 1, undefined],
    ['dev', 'yes', 1, undefined],
    ['dev', 'on', 1, undefined],
    ['dev', 'tru', 1, undefined],
    ['dev', 'true false', 1, undefined],
    ['prod', unset, 0, 'false'],
    ['prod', 'false', 0, 'false'],
    ['prod', ' FALSE ', 0, 'false'],
    ['prod', 'true', 1, undefined],
    ['prod', 'TRUE', 1, undefined],
    ['prod', ' true ', 1, undefined],
    ['prod', '1', 1, undefined],
    ['prod', 'yes', 1, undefined],
    ['prod', '0', 1, undefined],
  ] as const)('%s with the variable %j → exit %i, output %s', (environment, value, code, output) => {
    const vars: Record<string, string> = value === undefined ? {} : { ALLOW_DEV_AUTH_BYPASS: value };
    const run = runStep('bypass', { inputs: { environment }, vars });
    expect(run.code).toBe(code);
    if (output !== undefined) {
      // Exactly one line: the normalised value, nothing else a later job could read.
      expect(run.rawOutput).toBe(`allow-dev-auth-bypass=${output}\n`);
      expect(run.stdout).toContain(`Dev auth bypass for ${environment}: ${output}`);
    } else {
      expect(run.rawOutput).toBe('');
      if (environment === 'prod') {
        expect(run.stdout).toMatch(
          /^::error title=Dev auth bypass in prod::The repository variable ALLOW_DEV_AUTH_BYPASS is set to a value other than false; the dev auth bypass never reaches prod, so nothing was deployed\./m,
        );
      } else {
        expect(run.stdout).toMatch(
          /^::error title=Invalid ALLOW_DEV_AUTH_BYPASS::The repository variable ALLOW_DEV_AUTH_BYPASS is .+; accepted are true, false or unset\. Nothing was deployed\.$/m,
        );
      }
    }
  });

  it('cannot be turned into workflow commands by the variable’s value', () => {
    const run = runStep('bypass', {
      inputs: { environment: 'dev' },
      vars: { ALLOW_DEV_AUTH_BYPASS: 'x\n::add-mask::nothing\n::set-env name=A::b' },
    });
    expect(run.code).toBe(1);
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^::error title=Invalid ALLOW_DEV_AUTH_BYPASS::/);
  });

  it('never shows a prod value, which may be a secret pasted into the wrong place', () => {
    const run = runStep('bypass', {
      inputs: { environment: 'prod' },
      vars: { ALLOW_DEV_AUTH_BYPASS: 's3cr3t-value' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-value');
  });
});

describe('config: Check the inputs', () => {
  it('outputs the registry host and the suffixed secret id', () => {
    for (const environment of ['dev', 'prod']) {
      const run = runStep('inputs', { inputs: { environment } });
      expect(run.code).toBe(0);
      expect(run.outputs).toEqual({
        registry: 'europe-west1-docker.pkg.dev',
        'database-url-secret': `database-url-${environment}`,
      });
    }
    const custom = runStep('inputs', {
      inputs: { image: 'localhost:5000/team/api', 'database-url-secret': 'orders_db-url' },
    });
    expect(custom.outputs).toEqual({
      registry: 'localhost:5000',
      'database-url-secret': 'orders_db-url-dev',
    });
  });

  it.each([
    [{ environment: 'staging' }, 'input "environment" must be dev or prod'],
    [{ environment: 'Prod' }, 'input "environment" must be dev or prod'],
    [
      { image: 'europe-west1-docker.pkg.dev/p/r/api:latest' },
      'input "image" must be a repository without tag or digest',
    ],
    [
      { image: `europe-west1-docker.pkg.dev/p/r/api@sha256:${'a'.repeat(64)}` },
      'input "image" must be a repository',
    ],
    [{ image: 'api' }, 'input "image" must be a repository'],
    [{ image: 'Europe/API' }, 'input "image" must be a repository'],
    [{ image: '' }, 'input "image" must be a repository'],
    [
      { 'database-url-secret': 'database-url-dev/versions/1' },
      'input "database-url-secret" must be a Secret Manager secret id',
    ],
    [{ 'database-url-secret': '' }, 'input "database-url-secret"'],
    [{ 'on-stale': 'ignore' }, 'input "on-stale" must be fail or skip'],
    [{ 'iac-tool': 'opentofu' }, 'input "iac-tool" must be terraform or tofu'],
    [{ 'iac-tool': '' }, 'input "iac-tool" must be terraform or tofu'],
    [{ builder: 'kaniko' }, 'input "builder" must be docker (buildx), buildah or podman'],
    [{ builder: '' }, 'input "builder" must be docker'],
  ])('refuses %j', (inputs, message) => {
    const run = runStep('inputs', { inputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=Invalid input::/m);
    expect(run.stdout).toContain(message);
    expect(run.rawOutput).toBe('');
  });
});

describe('config: Check the inputs, the rollout (before anything changes)', () => {
  it.each([
    [{ rollout: 'direct' }],
    [{ rollout: 'verified' }],
    [{ rollout: 'verified', 'rollout-steps': '10,50,100' }],
    [{ rollout: 'verified', 'rollout-steps': '1,2,3,99,100', 'rollout-step-wait': '2m' }],
    [{ rollout: 'verified', 'rollout-step-wait': '90' }],
    [{ rollout: 'verified', 'rollout-step-wait': '14m' }],
    [{ rollout: 'verified', 'rollout-steps': '25,50,75,100', 'rollout-step-wait': '3M' }],
    [{ rollout: 'verified', 'rollout-step-wait': '2500ms' }],
    [{ rollout: 'verified', 'rollout-steps': '1,2,3,4,5,6,7,8,9,100', 'rollout-step-wait': '1s' }],
    [{ 'health-expect': '{"status": "ok"}' }],
    [{ 'health-expect': '{"revision": "api-00042-xyz", "checks": {"db": true}}' }],
  ])('accepts %j', (inputs) => {
    const run = runStep('inputs', { inputs });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.outputs).toEqual({
      registry: 'europe-west1-docker.pkg.dev',
      'database-url-secret': 'database-url-dev',
    });
  });

  it.each([
    [{ rollout: 'verfied' }, 'input "rollout" must be direct'],
    [{ rollout: 'Verified' }, 'input "rollout" must be direct'],
    [{ rollout: '' }, 'input "rollout" must be direct'],
    [{ rollout: 'canary' }, 'input "rollout" must be direct'],
    [
      { 'rollout-steps': '10,50' },
      'input "rollout-steps" must be at most 10 whole percentages increasing to 100',
    ],
    [{ 'rollout-steps': '50,10,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '10,10,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '0,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '10,50,100,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '1,2,3,4,5,6,7,8,9,10,100', 'rollout-step-wait': '1s' }, 'at most 10'],
    [{ 'rollout-steps': '50,200' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '10.5,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '10,,100' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '' }, 'input "rollout-steps"'],
    [{ 'rollout-steps': '100;rm -rf /' }, 'input "rollout-steps"'],
    [{ 'rollout-step-wait': '' }, 'input "rollout-step-wait" must be a duration above zero'],
    [{ 'rollout-step-wait': '0s' }, 'input "rollout-step-wait" must be a duration above zero'],
    [{ 'rollout-step-wait': '1 minute' }, 'input "rollout-step-wait"'],
    [{ 'rollout-step-wait': '-5s' }, 'input "rollout-step-wait"'],
    [
      { 'rollout-steps': '10,50,100', 'rollout-step-wait': '5m' },
      "3 steps watched for 5m each do not fit into promote's 15m deadline",
    ],
    [{ 'rollout-step-wait': '1h' }, '1 steps watched for 1h each do not fit'],
    [{ 'rollout-step-wait': '900' }, "do not fit into promote's 15m deadline"],
    [{ 'health-expect': 'ok' }, 'input "health-expect" must be a JSON object'],
    [{ 'health-expect': '["ok"]' }, 'input "health-expect" must be a JSON object'],
    [{ 'health-expect': '{"status": ' }, 'input "health-expect" must be a JSON object'],
  ])('refuses %j', (inputs, message) => {
    const run = runStep('inputs', { inputs: { rollout: 'verified', ...inputs } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=Invalid input::/m);
    expect(run.stdout).toContain(message);
    expect(run.rawOutput).toBe('');
  });

  it('checks the rollout steps in direct mode too: a typo is a typo', () => {
    const run = runStep('inputs', { inputs: { rollout: 'direct', 'rollout-steps': '10,50' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input "rollout-steps"');
  });
});

describe('config: Check the inputs takes either IaC tool', () => {
  it.each(['terraform', 'tofu'])('accepts iac-tool %s', (tool) => {
    const run = runStep('inputs', { inputs: { 'iac-tool': tool } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });
});

describe('config: Check the inputs takes each builder', () => {
  it.each(['docker', 'buildah', 'podman'])('accepts builder %s', (builder) => {
    const run = runStep('inputs', { inputs: { builder } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });
});

describe('config: Resolve the stage actions’ ref', () => {
  const sha = 'fedcba9876543210fedcba9876543210fedcba98';
  const job = {
    status: 'success',
    workflow_repository: 'example-org/cloud-run-deploy-actions',
    workflow_sha: sha,
  };

  it('uses the commit of the workflow file by default', () => {
    const run = runStep('actions', { job });
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ repository: 'example-org/cloud-run-deploy-actions', ref: sha });
  });

  it('takes actions-ref when given, e.g. a release tag', () => {
    const run = runStep('actions', { job, inputs: { 'actions-ref': 'v1.4.2' } });
    expect(run.outputs).toEqual({ repository: 'example-org/cloud-run-deploy-actions', ref: 'v1.4.2' });
  });

  it('falls back to this repository and needs actions-ref where the job context has no workflow fields (GHES)', () => {
    const withRef = runStep('actions', { job: { status: 'success' }, inputs: { 'actions-ref': 'v1' } });
    expect(withRef.code).toBe(0);
    expect(withRef.outputs).toEqual({ repository: 'example-org/cloud-run-deploy-actions', ref: 'v1' });
    const without = runStep('actions', { job: { status: 'success' } });
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('set the input actions-ref to the release of these workflows you call');
    expect(without.rawOutput).toBe('');
  });

  it.each(['--upload-pack=touch /tmp/x', 'v1 v2', 'v1;rm', '-v1'])('refuses the ref %j', (ref) => {
    const run = runStep('actions', { job, inputs: { 'actions-ref': ref } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input "actions-ref" is');
    expect(run.rawOutput).toBe('');
  });
});

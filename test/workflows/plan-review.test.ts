// plan-pr.yml and drift.yml (#18): the job graph, permissions, the fork path, the matrix the
// config job builds from `environments` (its shell run as the runner runs it), the inputs the
// plans get (the pipeline's, plan-only, with the running image), the reports' way from the plan
// jobs to the report action, concurrency, and the example service's callers.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { publisherOf } from '../../scripts/publisher.mjs';
import { repoRoot } from '../../testkit/local-runner.mjs';
import {
  callInputs,
  evaluateCondition,
  evaluateEnv,
  evaluateTemplate,
  evaluateWith,
  exampleWorkflowsDir,
  loadWorkflow,
  needsOf,
  runBashStep,
  stageSteps,
  stepOf,
  workflowsDir,
  type BashStepResult,
  type ExpressionContext,
  type ExpressionValue,
  type Job,
  type Step,
  type Workflow,
} from '../../testkit/workflows.js';

const planPr = loadWorkflow('plan-pr.yml');
const drift = loadWorkflow('drift.yml');
const pipeline = loadWorkflow('pipeline.yml');
const planCaller = loadWorkflow(join(exampleWorkflowsDir, 'plan-pr.yml'));
const driftCaller = loadWorkflow(join(exampleWorkflowsDir, 'drift.yml'));
const OWN = publisherOf(repoRoot).repository;
const REPOSITORY = 'acme/api';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUNNER = { temp: '/runner/_temp', os: 'Linux', tool_cache: '/runner/tool' };

const work = mkdtempSync(join(tmpdir(), 'plan-review-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type MatrixJob = Job & {
  if?: string;
  strategy?: { 'fail-fast'?: boolean; matrix?: { include?: string } };
};
type FullStep = Step & { 'continue-on-error'?: boolean };

const jobOf = (w: Workflow, id: string): MatrixJob => {
  const found = w.jobs[id];
  if (!found) throw new Error(`${w.name} has no job "${id}"`);
  return found;
};
const usesOf = (j: Job, prefix: string): FullStep[] =>
  (j.steps ?? []).filter((s) => s.uses?.startsWith(prefix));
const onlyUse = (j: Job, prefix: string): FullStep => {
  const found = usesOf(j, prefix);
  expect(found, prefix).toHaveLength(1);
  return found[0] as FullStep;
};

/** The repository variables the example callers read. */
const vars: Record<string, string> = {
  GCP_REGION: 'europe-west1',
  GCP_PROJECT_DEV: 'acme-dev',
  GCP_PROJECT_PROD: 'acme-prod',
  WIF_PLAN_PROVIDER_DEV: 'projects/1/locations/global/workloadIdentityPools/plan/providers/dev',
  WIF_PLAN_PROVIDER_PROD: 'projects/2/locations/global/workloadIdentityPools/plan/providers/prod',
  PLAN_SERVICE_ACCOUNT_DEV: 'planner@acme-dev.iam.gserviceaccount.com',
  PLAN_SERVICE_ACCOUNT_PROD: 'planner@acme-prod.iam.gserviceaccount.com',
  TF_STATE_BUCKET_DEV: 'acme-dev-state',
  TF_STATE_BUCKET_PROD: 'acme-prod-state',
  CLERK_JWKS_URL_DEV: 'https://clerk.dev.example.com/.well-known/jwks.json',
  CLERK_JWKS_URL_PROD: 'https://clerk.example.com/.well-known/jwks.json',
  CLOUD_SQL_INSTANCE_DEV: 'acme-dev:europe-west1:db',
  CLOUD_SQL_INSTANCE_PROD: 'acme-prod:europe-west1:db',
};

/** The called workflow's inputs for the example caller's call, with these repository variables. */
function callerInputs(caller: Workflow, jobId: string, callee: Workflow, name: string) {
  const given = evaluateWith(jobOf(caller, jobId).with, { vars, github: { repository: REPOSITORY } });
  return callInputs(callee, name, given);
}

const pullRequest = (head: string | null, number = 42) => ({
  event_name: 'pull_request',
  repository: REPOSITORY,
  sha: SHA,
  token: 'ghs_x',
  // A deleted head repository: GitHub gives null for its name, and '' to the env: that reads it.
  event: { pull_request: { number, head: { sha: SHA, repo: { full_name: head } } } },
});

/** Runs a step of a workflow's config job with its env: evaluated, as the runner runs it. */
function runConfigStep(
  w: Workflow,
  idOrName: string,
  context: ExpressionContext,
  extraEnv: Record<string, string> = {},
): BashStepResult {
  const step = stepOf(jobOf(w, 'config'), idOrName);
  return runBashStep(
    step,
    {
      GITHUB_ACTIONS: 'true',
      ...evaluateEnv([step.env], { vars: {}, job: { status: 'success' }, ...context }),
      ...extraEnv,
    },
    work,
  );
}

interface Entry {
  environment: string;
  [key: string]: string;
}

function matrixOf(
  w: Workflow,
  inputs: Record<string, ExpressionValue>,
): { run: BashStepResult; matrix: Entry[] } {
  const run = runConfigStep(w, 'matrix', { inputs });
  return { run, matrix: run.code === 0 ? (JSON.parse(run.outputs['matrix'] ?? 'null') as Entry[]) : [] };
}

const minimal = (w: Workflow, name: string, given: Record<string, ExpressionValue> = {}) =>
  callInputs(w, name, {
    region: 'europe-west1',
    service: 'api',
    project: 'acme-dev',
    'workload-identity-provider': 'projects/1/locations/global/workloadIdentityPools/p/providers/x',
    ...given,
  });

/** What a plan job's step sees, for one matrix entry. */
const planContext = (
  inputs: Record<string, ExpressionValue>,
  entry: Entry,
  extra: Partial<ExpressionContext> = {},
): ExpressionContext =>
  ({
    inputs,
    matrix: entry,
    runner: RUNNER,
    github: pullRequest(REPOSITORY),
    needs: {
      config: {
        outputs: {
          fork: 'false',
          'allow-dev-auth-bypass': 'true',
          matrix: JSON.stringify([entry]),
          'actions-repository': OWN,
          'actions-ref': SHA,
        },
        result: 'success',
      },
      test: { outputs: {}, result: 'success' },
    },
    steps: { commit: { outputs: { sha: SHA } } },
    ...extra,
  }) as ExpressionContext;

describe('plan-pr.yml and drift.yml: shape', () => {
  it('are workflow_call workflows: plan-pr config → test → plan → comment, drift config → drift', () => {
    for (const w of [planPr, drift]) expect(Object.keys(w.on)).toEqual(['workflow_call']);
    const graph = (w: Workflow) =>
      Object.fromEntries(Object.entries(w.jobs).map(([id, j]) => [id, needsOf(j).sort()]));
    expect(graph(planPr)).toEqual({
      config: [],
      test: ['config'],
      plan: ['config', 'test'],
      comment: ['config', 'plan', 'test'],
    });
    expect(graph(drift)).toEqual({ config: [], drift: ['config'] });
    // The stage actions, each in the job its name says; plans and reports from the actions checkout.
    const stages = (w: Workflow) =>
      Object.fromEntries(Object.keys(w.jobs).map((id) => [id, stageSteps(jobOf(w, id)).map((s) => s.stage)]));
    expect(stages(planPr)).toEqual({
      config: [],
      test: ['test'],
      plan: ['deploy', 'deploy'],
      comment: ['report'],
    });
    expect(stages(drift)).toEqual({ config: [], drift: ['deploy', 'deploy', 'report'] });
    for (const w of [planPr, drift]) {
      for (const id of Object.keys(w.jobs).filter((j) => j !== 'config')) {
        const checkout = (jobOf(w, id).steps ?? []).find((s) => s.with?.['path'] === '.cloud-run-actions');
        expect(checkout?.with, id).toMatchObject({
          repository: '${{ needs.config.outputs.actions-repository }}',
          ref: '${{ needs.config.outputs.actions-ref }}',
          'persist-credentials': false,
        });
        for (const { step } of stageSteps(jobOf(w, id))) {
          expect(step.uses).toMatch(/^\.\/\.cloud-run-actions\/actions\//);
        }
      }
    }
  });

  it('enter no GitHub environment: a plan changes nothing, and needs no reviewer or branch rule', () => {
    for (const w of [planPr, drift]) {
      for (const [id, j] of Object.entries(w.jobs)) expect(j.environment, `${w.name}: ${id}`).toBeUndefined();
    }
  });
});

describe('permissions', () => {
  it('plan-pr asks per job for part of contents: read, id-token: write, pull-requests: write, and nothing else', () => {
    expect(planPr.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(planPr.jobs).map(([id, j]) => [id, j.permissions]))).toEqual({
      config: {},
      test: { contents: 'read' },
      plan: { contents: 'read', 'id-token': 'write' },
      comment: { contents: 'read', 'pull-requests': 'write' },
    });
    const union = Object.assign({}, ...Object.values(planPr.jobs).map((j) => j.permissions)) as object;
    expect(union).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
  });

  it('drift asks for contents: read, id-token: write and issues: write (no pull-requests), in the one job that uses them', () => {
    expect(drift.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(drift.jobs).map(([id, j]) => [id, j.permissions]))).toEqual({
      config: {},
      drift: { contents: 'read', 'id-token': 'write', issues: 'write' },
    });
  });

  it('id-token only where Google is called, and the callers grant exactly what the jobs ask', () => {
    for (const w of [planPr, drift]) {
      for (const [id, j] of Object.entries(w.jobs)) {
        expect(usesOf(j, 'google-github-actions/auth@').length > 0, id).toBe(
          j.permissions?.['id-token'] === 'write',
        );
        // A plan never writes anything: no token at all to the stacks beyond the Google one.
        for (const { step } of stageSteps(j).filter((s) => s.stage === 'deploy')) {
          expect(step.with, id).not.toHaveProperty('github-token');
        }
      }
    }
    expect(jobOf(planCaller, 'plan').permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      'pull-requests': 'write',
    });
    expect(jobOf(driftCaller, 'drift').permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      issues: 'write',
    });
    for (const caller of [planCaller, driftCaller]) expect(caller.permissions).toEqual({});
  });
});

describe('triggers', () => {
  const files = [
    ...readdirSync(workflowsDir).map((name) => join(workflowsDir, name)),
    ...readdirSync(exampleWorkflowsDir).map((name) => join(exampleWorkflowsDir, name)),
  ].filter((file) => file.endsWith('.yml'));

  it.each(files.map((file) => [file.slice(repoRoot.length + 1)]))('%s has no pull_request_target', (path) => {
    const text = readFileSync(join(repoRoot, path), 'utf8');
    const on = (parse(text) as { on?: unknown }).on;
    const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
    expect(triggers).not.toContain('pull_request_target');
    // Not even in a comment that could be copied: only the "never" of the docs' wording.
    for (const line of text.split('\n').filter((l) => l.includes('pull_request_target'))) {
      expect(line, path).toMatch(/never|not/);
    }
  });

  it('the example plans on pull_request only, and checks drift on schedule and by hand', () => {
    expect(planCaller.on).toEqual({ pull_request: { branches: ['dev', 'main'] } });
    expect(Object.keys(driftCaller.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(jobOf(planCaller, 'plan').uses).toBe(`${OWN}/.github/workflows/plan-pr.yml@v1`);
    expect(jobOf(driftCaller, 'drift').uses).toBe(`${OWN}/.github/workflows/drift.yml@v1`);
  });

  it.each([
    ['pull_request', 0],
    ['pull_request_target', 1],
    ['push', 1],
    ['workflow_dispatch', 1],
  ])('plan-pr runs on %s: exit %i', (event, code) => {
    const run = runConfigStep(planPr, 'event', { github: { ...pullRequest(REPOSITORY), event_name: event } });
    expect(run.code).toBe(code);
    if (code !== 0) {
      expect(run.stdout).toMatch(
        /^::error title=Wrong event::plan-pr\.yml plans pull requests: .*pull_request_target/m,
      );
      expect(run.rawOutput).toBe('');
    }
  });

  it.each([
    ['schedule', 0],
    ['workflow_dispatch', 0],
    ['pull_request', 1],
    ['pull_request_target', 1],
    ['push', 1],
  ])('drift runs on %s: exit %i', (event, code) => {
    const run = runConfigStep(drift, 'Check the event', { github: { event_name: event } });
    expect(run.code).toBe(code);
    if (code !== 0) expect(run.stdout).toMatch(/^::error title=Wrong event::drift\.yml checks on schedule/m);
  });

  it('check the event first, before the inputs', () => {
    expect(jobOf(planPr, 'config').steps?.[0]?.id).toBe('event');
    expect(jobOf(drift, 'config').steps?.[0]?.name).toBe('Check the event');
  });
});

describe('a pull request from a fork', () => {
  const config = (head: string | null) => runConfigStep(planPr, 'event', { github: pullRequest(head) });

  it.each([
    [REPOSITORY, 'false'],
    ['someone/api', 'true'],
    // A deleted head repository: no name, so no credentials either.
    [null, 'true'],
  ])('head repository %j: fork=%s', (head, fork) => {
    const run = config(head);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ fork });
    expect(run.stdout.includes('::notice title=Not planned::')).toBe(fork === 'true');
  });

  const context = (fork: 'true' | 'false', test = 'success'): ExpressionContext => ({
    ...planContext(minimal(planPr, 'plan-pr.yml'), { environment: 'dev' }),
    github: pullRequest(fork === 'true' ? 'someone/api' : REPOSITORY),
    needs: {
      config: { outputs: { fork, 'actions-repository': OWN, 'actions-ref': SHA }, result: 'success' },
      test: { outputs: {}, result: fork === 'true' ? 'skipped' : test },
      plan: { outputs: {}, result: fork === 'true' ? 'skipped' : 'success' },
    },
  });

  it('runs no test and no plan, and skips the auth step itself too', () => {
    const ctx = context('true');
    expect(evaluateCondition(jobOf(planPr, 'test').if, ctx)).toBe(false);
    expect(evaluateCondition(jobOf(planPr, 'plan').if, ctx)).toBe(false);
    const auth = onlyUse(jobOf(planPr, 'plan'), 'google-github-actions/auth@');
    expect(evaluateCondition(auth.if, ctx)).toBe(false);
    // The jobs that do run hold no id-token permission.
    const running = Object.entries(planPr.jobs).filter(
      ([id, j]) => id === 'config' || evaluateCondition((j as MatrixJob).if, ctx),
    );
    expect(running.map(([id]) => id)).toEqual(['config', 'comment']);
    for (const [, j] of running) expect(j.permissions?.['id-token']).toBeUndefined();
  });

  it('gets the not-planned comment, with no reports to download', () => {
    const ctx = context('true');
    const comment = jobOf(planPr, 'comment');
    expect(evaluateCondition(comment.if, ctx)).toBe(true);
    expect(evaluateCondition(onlyUse(comment, 'actions/download-artifact@').if, ctx)).toBe(false);
    const report = stepOf(comment, 'report');
    const given = evaluateWith(report.with, ctx);
    expect(given).toMatchObject({
      mode: 'pull-request',
      reports: '',
      title: 'Plan',
      'github-token': 'ghs_x',
    });
    expect(given['not-planned']).toMatch(/^it comes from a fork, .*no cloud credentials/);
  });

  it('a pull request of this repository is tested, planned and commented, with every report', () => {
    const ctx = context('false');
    for (const id of ['test', 'plan', 'comment']) {
      expect(evaluateCondition(jobOf(planPr, id).if, ctx), id).toBe(true);
    }
    expect(evaluateCondition(onlyUse(jobOf(planPr, 'plan'), 'google-github-actions/auth@').if, ctx)).toBe(
      true,
    );
    const comment = jobOf(planPr, 'comment');
    expect(evaluateCondition(onlyUse(comment, 'actions/download-artifact@').if, ctx)).toBe(true);
    expect(evaluateWith(stepOf(comment, 'report').with, ctx)).toMatchObject({
      reports: '/runner/_temp/cloud-run-reports/*.json',
      'not-planned': '',
    });
    // Failed tests: no plan, and the comment says why.
    const failed = context('false', 'failure');
    expect(evaluateWith(stepOf(comment, 'report').with, failed)['not-planned']).toMatch(/tests did not pass/);
  });
});

describe('the matrix over environments', () => {
  it.each([
    ['dev', ['dev']],
    ['prod', ['prod']],
    [' dev , prod ', ['dev', 'prod']],
    ['["prod", "dev"]', ['prod', 'dev']],
  ])('%j → %j, each entry with every input filled in', (environments, names) => {
    for (const [w, name] of [
      [planPr, 'plan-pr.yml'],
      [drift, 'drift.yml'],
    ] as const) {
      const { run, matrix } = matrixOf(w, minimal(w, name, { environments, 'platform-vars': 'a=1\nb=2' }));
      expect(run.code, run.stdout).toBe(0);
      expect(matrix.map((e) => e.environment)).toEqual(names);
      for (const entry of matrix) {
        expect(entry).toMatchObject({
          project: 'acme-dev',
          region: 'europe-west1',
          service: 'api',
          'plan-service-account': '',
          'platform-vars': 'a=1\nb=2',
        });
        if (w === drift) expect(entry['ref']).toBe(entry.environment === 'prod' ? 'main' : 'dev');
        else expect(entry).not.toHaveProperty('ref');
      }
      expect(run.outputs['plans-prod']).toBe(String(names.includes('prod')));
      // Written between a delimiter made in the step, never a fixed one.
      expect(run.rawOutput).toMatch(/^matrix<<ghadelimiter_[0-9a-f]{32}$/m);
    }
  });

  it('takes per-environment values from an object, the inputs for the rest', () => {
    const { matrix } = matrixOf(
      drift,
      minimal(drift, 'drift.yml', {
        environments: JSON.stringify([
          'dev',
          { environment: 'prod', project: 'acme-prod', ref: 'release', 'service-vars': 'x=1\ny=2' },
        ]),
      }),
    );
    expect(matrix).toEqual([
      expect.objectContaining({ environment: 'dev', project: 'acme-dev', ref: 'dev', 'service-vars': '' }),
      expect.objectContaining({
        environment: 'prod',
        project: 'acme-prod',
        ref: 'release',
        'service-vars': 'x=1\ny=2',
      }),
    ]);
  });

  it.each([
    ['staging', /"staging" is no environment: dev or prod/],
    ['dev,dev', /each environment once/],
    ['', /name at least one environment/],
    ['dev,', /no empty name/],
    ['[ "dev"', /is not valid JSON/],
    ['{"environment": "dev"}', /not a JSON array/],
    ['[1]', /each item is a name or an object, not 1/],
    ['[{"environment": "dev", "projekt": "x"}]', /"dev" sets projekt, which is no input it may set \(/],
    ['[{"environment": "dev", "project": 5}]', /must be a string/],
    ['[{"environment": "dev", "project": "a\\nb"}]', /one line each/],
    ['[{"environment": "prod", "project": ""}]', /prod has no project/],
  ])('refuses environments %j, naming the input', (environments, message) => {
    const { run } = matrixOf(planPr, minimal(planPr, 'plan-pr.yml', { environments }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=Invalid input::input "environments"/);
    expect(run.stdout).toMatch(message);
    // One line: a value cannot start a workflow command of its own.
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.rawOutput).toBe('');
  });

  it('refuses a missing workload-identity-provider and an unknown iac-tool', () => {
    const noProvider = matrixOf(
      planPr,
      minimal(planPr, 'plan-pr.yml', { 'workload-identity-provider': '' }),
    ).run;
    expect(noProvider.stdout).toMatch(/dev has no workload-identity-provider/);
    const tool = matrixOf(planPr, minimal(planPr, 'plan-pr.yml', { 'iac-tool': 'pulumi' })).run;
    expect(tool.stdout).toMatch(/input "iac-tool" must be terraform or tofu/);
  });

  it('is one plan job per entry, none cancelling the others', () => {
    for (const [w, id] of [
      [planPr, 'plan'],
      [drift, 'drift'],
    ] as const) {
      expect(jobOf(w, id).strategy).toEqual({
        'fail-fast': false,
        matrix: { include: '${{ fromJSON(needs.config.outputs.matrix) }}' },
      });
      expect(jobOf(w, 'config').outputs?.['matrix']).toBe('${{ steps.matrix.outputs.matrix }}');
    }
  });
});

describe('the plans', () => {
  const pipelineStep = (jobId: string) =>
    (stageSteps(pipeline.jobs[jobId] as Job).find((s) => s.stage === 'deploy') as { step: Step }).step;
  /** A pipeline value with the per-environment inputs read from the matrix entry instead. */
  const perEnvironment = (value: unknown) =>
    String(value).replace(
      /inputs\.(environment|project|region|service|platform-vars|service-vars|platform-backend-config|service-backend-config)(?![\w-])/g,
      'matrix.$1',
    );

  it.each([
    ['plan-pr.yml', planPr, 'plan'],
    ['drift.yml', drift, 'drift'],
  ] as const)(
    '%s plans with the pipeline’s inputs, plan-only, the service with the running image',
    (_name, w, id) => {
      const platform = stepOf(jobOf(w, id), 'platform');
      const service = stepOf(jobOf(w, id), 'service');
      const same = (ours: Step, theirs: Step, left: string[], running = false) => {
        const expected = Object.fromEntries(
          Object.entries(theirs.with ?? {})
            .filter(([name]) => !left.includes(name))
            .map(([name, value]) => [name, perEnvironment(value)]),
        );
        const bypass =
          "${{ matrix.environment == 'dev' && needs.config.outputs.allow-dev-auth-bypass || 'false' }}";
        expect({ ...ours.with, 'allow-dev-auth-bypass': bypass }).toEqual({
          ...expected,
          'allow-dev-auth-bypass': bypass,
          'plan-only': true,
          'report-file': expect.stringMatching(/^\$\{\{ runner\.temp \}\}\/cloud-run-reports\//) as unknown,
          ...(running ? { image: 'running' } : {}),
        });
      };
      same(platform, pipelineStep('platform'), []);
      // Not for a plan: the stale-commit guard and the traffic (nothing is applied), the digest's
      // repository check (the running image is what it is).
      const serviceWith = { ...service.with };
      if (w === drift) {
        // The commit the environment's branch deployed, not the default branch's.
        expect(String(serviceWith['vars'])).toMatch(/^commit_sha=\$\{\{ steps\.commit\.outputs\.sha \}\}$/m);
        serviceWith['vars'] = String(serviceWith['vars']).replace('steps.commit.outputs.sha', 'github.sha');
      }
      same(
        { ...service, with: serviceWith },
        pipelineStep('deploy'),
        ['image', 'image-repository', 'on-stale', 'github-token', 'traffic'],
        true,
      );
      expect(service.if).toBe("${{ !cancelled() && steps.platform.outcome != 'skipped' }}");
    },
  );

  it('gives dev the config’s bypass value and prod always false', () => {
    const platform = stepOf(jobOf(planPr, 'plan'), 'platform');
    const inputs = minimal(planPr, 'plan-pr.yml');
    for (const [environment, expected] of [
      ['dev', 'true'],
      ['prod', 'false'],
    ] as const) {
      const given = evaluateWith(
        platform.with,
        planContext(inputs, {
          environment,
          project: 'p',
          region: 'r',
          'platform-vars': '',
          'platform-backend-config': '',
        }),
      );
      expect(given['allow-dev-auth-bypass'], environment).toBe(expected);
    }
  });

  it.each(['dev', 'prod'])(
    'the example caller plans %s with its own project, account, state and variables',
    (environment) => {
      const suffix = environment.toUpperCase();
      const inputs = callerInputs(planCaller, 'plan', planPr, 'plan-pr.yml');
      const { run, matrix } = matrixOf(planPr, inputs);
      expect(run.code, run.stdout).toBe(0);
      expect(matrix.map((e) => e.environment)).toEqual(['dev', 'prod']);
      const entry = matrix.find((e) => e.environment === environment) as Entry;
      const ctx = planContext(inputs, entry);
      const plan = jobOf(planPr, 'plan');
      expect(evaluateWith(onlyUse(plan, 'google-github-actions/auth@').with, ctx)).toEqual({
        workload_identity_provider: vars[`WIF_PLAN_PROVIDER_${suffix}`],
        service_account: vars[`PLAN_SERVICE_ACCOUNT_${suffix}`],
      });
      const platform = evaluateWith(stepOf(plan, 'platform').with, ctx);
      const service = evaluateWith(stepOf(plan, 'service').with, ctx);
      expect(platform).toMatchObject({
        'working-directory': 'service/examples/fastapi-service/infra/platform',
        environment,
        project: vars[`GCP_PROJECT_${suffix}`],
        'backend-config': `bucket=${vars[`TF_STATE_BUCKET_${suffix}`]}\nprefix=fastapi-service/${environment}/platform`,
        'plan-only': 'true',
        'report-file': `/runner/_temp/cloud-run-reports/${environment}-platform.json`,
      });
      expect(service).toMatchObject({
        'working-directory': 'service/examples/fastapi-service/infra/service',
        image: 'running',
        service: 'fastapi-service',
        region: 'europe-west1',
        'backend-config': `bucket=${vars[`TF_STATE_BUCKET_${suffix}`]}\nprefix=fastapi-service/${environment}/service`,
        'report-file': `/runner/_temp/cloud-run-reports/${environment}-service.json`,
      });
      // The same Terraform variables as the deploy caller of that environment passes.
      const deployCaller = loadWorkflow(join(exampleWorkflowsDir, `deploy-${environment}.yml`));
      const deployWith = evaluateWith(jobOf(deployCaller, 'deploy').with, { vars });
      expect(service['vars']).toBe(
        `project=${vars[`GCP_PROJECT_${suffix}`]}\nregion=europe-west1\nenvironment=${environment}\ncommit_sha=${SHA}\n${(deployWith['service-vars'] ?? '').trimEnd()}\n`,
      );
      for (const name of ['platform-backend-config', 'service-backend-config']) {
        expect(entry[name], name).toBe((deployWith[name] ?? '').trimEnd());
      }
    },
  );

  it('the example drift caller checks the same environments with the same values', () => {
    const plans = matrixOf(planPr, callerInputs(planCaller, 'plan', planPr, 'plan-pr.yml')).matrix;
    const checks = matrixOf(drift, callerInputs(driftCaller, 'drift', drift, 'drift.yml')).matrix;
    expect(
      checks.map(
        ({ ref, ...rest }) => (expect(ref).toBe(rest.environment === 'prod' ? 'main' : 'dev'), rest),
      ),
    ).toEqual(plans);
  });
});

describe('the reports', () => {
  const entry: Entry = {
    environment: 'prod',
    project: 'acme-prod',
    region: 'europe-west1',
    service: 'api',
    'workload-identity-provider': 'wif',
    'plan-service-account': '',
    'platform-backend-config': '',
    'service-backend-config': '',
    'platform-vars': '',
    'service-vars': '',
  };

  it('go from each plan job to the comment job as an artifact, and from there to the report action', () => {
    const ctx = planContext(minimal(planPr, 'plan-pr.yml'), entry);
    const plan = jobOf(planPr, 'plan');
    const upload = onlyUse(plan, 'actions/upload-artifact@');
    const uploaded = evaluateWith(upload.with, ctx);
    expect(uploaded).toMatchObject({
      name: 'cloud-run-plan-prod',
      path: '/runner/_temp/cloud-run-reports/',
      'if-no-files-found': 'warn',
    });
    for (const id of ['platform', 'service']) {
      expect(
        evaluateWith(stepOf(plan, id).with, ctx)['report-file']?.startsWith(uploaded['path'] ?? '?'),
        id,
      ).toBe(true);
    }
    // After a failed plan too: its report says why.
    expect(upload.if).toBe("${{ !cancelled() && steps.platform.outcome != 'skipped' }}");
    const download = onlyUse(jobOf(planPr, 'comment'), 'actions/download-artifact@');
    const downloaded = evaluateWith(download.with, ctx);
    expect(downloaded).toEqual({
      pattern: 'cloud-run-plan-*',
      'merge-multiple': 'true',
      path: '/runner/_temp/cloud-run-reports',
    });
    expect(
      new RegExp(`^${(downloaded['pattern'] ?? '').replace('*', '.*')}$`).test(uploaded['name'] ?? ''),
    ).toBe(true);
    expect(
      evaluateCondition(jobOf(planPr, 'comment').if, {
        ...ctx,
        needs: { config: { outputs: {}, result: 'success' } },
      }),
    ).toBe(true);
    expect(
      evaluateCondition(jobOf(planPr, 'comment').if, {
        ...ctx,
        needs: { config: { outputs: {}, result: 'failure' } },
      }),
    ).toBe(false);
  });

  it('drift writes the environment’s issue in the same job, failing it on drift', () => {
    const job = jobOf(drift, 'drift');
    const ctx = planContext(
      minimal(drift, 'drift.yml'),
      { ...entry, ref: 'main' },
      {
        github: { repository: REPOSITORY, token: 'ghs_x', event_name: 'schedule', sha: SHA },
      },
    );
    const report = stepOf(job, 'report');
    expect(evaluateWith(report.with, ctx)).toEqual({
      mode: 'drift',
      reports: '/runner/_temp/cloud-run-reports/*.json',
      environment: 'prod',
      label: 'drift',
      title: 'Drift',
      'github-token': 'ghs_x',
    });
    // The report action's fail-on-drift stays at its default, true: the run fails on drift.
    expect(report.with).not.toHaveProperty('fail-on-drift');
    expect((report as FullStep)['continue-on-error']).toBeUndefined();
    expect(report.if).toBe("${{ !cancelled() && steps.platform.outcome != 'skipped' }}");
    // The branch the environment deploys from, and its commit for commit_sha.
    const checkout = (job.steps ?? []).find((s) => s.with?.['path'] === 'service');
    expect(evaluateWith(checkout?.with, ctx)['ref']).toBe('main');
    expect(stepOf(job, 'commit').run).toBe('echo "sha=$(git rev-parse HEAD)" >>"$GITHUB_OUTPUT"');
  });
});

describe('concurrency', () => {
  const group = (w: Workflow, id: string, ctx: ExpressionContext) =>
    evaluateTemplate(jobOf(w, id).concurrency?.group, ctx);

  it('a push to a pull request cancels its older plan run, never another pull request’s', () => {
    for (const id of ['test', 'plan', 'comment']) {
      expect(jobOf(planPr, id).concurrency?.['cancel-in-progress'], id).toBe(true);
      const at = (number: number, environment = 'dev') =>
        group(planPr, id, {
          ...planContext({}, { environment }),
          github: { ...pullRequest(REPOSITORY, number), repository: REPOSITORY },
        });
      expect(at(42), id).toBe(at(42));
      expect(at(42), id).not.toBe(at(43));
      expect(at(42), id).toMatch(/^cloud-run-pr-42-.*-acme\/api$/);
    }
    const plan = (environment: string) =>
      group(planPr, 'plan', {
        ...planContext({}, { environment }),
        github: pullRequest(REPOSITORY),
      });
    expect(plan('dev')).toBe('cloud-run-pr-42-plan-dev-acme/api');
    expect(plan('prod')).not.toBe(plan('dev'));
    expect(jobOf(planPr, 'config').concurrency).toBeUndefined();
  });

  it('drift checks of one environment never overlap and are never cancelled; environments do not wait for each other', () => {
    expect(jobOf(drift, 'drift').concurrency?.['cancel-in-progress']).toBe(false);
    const at = (environment: string) =>
      group(drift, 'drift', {
        ...planContext({}, { environment }),
        github: { repository: REPOSITORY },
      });
    expect(at('prod')).toBe('cloud-run-prod-drift-acme/api');
    expect(at('dev')).toBe('cloud-run-dev-drift-acme/api');
    // Not the pipeline's groups: a check never queues a deploy behind it.
    const pipelineGroups = Object.values(pipeline.jobs).flatMap((j) =>
      j.concurrency ? [j.concurrency.group] : [],
    );
    expect(pipelineGroups.map((g) => g.replace('inputs.environment', 'matrix.environment'))).not.toContain(
      jobOf(drift, 'drift').concurrency?.group,
    );
  });
});

describe('ALLOW_DEV_AUTH_BYPASS in plans', () => {
  it.each([
    ['true', 'false', 'true', false],
    [' TRUE ', 'true', 'true', true],
    ['', 'true', 'false', false],
    ['false', 'true', 'false', false],
  ])('%j (prod planned: %s) → %s, warning %s', (value, plansProd, expected, warns) => {
    for (const w of [planPr, drift]) {
      const run = runConfigStep(w, 'bypass', {
        vars: { ALLOW_DEV_AUTH_BYPASS: value },
        steps: { matrix: { outputs: { 'plans-prod': plansProd } } },
      });
      expect(run.code).toBe(0);
      expect(run.outputs).toEqual({ 'allow-dev-auth-bypass': expected });
      expect(run.stdout.includes('::warning title=Dev auth bypass::')).toBe(warns);
    }
  });

  it('refuses a value that is not a boolean, as the pipeline does', () => {
    const run = runConfigStep(planPr, 'bypass', {
      vars: { ALLOW_DEV_AUTH_BYPASS: 'yes' },
      steps: { matrix: { outputs: { 'plans-prod': 'false' } } },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error title=Invalid ALLOW_DEV_AUTH_BYPASS::.*accepted are true, false or unset/m,
    );
  });
});

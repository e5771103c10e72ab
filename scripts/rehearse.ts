// `npm run rehearse`: the deploy-dev pipeline on the reference service, end to end, on this
// machine (with --env prod, deploy-prod's): the shipped workflows themselves. The reference
// service's caller (examples/fastapi-service/.github/workflows/deploy-<env>.yml) is evaluated
// against repository variables set for this run, through deploy-<env>.yml into pipeline.yml; the
// config job is pipeline.yml's own bash, and every stage is the bundled action the job's `uses:`
// names, started as the runner starts it with the inputs its `with:` evaluates to
// (scripts/rehearse.ts never writes a stage input of its own, bar the stand-ins' in STAGE_ADDITIONS).
//
// Where it must differ, it is an input value of the caller, named in CALLER_CHANGES (prod adds
// PROD_CALLER_CHANGES, --unhealthy-candidate UNHEALTHY_CALLER_CHANGES) and printed first and under
// the result table: builder=buildah (no Docker engine here, so no buildx), and what has to be
// built without network or container runtime. Real parts: pytest, pyflakes,
// buildah, Debian's docker-registry, PostgreSQL 15 and Alembic. Google Cloud is the local Google
// emulator (testkit/google-emulator.mjs): Workload Identity's token exchange, Secret Manager and
// the Cloud Run Admin API v2, which the actions reach over REST as they reach Google; no stage
// finds a gcloud on its PATH. Stand-ins: terraform (test/standins/bin, the real CLI's formats),
// whose apply writes the service and its revision into the emulator's Cloud Run as the Google
// provider does; the Cloud SQL Auth Proxy (a TCP forward to the local PostgreSQL); the GitHub
// API's commit comparison (testkit/github-api.ts, for deploy's stale-commit guard); and the
// containers Cloud Run would run (the service started from its source with uvicorn and the env
// the plan injects, one process a revision, behind the router at the URLs the emulator reports).
//
//   npm run rehearse                      the dev chain: config → test ∥ build ∥ platform → migrate → deploy → health
//                                         (promote skipped: `rollout: direct`)
//   npm run rehearse -- --env prod        the deploy-prod chain, `rollout: verified`, pushed twice: the first
//                                         deploy creates the service; the second holds the traffic, checks the
//                                         new revision on its `candidate` tag URL, then promote moves the traffic
//   npm run rehearse -- --env prod --unhealthy-candidate
//                                         the same, the second revision unhealthy: its check fails, promote is
//                                         skipped, the first revision keeps 100 % (a pass: the expected outcome)
//   npm run rehearse -- --bypass-in-prod  a prod run with ALLOW_DEV_AUTH_BYPASS=true: stopped before any change
//
// Each revision runs as its own uvicorn process; a router on 127.0.0.1 (scripts/rehearsal-router.ts)
// is Cloud Run's front end: the service URL reaches the revisions by the emulator's split at that
// moment, a tag URL only the tagged revision.
//
// It prints each stage's inputs and job summary and a final table (stage, result, time), and
// stops everything it started (registry, PostgreSQL, uvicorn, temporary storage) on success,
// failure and Ctrl-C. With REHEARSAL_RECORD=<file> it also writes what each stage was given (the
// test compares it with pipeline.yml), secrets replaced by ***.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { stopProcessGroup } from '../src/lib/exec.js';
import { repoRoot, runAction, type RunResult } from '../testkit/local-runner.mjs';
import {
  platformPlan,
  referenceBypass,
  secretId,
  servicePlan,
  terraformCalls,
  writeTerraformScenario,
  type JsonObject,
  type SecretRef,
} from '../testkit/deploy-scenarios.js';
import {
  emulatorRunEnv,
  pathWithoutGcloud,
  putSecrets,
  startEmulator,
  type GoogleEmulator,
} from '../testkit/google.js';
import { startPostgres, type TestPostgres } from '../testkit/postgres.js';
import { freePort } from '../testkit/process.js';
import {
  containersEnv,
  httpRequest,
  STANDINS_BIN,
  startRegistry,
  type ContainersEnv,
  type TestRegistry,
} from '../testkit/registry.js';
import {
  callInputs,
  evaluateCondition,
  evaluateEnv,
  evaluateTemplate,
  evaluateWith,
  expressionText,
  loadWorkflow,
  needsOf,
  runBashStep,
  stageSteps,
  type ExpressionContext,
  type ExpressionValue,
  type Step,
  type Workflow,
} from '../testkit/workflows.js';
import { startGitHubApi, type GitHubApi } from '../testkit/github-api.js';
import { startRevisionRouter, type RevisionRouter } from './rehearsal-router.js';
import { setUpOrExit } from './setup.mjs';

export const EXAMPLE = 'examples/fastapi-service';
const PYTHON = '/usr/bin/python3';
/**
 * The run's GitHub token (`github.token`): deploy's stale-commit guard sends it to the GitHub API
 * stand-in (testkit/github-api.ts) on the second prod push, whose running commit is the first's.
 */
const GITHUB_TOKEN = 'rehearsal-token-unused';
/** How long a revision deployed to the emulator's Cloud Run reconciles before it is ready. */
export const REVISION_READY_AFTER_MS = 300;

/** The rehearsal's stages: the reusable pipeline's jobs, each with the action it runs. */
export const STAGES = [
  { job: 'config', action: 'pipeline.yml config (bash)', needs: [] },
  { job: 'test', action: 'actions/test', needs: ['config'] },
  { job: 'build', action: 'actions/build-push', needs: ['config'] },
  { job: 'platform', action: 'actions/deploy (infra/platform)', needs: ['config'] },
  { job: 'migrate', action: 'actions/migrate', needs: ['config', 'test', 'build', 'platform'] },
  { job: 'deploy', action: 'actions/deploy (infra/service)', needs: ['config', 'build', 'migrate'] },
  { job: 'health', action: 'actions/health-check', needs: ['config', 'deploy'] },
  { job: 'promote', action: 'actions/promote', needs: ['config', 'deploy', 'health'] },
] as const;
export type Job = (typeof STAGES)[number]['job'];

/**
 * Where the rehearsal's caller differs from the reference service's own: input values of
 * deploy-<environment>.yml, each for a reason of this machine. The pipeline itself runs as shipped.
 */
export const CALLER_CHANGES = {
  builder:
    'buildah instead of docker (buildx): no Docker engine here; the build job then skips docker/setup-buildx-action and caches layers in <image>-cache',
  image: 'a local docker-registry on 127.0.0.1 instead of Artifact Registry',
  dockerfile:
    "the Dockerfile's `source` stage only (written beside it as Dockerfile.rehearsal): its runtime stage RUNs pip, which needs a container runtime and the network",
  'build-args': 'BASE_IMAGE=scratch: the pinned base image cannot be pulled here',
} as const;

/**
 * The prod rehearsal's further caller input values (`--env prod`): the same caller, with waits
 * short enough for a rehearsal and no custom domain this machine could reach.
 */
export const PROD_CALLER_CHANGES = {
  'rollout-steps': '50,100 instead of the shipped 100: one step that splits the traffic, then all of it',
  'rollout-step-wait': '2s instead of the shipped 60s: each step watched for 2 s',
  'custom-domain':
    'empty instead of api.example.com: no DNS here, and its check would wait out its 30 s budget before it warns',
} as const;
/** What `--unhealthy-candidate` changes besides: the check gives up on the candidate soon. */
export const UNHEALTHY_CALLER_CHANGES = {
  'health-timeout':
    '15s instead of the shipped 5m: the candidate never turns healthy, so the check waits out its timeout',
} as const;
/** The caller input values the rehearsal sets, by name. */
export function callerChangeValues(
  mode: Pick<RehearsalMode, 'environment' | 'unhealthyCandidate'>,
  image: string,
): Record<string, string> {
  return {
    builder: 'buildah',
    image,
    dockerfile: `${EXAMPLE}/Dockerfile.rehearsal`,
    'build-args': 'BASE_IMAGE=scratch',
    ...(mode.environment === 'prod'
      ? { 'rollout-steps': '50,100', 'rollout-step-wait': '2s', 'custom-domain': '' }
      : {}),
    ...(mode.unhealthyCandidate ? { 'health-timeout': '15s' } : {}),
  };
}
/** Why each caller input the rehearsal sets differs from the reference caller's. */
export function callerChangeReasons(
  mode: Pick<RehearsalMode, 'environment' | 'unhealthyCandidate'>,
): Record<string, string> {
  return {
    ...CALLER_CHANGES,
    ...(mode.environment === 'prod' ? PROD_CALLER_CHANGES : {}),
    ...(mode.unhealthyCandidate ? UNHEALTHY_CALLER_CHANGES : {}),
  };
}

/** What the rehearsal runs (from its command line). */
export interface RehearsalMode {
  environment: 'dev' | 'prod';
  /** `--bypass-in-prod`: prod with ALLOW_DEV_AUTH_BYPASS=true, stopped before any change. */
  bypassInProd: boolean;
  /** `--unhealthy-candidate` (with `--env prod`): the second revision's /health answers 503. */
  unhealthyCandidate: boolean;
}

/** The tag health-check gives the candidate with `rollout: verified` (pipeline.yml jobs.health). */
export const CANDIDATE_TAG = 'candidate';

/** Inputs a stage gets that pipeline.yml does not give: stand-ins for parts of Google Cloud. */
export const STAGE_ADDITIONS: Partial<Record<Job, Record<string, { value: string; why: string }>>> = {
  migrate: {
    'proxy-path': {
      value: join(STANDINS_BIN, 'cloud-sql-proxy'),
      why: 'the Cloud SQL Auth Proxy stand-in (a TCP forward to the local PostgreSQL), not the pinned download',
    },
  },
};

/** The reference service repository's variables, as this run sets them (its caller reads them). */
export function repositoryVars(environment: 'dev' | 'prod', bypass: string): Record<string, string> {
  const suffix = environment.toUpperCase();
  return {
    GCP_REGION: 'europe-west1',
    [`GCP_PROJECT_${suffix}`]: `acme-${environment}`,
    [`WIF_PROVIDER_${suffix}`]:
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
    [`DEPLOYER_SERVICE_ACCOUNT_${suffix}`]: `deployer@acme-${environment}.iam.gserviceaccount.com`,
    [`TF_STATE_BUCKET_${suffix}`]: `acme-${environment}-tfstate`,
    [`CLERK_JWKS_URL_${suffix}`]: 'https://clerk.example.com/.well-known/jwks.json',
    [`CLOUD_SQL_INSTANCE_${suffix}`]: `acme-${environment}:europe-west1:main-db`,
    ALLOW_DEV_AUTH_BYPASS: bypass,
  };
}

/** This repository as package.json names it (`job.workflow_repository` of the pipeline's jobs). */
function actionsRepository(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    repository?: { url?: string };
  };
  return /github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?$/.exec(manifest.repository?.url ?? '')?.[1] ?? '';
}

/** The call chain, evaluated: the reference caller → deploy-<environment>.yml → pipeline.yml. */
export interface ResolvedPipeline {
  environment: 'dev' | 'prod';
  /** The reference service's caller workflow, relative to the repository. */
  callerFile: string;
  /** What the reference caller passes, evaluated with the repository variables. */
  referenceInputs: Record<string, ExpressionValue>;
  /** What the rehearsal passes: the reference's values with CALLER_CHANGES applied. */
  callerInputs: Record<string, ExpressionValue>;
  /** deploy-dev.yml or deploy-prod.yml. */
  calleeFile: string;
  /** pipeline.yml's `inputs` context. */
  inputs: Record<string, ExpressionValue>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  github: Record<string, ExpressionValue>;
  workflow: Workflow;
}

/** The one job of a workflow that calls another workflow, with the file it calls. */
function callingJob(workflow: Workflow, where: string) {
  const calls = Object.values(workflow.jobs).filter((job) => job.uses !== undefined);
  const call = calls[0];
  const file = /(?:^|\/)\.github\/workflows\/([\w.-]+\.ya?ml)(?:@|$)/.exec(call?.uses ?? '')?.[1];
  if (calls.length !== 1 || call === undefined || file === undefined) {
    throw new Error(`${where}: expected one job that calls a workflow of .github/workflows`);
  }
  return { call, file };
}

export function resolvePipeline(
  environment: 'dev' | 'prod',
  vars: Record<string, string>,
  changes: Record<string, ExpressionValue>,
  sha: string,
): ResolvedPipeline {
  const callerFile = `${EXAMPLE}/.github/workflows/deploy-${environment}.yml`;
  const caller = loadWorkflow(join(repoRoot, callerFile));
  const { call: callerJob, file: calleeFile } = callingJob(caller, callerFile);
  const push = caller.on['push'] as { branches?: string[] } | undefined;
  const branch = push?.branches?.[0];
  if (branch === undefined) throw new Error(`${callerFile}: expected an on.push.branches trigger`);
  const github: Record<string, ExpressionValue> = {
    sha,
    ref: `refs/heads/${branch}`,
    ref_name: branch,
    event_name: 'push',
    repository: 'example-org/fastapi-service',
    token: GITHUB_TOKEN,
  };
  const callerContext: ExpressionContext = { vars, github, secrets: {} };
  const referenceInputs = Object.fromEntries(
    Object.entries(callerJob.with ?? {}).map(([name, value]) => [
      name,
      evaluateTemplate(value, callerContext),
    ]),
  );
  const callee = loadWorkflow(calleeFile);
  for (const name of Object.keys(changes)) {
    if (!(name in (callee.on.workflow_call?.inputs ?? {}))) {
      throw new Error(`the rehearsal changes input "${name}", which ${calleeFile} does not declare`);
    }
  }
  const callerInputs = { ...referenceInputs, ...changes };
  const calleeContext: ExpressionContext = {
    inputs: callInputs(callee, calleeFile, callerInputs),
    vars,
    github,
    secrets: {},
  };
  const { call: pipelineCall, file: pipelineFile } = callingJob(callee, calleeFile);
  const workflow = loadWorkflow(pipelineFile);
  const given = Object.fromEntries(
    Object.entries(pipelineCall.with ?? {}).map(([name, value]) => [
      name,
      evaluateTemplate(value, calleeContext),
    ]),
  );
  const secrets =
    pipelineCall.secrets === 'inherit'
      ? {}
      : Object.fromEntries(
          Object.entries(pipelineCall.secrets ?? {}).map(([name, value]) => [
            name,
            expressionText(evaluateTemplate(value, calleeContext)),
          ]),
        );
  return {
    environment,
    callerFile,
    referenceInputs,
    callerInputs,
    calleeFile,
    inputs: callInputs(workflow, pipelineFile, given),
    secrets,
    vars,
    github,
    workflow,
  };
}

/** What one job of the pipeline was given and set, as the rehearsal ran it. */
export interface JobRecord {
  /** The stage action's inputs (none for config). */
  inputs?: Record<string, string>;
  /** Outputs of the job's steps, by step id. */
  steps: Record<string, { outputs: Record<string, string> }>;
  /** The job's outputs, from its `outputs:` (only after success). */
  outputs: Record<string, string>;
}

/** The one stage step of a pipeline job (`uses: ./…/actions/<stage>`). */
export function stageStepOf(workflow: Workflow, job: string): { stage: string; step: Step; index: number } {
  const found = stageSteps(workflow.jobs[job] ?? {});
  const only = found[0];
  if (found.length !== 1 || only === undefined) {
    throw new Error(
      `pipeline.yml job "${job}" runs ${found.length} stage actions; the rehearsal expects one`,
    );
  }
  return { ...only, index: (workflow.jobs[job]?.steps ?? []).indexOf(only.step) };
}

/**
 * The expression context of a step of a pipeline job: the pipeline's inputs, variables, secrets
 * and github context, the outputs of the jobs it needs (each must have run), the steps before.
 */
export function jobContext(
  pipeline: ResolvedPipeline,
  jobs: Partial<Record<string, JobRecord>>,
  job: string,
  steps: Record<string, { outputs: Record<string, string> }>,
): ExpressionContext {
  const definition = pipeline.workflow.jobs[job];
  if (definition === undefined) throw new Error(`pipeline.yml has no job "${job}"`);
  const needs = Object.fromEntries(
    needsOf(definition).map((need) => {
      const record = jobs[need];
      if (record === undefined) throw new Error(`job "${job}" needs "${need}", which has not run`);
      return [need, { outputs: record.outputs, result: 'success' }];
    }),
  );
  const base: ExpressionContext = {
    inputs: pipeline.inputs,
    vars: pipeline.vars,
    secrets: pipeline.secrets,
    github: pipeline.github,
    needs,
    steps,
  };
  const workflowEnv = (pipeline.workflow as { env?: Record<string, unknown> }).env;
  const jobEnv = (definition as { env?: Record<string, unknown> }).env;
  return { ...base, env: evaluateEnv([workflowEnv, jobEnv], base) };
}

/** A job's `outputs:`, evaluated from its steps' outputs. */
export function jobOutputs(
  pipeline: ResolvedPipeline,
  jobs: Partial<Record<string, JobRecord>>,
  job: string,
  steps: Record<string, { outputs: Record<string, string> }>,
): Record<string, string> {
  return evaluateWith(pipeline.workflow.jobs[job]?.outputs, jobContext(pipeline, jobs, job, steps));
}

/**
 * The stage action's inputs as pipeline.yml gives them: its `with:`, evaluated. Nothing else:
 * the stand-ins' additions are put on top by the caller of this, and named.
 */
export function pipelineStageInputs(
  pipeline: ResolvedPipeline,
  jobs: Partial<Record<string, JobRecord>>,
  job: string,
  steps: Record<string, { outputs: Record<string, string> }>,
): Record<string, string> {
  const { step } = stageStepOf(pipeline.workflow, job);
  return evaluateWith(step.with, jobContext(pipeline, jobs, job, steps));
}

type Outcome = 'success' | 'failure' | 'skipped';
interface StageResult {
  job: Job;
  outcome: Outcome;
  ms: number;
  note: string;
  /** Skipped by the job's own `if:` (as intended), not because a job it needs did not succeed. */
  byCondition?: boolean;
}
/** A run of the pipeline that did what it should: each job succeeded or its own `if:` skipped it. */
const succeeded = (results: readonly StageResult[]): boolean =>
  results.every((r) => r.outcome === 'success' || (r.outcome === 'skipped' && r.byCondition === true));

/** Everything the rehearsal starts, stopped in reverse order. */
const cleanups: (() => unknown)[] = [];
async function cleanup(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function printStage(title: string, result: RunResult | undefined, extra = ''): void {
  console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`)}`);
  if (extra) console.log(extra);
  if (result === undefined) return;
  if (result.summary.trim()) console.log(result.summary.trim());
  if (result.code !== 0) {
    const tail = result.log.trim().split('\n').slice(-25).join('\n');
    console.log(`\nexit code ${String(result.code)}; the last lines of its log:\n${tail}`);
  }
}

interface Context {
  environment: 'dev' | 'prod';
  sha: string;
  registry: TestRegistry;
  containers: ContainersEnv;
  postgres: TestPostgres;
  /** Secret Manager, as the rehearsal plays it: secret id → value. */
  secretValues: Map<string, string>;
  work: string;
  /** The runner's workspace: service/ (the checkout) and .cloud-run-actions/actions. */
  workspace: string;
  /** What actions/setup-python and the pip install steps give the test and migrate jobs. */
  pythonBin: string;
  pipeline: ResolvedPipeline;
  jobs: Partial<Record<Job, JobRecord>>;
  /** Google Cloud: the local emulator, which every stage reaches over REST. */
  emulator: GoogleEmulator;
  /** When each job ran (ms since the epoch): whose requests the emulator saw. */
  windows: Partial<Record<Job, { start: number; end: number }>>;
  /** The folders of each job's PATH that hold a gcloud, looked at when it started: none. */
  gcloudOnPath: Partial<Record<Job, string[]>>;
  mode: RehearsalMode;
  /** Why each caller input the rehearsal sets differs (callerChangeReasons). */
  callerReasons: Record<string, string>;
  /** Cloud Run's front end: the service URL and the tag URLs, in front of each revision's process. */
  router: RevisionRouter;
  /** The GitHub API stand-in (compare), for deploy's stale-commit guard. */
  githubApi: GitHubApi;
  /** The pushes rehearsed so far (prod: two), each with its jobs and results. */
  pushes: PushRecord[];
}

/** One push the rehearsal ran the pipeline for. */
interface PushRecord {
  sha: string;
  jobs: Partial<Record<Job, JobRecord>>;
  results: StageResult[];
  windows: Partial<Record<Job, { start: number; end: number }>>;
}

/** Every secret of this run: the harness fails a stage whose log, outputs, summary or state shows one. */
const secretsOf = (ctx: Context): string[] => [
  ...ctx.secretValues.values(),
  ctx.postgres.password,
  GITHUB_TOKEN,
];

const standinEnv = { NODE_EXTRA_CA_CERTS: undefined };

/** The folders of a PATH in which a `gcloud` would be found. */
function gcloudFolders(path: string): string[] {
  return path.split(delimiter).filter((folder) => folder !== '' && existsSync(join(folder, 'gcloud')));
}

/**
 * A PATH without gcloud (testkit/google.ts pathWithoutGcloud: `prepend`, then this process's
 * PATH, each folder that holds gcloud replaced by one of links to the rest).
 */
function pathFor(ctx: Context, job: Job, prepend: readonly string[]): string {
  return inspectedPath(ctx, job, pathWithoutGcloud(prepend));
}
/** Records where a job's PATH finds gcloud (nowhere); the folders of links go when the rehearsal ends. */
function inspectedPath(ctx: Context, job: Job, path: string): string {
  for (const folder of path.split(delimiter)) {
    if (basename(folder).startsWith('path-without-gcloud-') && !shadowFolders.has(folder)) {
      shadowFolders.add(folder);
      cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    }
  }
  ctx.gcloudOnPath[job] = gcloudFolders(path);
  return path;
}
const shadowFolders = new Set<string>();

/**
 * A stage's Google Cloud, as google-github-actions/auth leaves it for the job: the emulator's
 * endpoints, a Workload Identity credentials file whose token exchange runs against it, the
 * project variables; and a PATH (stand-in folders first) on which no gcloud is found.
 */
function googleEnv(ctx: Context, job: Job, prepend: readonly string[]): Record<string, string> {
  const env = emulatorRunEnv(ctx.emulator, {}, prepend);
  inspectedPath(ctx, job, env['PATH'] ?? '');
  return env;
}

/**
 * The workspace as the pipeline's checkouts lay it out: the service repository at service/
 * (a copy of the files the reference service needs, so nothing is written into this
 * repository), and this repository's actions at .cloud-run-actions/actions.
 */
function prepareWorkspace(work: string): string {
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'service', EXAMPLE);
  cpSync(join(repoRoot, EXAMPLE), service, {
    recursive: true,
    filter: (source) => !/(^|\/)(__pycache__|\.pytest_cache|\.terraform|reports)$/.test(source),
  });
  mkdirSync(join(workspace, '.cloud-run-actions'), { recursive: true });
  symlinkSync(join(repoRoot, 'actions'), join(workspace, '.cloud-run-actions', 'actions'));
  // CALLER_CHANGES.dockerfile: the Dockerfile up to its runtime stage.
  const dockerfile = readFileSync(join(service, 'Dockerfile'), 'utf8').split('\n');
  const runtime = dockerfile.findIndex((line) => /^FROM\s.*\sAS\s+runtime\s*$/i.test(line));
  if (runtime < 0) throw new Error(`${EXAMPLE}/Dockerfile has no "FROM … AS runtime" stage to stop before`);
  writeFileSync(
    join(service, 'Dockerfile.rehearsal'),
    [
      `# Written by scripts/rehearse.ts: ${EXAMPLE}/Dockerfile up to its runtime stage, whose RUN`,
      '# needs a container runtime and the network (neither is here).',
      ...dockerfile.slice(0, runtime),
    ].join('\n'),
  );
  return workspace;
}

/** `python` (Debian's, which has the service's packages) and `alembic`, as setup-python and pip give them. */
function preparePython(work: string): string {
  const bin = join(work, 'python-bin');
  mkdirSync(bin, { recursive: true });
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  script('python', `exec ${PYTHON} "$@"`);
  script('alembic', `exec ${PYTHON} -m alembic "$@"`);
  return bin;
}

/** How the rehearsal stands in for a step the runner would run before a stage (secrets aside). */
function playedAs(step: Step): string {
  const uses = step.uses?.replace(/@.*/, '') ?? '';
  const standin = 'its tool is a stand-in on PATH (test/standins/bin)';
  const played: Record<string, string> = {
    'actions/checkout': 'the workspace holds it',
    'google-github-actions/auth':
      "the Google emulator's Workload Identity credentials file and project variables (GOOGLE_APPLICATION_CREDENTIALS)",
    'google-github-actions/setup-gcloud': 'not played: no gcloud on this run’s PATH',
    'hashicorp/setup-terraform': standin,
    'opentofu/setup-opentofu': standin,
    'actions/cache': 'nothing is cached between rehearsals',
    'actions/setup-python': "Debian's python3 and its packages stand in",
    'docker/login-action': 'the local registry needs no login',
  };
  const known = played[uses];
  if (known !== undefined) return known;
  if (step.run?.includes('pip install')) return "Debian's python3 and its packages stand in";
  return step.run !== undefined ? 'not needed here' : 'not played';
}

/** The steps of a job before its stage step, as the rehearsal plays them (one line each). */
function playSteps(
  ctx: Context,
  job: Job,
  jobs: Partial<Record<string, JobRecord>> = ctx.jobs,
): { steps: JobRecord['steps']; lines: string[] } {
  const { index } = stageStepOf(ctx.pipeline.workflow, job);
  const before = (ctx.pipeline.workflow.jobs[job]?.steps ?? []).slice(0, index);
  const steps: JobRecord['steps'] = {};
  const lines: string[] = [];
  for (const step of before) {
    const name = step.uses?.replace(/@.*/, '') ?? step.name ?? 'run';
    if (!evaluateCondition(step.if, jobContext(ctx.pipeline, jobs, job, steps))) {
      lines.push(`  ${name}: skipped, \`if: ${String(step.if)}\` is false`);
      continue;
    }
    let how = playedAs(step);
    let outputs: Record<string, string> = {};
    if (step.uses?.startsWith('google-github-actions/get-secretmanager-secrets@')) {
      const secrets = evaluateWith(step.with, jobContext(ctx.pipeline, jobs, job, steps))['secrets'] ?? '';
      outputs = Object.fromEntries(
        secrets
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const match = /^\s*([\w-]+):([^/]+)\/([^/\s]+)(?:\/\S+)?\s*$/.exec(line);
            const value = match ? ctx.secretValues.get(match[3] ?? '') : undefined;
            if (
              !match ||
              match[2] !== expressionText(ctx.pipeline.inputs['project'] ?? null) ||
              value === undefined
            ) {
              throw new Error(`${job}: the rehearsal's Secret Manager holds no ${line.trim()}`);
            }
            return [match[1] ?? '', value];
          }),
      );
      how = `read from the rehearsal's Secret Manager: ${Object.keys(outputs).join(', ')}`;
    }
    if (step.id !== undefined) steps[step.id] = { outputs };
    lines.push(`  ${name}: ${how}`);
  }
  return { steps, lines };
}

/** A value for the log and the record: every secret of the run replaced by ***. */
function masked(ctx: Context, value: string): string {
  let text = value;
  for (const secret of secretsOf(ctx)) if (secret !== '') text = text.split(secret).join('***');
  return text;
}

function inputLines(ctx: Context, job: Job, inputs: Record<string, string>): string[] {
  const additions = STAGE_ADDITIONS[job] ?? {};
  const set = Object.entries(inputs).filter(([, value]) => value !== '');
  const empty = Object.entries(inputs)
    .filter(([, value]) => value === '')
    .map(([name]) => name);
  return [
    `inputs (pipeline.yml jobs.${job}, \`with:\` evaluated):`,
    ...set.map(([name, value]) => {
      const shown = masked(ctx, value).replace(/\n+$/, '').replace(/\n/g, ' ⏎ ');
      return `  ${name}: ${shown}${name in additions ? '   ← not from pipeline.yml: ' + (additions[name]?.why ?? '') : ''}`;
    }),
    ...(empty.length > 0 ? [`  (empty: ${empty.join(', ')})`] : []),
  ];
}

interface StageRun {
  result: RunResult;
  inputs: Record<string, string>;
}

/**
 * One pipeline job's stage: its steps before the stage played, the stage action started with the
 * inputs pipeline.yml's `with:` evaluates to (plus STAGE_ADDITIONS), its outputs recorded.
 */
async function runStage(
  ctx: Context,
  job: Job,
  title: string,
  prepare: (inputs: Record<string, string>) => {
    env?: Record<string, string | undefined>;
    pathPrepend?: string[];
  } = () => ({}),
): Promise<StageRun> {
  const { stage, step } = stageStepOf(ctx.pipeline.workflow, job);
  const played = playSteps(ctx, job);
  const additions = Object.fromEntries(
    Object.entries(STAGE_ADDITIONS[job] ?? {}).map(([name, addition]) => [name, addition.value]),
  );
  const inputs = { ...pipelineStageInputs(ctx.pipeline, ctx.jobs, job, played.steps), ...additions };
  const prepared = prepare(inputs);
  const minutes = ctx.pipeline.workflow.jobs[job]?.['timeout-minutes'] ?? 30;
  const start = Date.now();
  const result = await runAction({
    stage,
    actionDir: join(ctx.workspace, step.uses ?? ''),
    cwd: ctx.workspace,
    inputs,
    // The PATH is googleEnv's (the stand-ins first, no gcloud): runAction's pathPrepend is unused.
    env: {
      ...googleEnv(ctx, job, prepared.pathPrepend ?? []),
      ...standinEnv,
      GITHUB_SHA: ctx.sha,
      GITHUB_REF: expressionText(ctx.pipeline.github['ref'] ?? null),
      GITHUB_REF_NAME: expressionText(ctx.pipeline.github['ref_name'] ?? null),
      GITHUB_JOB: job,
      ...prepared.env,
    },
    secrets: secretsOf(ctx),
    timeoutMs: minutes * 60_000,
  });
  ctx.windows[job] = { start, end: Date.now() };
  cleanups.push(result.cleanup);
  const steps = {
    ...played.steps,
    ...(step.id !== undefined ? { [step.id]: { outputs: result.outputs } } : {}),
  };
  ctx.jobs[job] = {
    inputs,
    steps,
    outputs: result.code === 0 ? jobOutputs(ctx.pipeline, ctx.jobs, job, steps) : {},
  };
  printStage(
    title,
    result,
    [`steps before ${step.uses ?? stage}:`, ...played.lines, ...inputLines(ctx, job, inputs)].join('\n'),
  );
  return { result, inputs };
}

/** The config job's steps from pipeline.yml, run with bash under the runner's variables. */
function runConfig(ctx: Context): { ok: boolean; text: string } {
  const start = Date.now();
  try {
    return runConfigSteps(ctx);
  } finally {
    ctx.windows.config = { start, end: Date.now() };
  }
}

function runConfigSteps(ctx: Context): { ok: boolean; text: string } {
  const workflow = ctx.pipeline.workflow;
  const job = workflow.jobs['config'];
  const steps: JobRecord['steps'] = {};
  const lines: string[] = [];
  const context = (): ExpressionContext => ({
    ...jobContext(ctx.pipeline, ctx.jobs, 'config', steps),
    job: { status: 'success', workflow_repository: actionsRepository(), workflow_sha: ctx.sha },
  });
  for (const step of job?.steps ?? []) {
    if (!evaluateCondition(step.if, context())) continue;
    const env = evaluateEnv([step.env], context());
    const run = runBashStep(
      step,
      {
        PATH: pathFor(ctx, 'config', []),
        ...env,
        GITHUB_REF: expressionText(ctx.pipeline.github['ref'] ?? null),
        GITHUB_SHA: ctx.sha,
      },
      ctx.work,
    );
    lines.push(
      `$ ${step.name ?? step.id ?? 'step'}`,
      ...(run.stdout + run.stderr).trim().split('\n').filter(Boolean),
    );
    if (step.id !== undefined) steps[step.id] = { outputs: run.outputs };
    if (run.code !== 0) {
      ctx.jobs.config = { steps, outputs: {} };
      return { ok: false, text: lines.join('\n') };
    }
  }
  ctx.jobs.config = { steps, outputs: jobOutputs(ctx.pipeline, ctx.jobs, 'config', steps) };
  return { ok: true, text: lines.join('\n') };
}

/**
 * The terraform stand-in for one run of actions/deploy: what the plan holds; its apply writes a
 * Cloud Run service of the plan into the emulator (TERRAFORM_STANDIN_CLOUD_RUN_API), whose answer
 * the outputs `url` and `revision` then are.
 */
function deployStandins(ctx: Context, document: JsonObject) {
  const terraform = writeTerraformScenario({
    plan: { document, bypass: referenceBypass(ctx.environment) },
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  return {
    env: { ...terraform.env, TERRAFORM_STANDIN_CLOUD_RUN_API: ctx.emulator.url },
    log: terraform.log,
  };
}

/**
 * The reference stack names its service (address google_cloud_run_v2_service.api) from
 * var.service_name, whose default in variables.tf is the pipeline's service: the plan takes it
 * from there, as Terraform does.
 */
function serviceNamedByVariable(document: JsonObject): JsonObject {
  const copy = structuredClone(document);
  const named = (values: unknown) => {
    if (values !== null && typeof values === 'object') (values as JsonObject)['name'] = '${var.service_name}';
  };
  type Resource = { type?: string; change?: { after?: unknown }; values?: unknown };
  for (const rc of (copy['resource_changes'] ?? []) as Resource[]) {
    if (rc.type === 'google_cloud_run_v2_service') named(rc.change?.after);
  }
  const planned = copy['planned_values'] as { root_module?: { resources?: Resource[] } } | undefined;
  for (const resource of planned?.root_module?.resources ?? []) {
    if (resource.type === 'google_cloud_run_v2_service') named(resource.values);
  }
  return copy;
}

/** Terraform variables from deploy's `vars` input (`name=value` lines). */
function terraformVars(lines: string): Record<string, string> {
  return Object.fromEntries(
    lines
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

/** The service's environment as the plan sets it, with the secrets resolved from "Secret Manager". */
function plannedEnv(ctx: Context, document: JsonObject, bypass: boolean): Record<string, string> {
  const changes = (document['resource_changes'] ?? []) as { type: string; change: { after: JsonObject } }[];
  const service = changes.find((change) => change.type === 'google_cloud_run_v2_service');
  const template = (service?.change.after['template'] as JsonObject[] | undefined)?.[0];
  const container = (template?.['containers'] as JsonObject[] | undefined)?.[0];
  const entries = (container?.['env'] ?? []) as {
    name: string;
    value: string | null;
    value_source: { secret_key_ref: { secret: string }[] }[];
  }[];
  const env: Record<string, string> = {};
  const resolveSecret = (id: string): string => {
    const value = ctx.secretValues.get(id);
    if (value === undefined) {
      throw new Error(`the plan reads secret ${id}, which the rehearsal's Secret Manager does not hold`);
    }
    return value;
  };
  for (const entry of entries) {
    const ref = entry.value_source[0]?.secret_key_ref[0]?.secret;
    env[entry.name] = ref === undefined ? (entry.value ?? '') : resolveSecret(ref);
  }
  // What the stand-in's bypass rule adds to the plan when the flag is true (as the stack's dynamic blocks do).
  if (bypass) {
    for (const entry of referenceBypass(ctx.environment).env) {
      env[entry.name] = 'value' in entry ? entry.value : resolveSecret(entry.secret);
    }
  }
  return env;
}

/**
 * Cloud Run, as the rehearsal plays it: one instance of the revision, uvicorn serving the service
 * from its source with the env the plan injects, on a port of its own behind the router. With
 * `unhealthy`, the same app behind an ASGI wrapper whose /health answers 503 (the service's own
 * code unchanged): a container that starts and serves, but is not healthy.
 */
async function startRevision(
  ctx: Context,
  revision: string,
  env: Record<string, string>,
  unhealthy: boolean,
): Promise<ChildProcess> {
  const port = await freePort();
  const app = unhealthy ? ['--app-dir', unhealthyWrapper(ctx), 'rehearsal_unhealthy:app'] : ['src.main:app'];
  const child = spawn(PYTHON, ['-m', 'uvicorn', ...app, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: join(ctx.workspace, 'service', EXAMPLE),
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: tmpdir(),
      PYTHONDONTWRITEBYTECODE: '1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // uvicorn and anything it started: SIGTERM to the group, SIGKILL after 3 s.
  cleanups.push(() => stopProcessGroup(child, 3_000));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.log(`uvicorn exited with ${code}:\n${log.trim().split('\n').slice(-15).join('\n')}`);
    }
  });
  ctx.router.serve(revision, port);
  console.log(
    `\nStarted: revision ${revision}'s instance on 127.0.0.1:${port}${unhealthy ? ' (--unhealthy-candidate: its /health answers 503)' : ''}`,
  );
  return child;
}

/** The wrapper module of `--unhealthy-candidate`, written into the rehearsal's own folder. */
function unhealthyWrapper(ctx: Context): string {
  const dir = join(ctx.work, 'unhealthy-candidate');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'rehearsal_unhealthy.py'),
    [
      '"""Written by scripts/rehearse.ts (--unhealthy-candidate): the reference service\'s app as it',
      'is, behind a wrapper whose /health answers 503, so the candidate starts but never turns healthy."""',
      '',
      'import json',
      '',
      'from src.main import app as service',
      '',
      '',
      'async def app(scope, receive, send):',
      '    if scope["type"] == "http" and scope["path"] == "/health":',
      '        body = json.dumps({"status": "unhealthy", "why": "rehearsal --unhealthy-candidate"}).encode()',
      '        headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]',
      '        await send({"type": "http.response.start", "status": 503, "headers": headers})',
      '        await send({"type": "http.response.body", "body": body})',
      '        return',
      '    await service(scope, receive, send)',
      '',
    ].join('\n'),
  );
  return dir;
}

function headSha(): string {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  const sha = result.stdout.trim();
  return /^[0-9a-f]{40}$/.test(sha) ? sha : '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
}

/** The commit of the second prod push: a child of the first, made up (nothing is committed). */
function nextSha(sha: string): string {
  return createHash('sha1').update(`${sha}\nthe rehearsal's second push`).digest('hex');
}

/** The lines that name where this run differs from the shipped pipeline, for the top and the end. */
function differenceLines(pipeline: ResolvedPipeline | undefined, reasons: Record<string, string>): string[] {
  const value = (name: string): string =>
    pipeline === undefined
      ? ''
      : `${name}=${expressionText(pipeline.callerInputs[name] ?? null)
          .trim()
          .replace(/\n/g, ' ⏎ ')}`;
  return [
    'Differs from the shipped pipeline only in input values:',
    ...Object.entries(reasons).map(([name, why]) => `  - ${value(name) || name} (caller input): ${why}`),
    ...Object.entries(STAGE_ADDITIONS).flatMap(([job, additions]) =>
      Object.entries(additions).map(
        ([name, addition]) => `  - ${job}: ${name} (stage input pipeline.yml does not set): ${addition.why}`,
      ),
    ),
  ];
}

function table(results: StageResult[]): string {
  const rows = results.map((r) => {
    const stage = STAGES.find((s) => s.job === r.job);
    const mark = r.outcome === 'success' ? '✅' : r.outcome === 'failure' ? '❌' : '⏭️';
    return `| ${r.job} | ${stage?.action ?? ''} | ${mark} ${r.outcome} | ${r.outcome === 'skipped' ? '' : `${(r.ms / 1000).toFixed(1)} s`} | ${r.note} |`;
  });
  return ['| stage | runs | result | time | note |', '| --- | --- | --- | ---: | --- |', ...rows].join('\n');
}

/** The caller inputs beyond the dev ones, by the job whose stage input they reach. */
const CHANGED_FOR_JOB: Partial<Record<Job, string[]>> = {
  health: ['custom-domain', 'health-timeout'],
  promote: ['rollout-steps', 'rollout-step-wait'],
};

/** A note for the result table: where the stage's inputs differ from the shipped pipeline's. */
function differenceNote(ctx: Context, job: Job): string {
  const notes: string[] = [];
  if (job === 'build') {
    const builder = expressionText(ctx.pipeline.inputs['builder'] ?? null);
    const shipped = ctx.pipeline.workflow.on.workflow_call?.inputs?.['builder']?.default;
    if (builder !== shipped) notes.push(`differs: builder=${builder} (shipped default ${String(shipped)})`);
  }
  for (const name of CHANGED_FOR_JOB[job] ?? []) {
    if (name in ctx.callerReasons) {
      notes.push(
        `differs: ${name}=${expressionText(ctx.pipeline.callerInputs[name] ?? null)} (caller input)`,
      );
    }
  }
  for (const name of Object.keys(STAGE_ADDITIONS[job] ?? {})) notes.push(`differs: ${name} stand-in`);
  return notes.join('; ');
}

/** The image repository the rehearsal's build pushes to (CALLER_CHANGES.image). */
const imageOf = (registry: TestRegistry) => `${registry.host}/services/fastapi-service`;

async function rehearse(mode: RehearsalMode): Promise<boolean> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const { environment, bypassInProd, unhealthyCandidate } = mode;
  const reasons = callerChangeReasons(mode);
  console.log(
    bold(
      bypassInProd
        ? 'Rehearsal: deploy-prod with ALLOW_DEV_AUTH_BYPASS=true'
        : environment === 'prod'
          ? `Rehearsal: deploy-prod on examples/fastapi-service, pushed twice (rollout verified)${unhealthyCandidate ? ', the second revision unhealthy' : ''}`
          : 'Rehearsal: deploy-dev on examples/fastapi-service',
    ),
  );
  console.log(
    [
      `The shipped pipeline: ${EXAMPLE}/.github/workflows/deploy-${environment}.yml → deploy-${environment}.yml →`,
      'pipeline.yml, every stage with the inputs its `with:` evaluates to.',
      ...differenceLines(undefined, reasons),
      'Real: pytest, pyflakes, buildah, docker-registry (127.0.0.1), PostgreSQL 15, Alembic, uvicorn.',
      'Google Cloud: the local Google emulator (testkit/google-emulator.mjs), reached over REST:',
      'Workload Identity token exchange, Secret Manager, Cloud Run Admin API v2. No gcloud on any PATH.',
      "Stand-ins: terraform (test/standins/bin; apply writes the service into the emulator's Cloud Run),",
      'the Cloud SQL Auth Proxy (TCP forward to the local PostgreSQL), the containers Cloud Run runs',
      "(one uvicorn process a revision, serving the source with the plan's env, behind a router at the",
      "emulator's service and tag URLs that follows the emulator's traffic), the GitHub API's commit",
      "comparison (testkit/github-api.ts), the secrets' values (generated for this run).",
    ].join('\n'),
  );

  const [registry, postgres] = await Promise.all([startRegistry(), startPostgres()]);
  cleanups.push(
    () => registry.stop(),
    () => postgres.stop(),
  );
  const containers = containersEnv();
  cleanups.push(() => containers.cleanup());

  const firstSha = headSha();
  const shas = environment === 'prod' && !bypassInProd ? [firstSha, nextSha(firstSha)] : [firstSha];
  const vars = repositoryVars(
    environment,
    bypassInProd
      ? 'true'
      : environment === 'prod'
        ? 'false'
        : (process.env['ALLOW_DEV_AUTH_BYPASS'] ?? 'true'),
  );
  const changes = callerChangeValues(mode, imageOf(registry));
  const resolve = (sha: string) => resolvePipeline(environment, vars, changes, sha);
  const pipeline = resolve(firstSha);
  const project = expressionText(pipeline.inputs['project'] ?? null);
  const region = expressionText(pipeline.inputs['region'] ?? null);
  const service = expressionText(pipeline.inputs['service'] ?? null);
  // Cloud Run's front end: bound to the emulator's traffic once the emulator runs.
  const bound: { emulator?: GoogleEmulator } = {};
  const router = await startRevisionRouter(service, [CANDIDATE_TAG], () => {
    const statuses = bound.emulator?.service(project, region, service)?.['trafficStatuses'];
    return Array.isArray(statuses)
      ? (statuses as { revision?: string; percent?: number; tag?: string }[])
      : [];
  });
  cleanups.push(() => router.close());
  const githubApi = await startGitHubApi({
    repository: expressionText(pipeline.github['repository'] ?? null),
    graph: { main: shas },
    token: GITHUB_TOKEN,
  });
  cleanups.push(() => githubApi.close());
  // Google Cloud as the caller's variables describe it: the project, the Workload Identity
  // provider's project number and the deployer account; the service's URLs are the router's,
  // and a new revision reconciles for a moment before it is ready.
  const emulator = await startEmulator(cleanups, {
    project,
    region,
    projectNumber: /^projects\/(\d+)\//.exec(
      expressionText(pipeline.inputs['workload-identity-provider'] ?? null),
    )?.[1],
    serviceAccount: expressionText(pipeline.inputs['service-account'] ?? null),
    readyAfterMs: REVISION_READY_AFTER_MS,
    serviceUrl: router.serviceUrl,
  });
  bound.emulator = emulator;
  console.log(
    `Started: registry ${registry.host}, PostgreSQL 127.0.0.1:${postgres.port}, Google emulator 127.0.0.1:${emulator.port}, ` +
      `GitHub API stand-in ${githubApi.url.replace(/^http:\/\//, '')}; the service URL is 127.0.0.1:${router.ports.service}, ` +
      `the ${CANDIDATE_TAG} tag's URL 127.0.0.1:${router.ports.tags[CANDIDATE_TAG] ?? '?'} (the router)`,
  );
  const instance = vars[`CLOUD_SQL_INSTANCE_${environment.toUpperCase()}`] ?? '';
  const secret = () => randomBytes(18).toString('base64url');
  const secretValues = new Map<string, string>([
    [secretId('DATABASE_URL', environment), postgres.socketUrl(instance, 'postgresql+psycopg2')],
    [secretId('CLERK_SECRET_KEY', environment), `sk_test_${secret()}`],
    [secretId('ADMIN_API_KEY', environment), secret()],
    [secretId('RESEND_API_KEY', environment), `re_${secret()}`],
    [secretId('DEV_BYPASS_SECRET', environment), secret()],
  ]);
  const ctx: Context = {
    environment,
    sha: firstSha,
    registry,
    containers,
    postgres,
    secretValues,
    work,
    workspace: prepareWorkspace(work),
    pythonBin: preparePython(work),
    pipeline,
    jobs: {},
    emulator,
    windows: {},
    gcloudOnPath: {},
    mode,
    callerReasons: reasons,
    router,
    githubApi,
    pushes: [],
  };
  // Secret Manager: the secrets both stacks reference, each with one enabled version.
  putSecrets(
    emulator,
    Object.fromEntries(
      [...secretValues.keys()].map((id) => [id, { project, versions: [{ version: 1, state: 'ENABLED' }] }]),
    ),
  );

  for (const [index, sha] of shas.entries()) {
    ctx.sha = sha;
    ctx.pipeline = index === 0 ? pipeline : resolve(sha);
    ctx.jobs = {};
    ctx.windows = {};
    const push: PushRecord = { sha, jobs: ctx.jobs, results: [], windows: ctx.windows };
    ctx.pushes.push(push);
    if (shas.length > 1) {
      console.log(
        `\n${bold(`━━ push ${index + 1} of ${shas.length}: commit ${sha.slice(0, 7)}${index === 0 ? ' (the first deploy: it creates the service)' : ' (a new commit: a second revision, rolled out verified)'} ${'━'.repeat(20)}`)}`,
      );
    }
    await runPipeline(ctx, push.results, ctx.pushes[index - 1]);
    const last = index === shas.length - 1;
    if (bypassInProd) {
      pushReport(ctx, push, '');
      finish(ctx, started, false);
      // The prod rehearsal passes when both guards stopped it before any change.
      const held = push.results[0]?.outcome === 'failure' && (await showDeployGuard(ctx));
      console.log(
        held
          ? '\nRehearsal passed: the prod run was stopped before any change, by the config job and by actions/deploy.'
          : '\nRehearsal FAILED: a guard did not hold (see above).',
      );
      return held;
    }
    pushReport(
      ctx,
      push,
      shas.length > 1 ? `: push ${index + 1} of ${shas.length}, commit ${sha.slice(0, 7)}` : '',
    );
    if (!last && !succeeded(push.results)) {
      console.log(`\nThe first push did not deploy: no second push.`);
      break;
    }
  }
  if (environment === 'dev') return finish(ctx, started, succeeded(ctx.pushes[0]?.results ?? []));
  console.log(`\n${trafficLines(ctx).join('\n')}`);
  const verdict = unhealthyCandidate ? expectedFailure(ctx) : verifiedRollout(ctx);
  console.log(`\n${verdict.lines.join('\n')}`);
  return finish(
    ctx,
    started,
    verdict.ok,
    verdict.ok && unhealthyCandidate ? 'the pipeline failed as expected' : '',
  );
}

/**
 * One run of the pipeline for ctx.sha (the jobs in ctx.jobs, their results in `results`), read
 * from the job graph as GitHub runs it; `previous` is the push before (prod's second push).
 */
async function runPipeline(
  ctx: Context,
  results: StageResult[],
  previous: PushRecord | undefined,
): Promise<void> {
  const { environment, pipeline, postgres } = ctx;
  const project = expressionText(pipeline.inputs['project'] ?? null);
  const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const t = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - t };
  };
  const record = (job: Job, ok: boolean, ms: number, note = ''): boolean => {
    const notes = [note, differenceNote(ctx, job)].filter(Boolean).join('; ');
    results.push({ job, outcome: ok ? 'success' : 'failure', ms, note: notes });
    return ok;
  };
  // Read from the job graph (STAGES, held to pipeline.yml's `needs` by a test), as GitHub does:
  // a job whose needs failed or were skipped is skipped. STAGES is in topological order.
  const skipDependents = () => {
    for (const stage of STAGES) {
      if (results.some((result) => result.job === stage.job)) continue;
      const blocked = stage.needs.filter((need: Job) =>
        results.some((result) => result.job === need && result.outcome !== 'success'),
      );
      if (blocked.length > 0) {
        results.push({
          job: stage.job,
          outcome: 'skipped',
          ms: 0,
          note: `${blocked.join(', ')} did not succeed`,
        });
      }
    }
  };

  // config
  const config = await timed(() => Promise.resolve(runConfig(ctx)));
  printStage('config (pipeline.yml, bash)', undefined, config.value.text);
  const bypass = ctx.jobs.config?.outputs['allow-dev-auth-bypass'];
  if (
    !record(
      'config',
      config.value.ok,
      config.ms,
      config.value.ok ? `bypass ${bypass ?? '?'}` : 'stopped the run',
    )
  ) {
    skipDependents();
    return;
  }

  // test ∥ build ∥ platform
  const platformDocument = platformPlan({
    environment,
    action: previous === undefined ? 'create' : 'no-op',
    devBypassSecret: bypass === 'true',
    project,
  });
  const [test, build, platform] = await Promise.all([
    timed(() =>
      runStage(ctx, 'test', 'test (actions/test)', () => ({
        env: { PYTHONDONTWRITEBYTECODE: '1' },
        pathPrepend: [ctx.pythonBin],
      })),
    ),
    timed(() =>
      runStage(ctx, 'build', 'build (actions/build-push)', () => ({
        env: { ...ctx.containers.vars },
        pathPrepend: [STANDINS_BIN],
      })),
    ),
    timed(() =>
      runStage(ctx, 'platform', 'platform (actions/deploy on infra/platform)', () => ({
        env: deployStandins(ctx, platformDocument).env,
        pathPrepend: [STANDINS_BIN],
      })),
    ),
  ]);
  const testOk = record('test', test.value.result.code === 0, test.ms);
  const buildOk = record(
    'build',
    build.value.result.code === 0,
    build.ms,
    build.value.result.outputs['tag'] ?? '',
  );
  const platformOk = record(
    'platform',
    platform.value.result.code === 0,
    platform.ms,
    platform.value.result.outputs['has-changes'] === 'true' ? 'applied' : 'no changes',
  );
  if (!(testOk && buildOk && platformOk)) {
    skipDependents();
    return;
  }

  // migrate
  const migrate = await timed(() =>
    runStage(ctx, 'migrate', 'migrate (actions/migrate)', () => ({
      env: {
        CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${postgres.port}`,
        PYTHONDONTWRITEBYTECODE: '1',
      },
      pathPrepend: [ctx.pythonBin],
    })),
  );
  if (
    !record(
      'migrate',
      migrate.value.result.code === 0,
      migrate.ms,
      migrate.value.result.outputs['revision-after'] ?? '',
    )
  ) {
    skipDependents();
    return;
  }

  // deploy: the plan is the stack's for the variables deploy passes; the stand-in applies it to
  // the emulator's Cloud Run, whose service URL and new revision are the stack's outputs. A later
  // push's plan updates the service the push before created: its `before` is that push's.
  const service = expressionText(pipeline.inputs['service'] ?? null);
  const secretRef = (name: string): SecretRef => ({ secret: secretId(name, environment), version: 'latest' });
  const previousVars = terraformVars(previous?.jobs.deploy?.inputs?.['vars'] ?? '');
  const plainEnvOf = (tfVars: Record<string, string>) => ({
    ENV: tfVars['environment'] ?? environment,
    BASE_URL: tfVars['base_url'] ?? '',
    CLERK_JWKS_URL: tfVars['clerk_jwks_url'] ?? '',
    COMMIT_SHA: tfVars['commit_sha'] ?? '',
  });
  let serviceDocument: JsonObject = {};
  const deploy = await timed(() =>
    runStage(ctx, 'deploy', 'deploy (actions/deploy on infra/service)', (inputs) => {
      const tfVars = terraformVars(inputs['vars'] ?? '');
      serviceDocument = servicePlan({
        environment,
        action: previous === undefined ? 'create' : 'update',
        project: tfVars['project'] ?? project,
        region: tfVars['region'] ?? '',
        plainEnv: plainEnvOf(tfVars),
        secretEnv: {
          DATABASE_URL: secretRef('DATABASE_URL'),
          CLERK_SECRET_KEY: secretRef('CLERK_SECRET_KEY'),
          ADMIN_API_KEY: secretRef('ADMIN_API_KEY'),
        },
        commitSha: tfVars['commit_sha'] ?? ctx.sha,
        ...(previous === undefined
          ? { previousCommitSha: null }
          : {
              previousCommitSha: previousVars['commit_sha'] ?? previous.sha,
              previousPlainEnv: plainEnvOf(previousVars),
              previousImage: previous.jobs.build?.outputs['image'] ?? '',
            }),
      });
      serviceDocument = serviceNamedByVariable(serviceDocument);
      return {
        env: {
          ...deployStandins(ctx, serviceDocument).env,
          // The stale-commit guard asks GitHub how this commit relates to the running one.
          GITHUB_REPOSITORY: expressionText(pipeline.github['repository'] ?? null),
          GITHUB_API_URL: ctx.githubApi.url,
        },
        pathPrepend: [STANDINS_BIN],
      };
    }),
  );
  const revision = deploy.value.result.outputs['revision'] ?? '';
  const previousRevision = deploy.value.result.outputs['previous-revision'] ?? '';
  if (
    !record(
      'deploy',
      deploy.value.result.code === 0,
      deploy.ms,
      `revision ${revision || '?'}${previousRevision === '' ? '' : `; previous ${previousRevision}`}; traffic ${deploy.value.inputs['traffic'] ?? '?'}`,
    )
  ) {
    skipDependents();
    return;
  }

  // health: Cloud Run starts the new revision's container (its own process, with the plan's
  // env); health-check asks the emulator's Cloud Run whether the revision is ready, and checks it
  // at the service URL (direct) or on its tag's URL (verified), both the router's.
  const env = {
    ...plannedEnv(ctx, serviceDocument, bypass === 'true'),
    K_REVISION: revision,
    K_SERVICE: service,
  };
  await startRevision(ctx, revision, env, ctx.mode.unhealthyCandidate && previous !== undefined);
  const health = await timed(() => runStage(ctx, 'health', 'health (actions/health-check)'));
  const tagUrl = health.value.result.outputs['tag-url'] ?? '';
  const tag = health.value.inputs['tag'] ?? '';
  if (
    !record(
      'health',
      health.value.result.code === 0,
      health.ms,
      health.value.result.code === 0
        ? `${health.value.result.outputs['attempts'] ?? '?'} attempt(s)${tagUrl === '' ? '' : ` on the tag URL ${tagUrl}`}`
        : `not healthy${tag === '' ? '' : ` on the ${tag} tag URL (the tag ${servingNow(ctx).tags.has(tag) ? 'still set' : 'removed again'})`}`,
    )
  ) {
    skipDependents();
    return;
  }

  // promote: only when its own `if:` holds (rollout verified).
  const condition = (pipeline.workflow.jobs['promote'] as { if?: unknown } | undefined)?.if;
  if (!evaluateCondition(condition, jobContext(pipeline, ctx.jobs, 'promote', {}))) {
    results.push({
      job: 'promote',
      outcome: 'skipped',
      ms: 0,
      note: `\`if: ${String(condition)}\` is false (rollout ${expressionText(pipeline.inputs['rollout'] ?? null)})`,
      byCondition: true,
    });
    return;
  }
  const promote = await timed(() => runStage(ctx, 'promote', 'promote (actions/promote)'));
  const outputs = promote.value.result.outputs;
  record(
    'promote',
    promote.value.result.code === 0,
    promote.ms,
    `${outputs['revision'] ?? '?'} serves 100 %; found ${outputs['previous-revision'] ?? '?'}${outputs['rolled-back'] === 'true' ? '; rolled back' : ''}`,
  );
}

/** A traffic target as a line: `revision 50 %`, `LATEST 100 %`, with its tag. */
function targetText(target: { type?: string; revision?: string; percent?: number; tag?: string }): string {
  const latest = target.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
  const name = latest ? `LATEST${target.revision ? ` (${target.revision})` : ''}` : (target.revision ?? '?');
  return `${name} ${target.percent ?? 0} %${target.tag ? ` tag ${target.tag}` : ''}`;
}

/** The job of a push that ran when the emulator saw a change at `at`. */
function jobAt(ctx: Context, at: number): string {
  for (const [index, push] of ctx.pushes.entries()) {
    for (const [job, window] of Object.entries(push.windows)) {
      if (at >= window.start && at <= window.end) {
        return ctx.pushes.length > 1 ? `push ${index + 1} ${job}` : job;
      }
    }
  }
  return 'between jobs';
}

/** Every change of the service's traffic, in order, each with the job that made it. */
function trafficLines(ctx: Context): string[] {
  const changes = ctx.emulator.trafficChanges;
  return [
    bold(`Traffic changes of the service, in order (the emulator's record): ${changes.length}`),
    ...changes.map(
      (change, index) =>
        `  ${index + 1}. ${jobAt(ctx, change.at)} (${change.by}): ${change.traffic.map(targetText).join(', ')}`,
    ),
  ];
}

/** The service's split now (trafficStatuses, LATEST resolved) and its tags. */
function servingNow(ctx: Context): { split: Map<string, number>; tags: Map<string, string> } {
  const service = emulatorService(ctx);
  const statuses = (service?.['trafficStatuses'] ?? []) as {
    revision?: string;
    percent?: number;
    tag?: string;
  }[];
  const split = new Map<string, number>();
  const tags = new Map<string, string>();
  for (const status of statuses) {
    if (status.revision === undefined) continue;
    const percent = status.percent ?? 0;
    if (percent > 0) split.set(status.revision, (split.get(status.revision) ?? 0) + percent);
    if (status.tag) tags.set(status.tag, status.revision);
  }
  return { split, tags };
}

/** The revisions of the two pushes (what each deploy reported). */
function pushedRevisions(ctx: Context): { first: string; second: string } {
  return {
    first: ctx.pushes[0]?.jobs.deploy?.steps['deploy']?.outputs['revision'] ?? '',
    second: ctx.pushes[1]?.jobs.deploy?.steps['deploy']?.outputs['revision'] ?? '',
  };
}

/** A check of the end state, as a line. */
const checkLine = (ok: boolean, text: string) => `  ${ok ? '✅' : '❌'} ${text}`;

/** After a verified rollout: the second revision serves 100 %, no tag is left, it passed on its tag URL. */
function verifiedRollout(ctx: Context): { ok: boolean; lines: string[] } {
  const { first, second } = pushedRevisions(ctx);
  const { split, tags } = servingNow(ctx);
  const tagHits = ctx.router.hits.filter(
    (hit) => hit.via === `tag:${CANDIDATE_TAG}` && hit.path.startsWith('/health'),
  );
  const secondTagHits = tagHits.filter(
    (hit) => ctx.pushes[1] !== undefined && hit.at >= (ctx.pushes[1].windows.health?.start ?? Infinity),
  );
  const promote = ctx.pushes[1]?.windows.promote;
  const promoteHits = ctx.router.hits.filter(
    (hit) =>
      hit.via === 'service' && promote !== undefined && hit.at >= promote.start && hit.at <= promote.end,
  );
  const servedBy = (revision: string) => promoteHits.filter((hit) => hit.revision === revision).length;
  const checks: [boolean, string][] = [
    [
      ctx.pushes.length === 2 && ctx.pushes.every((push) => succeeded(push.results)),
      'both pushes ran the pipeline to the end',
    ],
    [
      first !== '' && second !== '' && first !== second,
      `two revisions: ${first || '?'}, then ${second || '?'}`,
    ],
    [
      secondTagHits.length > 0 && secondTagHits.every((hit) => hit.revision === second),
      `the candidate was checked on its tag URL: ${secondTagHits.length} GET /health there, each served by ${second}'s instance`,
    ],
    [
      split.size === 1 && split.get(second) === 100,
      `${second} serves 100 % (${[...split].map(([r, p]) => `${r} ${p} %`).join(', ') || 'nothing'})`,
    ],
    [
      servedBy(first) > 0 && servedBy(second) > 0,
      `promote's checks of the service URL reached both instances while the traffic was split (${first}: ${servedBy(first)}, ${second}: ${servedBy(second)})`,
    ],
    [!tags.has(CANDIDATE_TAG), `the ${CANDIDATE_TAG} tag is removed`],
  ];
  const ok = checks.every(([passed]) => passed);
  return {
    ok,
    lines: [bold('Verified rollout'), ...checks.map(([passed, text]) => checkLine(passed, text))],
  };
}

/**
 * --unhealthy-candidate: the second push's health check fails, promote is skipped, and the
 * candidate never took traffic: every traffic change kept it at 0 %, its tag is gone, and the
 * first revision serves 100 %.
 */
function expectedFailure(ctx: Context): { ok: boolean; lines: string[] } {
  const { first, second } = pushedRevisions(ctx);
  const results = ctx.pushes[1]?.results ?? [];
  const outcome = (job: Job) => results.find((result) => result.job === job)?.outcome;
  const { split, tags } = servingNow(ctx);
  const secondStart = ctx.pushes[1]?.windows.deploy?.start ?? Infinity;
  const candidateShare = (traffic: (typeof ctx.emulator.trafficChanges)[number]['traffic']) =>
    traffic
      .filter(
        (target) =>
          target.revision === second ||
          // LATEST is the candidate once it is ready: a LATEST share is the candidate's share.
          (target.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' && !target.revision),
      )
      .reduce((sum, target) => sum + (target.percent ?? 0), 0);
  const later = ctx.emulator.trafficChanges.filter((change) => change.at >= secondStart);
  const served = ctx.router.hits.filter((hit) => hit.via === 'service' && hit.revision === second);
  const checks: [boolean, string][] = [
    [succeeded(ctx.pushes[0]?.results ?? []), `the first push deployed ${first || '?'}`],
    [
      outcome('deploy') === 'success' && second !== '',
      `the second push deployed ${second || '?'}, the traffic held`,
    ],
    [outcome('health') === 'failure', `health-check failed on the ${CANDIDATE_TAG} tag URL`],
    [outcome('promote') === 'skipped', 'promote was skipped (it needs health)'],
    [
      later.length > 0 && later.every((change) => candidateShare(change.traffic) === 0),
      `every traffic change since (${later.length}) kept ${second || 'the candidate'} at 0 %`,
    ],
    [served.length === 0, `no request to the service URL reached ${second || 'the candidate'}'s instance`],
    [split.size === 1 && split.get(first) === 100, `${first} keeps 100 %`],
    [!tags.has(CANDIDATE_TAG), `the ${CANDIDATE_TAG} tag is removed again`],
  ];
  const ok = checks.every(([passed]) => passed);
  return {
    ok,
    lines: [bold('The unhealthy candidate'), ...checks.map(([passed, text]) => checkLine(passed, text))],
  };
}

/**
 * With the flag arriving another way (config's output said true), deploy stops before
 * `terraform init`. True when both guards held and nothing changed anywhere.
 */
async function showDeployGuard(ctx: Context): Promise<boolean> {
  // The deploy job's inputs from pipeline.yml, as if config had passed the flag and build an image.
  const jobs: Partial<Record<string, JobRecord>> = {
    config: { steps: {}, outputs: { ...ctx.jobs.config?.outputs, 'allow-dev-auth-bypass': 'true' } },
    build: {
      steps: {},
      outputs: { image: `${ctx.registry.host}/services/fastapi-service@sha256:${'0'.repeat(64)}` },
    },
    migrate: { steps: {}, outputs: {} },
  };
  const { steps } = playSteps(ctx, 'deploy', jobs);
  const { stage, step } = stageStepOf(ctx.pipeline.workflow, 'deploy');
  const standins = deployStandins(ctx, serviceNamedByVariable(servicePlan({ environment: 'prod' })));
  const start = Date.now();
  const result = await runAction({
    stage,
    actionDir: join(ctx.workspace, step.uses ?? ''),
    cwd: ctx.workspace,
    inputs: pipelineStageInputs(ctx.pipeline, jobs, 'deploy', steps),
    env: { ...googleEnv(ctx, 'deploy', [STANDINS_BIN]), ...standins.env, ...standinEnv, GITHUB_SHA: ctx.sha },
    secrets: secretsOf(ctx),
    timeoutMs: 120_000,
  });
  ctx.windows.deploy = { start, end: Date.now() };
  cleanups.push(result.cleanup);
  printStage('and if the flag reached actions/deploy another way (config passing true)', result);
  const calls = terraformCalls(standins.log).length;
  const cloudRunWrites = ctx.emulator.requests.filter(
    (request) => request.path.startsWith('/v2/') && request.method !== 'GET',
  ).length;
  const tags = await httpRequest(`${ctx.registry.url}/v2/_catalog`);
  const repositories =
    (JSON.parse(tags.body.toString('utf8')) as { repositories?: string[] }).repositories ?? [];
  const migrated =
    (await ctx.postgres.query("SELECT to_regclass('public.alembic_version') IS NOT NULL")).trim() === 't';
  console.log(
    `\nNothing changed: terraform was called ${calls} time(s), the registry holds ${repositories.length} repositories, ` +
      `and the database has ${migrated ? 'an (!)' : 'no'} alembic_version table.`,
  );
  console.log(`Cloud Run (the Google emulator) received ${cloudRunWrites} change(s).`);
  return (
    result.code !== 0 &&
    /production/i.test(result.log) &&
    calls === 0 &&
    cloudRunWrites === 0 &&
    repositories.length === 0 &&
    !migrated
  );
}

/**
 * What the tests compare with pipeline.yml: the call, and what each job was given and set (the
 * last push's in `jobs` and `results`, every push's in `pushes`); the traffic changes and what
 * the router forwarded where.
 */
function writeRecord(ctx: Context): void {
  const file = process.env['REHEARSAL_RECORD'];
  if (!file) return;
  const mask = (value: unknown): unknown =>
    typeof value === 'string'
      ? masked(ctx, value)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mask(inner)]))
        : value;
  const last = ctx.pushes.at(-1);
  const results = (push: PushRecord | undefined) =>
    (push?.results ?? []).map(({ job, outcome }) => ({ job, outcome }));
  const record = {
    environment: ctx.environment,
    mode: ctx.mode,
    callerFile: ctx.pipeline.callerFile,
    calleeFile: ctx.pipeline.calleeFile,
    vars: ctx.pipeline.vars,
    github: mask(ctx.pipeline.github),
    referenceInputs: ctx.pipeline.referenceInputs,
    callerInputs: ctx.pipeline.callerInputs,
    pipelineInputs: ctx.pipeline.inputs,
    stageAdditions: Object.fromEntries(
      Object.entries(STAGE_ADDITIONS).map(([job, additions]) => [
        job,
        Object.fromEntries(Object.entries(additions).map(([name, addition]) => [name, addition.value])),
      ]),
    ),
    jobs: mask(ctx.jobs),
    results: results(last),
    pushes: ctx.pushes.map((push) => ({
      sha: push.sha,
      jobs: mask(push.jobs),
      results: results(push),
      windows: push.windows,
    })),
    gcloudOnPath: ctx.gcloudOnPath,
    windows: ctx.windows,
    emulator: {
      url: ctx.emulator.url,
      project: ctx.emulator.project,
      region: ctx.emulator.region,
      service: emulatorService(ctx) ?? null,
      requests: ctx.emulator.requests.map(({ method, path, query, at }) => ({ method, path, query, at })),
      tokensIssued: ctx.emulator.tokensIssued,
      trafficChanges: ctx.emulator.trafficChanges,
    },
    router: {
      ports: ctx.router.ports,
      processes: Object.fromEntries(ctx.router.processes),
      hits: ctx.router.hits,
    },
  };
  writeFileSync(file, JSON.stringify(record, null, 2));
}

/** The pipeline's service as the emulator's Cloud Run holds it now, if it does. */
function emulatorService(ctx: Context): Record<string, unknown> | undefined {
  const service = expressionText(ctx.pipeline.inputs['service'] ?? null);
  return ctx.emulator.service(ctx.emulator.project, ctx.emulator.region, service);
}

/** What the emulator was asked while a push's jobs ran (the parallel jobs as one), counted by request. */
function emulatorLines(ctx: Context, push: PushRecord): string[] {
  const groups: Job[][] = [
    ['config'],
    ['test', 'build', 'platform'],
    ['migrate'],
    ['deploy'],
    ['health'],
    ['promote'],
  ];
  const all = Object.values(push.windows);
  const from = Math.min(...all.map((w) => w.start));
  const to = Math.max(...all.map((w) => w.end));
  const inPush = ctx.emulator.requests.filter((request) => request.at >= from && request.at <= to).length;
  const lines = [
    `Google emulator ${ctx.emulator.url}: ${ctx.pushes.length > 1 ? `${inPush} request(s) in this push, ` : ''}${ctx.emulator.requests.length} request(s)${ctx.pushes.length > 1 ? ' in all' : ''}`,
  ];
  for (const group of groups) {
    const windows = group.flatMap((job) => push.windows[job] ?? []);
    if (windows.length === 0) continue;
    const start = Math.min(...windows.map((w) => w.start));
    const end = Math.max(...windows.map((w) => w.end));
    const counts = new Map<string, number>();
    for (const request of ctx.emulator.requests) {
      if (request.at < start || request.at > end) continue;
      const serviceId = request.query['serviceId'];
      const key = `${request.method} ${request.path}${serviceId === undefined ? '' : `?serviceId=${serviceId}`}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const asked = [...counts].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key));
    lines.push(`  ${group.join(' ∥ ')}: ${asked.length > 0 ? asked.join(', ') : 'nothing'}`);
  }
  return lines;
}

/** One push's end: what the emulator was asked, the result table and the workflow's outputs. */
function pushReport(ctx: Context, push: PushRecord, title: string): void {
  console.log(`\n${emulatorLines(ctx, push).join('\n')}`);
  console.log(`\n${bold(`Result${title}`)}\n${table(push.results)}`);
  const outputs = ctx.pipeline.workflow.on.workflow_call?.outputs ?? {};
  if (succeeded(push.results)) {
    const jobs = Object.fromEntries(
      Object.entries(push.jobs).map(([job, record]) => [job, { outputs: record.outputs, result: 'success' }]),
    );
    const published = Object.entries(outputs).map(
      ([name, output]) => `${name}=${expressionText(evaluateTemplate(output.value, { jobs }))}`,
    );
    console.log(`Outputs of ${basename(ctx.pipeline.calleeFile)}: ${published.join(', ')}`);
  }
}

/** The end of the run: the differences again, the record, and the verdict line. */
function finish(ctx: Context, started: number, ok: boolean, expected = ''): boolean {
  console.log(`\n${differenceLines(ctx.pipeline, ctx.callerReasons).join('\n')}`);
  writeRecord(ctx);
  if (ctx.mode.bypassInProd) return ok;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const commits = ctx.pushes.map((push) => push.sha.slice(0, 7)).join(', then ');
  const what = `(environment ${ctx.environment}, commit${ctx.pushes.length > 1 ? 's' : ''} ${commits})`;
  console.log(
    ok && expected !== ''
      ? `\nRehearsal passed in ${seconds} s ${what}: ${expected}.`
      : `\n${ok ? 'Rehearsal passed' : 'Rehearsal stopped'} in ${seconds} s ${what}.`,
  );
  return ok;
}

/** The rehearsal's command line; an unknown or contradictory flag exits 2 with the usage. */
export function parseMode(args: readonly string[]): RehearsalMode | string {
  let environment: 'dev' | 'prod' = 'dev';
  let bypassInProd = false;
  let unhealthyCandidate = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const value = arg.startsWith('--env=')
      ? arg.slice('--env='.length)
      : arg === '--env'
        ? args[++index]
        : undefined;
    if (arg === '--env' || arg.startsWith('--env=')) {
      if (value !== 'dev' && value !== 'prod') {
        return `--env takes dev or prod, not ${JSON.stringify(value ?? '')}`;
      }
      environment = value;
    } else if (arg === '--bypass-in-prod') {
      bypassInProd = true;
    } else if (arg === '--unhealthy-candidate') {
      unhealthyCandidate = true;
    } else {
      return `unknown argument ${JSON.stringify(arg)}`;
    }
  }
  if (bypassInProd && environment === 'dev' && args.some((arg) => arg.startsWith('--env'))) {
    return '--bypass-in-prod is a prod run: drop --env dev';
  }
  if (bypassInProd) environment = 'prod';
  if (unhealthyCandidate && (environment !== 'prod' || bypassInProd)) {
    return '--unhealthy-candidate needs --env prod (and no --bypass-in-prod): it is the second push of the verified rollout';
  }
  return { environment, bypassInProd, unhealthyCandidate };
}

const USAGE = 'usage: npm run rehearse [-- --env dev|prod [--unhealthy-candidate] | -- --bypass-in-prod]';

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const mode = parseMode(process.argv.slice(2));
  if (typeof mode === 'string') {
    console.error(`rehearse: ${mode}\n${USAGE}`);
    process.exit(2);
  }
  // Before anything starts: every tool the rehearsal starts (the Debian packages of
  // .ci/debian-packages), installed when this user can, else one paragraph and exit 2.
  // `npm run rehearse` has set up node_modules already (scripts/setup.mjs, before tsx).
  setUpOrExit('rehearse', { npm: false, quietWhenReady: true });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping everything the rehearsal started…`);
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (!existsSync(join(repoRoot, EXAMPLE, 'src', 'main.py'))) {
    console.error(`${EXAMPLE}/src/main.py is missing`);
    process.exit(2);
  }
  let ok = false;
  try {
    ok = await rehearse(mode);
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await cleanup();
  }
  process.exit(ok ? 0 : 1);
}

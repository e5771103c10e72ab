// `npm run rehearse`: the deploy-dev pipeline on the reference service, end to end, on this
// machine. Every stage is the bundled action (actions/<stage>/dist) started as the runner starts
// it; the config job is pipeline.yml's own bash. Real parts: pytest, buildah, Debian's
// docker-registry, PostgreSQL 15 and Alembic. Stand-ins, for what needs Google Cloud: terraform
// and gcloud (test/standins/bin, which print the real tools' formats), the Cloud SQL Auth
// Proxy's cloud side (a TCP forward to the local PostgreSQL), and Cloud Run itself (the service
// started from its source with uvicorn and the env the plan injects).
//
//   npm run rehearse                      the dev chain: config → test ∥ build ∥ platform → migrate → deploy → health
//   npm run rehearse -- --bypass-in-prod  a prod run with ALLOW_DEV_AUTH_BYPASS=true: stopped before any change
//
// It prints each stage's job summary and a final table (stage, result, time), and stops
// everything it started (registry, PostgreSQL, uvicorn, temporary storage) on success, failure
// and Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcessGroup } from '../src/lib/exec.js';
import { repoRoot, runAction, type RunResult } from '../testkit/local-runner.mjs';
import {
  platformPlan,
  referenceBypass,
  secretId,
  servicePlan,
  terraformCalls,
  writeGcloudScenario,
  writeTerraformScenario,
  type JsonObject,
  type SecretRef,
} from '../testkit/deploy-scenarios.js';
import { knativeService } from '../testkit/cloud-run-fixtures.js';
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
import { evaluateStepEnv, loadWorkflow, runBashStep } from '../testkit/workflows.js';

export const EXAMPLE = 'examples/fastapi-service';
const PYTHON = '/usr/bin/python3';
const INSTANCE = 'acme-dev:europe-west1:main-db';
const SERVICE = 'fastapi-service';
const PROJECT = 'acme-dev';
const REGION = 'europe-west1';

/** The rehearsal's stages: the reusable pipeline's jobs, each with the action it runs. */
export const STAGES = [
  { job: 'config', action: 'pipeline.yml config (bash)', needs: [] },
  { job: 'test', action: 'actions/test', needs: ['config'] },
  { job: 'build', action: 'actions/build-push', needs: ['config'] },
  { job: 'platform', action: 'actions/deploy (infra/platform)', needs: ['config'] },
  { job: 'migrate', action: 'actions/migrate', needs: ['config', 'test', 'build', 'platform'] },
  { job: 'deploy', action: 'actions/deploy (infra/service)', needs: ['config', 'build', 'migrate'] },
  { job: 'health', action: 'actions/health-check', needs: ['config', 'deploy'] },
] as const;
export type Job = (typeof STAGES)[number]['job'];

type Outcome = 'success' | 'failure' | 'skipped';
interface StageResult {
  job: Job;
  outcome: Outcome;
  ms: number;
  note: string;
}

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
  bypassVariable: string;
  registry: TestRegistry;
  containers: ContainersEnv;
  postgres: TestPostgres;
  /** Secret Manager, as the rehearsal plays it: secret id → value. */
  secretValues: Map<string, string>;
  work: string;
  outputs: Partial<Record<Job, Record<string, string>>>;
}

/** The config job's three steps from pipeline.yml, run with bash under the runner's variables. */
function runConfig(ctx: Context): { ok: boolean; outputs: Record<string, string>; text: string } {
  const job = loadWorkflow('pipeline.yml').jobs['config'];
  const branch = ctx.environment === 'prod' ? 'main' : 'dev';
  const inputs: Record<string, string> = {
    environment: ctx.environment,
    branch,
    image: `${ctx.registry.host}/services/${SERVICE}`,
    'database-url-secret': 'database-url',
    'on-stale': 'fail',
    'actions-ref': '',
  };
  const outputs: Record<string, string> = {};
  const lines: string[] = [];
  for (const step of job?.steps ?? []) {
    const env = evaluateStepEnv(step, {
      inputs,
      vars: { ALLOW_DEV_AUTH_BYPASS: ctx.bypassVariable },
      job: {
        status: 'success',
        workflow_repository: 'example-org/cloud-run-deploy-actions',
        workflow_sha: ctx.sha,
      },
    });
    const run = runBashStep(
      step,
      { ...env, GITHUB_REF: `refs/heads/${branch}`, GITHUB_SHA: ctx.sha },
      ctx.work,
    );
    lines.push(
      `$ ${step.name ?? step.id ?? 'step'}`,
      ...(run.stdout + run.stderr).trim().split('\n').filter(Boolean),
    );
    Object.assign(outputs, run.outputs);
    if (run.code !== 0) return { ok: false, outputs, text: lines.join('\n') };
  }
  return { ok: true, outputs, text: lines.join('\n') };
}

const standinEnv = { NODE_EXTRA_CA_CERTS: undefined };

/**
 * Every secret of this run: the harness fails a stage whose log, outputs, summary or state shows
 * one (or its URL-encoded or base64 form).
 */
const secretsOf = (ctx: Context): string[] => [
  ...ctx.secretValues.values(),
  ctx.postgres.password,
  'rehearsal-token-unused',
];

async function runTest(ctx: Context): Promise<RunResult> {
  return runAction({
    stage: 'test',
    cwd: repoRoot,
    inputs: {
      'working-directory': EXAMPLE,
      lint: `${PYTHON} -m compileall -q src migrations tests`,
      test: `${PYTHON} -m pytest -q -p no:cacheprovider --junitxml=${join(ctx.work, 'junit.xml')}`,
      junit: join(ctx.work, 'junit.xml'),
      contract: `${EXAMPLE}/runtime-contract.yml`,
    },
    env: { ...standinEnv, GITHUB_SHA: ctx.sha, PYTHONDONTWRITEBYTECODE: '1' },
    secrets: secretsOf(ctx),
    timeoutMs: 300_000,
  });
}

async function runBuild(ctx: Context): Promise<RunResult> {
  return runAction({
    stage: 'build-push',
    cwd: repoRoot,
    inputs: {
      image: `${ctx.registry.host}/services/${SERVICE}`,
      context: EXAMPLE,
      builder: 'buildah',
      // buildah cannot RUN here (no container runtime): the `source` stage, FROM scratch, is
      // the service's files without the Python layer; it is pushed and deployed by digest.
      target: 'source',
      'build-args': 'BASE_IMAGE=scratch',
      sha: ctx.sha,
    },
    env: { ...ctx.containers.vars, ...standinEnv, GITHUB_SHA: ctx.sha },
    pathPrepend: [STANDINS_BIN],
    secrets: secretsOf(ctx),
    timeoutMs: 300_000,
  });
}

/** The secrets both stacks reference, with an enabled version each, in the gcloud stand-in. */
function gcloudScenario(ctx: Context, revision?: string, url?: string) {
  const secrets = Object.fromEntries(
    [...ctx.secretValues.keys()].map((id) => [
      id,
      { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' as const }] },
    ]),
  );
  const services: Record<string, unknown[]> = {};
  if (revision && url) {
    services[SERVICE] = [knativeService({ name: SERVICE, generation: 1, created: revision, url })];
  }
  return writeGcloudScenario({ secrets, services });
}

function terraformInputs(ctx: Context, stack: 'platform' | 'service', extraVars: string[] = []) {
  return {
    'working-directory': `${EXAMPLE}/infra/${stack}`,
    environment: ctx.environment,
    'allow-dev-auth-bypass': ctx.outputs.config?.['allow-dev-auth-bypass'] ?? 'false',
    contract: `${EXAMPLE}/runtime-contract.yml`,
    project: PROJECT,
    vars: [`project=${PROJECT}`, `region=${REGION}`, `environment=${ctx.environment}`, ...extraVars].join(
      '\n',
    ),
    'github-token': 'rehearsal-token-unused',
  };
}

async function runDeploy(
  ctx: Context,
  stack: 'platform' | 'service',
  document: JsonObject,
  output: Record<string, { value: string; type: string; sensitive: boolean }>,
  extraVars: string[] = [],
  extraInputs: Record<string, string> = {},
): Promise<{ result: RunResult; terraformLog: string }> {
  const terraform = writeTerraformScenario({
    plan: { document, bypass: referenceBypass(ctx.environment) },
    output,
  });
  const gcloud = gcloudScenario(ctx);
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  cleanups.push(() => rmSync(gcloud.dir, { recursive: true, force: true }));
  const result = await runAction({
    stage: 'deploy',
    cwd: repoRoot,
    inputs: { ...terraformInputs(ctx, stack, extraVars), ...extraInputs },
    env: { ...terraform.env, ...gcloud.env, ...standinEnv, GITHUB_SHA: ctx.sha },
    pathPrepend: [STANDINS_BIN],
    secrets: secretsOf(ctx),
    timeoutMs: 120_000,
  });
  return { result, terraformLog: terraform.log };
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

/** Cloud Run, as the rehearsal plays it: uvicorn serving the service from its source. */
function startService(env: Record<string, string>, port: number): ChildProcess {
  const child = spawn(
    PYTHON,
    ['-m', 'uvicorn', 'src.main:app', '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: join(repoRoot, EXAMPLE),
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: tmpdir(),
        PYTHONDONTWRITEBYTECODE: '1',
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
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
  return child;
}

function headSha(): string {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  const sha = result.stdout.trim();
  return /^[0-9a-f]{40}$/.test(sha) ? sha : '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
}

function table(results: StageResult[]): string {
  const rows = results.map((r) => {
    const stage = STAGES.find((s) => s.job === r.job);
    const mark = r.outcome === 'success' ? '✅' : r.outcome === 'failure' ? '❌' : '⏭️';
    return `| ${r.job} | ${stage?.action ?? ''} | ${mark} ${r.outcome} | ${r.outcome === 'skipped' ? '' : `${(r.ms / 1000).toFixed(1)} s`} | ${r.note} |`;
  });
  return ['| stage | runs | result | time | note |', '| --- | --- | --- | ---: | --- |', ...rows].join('\n');
}

async function rehearse(bypassInProd: boolean): Promise<boolean> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  console.log(
    bold(
      bypassInProd
        ? 'Rehearsal: deploy-prod with ALLOW_DEV_AUTH_BYPASS=true'
        : 'Rehearsal: deploy-dev on examples/fastapi-service',
    ),
  );
  console.log(
    [
      'Real: pytest, buildah, docker-registry (127.0.0.1), PostgreSQL 15, Alembic, uvicorn.',
      'Stand-ins (no Google Cloud here): terraform and gcloud (test/standins/bin), the Cloud SQL Auth',
      'Proxy (TCP forward to the local PostgreSQL), Cloud Run (uvicorn serving the source with the',
      "plan's env), Secret Manager (values generated for this run).",
    ].join('\n'),
  );

  const [registry, postgres] = await Promise.all([startRegistry(), startPostgres()]);
  cleanups.push(
    () => registry.stop(),
    () => postgres.stop(),
  );
  const containers = containersEnv();
  cleanups.push(() => containers.cleanup());
  const servicePort = await freePort();
  console.log(
    `Started: registry ${registry.host}, PostgreSQL 127.0.0.1:${postgres.port}; the service will listen on 127.0.0.1:${servicePort}`,
  );

  const environment = bypassInProd ? 'prod' : 'dev';
  const secret = () => randomBytes(18).toString('base64url');
  const secretValues = new Map<string, string>([
    [secretId('DATABASE_URL', environment), postgres.socketUrl(INSTANCE, 'postgresql+psycopg2')],
    [secretId('CLERK_SECRET_KEY', environment), `sk_test_${secret()}`],
    [secretId('ADMIN_API_KEY', environment), secret()],
    [secretId('RESEND_API_KEY', environment), `re_${secret()}`],
    [secretId('DEV_BYPASS_SECRET', environment), secret()],
  ]);
  const ctx: Context = {
    environment,
    sha: headSha(),
    bypassVariable: bypassInProd ? 'true' : (process.env['ALLOW_DEV_AUTH_BYPASS'] ?? 'true'),
    registry,
    containers,
    postgres,
    secretValues,
    work,
    outputs: {},
  };
  const results: StageResult[] = [];
  const timed = async <T>(job: Job, fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const t = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - t };
  };
  const record = (job: Job, ok: boolean, ms: number, note = ''): boolean => {
    results.push({ job, outcome: ok ? 'success' : 'failure', ms, note });
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
  const config = await timed('config', () => Promise.resolve(runConfig(ctx)));
  printStage('config (pipeline.yml, bash)', undefined, config.value.text);
  ctx.outputs.config = config.value.outputs;
  if (
    !record(
      'config',
      config.value.ok,
      config.ms,
      config.value.ok ? `bypass ${config.value.outputs['allow-dev-auth-bypass'] ?? '?'}` : 'stopped the run',
    )
  ) {
    skipDependents();
    finish(results, started, ctx);
    if (!bypassInProd) return false;
    // The prod rehearsal passes when both guards stopped it before any change.
    const held = await showDeployGuard(ctx);
    console.log(
      held
        ? '\nRehearsal passed: the prod run was stopped before any change, by the config job and by actions/deploy.'
        : '\nRehearsal FAILED: a guard did not hold (see above).',
    );
    return held;
  }

  // test ∥ build ∥ platform
  const platformDocument = platformPlan({
    environment,
    action: 'create',
    devBypassSecret: ctx.outputs.config['allow-dev-auth-bypass'] === 'true',
    project: PROJECT,
  });
  const [test, build, platform] = await Promise.all([
    timed('test', () => runTest(ctx)),
    timed('build', () => runBuild(ctx)),
    timed('platform', () => runDeploy(ctx, 'platform', platformDocument, {})),
  ]);
  for (const r of [test.value, build.value, platform.value.result]) cleanups.push(r.cleanup);
  printStage('test (actions/test)', test.value);
  printStage('build (actions/build-push)', build.value);
  printStage('platform (actions/deploy on infra/platform)', platform.value.result);
  ctx.outputs.build = build.value.outputs;
  const testOk = record('test', test.value.code === 0, test.ms);
  const buildOk = record('build', build.value.code === 0, build.ms, build.value.outputs['tag'] ?? '');
  const platformOk = record(
    'platform',
    platform.value.result.code === 0,
    platform.ms,
    platform.value.result.outputs['has-changes'] === 'true' ? 'applied' : '',
  );
  if (!(testOk && buildOk && platformOk)) {
    skipDependents();
    return finish(results, started, ctx);
  }

  // migrate
  const migrate = await timed('migrate', () =>
    runAction({
      stage: 'migrate',
      cwd: repoRoot,
      inputs: {
        'database-url': secretValues.get(secretId('DATABASE_URL', environment)) ?? '',
        'proxy-path': join(STANDINS_BIN, 'cloud-sql-proxy'),
        'working-directory': EXAMPLE,
        command: `${PYTHON} -m alembic upgrade head`,
      },
      env: {
        ...standinEnv,
        GITHUB_SHA: ctx.sha,
        CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${postgres.port}`,
        PYTHONDONTWRITEBYTECODE: '1',
      },
      secrets: secretsOf(ctx),
      timeoutMs: 120_000,
    }),
  );
  cleanups.push(migrate.value.cleanup);
  printStage('migrate (actions/migrate)', migrate.value);
  if (
    !record('migrate', migrate.value.code === 0, migrate.ms, migrate.value.outputs['revision-after'] ?? '')
  ) {
    skipDependents();
    return finish(results, started, ctx);
  }

  // deploy
  const port = servicePort;
  const url = `http://127.0.0.1:${port}`;
  const revision = `${SERVICE}-00001-rhs`;
  const bypass = ctx.outputs.config['allow-dev-auth-bypass'] === 'true';
  const secretRef = (name: string): SecretRef => ({ secret: secretId(name, environment), version: 'latest' });
  const serviceDocument = servicePlan({
    environment,
    action: 'create',
    project: PROJECT,
    region: REGION,
    plainEnv: {
      ENV: environment,
      BASE_URL: url,
      CLERK_JWKS_URL: 'https://clerk.example.com/.well-known/jwks.json',
      COMMIT_SHA: ctx.sha,
    },
    secretEnv: {
      DATABASE_URL: secretRef('DATABASE_URL'),
      CLERK_SECRET_KEY: secretRef('CLERK_SECRET_KEY'),
      ADMIN_API_KEY: secretRef('ADMIN_API_KEY'),
    },
    commitSha: ctx.sha,
    previousCommitSha: null,
  });
  const deploy = await timed('deploy', () =>
    runDeploy(
      ctx,
      'service',
      serviceDocument,
      {
        url: { value: url, type: 'string', sensitive: false },
        revision: { value: revision, type: 'string', sensitive: false },
      },
      [
        `commit_sha=${ctx.sha}`,
        `base_url=${url}`,
        'clerk_jwks_url=https://clerk.example.com/.well-known/jwks.json',
        `cloud_sql_instance=${INSTANCE}`,
      ],
      // As pipeline.yml: the image must come from the pipeline's repository, its digest there.
      {
        image: build.value.outputs['image'] ?? '',
        'image-repository': `${ctx.registry.host}/services/${SERVICE}`,
      },
    ),
  );
  cleanups.push(deploy.value.result.cleanup);
  printStage('deploy (actions/deploy on infra/service)', deploy.value.result);
  ctx.outputs.deploy = deploy.value.result.outputs;
  if (
    !record(
      'deploy',
      deploy.value.result.code === 0,
      deploy.ms,
      `revision ${deploy.value.result.outputs['revision'] ?? '?'}`,
    )
  ) {
    skipDependents();
    return finish(results, started, ctx);
  }

  // health: "Cloud Run" serves the new revision with the plan's env
  const env = { ...plannedEnv(ctx, serviceDocument, bypass), K_REVISION: revision, K_SERVICE: SERVICE };
  startService(env, port);
  const gcloud = gcloudScenario(ctx, revision, url);
  cleanups.push(() => rmSync(gcloud.dir, { recursive: true, force: true }));
  const health = await timed('health', () =>
    runAction({
      stage: 'health-check',
      cwd: repoRoot,
      inputs: {
        service: SERVICE,
        region: REGION,
        project: PROJECT,
        revision: deploy.value.result.outputs['revision'] ?? '',
        url: deploy.value.result.outputs['url'] ?? '',
        expect: JSON.stringify({ status: 'ok', revision, commit: ctx.sha }),
        timeout: '60s',
      },
      env: { ...gcloud.env, ...standinEnv, GITHUB_SHA: ctx.sha },
      pathPrepend: [STANDINS_BIN],
      secrets: secretsOf(ctx),
      timeoutMs: 90_000,
    }),
  );
  cleanups.push(health.value.cleanup);
  printStage('health (actions/health-check)', health.value);
  record(
    'health',
    health.value.code === 0,
    health.ms,
    `${health.value.outputs['attempts'] ?? '?'} attempt(s)`,
  );
  return finish(results, started, ctx);
}

/**
 * With the flag arriving another way (the deploy action's own input), deploy stops before
 * `terraform init`. True when both guards held and nothing changed anywhere.
 */
async function showDeployGuard(ctx: Context): Promise<boolean> {
  const { result, terraformLog } = await runDeploy(
    ctx,
    'service',
    servicePlan({ environment: 'prod' }),
    {},
    [],
    {
      'allow-dev-auth-bypass': 'true',
      image: `${ctx.registry.host}/services/${SERVICE}@sha256:${'0'.repeat(64)}`,
    },
  );
  cleanups.push(result.cleanup);
  printStage('and if the flag reached actions/deploy another way (its own input)', result);
  const calls = terraformCalls(terraformLog).length;
  const tags = await httpRequest(`${ctx.registry.url}/v2/_catalog`);
  const repositories =
    (JSON.parse(tags.body.toString('utf8')) as { repositories?: string[] }).repositories ?? [];
  const migrated =
    (await ctx.postgres.query("SELECT to_regclass('public.alembic_version') IS NOT NULL")).trim() === 't';
  console.log(
    `\nNothing changed: terraform was called ${calls} time(s), the registry holds ${repositories.length} repositories, ` +
      `and the database has ${migrated ? 'an (!)' : 'no'} alembic_version table.`,
  );
  return (
    result.code !== 0 &&
    /production/i.test(result.log) &&
    calls === 0 &&
    repositories.length === 0 &&
    !migrated
  );
}

function finish(results: StageResult[], started: number, ctx: Context): boolean {
  console.log(`\n${bold('Result')}\n${table(results)}`);
  const ok = results.every((r) => r.outcome === 'success');
  console.log(
    `\n${ok ? 'Rehearsal passed' : 'Rehearsal stopped'} in ${((performance.now() - started) / 1000).toFixed(1)} s (environment ${ctx.environment}, commit ${ctx.sha.slice(0, 7)}).`,
  );
  return ok;
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const bypassInProd = process.argv.includes('--bypass-in-prod');
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
    ok = await rehearse(bypassInProd);
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await cleanup();
  }
  process.exit(ok ? 0 : 1);
}

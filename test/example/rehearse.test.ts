// `npm run rehearse`, the README's main command: its stages follow the reusable pipeline's job
// graph, it runs the dev chain to a healthy service and leaves nothing running, every stage is
// given exactly what pipeline.yml gives it (compared with the workflow after the run), its one
// kind of difference (input values) is named first and in the result table, and the prod
// rehearsal with the bypass flag stops before any change.
//
// `--env prod`: the deploy-prod chain with `rollout: verified`, pushed twice on the emulator. The
// first push creates the service; the second deploys a second revision with the traffic held,
// health-check checks it on the `candidate` tag URL (which only its own process answers), and
// promote moves the traffic in the steps. With --unhealthy-candidate the second revision's
// /health answers 503: its check fails, promote is skipped, no traffic ever reaches it, its tag
// is removed and the first revision keeps 100 %: the run passes, as the expected outcome.
//
// Every rehearsal run is in this one file, so they run one after another (each run takes the
// machine's 2 CPUs, and two migrate jobs at once would both want the proxy's port 5432); each
// run is shared by the tests that read it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CALLER_CHANGES,
  jobOutputs,
  pipelineStageInputs,
  resolvePipeline,
  STAGES,
  stageStepOf,
  type JobRecord,
} from '../../scripts/rehearse.js';
import type { RouterHit } from '../../scripts/rehearsal-router.js';
import { repoRoot } from '../../testkit/local-runner.mjs';
import { loadWorkflow, needsOf, stageSteps, type ExpressionValue } from '../../testkit/workflows.js';
import { listening, rehearse, results, startedPorts, type Run } from './rehearsal-run.js';

/** What the rehearsal wrote with REHEARSAL_RECORD (scripts/rehearse.ts, writeRecord). */
interface RehearsalRecord {
  environment: 'dev' | 'prod';
  vars: Record<string, string>;
  github: Record<string, ExpressionValue>;
  referenceInputs: Record<string, ExpressionValue>;
  callerInputs: Record<string, ExpressionValue>;
  pipelineInputs: Record<string, ExpressionValue>;
  stageAdditions: Record<string, Record<string, string>>;
  jobs: Record<string, JobRecord>;
  results: { job: string; outcome: string }[];
}

// One dev run for the tests that read it (the machine has 2 CPUs).
const recordDir = mkdtempSync(join(tmpdir(), 'rehearsal-record-'));
const recordFile = join(recordDir, 'record.json');
let devRun: Promise<Run> | undefined;
const dev = () => (devRun ??= rehearse([], { REHEARSAL_RECORD: recordFile }));
afterAll(() => rmSync(recordDir, { recursive: true, force: true }));

describe('npm run rehearse', () => {
  it('runs its stages in the order of the reusable pipeline’s job graph', () => {
    const pipeline = loadWorkflow('pipeline.yml');
    expect(STAGES.map((stage) => stage.job)).toEqual(Object.keys(pipeline.jobs));
    for (const stage of STAGES) {
      expect([...stage.needs].sort(), stage.job).toEqual(needsOf(pipeline.jobs[stage.job] ?? {}).sort());
    }
  });

  it('takes the reference service through every stage to a healthy revision, and leaves nothing running', async () => {
    const run = await dev();
    expect(run.output).toContain('Rehearsal passed');
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(results(run.output)).toEqual({
      config: 'success',
      test: 'success',
      build: 'success',
      platform: 'success',
      migrate: 'success',
      deploy: 'success',
      health: 'success',
      // Its own `if:` (rollout verified) is false for dev: skipped, as the run intends.
      promote: 'skipped',
    });
    expect(run.output).toMatch(
      /^\| promote \| actions\/promote \| \S+ skipped \| +\| `if: inputs\.rollout == 'verified'` is false \(rollout direct\) \|$/m,
    );
    // Google Cloud is the local emulator over REST; stand-ins are named as such.
    expect(run.output).toMatch(
      /^Google Cloud: the local Google emulator \(testkit\/google-emulator\.mjs\), reached over REST:/m,
    );
    expect(run.output).toContain('No gcloud on any PATH.');
    expect(run.output).toMatch(
      /^Stand-ins: terraform \(test\/standins\/bin; apply writes the service into the emulator's Cloud Run\)/m,
    );
    // Each stage's job summary is printed.
    for (const heading of ['Secret preflight', 'Environment of google_cloud_run_v2_service.api']) {
      expect(run.output).toContain(heading);
    }
    // registry, PostgreSQL, emulator, GitHub API stand-in, the router's two URLs, the revision.
    const ports = startedPorts(run.output);
    expect(ports.length).toBeGreaterThanOrEqual(7);
    for (const port of ports) expect(await listening(port), `port ${port}`).toBe(false);
  }, 300_000);

  it('gives every stage exactly the inputs pipeline.yml evaluates to for the reference caller', async () => {
    const run = await dev();
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RehearsalRecord;
    // The call: the reference caller's values (evaluated here again from its file), changed only
    // where CALLER_CHANGES says, through deploy-dev.yml into pipeline.yml.
    const changes = Object.fromEntries(
      Object.keys(CALLER_CHANGES).map((name) => [name, record.callerInputs[name] ?? null]),
    );
    const resolved = resolvePipeline(
      record.environment,
      record.vars,
      changes,
      record.github['sha'] as string,
    );
    // The run's token is a secret of the run: the record holds it as ***, as every other.
    expect(record.github).toEqual({ ...resolved.github, token: '***' });
    const pipeline = { ...resolved, github: record.github };
    expect(record.referenceInputs).toEqual(pipeline.referenceInputs);
    expect(record.callerInputs).toEqual(pipeline.callerInputs);
    expect(record.pipelineInputs).toEqual(pipeline.inputs);
    expect(record.pipelineInputs['builder']).toBe('buildah');

    // Every job that runs a stage action ran it, with its `with:` evaluated from pipeline.yml
    // (needs and steps from what the earlier jobs and steps set), plus only STAGE_ADDITIONS,
    // none of which pipeline.yml sets. A new `with:` key the rehearsal ignored would differ here.
    const workflow = loadWorkflow('pipeline.yml');
    const jobs: Record<string, JobRecord> = {};
    for (const id of Object.keys(workflow.jobs)) {
      const recorded = record.jobs[id];
      // promote: its own `if:` is false for dev, so it never ran (and nothing needs it).
      if (id === 'promote') {
        expect(record.results.find((result) => result.job === id)?.outcome).toBe('skipped');
        expect(recorded).toBeUndefined();
        continue;
      }
      expect(recorded, id).toBeDefined();
      const steps = recorded?.steps ?? {};
      if (stageSteps(workflow.jobs[id] ?? {}).length > 0) {
        const additions = record.stageAdditions[id] ?? {};
        for (const name of Object.keys(additions)) {
          expect(Object.keys(stageStepOf(workflow, id).step.with ?? {}), `${id}: ${name}`).not.toContain(
            name,
          );
        }
        expect(recorded?.inputs, id).toEqual({
          ...pipelineStageInputs(pipeline, jobs, id, steps),
          ...additions,
        });
      } else {
        expect(recorded?.inputs, id).toBeUndefined();
      }
      jobs[id] = { steps, outputs: jobOutputs(pipeline, jobs, id, steps) };
      expect(recorded?.outputs, id).toEqual(jobs[id].outputs);
    }
    expect(Object.keys(record.stageAdditions)).toEqual(['migrate']);
    expect(record.stageAdditions['migrate']).toEqual({
      'proxy-path': join(repoRoot, 'test', 'standins', 'bin', 'cloud-sql-proxy'),
    });
    // The caller sets no health-expect: health-check gets it empty, from pipeline.yml.
    expect(record.jobs['health']?.inputs?.['expect']).toBe('');
    expect(record.jobs['deploy']?.inputs).toMatchObject({ traffic: 'latest' });
    expect(record.jobs['health']?.inputs).toMatchObject({ tag: '' });
    expect(record.jobs['build']?.inputs).toMatchObject({ builder: 'buildah' });
    // The secret the migrate job reads never reached the record.
    expect(record.jobs['migrate']?.inputs?.['database-url']).toBe('***');
  }, 300_000);

  it('names where it differs from the shipped pipeline: in its first lines and in the result table', async () => {
    const run = await dev();
    const first = run.output.slice(0, run.output.indexOf('\nStarted: '));
    expect(first).toContain('Differs from the shipped pipeline only in input values:');
    expect(first).toMatch(
      /- builder \(caller input\): buildah instead of docker \(buildx\): no Docker engine here/,
    );
    // The build job's buildx set-up, skipped by the workflow's own condition.
    expect(run.output).toContain(
      "docker/setup-buildx-action: skipped, `if: inputs.builder == 'docker'` is false",
    );
    const result = run.output.slice(run.output.lastIndexOf('\nResult\n'));
    expect(result).toMatch(
      /^\| build \| actions\/build-push \| \S+ success \| [^|]+ \| [^|]*differs: builder=buildah \(shipped default docker\)/m,
    );
    expect(result).toMatch(
      /^\| migrate \| actions\/migrate \| \S+ success \| [^|]+ \| [^|]*differs: proxy-path stand-in/m,
    );
    expect(result).toContain('Differs from the shipped pipeline only in input values:');
    expect(result).toMatch(/- builder=buildah \(caller input\): buildah instead of docker/);
    // The revision Cloud Run (the emulator) named at the apply is the one the workflow outputs.
    const deployed =
      /^\| deploy \| [^|]+ \| \S+ success \| [^|]+ \| revision (fastapi-service-00001-[a-z0-9]{3}); traffic latest \|/m.exec(
        result,
      )?.[1];
    expect(deployed).toBeDefined();
    expect(result).toMatch(
      new RegExp(
        `Outputs of deploy-dev\\.yml: image=\\S+@sha256:[0-9a-f]{64}, revision=${deployed ?? ''}, url=http://127\\.0\\.0\\.1:\\d+`,
      ),
    );
  }, 300_000);

  it('stops a prod run with ALLOW_DEV_AUTH_BYPASS=true before any change (--bypass-in-prod)', async () => {
    const run = await rehearse(['--bypass-in-prod']);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.output).toContain('::error title=Dev auth bypass in prod::');
    expect(results(run.output)).toEqual({
      config: 'failure',
      test: 'skipped',
      build: 'skipped',
      platform: 'skipped',
      migrate: 'skipped',
      deploy: 'skipped',
      health: 'skipped',
      promote: 'skipped',
    });
    expect(run.output).toMatch(/allow-dev-auth-bypass.*production|production.*allow-dev-auth-bypass/i);
    expect(run.output).toContain(
      'Nothing changed: terraform was called 0 time(s), the registry holds 0 repositories, and the database has no alembic_version table.',
    );
    expect(run.output).toContain('Rehearsal passed: the prod run was stopped before any change');
  }, 300_000);
});

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';

interface Target {
  type?: string;
  revision?: string;
  percent?: number;
  tag?: string;
}
type Window = { start: number; end: number };
/** What the prod rehearsal wrote with REHEARSAL_RECORD (scripts/rehearse.ts, writeRecord). */
interface ProdRecord {
  environment: string;
  pipelineInputs: Record<string, unknown>;
  pushes: {
    sha: string;
    jobs: Record<string, JobRecord>;
    results: { job: string; outcome: string }[];
    windows: Record<string, Window>;
  }[];
  emulator: {
    service: { trafficStatuses?: Target[]; latestCreatedRevision?: string } | null;
    trafficChanges: { at: number; by: string; traffic: Target[] }[];
  };
  router: {
    ports: { service: number; tags: Record<string, number> };
    processes: Record<string, number>;
    hits: RouterHit[];
  };
}

const runs = new Map<string, Promise<{ run: Run; record: ProdRecord }>>();
/** One rehearsal per set of flags, its record read once it ended. */
function rehearsal(args: string[]): Promise<{ run: Run; record: ProdRecord }> {
  const key = args.join(' ');
  let started = runs.get(key);
  if (started === undefined) {
    const file = join(recordDir, `prod-${runs.size}.json`);
    started = rehearse(args, { REHEARSAL_RECORD: file }).then((run) => {
      let record: ProdRecord;
      try {
        record = JSON.parse(readFileSync(file, 'utf8')) as ProdRecord;
      } catch {
        throw new Error(`the rehearsal wrote no record:\n${run.output.slice(-3000)}`);
      }
      return { run, record };
    });
    runs.set(key, started);
  }
  return started;
}
const prod = () => rehearsal(['--env', 'prod']);
const unhealthy = () => rehearsal(['--env', 'prod', '--unhealthy-candidate']);

/** The output of each push: its part of the log, from its heading to the next. */
function pushOutputs(output: string): string[] {
  return output.split(/^━━ push \d of \d: /m).slice(1);
}

/** A traffic change as `revision percent tag` entries, sorted (LATEST as LATEST). */
const shape = (traffic: Target[]) =>
  traffic
    .map(
      (target) =>
        `${target.type === LATEST ? 'LATEST' : (target.revision ?? '?')} ${target.percent ?? 0}${target.tag ? ` ${target.tag}` : ''}`,
    )
    .sort();

/** The job of a push whose window holds the instant. */
function jobAt(record: ProdRecord, at: number): string {
  for (const [index, push] of record.pushes.entries()) {
    for (const [job, window] of Object.entries(push.windows)) {
      if (at >= window.start && at <= window.end) return `${index + 1} ${job}`;
    }
  }
  return '?';
}

const revisions = (record: ProdRecord) => ({
  first: record.pushes[0]?.jobs['deploy']?.outputs['revision'] ?? '',
  second: record.pushes[1]?.jobs['deploy']?.outputs['revision'] ?? '',
});

/** What serves now: the split (LATEST resolved) and the tags. */
function servingNow(record: ProdRecord) {
  const statuses = record.emulator.service?.trafficStatuses ?? [];
  return {
    split: Object.fromEntries(
      statuses.filter((s) => (s.percent ?? 0) > 0).map((s) => [s.revision ?? '?', s.percent ?? 0]),
    ),
    tags: statuses.filter((s) => s.tag).map((s) => `${s.tag ?? ''} → ${s.revision ?? '?'}`),
  };
}

describe('npm run rehearse -- --env prod', () => {
  it('pushes twice: the first deploy creates the service, the second rolls a second revision out verified', async () => {
    const { run, record } = await prod();
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.output).toMatch(
      /^Rehearsal passed in [\d.]+ s \(environment prod, commits \w{7}, then \w{7}\)\.$/m,
    );
    expect(record.pipelineInputs).toMatchObject({ rollout: 'verified', 'rollout-steps': '50,100' });
    const [first, second] = pushOutputs(run.output);
    const all = {
      config: 'success',
      test: 'success',
      build: 'success',
      platform: 'success',
      migrate: 'success',
      deploy: 'success',
      health: 'success',
      promote: 'success',
    };
    expect(results(first ?? '')).toEqual(all);
    expect(results(second ?? '')).toEqual(all);
    expect(record.pushes.map((push) => push.sha)).toHaveLength(2);
    expect(record.pushes[0]?.sha).not.toBe(record.pushes[1]?.sha);
    // The first deploy: nothing to pin, the revision takes 100 %; promote has nothing to move.
    expect(first).toContain('| Traffic | no such service yet (a first deploy): nothing to pin');
    expect(first).toMatch(/already served 100%/);
    // The second: the split pinned by name before the apply (push 1's tag had named it
    // already), the new revision at 0 % after it.
    const { first: one, second: two } = revisions(record);
    expect(one).toMatch(/^fastapi-service-\d{5}-[a-z0-9]{3}$/);
    expect(two).toMatch(/^fastapi-service-\d{5}-[a-z0-9]{3}$/);
    expect(two).not.toBe(one);
    expect(record.pushes[1]?.jobs['deploy']?.outputs['previous-revision']).toBe(one);
    expect(second).toContain(`| Traffic | held (already pinned by name: ${one} 100%) |`);
    expect(second).toContain(
      `| Traffic after apply | held: ${one} 100%; the new revision ${two} serves 0 % |`,
    );
    expect(record.emulator.service?.latestCreatedRevision).toMatch(new RegExp(`/revisions/${two}$`));
    // Each revision has its own process.
    expect(Object.keys(record.router.processes).sort()).toEqual([one, two].sort());
    expect(record.router.processes[one]).not.toBe(record.router.processes[two]);
    for (const port of startedPorts(run.output)) expect(await listening(port), `port ${port}`).toBe(false);
  }, 300_000);

  it('checks the candidate on its tag URL, which only the candidate’s own process answers', async () => {
    const { record } = await prod();
    const { first: one, second: two } = revisions(record);
    const tagUrl = `http://127.0.0.1:${record.router.ports.tags['candidate'] ?? 0}`;
    const health = record.pushes[1]?.jobs['health'];
    expect(health?.inputs).toMatchObject({ tag: 'candidate', url: '' });
    expect(health?.steps['health']?.outputs['tag-url']).toBe(tagUrl);
    const window = record.pushes[1]?.windows['health'];
    expect(window).toBeDefined();
    const during = record.router.hits.filter(
      (hit) => hit.at >= (window?.start ?? 0) && hit.at <= (window?.end ?? 0),
    );
    const checks = during.filter((hit) => hit.path === '/health');
    expect(checks.length).toBeGreaterThan(0);
    for (const hit of checks) {
      expect(hit).toMatchObject({ via: 'tag:candidate', revision: two, port: record.router.processes[two] });
    }
    expect(checks.at(-1)?.status).toBe(200);
    // The first revision's process answered no health check of the candidate.
    expect(during.filter((hit) => hit.revision === one)).toEqual([]);
    // promote checked the service URL during its steps: both processes served it at 50/50.
    const promote = record.pushes[1]?.windows['promote'];
    const served = new Set(
      record.router.hits
        .filter(
          (hit) => hit.via === 'service' && hit.at >= (promote?.start ?? 0) && hit.at <= (promote?.end ?? 0),
        )
        .map((hit) => hit.revision),
    );
    expect([...served].sort()).toEqual([one, two].sort());
  }, 300_000);

  it('changes the traffic in order: tag at 0 %, the steps, 100 %; the new revision serves 100 % at the end', async () => {
    const { run, record } = await prod();
    const { first: one, second: two } = revisions(record);
    const changes = record.emulator.trafficChanges.map((change) => ({
      job: jobAt(record, change.at),
      traffic: shape(change.traffic),
    }));
    expect(changes).toEqual([
      // push 1: health tags the only revision (by name: that pins it), promote removes the tag.
      { job: '1 health', traffic: [`${one} 100 candidate`] },
      { job: '1 promote', traffic: [`${one} 100`] },
      // push 2: deploy finds it pinned (no change), the apply leaves the traffic alone;
      // health tags the candidate at 0 %, promote moves 50 %, then 100 % (the tag removed).
      { job: '2 health', traffic: [`${one} 100`, `${two} 0 candidate`].sort() },
      { job: '2 promote', traffic: [`${one} 50`, `${two} 50 candidate`].sort() },
      { job: '2 promote', traffic: [`${two} 100`] },
    ]);
    expect(servingNow(record)).toEqual({ split: { [two]: 100 }, tags: [] });
    // The run shows them in order, and its own checks.
    const shown = run.output.slice(run.output.indexOf('Traffic changes of the service, in order'));
    expect(shown).toMatch(/^ {2}1\. push 1 health \(PATCH\): /m);
    expect(shown).toMatch(/^ {2}5\. push 2 promote \(PATCH\): /m);
    expect(shown).toContain(`✅ ${two} serves 100 %`);
    expect(shown).not.toContain('❌');
  }, 300_000);
});

describe('npm run rehearse -- --env prod --unhealthy-candidate', () => {
  it('fails the pipeline at the candidate’s health check, as expected, and says so', async () => {
    const { run, record } = await unhealthy();
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.output).toMatch(/^Rehearsal passed in [\d.]+ s \(.*\): the pipeline failed as expected\.$/m);
    const [first, second] = pushOutputs(run.output);
    expect(results(first ?? '')).toMatchObject({ deploy: 'success', health: 'success', promote: 'success' });
    expect(results(second ?? '')).toEqual({
      config: 'success',
      test: 'success',
      build: 'success',
      platform: 'success',
      migrate: 'success',
      deploy: 'success',
      health: 'failure',
      promote: 'skipped',
    });
    expect(second).toMatch(
      /^\| promote \| actions\/promote \| \S+ skipped \| +\| health did not succeed \|$/m,
    );
    expect(second).toContain('(--unhealthy-candidate: its /health answers 503)');
    expect(record.pushes[1]?.jobs['promote']).toBeUndefined();
    for (const port of startedPorts(run.output)) expect(await listening(port), `port ${port}`).toBe(false);
  }, 300_000);

  it('never gives the candidate traffic: every change keeps it at 0 %, its tag is removed, the old revision keeps 100 %', async () => {
    const { record } = await unhealthy();
    const { first: one, second: two } = revisions(record);
    expect(two).not.toBe('');
    expect(two).not.toBe(one);
    const since = record.pushes[1]?.windows['deploy']?.start ?? 0;
    const later = record.emulator.trafficChanges.filter((change) => change.at >= since);
    expect(later.length).toBeGreaterThan(0);
    for (const change of record.emulator.trafficChanges) {
      for (const target of change.traffic) {
        if (target.revision === two || (change.at >= since && target.type === LATEST)) {
          expect(target.percent ?? 0, JSON.stringify(change)).toBe(0);
        }
      }
    }
    // The tag came and went in the health job: set at 0 %, removed when the check failed.
    expect(
      later.map((change) => ({ job: jobAt(record, change.at), traffic: shape(change.traffic) })),
    ).toEqual([
      { job: '2 health', traffic: [`${one} 100`, `${two} 0 candidate`].sort() },
      { job: '2 health', traffic: [`${one} 100`] },
    ]);
    expect(servingNow(record)).toEqual({ split: { [one]: 100 }, tags: [] });
    // The candidate's process answered only its tag URL, unhealthy; the service URL never reached it.
    const candidate = record.router.hits.filter((hit) => hit.revision === two);
    expect(candidate.length).toBeGreaterThan(0);
    for (const hit of candidate) expect(hit).toMatchObject({ via: 'tag:candidate', status: 503 });
  }, 300_000);
});

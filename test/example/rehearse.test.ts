// `npm run rehearse`, the README's main command: its stages follow the reusable pipeline's job
// graph, it runs the dev chain to a healthy service and leaves nothing running, every stage is
// given exactly what pipeline.yml gives it (compared with the workflow after the run), its one
// kind of difference (input values) is named first and in the result table, and the prod
// rehearsal with the bypass flag stops before any change.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
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
import { repoRoot } from '../../testkit/local-runner.mjs';
import { loadWorkflow, needsOf, stageSteps, type ExpressionValue } from '../../testkit/workflows.js';

interface Run {
  code: number | null;
  output: string;
}

function rehearse(args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/rehearse.ts', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined, FORCE_COLOR: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
    }, 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Whether something still accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The final table's rows: stage → result. */
function results(output: string): Record<string, string> {
  const rows = [...output.matchAll(/^\| (\w+) \| [^|]+ \| \S+ (success|failure|skipped) \|/gm)];
  return Object.fromEntries(rows.map((row): [string, string] => [row[1] ?? '', row[2] ?? '']));
}

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
    });
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
    const ports = [...run.output.matchAll(/^Started: (.*)$/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/127\.0\.0\.1:(\d+)/g)].map((p) => Number(p[1])),
    );
    expect(ports.length).toBeGreaterThanOrEqual(3);
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
    expect(record.jobs['health']?.inputs).not.toHaveProperty('expect');
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
      /^\| deploy \| [^|]+ \| \S+ success \| [^|]+ \| revision (fastapi-service-00001-[a-z0-9]{3}) \|/m.exec(
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
    });
    expect(run.output).toMatch(/allow-dev-auth-bypass.*production|production.*allow-dev-auth-bypass/i);
    expect(run.output).toContain(
      'Nothing changed: terraform was called 0 time(s), the registry holds 0 repositories, and the database has no alembic_version table.',
    );
    expect(run.output).toContain('Rehearsal passed: the prod run was stopped before any change');
  }, 300_000);
});

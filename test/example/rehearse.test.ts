// `npm run rehearse`, the README's main command: its stages follow the reusable pipeline's job
// graph, it runs the dev chain to a healthy service and leaves nothing running, and the prod
// rehearsal with the bypass flag stops before any change.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../scripts/rehearse.js';
import { repoRoot } from '../../testkit/local-runner.mjs';
import { loadWorkflow, needsOf } from '../../testkit/workflows.js';

interface Run {
  code: number | null;
  output: string;
}

function rehearse(args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/rehearse.ts', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined, FORCE_COLOR: '0' },
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

describe('npm run rehearse', () => {
  it('runs its stages in the order of the reusable pipeline’s job graph', () => {
    const pipeline = loadWorkflow('pipeline.yml');
    expect(STAGES.map((stage) => stage.job)).toEqual(Object.keys(pipeline.jobs));
    for (const stage of STAGES) {
      expect([...stage.needs].sort(), stage.job).toEqual(needsOf(pipeline.jobs[stage.job] ?? {}).sort());
    }
  });

  it('takes the reference service through every stage to a healthy revision, and leaves nothing running', async () => {
    const run = await rehearse();
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
    // Stand-ins are named as such.
    expect(run.output).toMatch(/Stand-ins \(no Google Cloud here\): terraform and gcloud/);
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

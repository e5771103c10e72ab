// Runs `npm run rehearse` (scripts/rehearse.ts) as a process, as the README's command does, and
// reads what it printed (for rehearse.test.ts; keep every run in that one file, so that no two
// rehearsals run at once).
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../testkit/local-runner.mjs';

export interface Run {
  code: number | null;
  output: string;
}

export function rehearse(args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
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
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A result table's rows: stage → result (the last table's, when there are several). */
export function results(output: string): Record<string, string> {
  const rows = [...output.matchAll(/^\| (\w+) \| [^|]+ \| \S+ (success|failure|skipped) \|/gm)];
  return Object.fromEntries(rows.map((row): [string, string] => [row[1] ?? '', row[2] ?? '']));
}

/** Every port the run's `Started:` lines name. */
export function startedPorts(output: string): number[] {
  return [...output.matchAll(/^Started: (.*)$/gm)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/127\.0\.0\.1:(\d+)/g)].map((p) => Number(p[1])),
  );
}

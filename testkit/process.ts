import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a tool with an argument array and a deadline; a failure carries the tool's stderr. */
export function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = error.killed ? `timed out after ${timeoutMs} ms` : error.message;
          reject(new Error(`${[file, ...args].join(' ')}: ${reason}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether a process exists and has not yet exited. A zombie counts as gone: killed orphans are
 * reparented to PID 1, which on some machines (containers, micro-VMs) never reaps them, and
 * `kill(pid, 0)` succeeds on a zombie.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls every 20 ms until the predicate holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Resolves once the process has exited; throws if it still runs after `timeoutMs`. A killed
 * grandchild is not ours to wait for: SIGKILL is delivered at once, but it may close its pipes
 * (which is what ended the tool) a moment before it stops running.
 */
export function waitUntilGone(pid: number, timeoutMs = 2_000): Promise<void> {
  return waitFor(`pid ${pid} to stop`, () => !isRunning(pid), timeoutMs);
}

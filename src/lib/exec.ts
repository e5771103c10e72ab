import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CancelledError } from './errors.js';
import { formatMs } from './format.js';
import { LineBuffer, writeFenced } from './relay.js';
import { longestSecretLength, redact } from './secrets.js';

export interface ToolOptions {
  /** Working directory of the tool. */
  cwd?: string;
  /** The tool's whole environment; default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Deadline for the tool, in milliseconds. Past it the process group is stopped. */
  timeoutMs: number;
  /** Written to the tool's standard input, which is then closed. */
  stdin?: string;
  /** Accept these exit codes besides 0 (e.g. Terraform's `-detailed-exitcode` 2). */
  okCodes?: readonly number[];
  /**
   * Called with whole lines of output as they arrive (each batch ends in a newline, secrets
   * removed). Printing them is the relay's job: see `live`.
   */
  onOutput?: (lines: string, stream: 'stdout' | 'stderr') => void;
  /** Write the output to the log as it arrives, through the one relay (`writeFenced`). */
  live?: boolean;
  /** How a cancelled run stops this tool: kill its group (default) or forward one SIGINT and wait. */
  onCancel?: 'kill' | 'interrupt';
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A tool that failed: its command, exit status and the tail of its stderr, secrets removed. */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    message: string,
    readonly result: ToolResult | undefined,
  ) {
    super(message);
  }
}

/** Grace between SIGTERM and SIGKILL when a process group is stopped. */
export const KILL_GRACE_MS = 5_000;
/** How long a tool gets to exit after the one SIGINT of a cancellation (Terraform unlocking state). */
export const INTERRUPT_GRACE_MS = 60_000;
/** Output kept per stream; a tool that prints more keeps its last part. */
const MAX_CAPTURE = 64 * 1024 * 1024;
const STDERR_TAIL_LINES = 20;

/** Output kept as chunks and joined once: appending to one string would copy it at every chunk. */
class Capture {
  private chunks: string[] = [];
  private length = 0;
  add(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    // Past the cap, keep the tail: the end of a log says most about a failure.
    while (this.length > MAX_CAPTURE && this.chunks.length > 1) {
      this.length -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    return this.chunks.join('');
  }
}

interface Tracked {
  child: ChildProcess;
  onCancel: 'kill' | 'interrupt';
  exited: Promise<void>;
}
const live = new Set<Tracked>();
/** Set for good once the step is being cancelled: from then on no tool starts. */
const cancellation = { started: false };

/** Whether the step is being cancelled (no tool starts any more). */
export function isCancelling(): boolean {
  return cancellation.started;
}

/** For tests only: a step is cancelled once, a test file cancels several. */
export function resetCancellation(): void {
  cancellation.started = false;
}

/** The command line for messages: arguments quoted when needed, secrets removed. */
export function describeCommand(command: string, args: readonly string[]): string {
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg));
  return redact([command, ...args].map(quote).join(' '));
}

/**
 * The last `lines` lines of `text`, secrets removed before the cut: the window redacted reaches
 * back as far as the longest secret past the first kept line, so a secret across the cut is
 * recognised whole and never leaves a piece in the tail.
 */
export function redactedTail(text: string, lines: number): string {
  const trimmed = text.trimEnd();
  let start = trimmed.length;
  for (let kept = 0; kept < lines && start > 0; kept++) start = trimmed.lastIndexOf('\n', start - 1);
  const from = Math.max(0, start - longestSecretLength());
  return redact(trimmed.slice(from)).split('\n').slice(-lines).join('\n');
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole process group the tool leads (it was spawned detached). The group
    // outlives its leader while background children remain: they are signalled too.
    process.kill(-child.pid, signal);
  } catch {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** SIGTERM to the tool's process group, SIGKILL after the grace; resolves when it exited. */
export async function stopProcessGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  timer.unref();
  await exited;
  clearTimeout(timer);
  // Grandchildren that outlived the leader get no grace.
  signalGroup(child, 'SIGKILL');
}

/**
 * Stops every tool still running: used by the error boundary on failure and on cancellation.
 * Tools started with `onCancel: 'interrupt'` get one SIGINT and are waited for (Terraform
 * releases its state lock that way); the others are stopped as a group.
 */
export async function stopAllTools(reason: 'failure' | 'cancel'): Promise<void> {
  // A step that goes on after its tool was stopped must not start the next one (a push after
  // a build that exited 0 on SIGTERM): that one would outlive the step.
  if (reason === 'cancel') cancellation.started = true;
  await Promise.all(
    [...live].map(async (tracked) => {
      if (reason === 'cancel' && tracked.onCancel === 'interrupt') {
        signalGroup(tracked.child, 'SIGINT');
        // Give the tool its clean exit, but not forever: then stop it like any other.
        const gaveUp = await Promise.race([
          tracked.exited.then(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), INTERRUPT_GRACE_MS).unref()),
        ]);
        if (gaveUp) await stopProcessGroup(tracked.child);
        return;
      }
      await stopProcessGroup(tracked.child);
    }),
  );
}

/**
 * Tracks a long-lived process started elsewhere (a proxy), so that failure and cancellation
 * stop it like any tool; returns the function that stops tracking it.
 */
export function trackProcess(child: ChildProcess, onCancel: 'kill' | 'interrupt' = 'kill'): () => void {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const tracked: Tracked = { child, onCancel, exited };
  live.add(tracked);
  // Started while the step is being cancelled: nothing else would stop it.
  if (cancellation.started) void stopProcessGroup(child);
  return () => live.delete(tracked);
}

/** Number of tools this process is running (for tests of the cleanup). */
export function liveToolCount(): number {
  return live.size;
}

/**
 * Runs a tool with an argument array (never a shell), under a deadline, capturing its output.
 * A non-zero exit (other than `okCodes`), a signal, a spawn failure or the deadline becomes a
 * `ToolError` that names the command and carries the tail of stderr, secrets removed.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  options: ToolOptions,
): Promise<ToolResult> {
  const started = performance.now();
  const shown = describeCommand(command, args);
  if (cancellation.started) throw new CancelledError(`${shown} was not started: the step is being cancelled`);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const tracked: Tracked = { child, onCancel: options.onCancel ?? 'kill', exited };
  live.add(tracked);

  const captured = { stdout: new Capture(), stderr: new Capture() };
  const lines = {
    stdout: new LineBuffer((text) => relay(text, 'stdout')),
    stderr: new LineBuffer((text) => relay(text, 'stderr')),
  };
  function relay(text: string, stream: 'stdout' | 'stderr'): void {
    if (options.live === true) writeFenced(text);
    options.onOutput?.(text, stream);
  }
  const relayed = options.live === true || options.onOutput !== undefined;
  const capture = (stream: 'stdout' | 'stderr') => (text: string) => {
    captured[stream].add(text);
    if (relayed) lines[stream].push(text);
  };
  // Decoded by the streams, so that a character split across two chunks stays whole.
  child.stdout?.setEncoding('utf8').on('data', capture('stdout'));
  child.stderr?.setEncoding('utf8').on('data', capture('stderr'));
  if (options.stdin !== undefined && child.stdin !== null) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin);
  }

  const deadline = { passed: false };
  const timer = setTimeout(() => {
    deadline.passed = true;
    void stopProcessGroup(child);
  }, options.timeoutMs);

  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
      },
    );
    if (relayed) {
      lines.stdout.end();
      lines.stderr.end();
    }
    const stdout = captured.stdout.text();
    const stderr = captured.stderr.text();
    const result: ToolResult = { code: code ?? -1, stdout, stderr, durationMs: performance.now() - started };
    if (deadline.passed) {
      throw new ToolError(
        `${shown} did not finish within ${formatMs(options.timeoutMs)} and was stopped${stderrSuffix(stderr)}`,
        result,
      );
    }
    if (signal !== null) {
      throw new ToolError(`${shown} was killed by ${signal}${stderrSuffix(stderr)}`, result);
    }
    if (code !== 0 && !(options.okCodes ?? []).includes(code ?? -1)) {
      throw new ToolError(`${shown} failed with exit code ${code}${stderrSuffix(stderr)}`, result);
    }
    return result;
  } catch (error) {
    if (error instanceof ToolError) throw error;
    let reason = 'could not start';
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // spawn says ENOENT for a missing working directory too: name the right culprit.
      reason =
        options.cwd !== undefined && !existsSync(options.cwd)
          ? `could not start: the working directory ${options.cwd} does not exist`
          : 'was not found on PATH';
    }
    throw new ToolError(`${shown} ${reason}: ${redact((error as Error).message)}`, undefined);
  } finally {
    clearTimeout(timer);
    live.delete(tracked);
  }
}

function stderrSuffix(stderr: string): string {
  const text = redactedTail(stderr, STDERR_TAIL_LINES);
  return text === '' ? '' : `:\n${text}`;
}

import * as core from '@actions/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CancelledError } from './errors.js';
import { formatMs } from './format.js';
import {
  describeProcess,
  findToolProcesses,
  foundAgain,
  newToolMark,
  outputLinks,
  processesVisible,
  signalProcesses,
  startTimeOf,
  TOOL_MARK_VARIABLE,
  waitUntilGone,
  type ToolIdentity,
  type ToolProcess,
} from './processes.js';
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
  /**
   * How a cancelled run stops this tool: SIGTERM to its group (default), or `interrupt`: the
   * runner's signals passed on, each once (SIGINT, and SIGTERM when the runner sends it), and
   * time to exit until CANCEL_KILL_MS (Terraform releasing its state lock).
   */
  onCancel?: 'kill' | 'interrupt';
  /**
   * Characters kept of each stream in the result (its tail); default 64 Mi. A caller that reads
   * a long output through `onOutput` keeps memory bounded with a small one.
   */
  captureLimit?: number;
}

/** How this process stopped a tool: why, and the signals it sent, in order. */
export interface ToolStop {
  reason: 'deadline' | 'failure' | 'cancel';
  signals: NodeJS.Signals[];
  /** From the first signal to the tool's exit, in milliseconds. */
  exitedAfterMs?: number;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The signal the tool died of, if any. */
  signal?: NodeJS.Signals | null;
  /** Set when this process stopped the tool (deadline, the step's failure, cancellation). */
  stopped?: ToolStop;
  /**
   * What the tool left running and was stopped with it or after it (`pid 42 "sleep 30" (…)`):
   * a process outside its group, or anything still there after the tool exited.
   */
  leftovers?: readonly string[];
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
/**
 * When a cancellation kills whatever still runs, counted from the runner's first signal. The
 * runner sends SIGINT, SIGTERM 7.5 s later and kills the step 2.5 s after that: what this
 * process started would outlive that kill, so it goes first, with time left for the summary.
 */
export const CANCEL_KILL_MS = 8_500;
/**
 * The runner's SIGTERM reaches an interrupted tool no sooner than this after its SIGINT: a
 * second interrupt makes Terraform quit at once, without releasing its state lock, so one that
 * comes right after the first (not the runner's 7.5 s) waits.
 */
export const SECOND_SIGNAL_MIN_MS = 5_000;
/** After a tool exited, how long what it started may keep its output open before it is stopped. */
export const OUTPUT_GRACE_MS = 1_000;
/** Grace between SIGTERM and SIGKILL for what a tool left running after it exited. */
export const LEFTOVER_GRACE_MS = 1_000;
/** Output kept per stream; a tool that prints more keeps its last part. */
const MAX_CAPTURE = 64 * 1024 * 1024;
const STDERR_TAIL_LINES = 20;

/** Output kept as chunks and joined once: appending to one string would copy it at every chunk. */
class Capture {
  private chunks: string[] = [];
  private length = 0;
  constructor(private readonly limit = MAX_CAPTURE) {}
  add(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    // Past the cap, keep the tail: the end of a log says most about a failure.
    while (this.length > this.limit && this.chunks.length > 1) {
      this.length -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    return this.chunks.join('');
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
/** Whether `promise` settles within `ms`. */
const within = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);

/**
 * One running tool (or a process tracked like one): its process group, the processes found to
 * belong to it, and how it was stopped.
 */
class Tool {
  readonly identity: ToolIdentity;
  /** Resolves when the tool's own process exited. */
  readonly exited: Promise<void>;
  /** Resolves when everything about the tool is over: output read, leftovers stopped. */
  finished: Promise<void>;
  stop: ToolStop | undefined;
  /** The runner's signals on their way to the tool (forwardCancelSignal): each goes once. */
  readonly forwarding = new Set<NodeJS.Signals>();
  /** What was found outside the tool's group, or left after it exited, by pid: messages name them. */
  readonly others = new Map<number, ToolProcess>();
  private firstSignalAt: number | undefined;
  private terminating: Promise<void> | undefined;

  constructor(
    readonly child: ChildProcess,
    readonly shown: string,
    readonly onCancel: 'kill' | 'interrupt',
    mark?: string,
  ) {
    const startTime = startTimeOf(child.pid);
    this.identity = {
      leader: child.pid ?? -1,
      ...(mark === undefined ? {} : { mark }),
      outputs: outputLinks(child.pid),
      ...(startTime === undefined ? {} : { startTime }),
    };
    this.exited = new Promise<void>((resolve) => {
      if (!this.running) resolve();
      else child.once('exit', () => resolve());
    });
    this.finished = this.exited;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private record(reason: ToolStop['reason'], signal: NodeJS.Signals): void {
    this.stop ??= { reason, signals: [] };
    this.stop.signals.push(signal);
    if (this.firstSignalAt === undefined) {
      this.firstSignalAt = Date.now();
      const since = this.firstSignalAt;
      const stop = this.stop;
      void this.exited.then(() => (stop.exitedAfterMs = Date.now() - since));
    }
  }

  /** Milliseconds since the first signal this process sent the tool (undefined: none yet). */
  sinceFirstSignal(): number | undefined {
    return this.firstSignalAt === undefined ? undefined : Date.now() - this.firstSignalAt;
  }

  sent(signal: NodeJS.Signals): boolean {
    return this.stop?.signals.includes(signal) ?? false;
  }

  /**
   * The processes of the tool now (its own too, while it runs). Those outside its group are
   * remembered: the messages name them.
   */
  scan(withOutputs: boolean): ToolProcess[] {
    if (this.identity.leader < 0) return [];
    const found = findToolProcesses(this.identity, withOutputs);
    for (const entry of found) if (entry.escaped) this.remember(entry);
    return found;
  }

  /** Remembers a process of the tool for the messages (one that held the output keeps saying so). */
  remember(entry: ToolProcess): void {
    this.others.set(entry.pid, foundAgain(this.others.get(entry.pid), entry));
  }

  /** Resolves once a stop in progress (deadline, failure, cancellation) is over. */
  terminatingDone(): Promise<void> {
    return this.terminating ?? Promise.resolve();
  }

  /**
   * A signal to the tool's process group only: what a terminal's Ctrl-C does. Recorded as sent
   * to the tool unless `reason` is undefined (what is left of the group after the tool exited).
   */
  signalGroup(signal: NodeJS.Signals, reason: ToolStop['reason'] | undefined): void {
    if (this.identity.leader < 0) return;
    if (reason !== undefined) this.record(reason, signal);
    // Once the tool exited (and was reaped) its pid may name another process's group: what is
    // left of its group is then signalled one by one, as found in /proc. Only without /proc is
    // the group signalled regardless (it outlives its leader while members remain).
    if (!this.running && processesVisible) return;
    try {
      // Negative pid: the whole process group the tool leads (it was spawned detached).
      process.kill(-this.identity.leader, signal);
    } catch {
      if (!this.running) return;
      try {
        this.child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** A signal to the group and to every process found to belong to the tool outside it. */
  signalAll(signal: NodeJS.Signals, reason: ToolStop['reason']): void {
    this.signalGroup(signal, reason);
    signalProcesses(
      this.scan(true).filter((entry) => entry.escaped),
      signal,
    );
  }

  /** SIGTERM to all of the tool, SIGKILL after the grace; what outlived the tool gets no grace. */
  terminate(reason: ToolStop['reason'], graceMs = KILL_GRACE_MS): Promise<void> {
    this.terminating ??= (async () => {
      this.signalAll('SIGTERM', reason);
      if (!(await within(this.exited, graceMs))) this.signalAll('SIGKILL', reason);
      await this.exited;
      this.killRemains();
    })();
    return this.terminating;
  }

  /** SIGKILL to the tool, if it still runs, and to all it started, at once. */
  kill(reason: ToolStop['reason']): void {
    if (this.running) this.signalAll('SIGKILL', reason);
    else this.killRemains();
  }

  /** What outlived the tool gets no grace: SIGKILL to what is left of its group and the rest. */
  killRemains(): void {
    const rest = this.scan(true);
    if (rest.length === 0) return;
    this.signalGroup('SIGKILL', undefined);
    signalProcesses(rest, 'SIGKILL');
  }

  /** What the tool left outside its group, and what outlived it, for messages. */
  notable(): ToolProcess[] {
    return [...this.others.values()];
  }
}

const live = new Set<Tool>();
/** Set for good once the step is being cancelled: from then on no tool starts. */
const cancellation: { started: boolean; at: number | undefined } = { started: false, at: undefined };

/** Whether the step is being cancelled (no tool starts any more). */
export function isCancelling(): boolean {
  return cancellation.started;
}

/** For tests only: a step is cancelled once, a test file cancels several. */
export function resetCancellation(): void {
  cancellation.started = false;
  cancellation.at = undefined;
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

/**
 * SIGTERM to the process group a child leads (and to what left it, in its session), SIGKILL
 * after the grace; resolves when it exited and nothing of it is left.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  const tracked = [...live].find((tool) => tool.child === child);
  await (tracked ?? new Tool(child, 'a process', 'kill')).terminate('failure', graceMs);
}

/** What a cancellation did to one tool, for the summary. */
export interface StopReport {
  /** The command, as messages show it. */
  command: string;
  /** `SIGINT; exited with code 1 0.2s later`, `SIGINT, SIGTERM, SIGKILL; killed 8.5s after the first signal`. */
  outcome: string;
}

function stopReport(tool: Tool): StopReport {
  const signals = tool.stop?.signals ?? [];
  const sent = [...new Set(signals)].join(', ');
  const { exitCode, signalCode } = tool.child;
  const after = tool.stop?.exitedAfterMs;
  const ended =
    signalCode !== null
      ? `killed by ${signalCode}`
      : exitCode !== null
        ? `exited with code ${exitCode}`
        : 'still running';
  const timing = after === undefined ? '' : ` ${formatMs(after)} after the first signal`;
  const left = tool.notable();
  return {
    command: tool.shown,
    outcome: `${sent === '' ? 'no signal' : sent}; ${ended}${timing}${left.length > 0 ? `; stopped with it: ${left.map(describeProcess).join(', ')}` : ''}`,
  };
}

/**
 * Stops every tool still running: used by the error boundary on failure and on cancellation;
 * resolves when they and what they started are gone.
 *
 * On `cancel` (the runner's first signal, `signal`), tools started with `onCancel: 'interrupt'`
 * get that signal, once, to their group (Terraform releases its state lock that way); the
 * others are stopped as a group (SIGTERM, SIGKILL after the grace). Whatever still runs
 * CANCEL_KILL_MS after the signal is killed, with everything it started, so nothing outlives
 * the step. Returns what was done to each tool.
 */
export async function stopAllTools(
  reason: 'failure' | 'cancel',
  signal: NodeJS.Signals = 'SIGINT',
): Promise<StopReport[]> {
  const tools = [...live];
  if (reason === 'failure') {
    await Promise.all(tools.map((tool) => tool.terminate('failure').then(() => tool.finished)));
    return tools.map(stopReport);
  }
  // A step that goes on after its tool was stopped must not start the next one (a push after
  // a build that exited 0 on SIGTERM): that one would outlive the step.
  cancellation.started = true;
  cancellation.at ??= Date.now();
  const killAt = cancellation.at + CANCEL_KILL_MS;
  for (const tool of tools) {
    if (tool.onCancel === 'interrupt') tool.signalGroup(signal, 'cancel');
    else void tool.terminate('cancel');
  }
  const all = Promise.all(tools.map((tool) => tool.finished));
  if (!(await within(all, killAt - Date.now()))) {
    for (const tool of tools) tool.kill('cancel');
    await within(all, 500);
  }
  return tools.map(stopReport);
}

/** A later signal passed on to a tool: now (`inMs` 0) or once its first signal is old enough. */
export interface ForwardedSignal {
  command: string;
  inMs: number;
}

/**
 * Passes a later signal of the runner (its SIGTERM after the SIGINT) on to the tools that take
 * the runner's signals (`onCancel: 'interrupt'`), once each, and no sooner than
 * SECOND_SIGNAL_MIN_MS after their first. Returns the tools it reaches, and when.
 */
export function forwardCancelSignal(signal: NodeJS.Signals): ForwardedSignal[] {
  const forwarded: ForwardedSignal[] = [];
  for (const tool of live) {
    // Only a tool this cancellation signalled already: the others were not being cancelled.
    const since = tool.sinceFirstSignal();
    if (
      tool.onCancel !== 'interrupt' ||
      !tool.running ||
      since === undefined ||
      tool.sent(signal) ||
      tool.forwarding.has(signal)
    ) {
      continue;
    }
    tool.forwarding.add(signal);
    const wait = Math.max(0, SECOND_SIGNAL_MIN_MS - since);
    const send = (): void => {
      if (tool.running && !tool.sent(signal)) tool.signalGroup(signal, 'cancel');
    };
    if (wait === 0) send();
    else setTimeout(send, wait).unref();
    forwarded.push({ command: tool.shown, inMs: wait });
  }
  return forwarded;
}

/**
 * Tracks a long-lived process started elsewhere (a proxy), so that failure and cancellation
 * stop it like any tool; returns the function that stops tracking it.
 */
export function trackProcess(child: ChildProcess, onCancel: 'kill' | 'interrupt' = 'kill'): () => void {
  const tool = new Tool(child, describeCommand(child.spawnfile, child.spawnargs.slice(1)), onCancel);
  live.add(tool);
  // Started while the step is being cancelled: nothing else would stop it.
  if (cancellation.started) void tool.terminate('cancel');
  return () => live.delete(tool);
}

/** Number of tools this process is running (for tests of the cleanup). */
export function liveToolCount(): number {
  return live.size;
}

/**
 * Runs a tool with an argument array (never a shell), under a deadline, capturing its output.
 * A non-zero exit (other than `okCodes`), a signal, a spawn failure or the deadline becomes a
 * `ToolError` that names the command and carries the tail of stderr, secrets removed.
 *
 * The deadline holds whatever the tool started: at the deadline its group and every process
 * found to belong to it (its session, its mark, its output) are stopped. Once the tool itself
 * exited, what it left gets OUTPUT_GRACE_MS to close the output, then is stopped, and reading
 * stops; a process it left running is stopped too (a warning names what left the tool's group
 * or held its output open).
 */
export async function runTool(
  command: string,
  args: readonly string[],
  options: ToolOptions,
): Promise<ToolResult> {
  const started = performance.now();
  const shown = describeCommand(command, args);
  if (cancellation.started) throw new CancelledError(`${shown} was not started: the step is being cancelled`);
  const mark = newToolMark();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), [TOOL_MARK_VARIABLE]: mark },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
  const tool = new Tool(child, shown, options.onCancel ?? 'kill', mark);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let finish = (): void => undefined;
  tool.finished = new Promise<void>((resolve) => (finish = resolve));
  live.add(tool);

  const captured = {
    stdout: new Capture(options.captureLimit),
    stderr: new Capture(options.captureLimit),
  };
  const lines = {
    stdout: new LineBuffer((text) => relay(text, 'stdout')),
    stderr: new LineBuffer((text) => relay(text, 'stderr')),
  };
  function relay(text: string, stream: 'stdout' | 'stderr'): void {
    if (options.live === true) writeFenced(text, writeLive);
    options.onOutput?.(text, stream);
  }
  // The log is a pipe the runner reads at its own pace: when it falls behind, stop reading the
  // tool until it catches up, so the tool waits on its own full pipe instead of this process
  // queueing everything it prints in memory.
  const backpressure = { waiting: false, exited: false };
  function writeLive(block: string): void {
    if (process.stdout.write(block) || backpressure.waiting || backpressure.exited) return;
    backpressure.waiting = true;
    child.stdout?.pause();
    child.stderr?.pause();
    process.stdout.once('drain', () => {
      backpressure.waiting = false;
      child.stdout?.resume();
      child.stderr?.resume();
    });
  }
  const relayed = options.live === true || options.onOutput !== undefined;
  const reading = { on: true };
  const capture = (stream: 'stdout' | 'stderr') => (text: string) => {
    if (!reading.on) return;
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
    void tool.terminate('deadline');
  }, options.timeoutMs);

  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
      },
    );
    // The tool itself is done, in time or not: the deadline has nothing more to stop.
    clearTimeout(timer);
    // What is left in its pipes is bounded by their size: read it all now, log or no log
    // behind, so that the wait for the pipes to close below does not take a slow log for a
    // process holding them.
    backpressure.exited = true;
    child.stdout?.resume();
    child.stderr?.resume();
    const notes = await collectLeftovers(tool, closed, { code, signal });
    reading.on = false;
    if (relayed) {
      lines.stdout.end();
      lines.stderr.end();
    }
    const stdout = captured.stdout.text();
    const stderr = captured.stderr.text();
    const leftovers = tool.notable().map(describeProcess);
    const result: ToolResult = {
      code: code ?? -1,
      signal,
      stdout,
      stderr,
      durationMs: performance.now() - started,
      ...(tool.stop === undefined ? {} : { stopped: tool.stop }),
      ...(leftovers.length > 0 ? { leftovers } : {}),
    };
    for (const note of notes) {
      if (note.warn) core.warning(note.text);
      else core.info(note.text);
    }
    const also =
      tool.stop !== undefined && leftovers.length > 0 ? `; also stopped: ${leftovers.join(', ')}` : '';
    if (deadline.passed) {
      throw new ToolError(
        `${shown} did not finish within ${formatMs(options.timeoutMs)} and was stopped${also}${stderrSuffix(stderr)}`,
        result,
      );
    }
    if (signal !== null) {
      throw new ToolError(`${shown} was killed by ${signal}${also}${stderrSuffix(stderr)}`, result);
    }
    if (code !== 0 && !(options.okCodes ?? []).includes(code ?? -1)) {
      throw new ToolError(`${shown} failed with exit code ${code}${also}${stderrSuffix(stderr)}`, result);
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
    live.delete(tool);
    finish();
  }
}

interface Note {
  text: string;
  warn: boolean;
}

/**
 * After the tool's own process exited: waits OUTPUT_GRACE_MS for its output to close, then
 * stops what still holds it and what it left running (SIGTERM, SIGKILL after LEFTOVER_GRACE_MS;
 * at once while cancelling), and stops reading. Returns the log lines that say what it stopped.
 */
async function collectLeftovers(
  tool: Tool,
  closed: Promise<void>,
  exit: { code: number | null; signal: NodeJS.Signals | null },
): Promise<Note[]> {
  const notes: Note[] = [];
  // A stop in progress (deadline, failure, cancellation) kills what is left itself.
  await tool.terminatingDone();
  const outputClosed = await within(closed, isCancelling() ? 200 : OUTPUT_GRACE_MS);
  const left = tool.scan(!outputClosed).filter((entry) => entry.pid !== tool.identity.leader);
  const ended = exit.signal !== null ? `was killed by ${exit.signal}` : `exited (code ${exit.code})`;
  for (const entry of left) tool.remember(entry);
  if (left.length > 0) {
    const list = left.map(describeProcess).join(', ');
    const holders = left.filter((entry) => entry.holdsOutput);
    if (!outputClosed && holders.length > 0) {
      notes.push({
        text: `${tool.shown} ${ended}, but what it started in the background kept its output open: ${list}. Stopped after ${formatMs(OUTPUT_GRACE_MS)}; what they print is not shown`,
        warn: true,
      });
    } else {
      notes.push({
        text: `${tool.shown} ${ended} and left processes running: ${list}. They were stopped`,
        warn: left.some((entry) => entry.escaped),
      });
    }
    if (!isCancelling()) {
      signalProcesses(left, 'SIGTERM');
      const rest = await waitUntilGone(left, LEFTOVER_GRACE_MS);
      signalProcesses(rest, 'SIGKILL');
    } else {
      signalProcesses(left, 'SIGKILL');
    }
    await waitUntilGone(left, 1_000);
  } else if (tool.stop !== undefined && tool.notable().length > 0) {
    notes.push({
      text: `${tool.shown}: also stopped ${tool.notable().map(describeProcess).join(', ')}`,
      warn: true,
    });
  }
  if (!outputClosed && !(await within(closed, 500))) {
    // Held by something this process cannot stop (another user's process): stop reading.
    for (const stream of [tool.child.stdout, tool.child.stderr]) stream?.destroy();
  }
  return notes;
}

function stderrSuffix(stderr: string): string {
  const text = redactedTail(stderr, STDERR_TAIL_LINES);
  return text === '' ? '' : `:\n${text}`;
}

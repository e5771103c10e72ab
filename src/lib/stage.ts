import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, messageOf } from './errors.js';
import { forwardCancelSignal, stopAllTools } from './exec.js';
import { formatMs } from './format.js';
import { redact } from './secrets.js';
import { writeSummarySection, type Row, type Table } from './summary.js';

/**
 * How a run ended: `invalid input` when the inputs were refused, `invalid configuration` for
 * the user's mistake found later (a ConfigurationError from a step). Each names the summary's
 * headline when the stage set none.
 */
export type Outcome = 'success' | 'failure' | 'invalid input' | 'invalid configuration' | 'cancelled';

/** How long a cancelled step waits for its steps to unwind (their notes reach the summary). */
const UNWIND_MS = 1_000;
/**
 * A cancelled step ends this long after the runner's first signal at the latest: the runner
 * kills it 10 s after its SIGINT, and the summary must be written before. The tools are killed
 * at CANCEL_KILL_MS (exec.ts); what is left of the unwinding and the cleanups after this is cut.
 */
const CANCEL_END_MS = 9_500;

const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());

/**
 * What a stage's steps use of the run: log groups, the summary's rows, tables and notes, its
 * headline, warnings, cleanups and private folders. Everything it collects is written as the
 * stage's one job-summary section whatever the outcome, by `runStage`, never by the stage.
 */
export interface Stage {
  /** The stage's name, as every message and the summary heading start with it. */
  readonly name: string;
  /** When the step started (`Date.now()`), for deadlines counted from the start. */
  readonly startedAt: number;
  /**
   * Aborted when the runner cancels the step (its reason is the signal's name): a step that
   * loops or waits stops there. The tools it runs are stopped by the lifecycle, and no tool
   * starts after that (`runTool` refuses).
   */
  readonly cancelled: AbortSignal;
  /** Runs one step inside a log group; the group's title also says what a cancellation stopped. */
  group<T>(title: string, step: () => Promise<T>): Promise<T>;
  /** A row of the summary's key/value table, in the order added. */
  row(key: string, value: string): void;
  /** A table of the summary, after the rows (capped at MAX_TABLE_ROWS rows). */
  table(table: Table): void;
  /** A note at the end of the summary. */
  note(text: string): void;
  /** A warning annotation (`<stage>: text`) that is also a note of the summary. */
  warning(text: string): void;
  /**
   * What the summary's heading says: set it when it becomes true (a failing stage may set it
   * before it throws, e.g. "1 of 3 checks failed"). Unset, the outcome names itself.
   */
  headline(text: string): void;
  /** Runs when the stage ends, on every outcome, cancellation included; last added runs first. */
  defer(cleanup: () => void | Promise<void>): void;
  /** A private folder under RUNNER_TEMP, removed when the stage ends (even when cancelled). */
  tempDir(prefix: string): string;
}

export interface StageDefinition<I> {
  /** The stage's name: `test`, `build-push`, `migrate`, `deploy`, `health-check`, … */
  name: string;
  /** Reads and validates the inputs (the stage's inputs.ts); a ConfigurationError is invalid input. */
  readInputs: () => I | Promise<I>;
  /** What the debug log may show of the inputs: nothing secret. */
  describeInputs: (inputs: I) => unknown;
  /** The stage's work, top to bottom as its steps. */
  steps: (inputs: I, stage: Stage) => Promise<void>;
}

const DEFAULT_HEADLINES: Record<Outcome, string> = {
  success: 'succeeded',
  failure: 'failed',
  'invalid input': 'invalid input',
  'invalid configuration': 'invalid configuration',
  cancelled: 'cancelled',
};

/** The collected summary and cleanups of one run. */
class StageRun implements Stage {
  readonly startedAt = Date.now();
  readonly cancellation = new AbortController();
  readonly cancelled = this.cancellation.signal;
  private readonly rows: Row[] = [];
  private readonly tables: Table[] = [];
  private readonly notes: string[] = [];
  private readonly cleanups: (() => void | Promise<void>)[] = [];
  private title: string | undefined;
  /** The log group open now, if any. */
  current: string | undefined;

  constructor(readonly name: string) {}

  async group<T>(title: string, step: () => Promise<T>): Promise<T> {
    const outer = this.current;
    this.current = title;
    try {
      return await core.group(title, step);
    } finally {
      this.current = outer;
    }
  }

  row(key: string, value: string): void {
    this.rows.push([key, value]);
  }

  table(table: Table): void {
    this.tables.push(table);
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  warning(text: string): void {
    core.warning(`${this.name}: ${text}`);
    this.note(`warning: ${text}`);
  }

  headline(text: string): void {
    this.title = text;
  }

  defer(cleanup: () => void | Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), prefix));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs every cleanup once, last first; a failing one is a warning, never the step's failure. */
  async cleanUp(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        core.warning(`${this.name}: cleanup failed: ${redact(messageOf(error))}`);
      }
    }
  }

  async writeSummary(outcome: Outcome): Promise<void> {
    const headline =
      outcome === 'cancelled' || outcome === 'invalid input'
        ? DEFAULT_HEADLINES[outcome]
        : (this.title ?? DEFAULT_HEADLINES[outcome]);
    try {
      await writeSummarySection({
        stage: this.name,
        ok: outcome === 'success',
        headline,
        rows: [...this.rows, ['Time', formatMs(Date.now() - this.startedAt)]],
        tables: this.tables,
        notes: this.notes,
      });
    } catch (error) {
      core.warning(`${this.name}: the job summary could not be written: ${redact(messageOf(error))}`);
    }
  }
}

/**
 * The one lifecycle of every stage: reads the inputs, runs the steps, and on every outcome
 * (success, failure, invalid input, cancellation) runs the cleanups and writes the stage's one
 * summary section. It is also the one error boundary: anything thrown, `Error` or not, becomes
 * `core.setFailed('<stage>: <message>')` with secrets removed; tools still running are stopped.
 * On SIGINT/SIGTERM (the runner's cancellation: SIGINT, SIGTERM 7.5 s later, a kill at 10 s) it
 * stops the tools once (`stopAllTools`: the runner's later signal passed on to the tools that take
 * it, everything still running killed at CANCEL_KILL_MS), notes what each tool got and how it
 * ended, and writes the summary and ends the step by CANCEL_END_MS, before the runner's kill.
 */
export async function runStage<I>(definition: StageDefinition<I>): Promise<void> {
  const stage = new StageRun(definition.name);
  const name = definition.name;
  // Shared with the signal handler, hence fields rather than variables TypeScript would narrow.
  const run = {
    finished: false,
    settled: Promise.resolve() as Promise<unknown>,
    outcome: 'invalid input' as Outcome,
  };
  const cancellation = { started: false };

  const onSignal = (signal: NodeJS.Signals): void => {
    // The runner sends SIGINT, then SIGTERM 7.5 s later: each reaches the tools that take the
    // runner's signals once, the second no sooner than a few seconds after the first (a second
    // interrupt right away makes Terraform quit without releasing its state lock).
    if (cancellation.started) {
      const forwarded = forwardCancelSignal(signal);
      const to = forwarded
        .map((tool) => `${tool.command}${tool.inMs > 0 ? ` in ${formatMs(tool.inMs)}` : ''}`)
        .join(', ');
      core.info(
        `${name}: ${signal} received while already stopping the tools${to === '' ? '' : `; passed on to ${to}`}`,
      );
      return;
    }
    // The steps are over and the summary is being written: the step ends by itself.
    if (run.finished) return;
    cancellation.started = true;
    const endBy = Date.now() + CANCEL_END_MS;
    const during = stage.current;
    stage.cancellation.abort(signal);
    core.error(`${name}: cancelled (${signal}); stopping the tools this step started`);
    void (async () => {
      try {
        const stopped = await stopAllTools('cancel', signal);
        // The steps unwind once their tools are gone: give them a moment to add their notes.
        await Promise.race([run.settled, pause(Math.min(UNWIND_MS, endBy - 500 - Date.now()))]);
        run.finished = true;
        stage.row('Cancelled', `${signal}${during === undefined ? '' : ` during "${during}"`}`);
        for (const tool of stopped) stage.note(`stopped ${tool.command}: ${tool.outcome}`);
        await Promise.race([stage.cleanUp(), pause(endBy - 200 - Date.now())]);
        await stage.writeSummary('cancelled');
      } finally {
        process.exitCode = 1;
        process.exit();
      }
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const body = (async () => {
      const inputs = await definition.readInputs();
      core.debug(`inputs: ${redact(JSON.stringify(definition.describeInputs(inputs)))}`);
      run.outcome = 'failure';
      await definition.steps(inputs, stage);
      run.outcome = 'success';
    })();
    run.settled = body.catch(() => undefined);
    await body;
  } catch (error) {
    const message = redact(messageOf(error));
    stage.note(message);
    if (!cancellation.started) {
      if (error instanceof ConfigurationError) {
        core.setFailed(`${name}: invalid configuration: ${message}`);
        if (run.outcome === 'failure') run.outcome = 'invalid configuration';
      } else {
        core.setFailed(`${name}: ${message}`);
        // Not the user's mistake, even while reading inputs (a contract file that cannot be read).
        run.outcome = 'failure';
        if (error instanceof Error && error.stack !== undefined) core.debug(redact(error.stack));
      }
    }
  } finally {
    // While cancelling, the signal handler owns the tools, the cleanups and the summary.
    if (!cancellation.started && !run.finished) {
      run.finished = true;
      try {
        await stopAllTools('failure');
      } catch (cleanupError) {
        core.warning(`${name}: cleanup failed: ${redact(messageOf(cleanupError))}`);
      }
      await stage.cleanUp();
      await stage.writeSummary(run.outcome);
    }
    if (!cancellation.started) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

import * as core from '@actions/core';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, messageOf } from '../lib/errors.js';
import { redactedTail, runTool, ToolError, type ToolResult } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import type { Stage } from '../lib/stage.js';
import type { Check } from './inputs.js';
import { relaySpool, relayText, spooledCommand, writeToLog, type LogWriter } from './spool.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  durationMs: number;
  /** Why it failed: exit code, signal or deadline. */
  detail: string;
}

/** How GitHub runs a `shell: bash` step: no profile, exit on error, pipefail. */
export function bashArgs(command: string): string[] {
  return ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command];
}

/** Lines kept of what bash printed before the output went to the spool (a syntax error). */
const STRAY_LINES = 20;

/**
 * What reached the tool's own pipes rather than the spool: only bash's messages from before the
 * redirection (a syntax error in the command's first line), so a few lines at most; bounded
 * all the same.
 */
export function strayOutput(result: ToolResult | undefined): string {
  if (result === undefined) return '';
  return [result.stdout, result.stderr]
    .map((text) => redactedTail(text, STRAY_LINES))
    .filter((text) => text !== '')
    .join('\n');
}

interface Finished extends CheckResult {
  /** See `strayOutput`. */
  stray: string;
}

/** Starts a check's command, its output going to `spool` (which must exist). */
function start(check: Check, cwd: string, timeoutMs: number, spool: string): Promise<Finished> {
  const started = performance.now();
  return runTool('bash', bashArgs(spooledCommand(check.command, spool)), { cwd, timeoutMs }).then(
    (result): Finished => ({
      name: check.name,
      ok: true,
      durationMs: performance.now() - started,
      detail: 'passed',
      stray: strayOutput(result),
    }),
    (error: unknown): Finished => {
      const message = error instanceof ToolError ? error.message : String(error);
      const detail = /did not finish within/.test(message)
        ? `stopped at the ${formatMs(timeoutMs)} deadline`
        : (/(exit code \d+|killed by \w+|was not found on PATH)/.exec(message)?.[1] ?? 'failed');
      return {
        name: check.name,
        ok: false,
        durationMs: performance.now() - started,
        detail,
        stray: error instanceof ToolError ? strayOutput(error.result) : '',
      };
    },
  );
}

export interface CheckOptions {
  /** The working directory of the commands. */
  cwd: string;
  /** Each command's deadline. */
  timeoutMs: number;
  /** All at once, each one's output printed whole afterwards, or one after another, live. */
  parallel: boolean;
  /** Where the log goes (tests); default the step's log. */
  write?: LogWriter;
}

/** A check's row of the summary: `✅ passed in 1.2s`, `❌ exit code 3 in 0.4s`. */
export function describeResult(result: CheckResult): string {
  return `${result.ok ? '✅ passed' : `❌ ${result.detail}`} in ${formatMs(result.durationMs)}`;
}

/**
 * Runs every check to the end, even after one fails, each in its own log group of the stage,
 * each one's result a row of the summary as soon as it is known. Each command's output goes to
 * a file of its own in the stage's temporary folder while it runs, and is printed from there
 * in bounded pieces: the stage's memory does not grow with what the commands print. In
 * parallel all start at once and each one's output is printed in its group, in the order given,
 * when it is done (the group's title then says how it went); in sequence each group follows its
 * file as the command writes it. Output that cannot be printed is a warning: the check's result
 * stands. A cancellation starts no further command: the step ends with a CancelledError once
 * the stopped ones are reported.
 */
export async function runChecks(
  checks: readonly Check[],
  options: CheckOptions,
  stage: Pick<Stage, 'group' | 'row' | 'cancelled' | 'tempDir' | 'warning'>,
): Promise<CheckResult[]> {
  const { cwd, timeoutMs } = options;
  const write = options.write ?? writeToLog;
  const results: CheckResult[] = [];
  const report = ({ stray: _stray, ...result }: Finished): void => {
    results.push(result);
    stage.row(result.name, describeResult(result));
  };
  const spools = stage.tempDir('test-output-');
  const spoolOf = async (check: Check): Promise<string> => {
    const spool = join(spools, `${check.name}.log`);
    // Created before the command starts, so that a group can follow it from the first moment.
    await writeFile(spool, '');
    return spool;
  };
  /** Prints a check's output; a failure to print is a warning, the result stands. */
  const print = async (check: Check, spool: string, done: Promise<Finished>, follow: boolean) => {
    try {
      await relaySpool(spool, { write, ...(follow ? { until: done } : {}) });
      await relayText((await done).stray, write);
    } catch (error) {
      stage.warning(`the output of ${check.name} could not be printed whole: ${messageOf(error)}`);
    } finally {
      // Printed: the disk it took is given back before the next group.
      await rm(spool, { force: true });
    }
  };
  const { cancelled } = stage;
  if (options.parallel) {
    const running = await Promise.all(
      checks.map(async (check) => {
        const spool = await spoolOf(check);
        return { check, spool, done: start(check, cwd, timeoutMs, spool) };
      }),
    );
    for (const { check, spool, done } of running) {
      const result = await done;
      await stage.group(
        `${check.name}: ${result.ok ? 'passed' : result.detail} in ${formatMs(result.durationMs)} — ${check.command}`,
        () => print(check, spool, done, false),
      );
      report(result);
    }
  } else {
    for (const check of checks) {
      if (cancelled.aborted) break;
      const result = await stage.group(`${check.name}: ${check.command}`, async () => {
        const spool = await spoolOf(check);
        const done = start(check, cwd, timeoutMs, spool);
        await print(check, spool, done, true);
        return done;
      });
      core.info(`${check.name}: ${result.ok ? 'passed' : result.detail} in ${formatMs(result.durationMs)}`);
      report(result);
    }
  }
  if (cancelled.aborted) {
    const notRun = checks.slice(results.length).map((check) => check.name);
    for (const name of notRun) stage.row(name, 'not run (cancelled)');
    throw new CancelledError(
      `cancelled (${String(cancelled.reason)}) while the checks ran${notRun.length === 0 ? '' : `; ${notRun.join(', ')} did not run`}`,
    );
  }
  return results;
}

import * as core from '@actions/core';
import { CancelledError } from '../lib/errors.js';
import { runTool, ToolError } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { writeFenced } from '../lib/relay.js';
import type { Stage } from '../lib/stage.js';
import type { Check } from './inputs.js';

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

interface Running {
  check: Check;
  output: string[];
  done: Promise<CheckResult>;
}

function start(check: Check, cwd: string, timeoutMs: number, live: boolean): Running {
  const output: string[] = [];
  const started = performance.now();
  const done = runTool('bash', bashArgs(check.command), {
    cwd,
    timeoutMs,
    // Live in sequence; in parallel each command's output is kept and printed whole, in order.
    ...(live ? { live: true } : { onOutput: (lines: string) => void output.push(lines) }),
  }).then(
    (): CheckResult => ({
      name: check.name,
      ok: true,
      durationMs: performance.now() - started,
      detail: 'passed',
    }),
    (error: unknown): CheckResult => {
      const message = error instanceof ToolError ? error.message : String(error);
      const detail = /did not finish within/.test(message)
        ? `stopped at the ${formatMs(timeoutMs)} deadline`
        : (/(exit code \d+|killed by \w+|was not found on PATH)/.exec(message)?.[1] ?? 'failed');
      return { name: check.name, ok: false, durationMs: performance.now() - started, detail };
    },
  );
  return { check, output, done };
}

export interface CheckOptions {
  /** The working directory of the commands. */
  cwd: string;
  /** Each command's deadline. */
  timeoutMs: number;
  /** All at once, each one's output kept and printed whole, or one after another, live. */
  parallel: boolean;
}

/** A check's row of the summary: `✅ passed in 1.2s`, `❌ exit code 3 in 0.4s`. */
export function describeResult(result: CheckResult): string {
  return `${result.ok ? '✅ passed' : `❌ ${result.detail}`} in ${formatMs(result.durationMs)}`;
}

/**
 * Runs every check to the end, even after one fails, each in its own log group of the stage,
 * each one's result a row of the summary as soon as it is known. In parallel all start at once
 * and each one's output is printed in its group, in the order given, when it is done (the
 * group's title then says how it went). A cancellation starts no further command: the step
 * ends with a CancelledError once the stopped ones are reported.
 */
export async function runChecks(
  checks: readonly Check[],
  options: CheckOptions,
  stage: Pick<Stage, 'group' | 'row' | 'cancelled'>,
): Promise<CheckResult[]> {
  const { cwd, timeoutMs } = options;
  const results: CheckResult[] = [];
  const report = (result: CheckResult): void => {
    results.push(result);
    stage.row(result.name, describeResult(result));
  };
  const { cancelled } = stage;
  if (options.parallel) {
    const running = checks.map((check) => start(check, cwd, timeoutMs, false));
    for (const { check, output, done } of running) {
      const result = await done;
      await stage.group(
        `${check.name}: ${result.ok ? 'passed' : result.detail} in ${formatMs(result.durationMs)} — ${check.command}`,
        () => {
          writeFenced(output.join(''));
          return Promise.resolve();
        },
      );
      report(result);
    }
  } else {
    for (const check of checks) {
      if (cancelled.aborted) break;
      const result = await stage.group(
        `${check.name}: ${check.command}`,
        () => start(check, cwd, timeoutMs, true).done,
      );
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

import * as core from '@actions/core';
import { runTool, ToolError } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
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
    onOutput: live ? (chunk) => process.stdout.write(chunk) : (chunk) => output.push(chunk),
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

/**
 * Runs every check to the end, even after one fails. In parallel all start at once and each
 * one's output is printed in its own log group, in the order given, when it is done.
 */
export async function runChecks(
  checks: readonly Check[],
  cwd: string,
  timeoutMs: number,
  parallel: boolean,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (parallel) {
    const running = checks.map((check) => start(check, cwd, timeoutMs, false));
    for (const { check, output, done } of running) {
      const result = await done;
      core.startGroup(
        `${check.name}: ${result.ok ? 'passed' : result.detail} in ${formatMs(result.durationMs)} — ${check.command}`,
      );
      process.stdout.write(output.join(''));
      if (output.length > 0 && !output.join('').endsWith('\n')) process.stdout.write('\n');
      core.endGroup();
      results.push(result);
    }
    return results;
  }
  for (const check of checks) {
    core.startGroup(`${check.name}: ${check.command}`);
    const result = await start(check, cwd, timeoutMs, true).done;
    core.endGroup();
    core.info(`${check.name}: ${result.ok ? 'passed' : result.detail} in ${formatMs(result.durationMs)}`);
    results.push(result);
  }
  return results;
}

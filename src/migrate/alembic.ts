import { basename } from 'node:path';
import { runTool } from '../lib/exec.js';

const SUBCOMMANDS = new Set([
  'upgrade',
  'downgrade',
  'stamp',
  'current',
  'history',
  'heads',
  'revision',
  'merge',
  'show',
  'branches',
]);

/** Alembic's global options that take a value as the next word (`-c alembic.ini`, `-n upgrade`). */
const OPTIONS_WITH_VALUE = new Set(['-c', '--config', '-n', '--name', '-x']);

/**
 * The Alembic invocation within a command (`alembic …` or `python -m alembic …`), as the
 * argument prefix before its subcommand (global options such as `-c` kept, with their values);
 * undefined when the command is not Alembic.
 */
export function alembicPrefix(command: readonly string[]): string[] | undefined {
  const first = command[0] ?? '';
  let index: number;
  if (basename(first) === 'alembic') index = 1;
  else if (/^python[\d.]*$/.test(basename(first)) && command[1] === '-m' && command[2] === 'alembic') {
    index = 3;
  } else return undefined;
  while (index < command.length && !SUBCOMMANDS.has(command[index] ?? '')) {
    // An option's value is never the subcommand, even when it reads like one (`-n upgrade`).
    index += OPTIONS_WITH_VALUE.has(command[index] ?? '') ? 2 : 1;
  }
  return command.slice(0, Math.min(index, command.length));
}

/** Revision ids from `alembic current` (`9f2c4d5e6a7b (head)`; nothing before the first migration). */
export function parseCurrent(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => /^([0-9a-zA-Z_]+)(?: \(.*\))?\s*$/.exec(line.trim())?.[1])
    .filter((revision): revision is string => revision !== undefined);
}

/**
 * The revision(s) `alembic current` reports, comma-separated; '' for none. `live` relays its
 * output to the log as it runs (after a failure, where what it prints is part of the story).
 */
export async function currentRevision(
  prefix: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  live = false,
): Promise<string> {
  const [command = 'alembic', ...args] = prefix;
  const { stdout } = await runTool(command, [...args, 'current'], { cwd, env, timeoutMs, live });
  return parseCurrent(stdout).join(',');
}

/** `9f2c…` for a long revision id (each of several heads), "(empty database)" for none. */
export function shortRevision(revision: string): string {
  return revision === ''
    ? '(empty database)'
    : revision
        .split(',')
        .map((r) => (r.length > 8 ? `${r.slice(0, 4)}…` : r))
        .join(',');
}

/** `3a1b… → 9f2c…`, or "already at head (9f2c…)"; an empty database has no revision. */
export function describeRevisions(before: string, after: string): string {
  const short = shortRevision;
  if (before === after) {
    return after === '' ? 'already at head (empty database)' : `already at head (${short(after)})`;
  }
  return `${short(before)} → ${short(after)}`;
}

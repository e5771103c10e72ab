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

/**
 * The Alembic invocation within a command (`alembic …` or `python -m alembic …`), as the
 * argument prefix before its subcommand (global options such as `-c` kept); undefined when the
 * command is not Alembic.
 */
export function alembicPrefix(command: readonly string[]): string[] | undefined {
  const first = command[0] ?? '';
  let start: number;
  if (basename(first) === 'alembic') start = 1;
  else if (/^python[\d.]*$/.test(basename(first)) && command[1] === '-m' && command[2] === 'alembic') {
    start = 3;
  } else return undefined;
  const sub = command.findIndex((word, index) => index >= start && SUBCOMMANDS.has(word));
  return [...command.slice(0, sub === -1 ? command.length : sub)];
}

/** Revision ids from `alembic current` (`9f2c4d5e6a7b (head)`; nothing before the first migration). */
export function parseCurrent(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => /^([0-9a-zA-Z_]+)(?: \(.*\))?\s*$/.exec(line.trim())?.[1])
    .filter((revision): revision is string => revision !== undefined);
}

export async function currentRevision(
  prefix: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  const [command = 'alembic', ...args] = prefix;
  const { stdout } = await runTool(command, [...args, 'current'], { cwd, env, timeoutMs });
  return parseCurrent(stdout).join(',');
}

/** `3a1b… → 9f2c…`, or "already at head". */
export function describeRevisions(before: string, after: string): string {
  const short = (revision: string): string =>
    revision === ''
      ? '(empty database)'
      : revision
          .split(',')
          .map((r) => (r.length > 8 ? `${r.slice(0, 4)}…` : r))
          .join(',');
  return before === after ? `already at head (${short(after)})` : `${short(before)} → ${short(after)}`;
}

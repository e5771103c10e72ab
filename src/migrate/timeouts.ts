import { formatMs } from '../lib/format.js';
import { Inputs } from './constants.js';

/**
 * PostgreSQL's own limits for the migration's statements. The step's `timeout` stops the
 * command, but not the server: a statement queued behind another session's lock keeps waiting
 * there (and keeps every later query on that table queued behind it) until the server notices
 * that its client is gone. `lock_timeout` makes the server give up the wait itself.
 */
export interface SessionTimeouts {
  /** `lock_timeout` in milliseconds; 0 is PostgreSQL's "wait for ever". */
  readonly lockTimeoutMs: number;
  /** `statement_timeout` in milliseconds; undefined leaves the server's setting alone. */
  readonly statementTimeoutMs: number | undefined;
}

/**
 * The `PGOPTIONS` for the command: what the environment already has, then
 * `-c lock_timeout=<ms>` and `-c statement_timeout=<ms>`. libpq hands the string to the server,
 * which applies the settings in order, so ours, last, win over the same setting in the
 * environment, and every other option there is kept.
 */
export function pgOptions(existing: string | undefined, timeouts: SessionTimeouts): string {
  const ours = [`-c lock_timeout=${timeouts.lockTimeoutMs}`];
  if (timeouts.statementTimeoutMs !== undefined) {
    ours.push(`-c statement_timeout=${timeouts.statementTimeoutMs}`);
  }
  const kept = (existing ?? '').trim();
  return kept === '' ? ours.join(' ') : `${kept} ${ours.join(' ')}`;
}

/**
 * Drivers that read `PGOPTIONS`: the libpq ones. asyncpg and pg8000 speak the protocol
 * themselves and ignore it; MySQL has no such variable.
 */
export function driverReadsPgOptions(scheme: string): boolean {
  return ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg'].includes(scheme);
}

/**
 * What a failed command's output says about the server's timeouts, as a sentence for the
 * failure message; undefined when it was neither. PostgreSQL's messages are matched in English
 * (`lc_messages` of a Cloud SQL instance is `en_US.UTF8` unless changed).
 */
export function explainTimeout(output: string, timeouts: SessionTimeouts): string | undefined {
  if (output.includes('canceling statement due to lock timeout')) {
    return `PostgreSQL cancelled a statement that waited ${formatMs(timeouts.lockTimeoutMs)} (input "${Inputs.LockTimeout}") for a lock that another session holds: find that session (pg_locks, pg_stat_activity: a long transaction, or the running service) and run the migration again when it has finished; raise ${Inputs.LockTimeout} only if so long a wait is expected`;
  }
  if (output.includes('canceling statement due to statement timeout')) {
    const limit =
      timeouts.statementTimeoutMs === undefined
        ? "the server's or the environment's statement_timeout"
        : `${formatMs(timeouts.statementTimeoutMs)} (input "${Inputs.StatementTimeout}")`;
    return `PostgreSQL cancelled a statement that ran longer than ${limit}: raise ${Inputs.StatementTimeout}, or split the migration`;
  }
  return undefined;
}

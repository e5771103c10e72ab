import { describe, expect, it } from 'vitest';
import { driverReadsPgOptions, explainTimeout, pgOptions } from '../../src/migrate/timeouts.js';

describe('pgOptions', () => {
  it.each<[string | undefined, number, number | undefined, string]>([
    [undefined, 10_000, undefined, '-c lock_timeout=10000'],
    ['', 2_500, 60_000, '-c lock_timeout=2500 -c statement_timeout=60000'],
    ['  ', 0, 0, '-c lock_timeout=0 -c statement_timeout=0'],
    // What the environment has is kept, first: the server applies the settings in order.
    [
      '-c search_path=app --application_name=ci',
      10_000,
      undefined,
      '-c search_path=app --application_name=ci -c lock_timeout=10000',
    ],
    ['-c lock_timeout=1min', 3_000, undefined, '-c lock_timeout=1min -c lock_timeout=3000'],
  ])('%j with %s/%s', (existing, lockTimeoutMs, statementTimeoutMs, expected) => {
    expect(pgOptions(existing, { lockTimeoutMs, statementTimeoutMs })).toBe(expected);
  });
});

describe('driverReadsPgOptions', () => {
  it.each([
    ['postgresql', true],
    ['postgresql+psycopg2', true],
    ['postgresql+psycopg', true],
    ['postgresql+asyncpg', false],
    ['postgresql+pg8000', false],
    ['mysql+pymysql', false],
  ])('%s: %s', (scheme, reads) => {
    expect(driverReadsPgOptions(scheme)).toBe(reads);
  });
});

describe('explainTimeout', () => {
  const timeouts = { lockTimeoutMs: 2_000, statementTimeoutMs: undefined };
  it('names lock-timeout and what to do for a lock wait PostgreSQL cancelled', () => {
    const output =
      'sqlalchemy.exc.OperationalError: (psycopg2.errors.LockNotAvailable) canceling statement due to lock timeout\n';
    expect(explainTimeout(output, timeouts)).toMatch(
      /^PostgreSQL cancelled a statement that waited 2s \(input "lock-timeout"\) for a lock that another session holds: find that session/,
    );
  });

  it('names statement-timeout, or the server setting when the input is empty', () => {
    const output = 'psycopg2.errors.QueryCanceled: canceling statement due to statement timeout';
    expect(explainTimeout(output, { lockTimeoutMs: 0, statementTimeoutMs: 1_500 })).toContain(
      'ran longer than 1.5s (input "statement-timeout")',
    );
    expect(explainTimeout(output, timeouts)).toContain("ran longer than the server's or the environment's");
  });

  it('says nothing about any other failure', () => {
    expect(explainTimeout('relation "no_such_table" does not exist', timeouts)).toBeUndefined();
    expect(explainTimeout('', timeouts)).toBeUndefined();
  });
});

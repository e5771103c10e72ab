import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run as runTool } from './process.js';

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's postgresql-15 binaries), with a role
 * whose password holds every character that URL encoding must get right.
 */
export interface TestPostgres {
  port: number;
  host: '127.0.0.1';
  /** The application role (LOGIN, owner of `database`); TCP logins use scram-sha-256. */
  user: string;
  password: string;
  database: string;
  /** `DRIVER://USER:PASS@127.0.0.1:PORT/DB`, user, password and database percent-encoded. */
  url: (driver?: string) => string;
  /** The runtime form Cloud Run services get: `DRIVER://USER:PASS@/DB?host=/cloudsql/INSTANCE`. */
  socketUrl: (instance: string, driver?: string) => string;
  /** Runs SQL with psql as the superuser over the Unix socket; unaligned, tuples only. */
  query: (sql: string) => Promise<string>;
  /** `pg_ctl stop -m immediate`, then removes the cluster's directory. Safe to call twice. */
  stop: () => Promise<void>;
}

/** `@ / : % ? # +` and a space; `%40` would turn into `@` if anything decoded twice. */
export const SPECIAL_PASSWORD = 'p@ss/w:rd%40?#+ x';
const USER = 'migrator';
const DATABASE = 'service_db';
const SUPERUSER = 'postgres';

const STEP_TIMEOUT_MS = 60_000;

/** Debian installs each major version under /usr/lib/postgresql/N/bin; PG_BINDIR overrides. */
export function postgresBinDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (set PG_BINDIR)');
  }
  return join(root, versions[0]!, 'bin');
}

/** The postgres account's uid and gid, from the passwd database. */
async function postgresAccount(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    runWithDefault('id', ['-u', SUPERUSER]),
    runWithDefault('id', ['-g', SUPERUSER]),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export { freePort };

const encode = (value: string) => encodeURIComponent(value);
const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Starts a new cluster: initdb in a temporary directory (as `postgres` when this process is
 * root, since initdb refuses root), scram-sha-256 for TCP with a password file, trust on the
 * Unix socket, which lives in the same directory; then a role and a database.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const pwFile = join(dir, 'superuser.pw');
  const asRoot = process.getuid?.() === 0;
  // As root every server tool runs as postgres through runuser (no shell involved).
  const tool = (name: string, args: string[]) =>
    asRoot
      ? runWithDefault('runuser', ['-u', SUPERUSER, '--', join(bin, name), ...args])
      : runWithDefault(join(bin, name), args);

  let stopped = false;
  let started = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (started) await tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    writeFileSync(pwFile, `${SPECIAL_PASSWORD}-superuser\n`, { mode: 0o600 });
    writeFileSync(logFile, '');
    if (asRoot) {
      const { uid, gid } = await postgresAccount();
      for (const path of [dir, pwFile, logFile]) chownSync(path, uid, gid);
    }
    chmodSync(dir, 0o700);
    await tool('initdb', [
      '-D',
      data,
      '--username',
      SUPERUSER,
      `--pwfile=${pwFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);

    // Settings go into postgresql.conf: pg_ctl -o would hand them to a shell.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      const port = await freePort();
      appendFileSync(
        join(data, 'postgresql.conf'),
        [
          '',
          `listen_addresses = '127.0.0.1'`,
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          `password_encryption = 'scram-sha-256'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          '',
        ].join('\n'),
      );
      try {
        await tool('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', 'start']);
        started = true;
        return await finish(port);
      } catch (error) {
        lastError = error; // most likely the port was taken meanwhile: try another
      }
    }
    throw lastError;
  } catch (error) {
    await stop();
    throw error;
  }

  async function finish(port: number): Promise<TestPostgres> {
    const psql = async (database: string, sql: string) =>
      (
        await runWithDefault(join(bin, 'psql'), [
          '-X',
          '-q',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          dir,
          '-p',
          String(port),
          '-U',
          SUPERUSER,
          '-d',
          database,
          '-c',
          sql,
        ])
      ).stdout.replace(/\n$/, '');
    await psql('postgres', `CREATE ROLE ${USER} LOGIN PASSWORD ${quoteLiteral(SPECIAL_PASSWORD)}`);
    await psql('postgres', `CREATE DATABASE ${DATABASE} OWNER ${USER}`);
    return {
      port,
      host: '127.0.0.1',
      user: USER,
      password: SPECIAL_PASSWORD,
      database: DATABASE,
      url: (driver = 'postgresql+psycopg2') =>
        `${driver}://${encode(USER)}:${encode(SPECIAL_PASSWORD)}@127.0.0.1:${port}/${encode(DATABASE)}`,
      socketUrl: (instance, driver = 'postgresql+psycopg2') =>
        `${driver}://${encode(USER)}:${encode(SPECIAL_PASSWORD)}@/${encode(DATABASE)}?host=/cloudsql/${instance}`,
      query: (sql) => psql(DATABASE, sql),
      stop,
    };
  }
}

/** The shared tool runner with this helper's deadline. */
function runWithDefault(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
  return runTool(file, args, { timeoutMs: STEP_TIMEOUT_MS, ...options });
}

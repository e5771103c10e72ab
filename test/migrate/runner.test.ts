// actions/migrate as the runner runs it: the bundle (main and post:) started as a process, a real
// PostgreSQL cluster, real Alembic (Debian's python3-alembic) and the proxy stand-in, which
// forwards TCP to that PostgreSQL.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAction, runPostStep, workflowCommands } from '../../testkit/local-runner.mjs';
import {
  postgresBinDir,
  SPECIAL_PASSWORD,
  startPostgres,
  type TestPostgres,
} from '../../testkit/postgres.js';
import { freePort, isRunning, run as runTool, waitFor } from '../../testkit/process.js';
import { startServer } from '../../testkit/servers.js';

const INSTANCE = 'acme-dev:europe-west1:main';
const STANDIN = join(repoRoot, 'test', 'standins', 'bin', 'cloud-sql-proxy');
const PYTHON_ALEMBIC = '/usr/bin/python3 -m alembic';
const fixtures = join(repoRoot, 'test', 'fixtures', 'migrate');

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
}, 120_000);
afterAll(async () => {
  await db.stop();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await db.query('DROP TABLE IF EXISTS customers, invoices, audit_log, alembic_version CASCADE');
});

function proxyStarts(log: string): { pid: number; argv: string[] }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { pid: number; argv: string[] });
}

interface MigrateCase {
  inputs?: Record<string, string>;
  scenario?: string;
  env?: Record<string, string | undefined>;
  project?: string;
  cancel?: Parameters<typeof runAction>[0]['cancel'];
  /** Values besides the test database's password and URLs that must appear nowhere. */
  secrets?: string[];
  /** Runs while the step runs, with the proxy stand-in's start log (to find its pid). */
  during?: (proxyLog: string) => Promise<void>;
}

async function migrate(test: MigrateCase = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'proxy.jsonl');
  const port = await freePort();
  const url = db.socketUrl(INSTANCE);
  const running = runAction({
    stage: 'migrate',
    inputs: {
      'database-url': url,
      'proxy-path': STANDIN,
      port: String(port),
      command: `${PYTHON_ALEMBIC} upgrade head`,
      'working-directory': join(fixtures, test.project ?? 'service'),
      'proxy-timeout': '20s',
      ...test.inputs,
    },
    env: {
      CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${db.port}`,
      CLOUD_SQL_PROXY_STANDIN_LOG: log,
      CLOUD_SQL_PROXY_STANDIN_SCENARIO: test.scenario ?? 'ready',
      ...test.env,
    },
    // The password in every form, and both URLs, must never show.
    secrets: [
      SPECIAL_PASSWORD,
      url,
      db.url('postgresql+psycopg2').replace(`:${db.port}/`, `:${port}/`),
      ...(test.secrets ?? []),
    ],
    timeoutMs: 90_000,
    ...(test.cancel ? { cancel: test.cancel } : {}),
  });
  const [result] = await Promise.all([running, test.during?.(log)]);
  cleanups.push(result.cleanup);
  const starts = proxyStarts(log);
  return { result, starts, port, log };
}

describe('migrate bundle: Alembic through the proxy', () => {
  it('applies the migrations for real and stops the proxy', async () => {
    const { result, starts, port } = await migrate();
    expect(result.code, result.log).toBe(0);
    expect(await db.query("SELECT to_regclass('public.customers') IS NOT NULL")).toBe('t');
    expect(
      await db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'display_name'",
      ),
    ).toBe('display_name');
    expect(result.outputs).toEqual({ 'revision-before': '', 'revision-after': '9f2c4d5e6a7b' });
    expect(result.summary).toContain('### ✅ migrate: (empty database) → 9f2c…');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.argv).toEqual([
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--health-check',
      '--http-address',
      '127.0.0.1',
      '--http-port',
      expect.stringMatching(/^\d+$/) as string,
      INSTANCE,
    ]);
    expect(isRunning(starts[0]!.pid)).toBe(false);
    expect(result.log).toContain('Running upgrade 3a1b2c3d4e5f -> 9f2c4d5e6a7b');
  });

  it('says "already at head" when there is nothing to do', async () => {
    expect((await migrate()).result.code).toBe(0);
    const { result, starts } = await migrate();
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ 'revision-before': '9f2c4d5e6a7b', 'revision-after': '9f2c4d5e6a7b' });
    expect(result.summary).toContain('### ✅ migrate: already at head (9f2c…)');
    expect(isRunning(starts[0]!.pid)).toBe(false);
  });

  it('fails on a failing migration: non-zero exit, nothing after it applied, proxy stopped', async () => {
    const { result, starts } = await migrate({ project: 'failing' });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /::error::migrate: \/usr\/bin\/python3 -m alembic upgrade head failed with exit code 1/,
    );
    expect(
      await db.query(
        "SELECT to_regclass('public.audit_log') IS NULL AND to_regclass('public.invoices') IS NULL",
      ),
    ).toBe('t');
    expect(result.outputs).toEqual({});
    expect(isRunning(starts[0]!.pid)).toBe(false);
  });

  it('waits for a slow proxy by polling its readiness', async () => {
    const { result } = await migrate({ scenario: 'slow', env: { CLOUD_SQL_PROXY_STANDIN_DELAY_MS: '1200' } });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toMatch(/the proxy is ready after (1\.\d|2\.\d)s/);
  });
});

describe('migrate bundle: the proxy fails', () => {
  it('never ready: fails at proxy-timeout with the proxy own last log lines, and stops it', async () => {
    const { result, starts } = await migrate({ scenario: 'never-ready', inputs: { 'proxy-timeout': '2s' } });
    expect(result.code).toBe(1);
    expect(result.log).toContain('gave up waiting for the Cloud SQL Auth Proxy to be ready');
    expect(result.log).toContain("The proxy's last log lines:");
    expect(result.log).toMatch(/failed to get instance metadata/);
    expect(result.durationMs).toBeLessThan(15_000);
    expect(isRunning(starts[0]!.pid)).toBe(false);
  });

  it('exits at start: fails at once with its stderr', async () => {
    const { result, starts } = await migrate({ scenario: 'exit-at-start' });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /the Cloud SQL Auth Proxy exited \(code 1\) before it was ready:\n.*could not find default credentials/s,
    );
    expect(result.durationMs).toBeLessThan(10_000);
    expect(isRunning(starts[0]!.pid)).toBe(false);
  });

  it('port taken: fails before starting the proxy, naming the input', async () => {
    const blocker: Server = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const address = blocker.address();
    const port = String(typeof address === 'object' && address ? address.port : 0);
    const { result, starts } = await migrate({ inputs: { port } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`port ${port} is already in use on 127.0.0.1`);
    expect(result.log).toContain('set input "port" to a free port');
    expect(starts).toEqual([]);
  });

  it('the post: step stops a proxy the main step left running when it was killed', async () => {
    const { result, starts } = await migrate({
      inputs: { command: 'sleep 30' },
      cancel: { whenLog: /the proxy is ready after/, signal: 'SIGKILL' },
    });
    expect(result.signal).toBe('SIGKILL');
    expect(result.state['proxy-pid']).toBe(String(starts[0]?.pid));
    expect(result.post?.code).toBe(0);
    expect(result.log).toContain(`stopping the Cloud SQL Auth Proxy left running (pid ${starts[0]?.pid})`);
    expect(isRunning(starts[0]!.pid)).toBe(false);
  });

  it('the post: step does not wait out its grace for a proxy that exited but is never reaped', async () => {
    // As in a container job: the orphaned proxy's new parent (the container's PID 1) never
    // reaps it. Here a Python parent that never waits plays that part; the "proxy" is a Node
    // process carrying the proxy's name, in its own process group, that exits on SIGTERM.
    const parent = spawn(
      '/usr/bin/python3',
      [
        '-c',
        'import subprocess, sys, time\n' +
          'p = subprocess.Popen(sys.argv[1:], start_new_session=True)\n' +
          'print(p.pid, flush=True)\n' +
          'time.sleep(60)',
        process.execPath,
        '-e',
        'setInterval(() => {}, 1000)',
        'cloud-sql-proxy',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => parent.kill('SIGKILL'));
    const pid = Number(
      await new Promise<string>((resolve) => parent.stdout.setEncoding('utf8').once('data', resolve)),
    );
    await waitFor('the stand-in proxy to start', () => isRunning(pid));

    const post = await runPostStep({
      stage: 'migrate',
      state: { 'is-post': 'true', 'proxy-pid': String(pid) },
    });
    expect(post.code, post.log).toBe(0);
    expect(post.log).toContain(`stopping the Cloud SQL Auth Proxy left running (pid ${pid})`);
    // It exited and is left a zombie: kill(pid, 0) still succeeds, yet the step did not wait.
    expect(isRunning(pid)).toBe(false);
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(post.durationMs).toBeLessThan(4_000); // the grace is 5 s
  });

  it('a cancelled run stops the command and the proxy', async () => {
    const { result, starts } = await migrate({
      inputs: { command: 'sleep 30' },
      cancel: { whenLog: /::group::sleep 30/, signal: 'SIGINT' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('migrate: cancelled (SIGINT)');
    expect(isRunning(starts[0]!.pid)).toBe(false);
    expect(result.durationMs).toBeLessThan(15_000);
  });

  it('a cancelled run writes the summary: the group it stopped, the proxy stopped, its pid cleared', async () => {
    const { result, starts } = await migrate({
      inputs: { command: 'sleep 30' },
      cancel: { whenLog: /::group::sleep 30/, signal: 'SIGINT' },
    });
    expect(result.code).toBe(1);
    expect(result.summary).toMatch(/^### ❌ migrate: cancelled\n/);
    expect(result.summary).toContain(`| Instance | ${INSTANCE} |`);
    expect(result.summary).toContain('| Command | sleep 30 |');
    expect(result.summary).toContain('| Proxy | proxy-path |');
    expect(result.summary).toContain('| Cancelled | SIGINT during "sleep 30" |');
    expect(result.summary).toMatch(/\| Time \| [^|]+ \|/);
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    // The cleanup ran: the proxy is stopped and the post: step has nothing left to stop.
    expect(isRunning(starts[0]!.pid)).toBe(false);
    expect(result.state['proxy-pid']).toBe('');
    expect(result.post?.code).toBe(0);
    expect(result.post?.stdout ?? '').not.toContain('stopping the Cloud SQL Auth Proxy left running');
    expect(result.outputs).toEqual({});
  });
});

describe('migrate bundle: the proxy download', () => {
  it('downloads the release through the tool cache, checks its SHA-256, and reuses the cache', async () => {
    const binary = readFileSync(STANDIN);
    const sha256 = createHash('sha256').update(binary).digest('hex');
    const bucket = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(binary),
    );
    cleanups.push(() => bucket.close());
    const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
    cleanups.push(() => rmSync(toolCache, { recursive: true, force: true }));
    const env = { CLOUD_RUN_ACTIONS_TEST_PROXY_BASE_URL: bucket.url, RUNNER_TOOL_CACHE: toolCache };
    const inputs = { 'proxy-path': '', 'proxy-version': 'v2.99.0', 'proxy-sha256': sha256 };
    const first = await migrate({ inputs, env });
    expect(first.result.code, first.result.log).toBe(0);
    expect(bucket.requests.map((r) => r.url)).toEqual(['/v2.99.0/cloud-sql-proxy.linux.amd64']);
    expect(first.result.summary).toContain('| Proxy | downloaded v2.99.0, SHA-256 verified |');
    const second = await migrate({ inputs, env });
    expect(second.result.code, second.result.log).toBe(0);
    expect(bucket.requests).toHaveLength(1);
    expect(second.result.summary).toContain('| Proxy | tool cache (v2.99.0) |');
  });

  it('refuses and deletes a download whose SHA-256 does not match', async () => {
    const bucket = await startServer((_req, res) => res.writeHead(200).end('not the proxy'));
    cleanups.push(() => bucket.close());
    const { result, starts } = await migrate({
      inputs: { 'proxy-path': '', 'proxy-version': 'v2.99.0', 'proxy-sha256': 'a'.repeat(64) },
      env: { CLOUD_RUN_ACTIONS_TEST_PROXY_BASE_URL: bucket.url },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      `has SHA-256 ${createHash('sha256').update('not the proxy').digest('hex')}, not the expected ${'a'.repeat(64)}; the file was deleted`,
    );
    expect(starts).toEqual([]);
  });
});

describe('migrate bundle: bad inputs change nothing', () => {
  it.each([
    [
      { 'database-url': 'postgresql+psycopg2://api:pw@/api' },
      'no Cloud SQL instance: the database URL has no host=/cloudsql/PROJECT:REGION:INSTANCE; set input "instance"',
    ],
    [
      { instance: 'other:europe-west1:db' },
      `input "instance" is "other:europe-west1:db", but the database URL's host names ${INSTANCE}`,
    ],
    [{ command: 'alembic upgrade head && echo done' }, 'input "command" uses the shell character &'],
    [{ 'proxy-path': '', 'proxy-version': 'v2.1.0' }, 'input "proxy-version" is v2.1.0, not the pinned'],
    [
      { 'proxy-version': 'v2.1\n::add-mask::main' },
      'input "proxy-version" is "v2.1\\n::add-mask::main": use a v2',
    ],
    [{ port: '99999' }, 'input "port" is "99999": use a whole number from 1 to 65535'],
    [{ 'proxy-timeout': 'soon' }, 'input "proxy-timeout" is "soon": not a duration'],
  ])('%j', async (inputs, message) => {
    const { result, starts } = await migrate({ inputs });
    expect(result.code).toBe(1);
    expect(result.log).toContain(message);
    expect(starts).toEqual([]);
    expect(await db.query("SELECT to_regclass('public.customers') IS NULL")).toBe('t');
  });
});

describe('migrate bundle: a hostile instance name reaches no process and forges nothing', () => {
  it.each([
    'acme:europe-west1:main\n::error file=x::forged',
    'acme:europe-west1:main\n::add-mask::main',
    '--project=attacker-proj',
    '-h',
    'Acme:europe-west1:main',
    'acme:europe-west1:mаin', // U+0430
    `acme:europe-west1:${'m'.repeat(120)}x:y`,
    "acme:europe-west1:main'; rm -rf /",
  ])('%j', async (instance) => {
    const { result, starts } = await migrate({
      inputs: { 'database-url': 'postgresql+psycopg2://api:pw@/api', instance },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('::error::migrate: invalid configuration: input "instance" is "');
    expect(result.log).toContain('not a Cloud SQL instance connection name PROJECT:REGION:INSTANCE');
    // The stage's one annotation, nothing a value forged, no mask of part of a name.
    expect(workflowCommands(result.rawLog).filter((c) => !c.startsWith('::add-mask::'))).toEqual([
      expect.stringMatching(/^::error::migrate: invalid configuration: /),
    ]);
    expect(workflowCommands(result.rawLog)).not.toContain('::add-mask::main');
    expect(starts).toEqual([]);
    expect(await db.query("SELECT to_regclass('public.alembic_version') IS NULL")).toBe('t');
  });
});

describe('migrate bundle: the summary on invalid input', () => {
  const PASSWORD = 'Tcp-f0rm-n0t-s0cket';
  it.each([
    [
      'a database-url that is not the socket form',
      {
        'database-url': `postgresql+psycopg2://api:${PASSWORD}@db.internal.example:5432/api?sslmode=disable`,
      },
      'no Cloud SQL instance: the database URL has no host=/cloudsql/PROJECT:REGION:INSTANCE; set input "instance"',
    ],
    [
      'a /cloudsql/ path without a connection name',
      { 'database-url': `postgresql+psycopg2://api:${PASSWORD}@/api?host=/cloudsql/main` },
      'input "database-url": the host parameter\'s /cloudsql/ path does not end in an instance connection name: write /cloudsql/PROJECT:REGION:INSTANCE',
    ],
    [
      'a host parameter given twice (ambiguous: which socket?)',
      {
        'database-url': `postgresql+psycopg2://api:${PASSWORD}@/api?host=/cloudsql/${INSTANCE}&host=/tmp/${PASSWORD}`,
      },
      'input "database-url": the host parameter is given more than once, so the URL names no one place to connect to (drivers disagree on which one wins): keep one, e.g. host=/cloudsql/PROJECT:REGION:INSTANCE',
    ],
    [
      'a database-url that does not parse',
      { 'database-url': `postgresql+psycopg2://api:${PASSWORD}#x@/api?host=/cloudsql/${INSTANCE}` },
      'input "database-url": the URL contains a raw \'#\', which would end it',
    ],
    [
      'a missing database-url',
      { 'database-url': '' },
      'input "database-url" is required: the runtime DATABASE_URL (e.g. from Secret Manager)',
    ],
    [
      'a bad duration',
      { timeout: '15 minutes' },
      'input "timeout" is "15 minutes": not a duration; use a number with s, m or h (90s, 5m, 1h) or plain seconds',
    ],
  ])('%s: heading, the reason as a note, nothing run, no secret', async (_name, inputs, reason) => {
    const { result, starts } = await migrate({
      inputs,
      secrets: [PASSWORD, ...Object.values(inputs).filter((value) => value.includes(PASSWORD))],
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::migrate: invalid configuration: ${reason}`);
    expect(result.summary).toMatch(/^### ❌ migrate: invalid input\n/);
    expect(result.summary).toContain(`> ${reason}`);
    expect(result.summary).toMatch(/\| Time \| [^|]+ \|/);
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    // Nothing was read into rows before the inputs were refused, and nothing ran.
    expect(result.summary).not.toContain('| Instance |');
    expect(result.summary).not.toContain(PASSWORD);
    expect(result.summary).not.toContain('postgresql');
    expect(starts).toEqual([]);
    expect(result.outputs).toEqual({});
    expect(await db.query("SELECT to_regclass('public.alembic_version') IS NULL")).toBe('t');
  });
});

// ---------------------------------------------------------------------------------------------
// Faults under a real PostgreSQL: URLs SQLAlchemy could misread, locks held by other sessions,
// a proxy that dies under the migration, and what the step says about the database after.

/** Polls a query until it answers `expected`; throws naming `what` at the deadline. */
async function waitForQuery(what: string, sql: string, expected: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await db.query(sql);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what} (last answer ${JSON.stringify(last)})`,
  );
}

/** Alembic straight against the test database (no action, no proxy): the state a test starts from. */
async function alembicDirect(project: string, ...args: string[]): Promise<void> {
  // script_location is relative to the working directory, as where the action runs it.
  await runTool(
    '/usr/bin/env',
    ['-C', join(fixtures, project), '/usr/bin/python3', '-m', 'alembic', ...args],
    {
      env: { ...process.env, DATABASE_URL: db.url('postgresql+psycopg2') },
      timeoutMs: 60_000,
    },
  );
}

/** Ends every session of the test role that is still on the server (a lock holder, a pg_sleep). */
function terminateSessions(): Promise<string> {
  return db.query(
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename IN ('${db.user}', 'sa@proj.iam') AND pid <> pg_backend_pid()`,
  );
}

/** Sessions of the migration still queued on the server for a lock, ALTER TABLE customers. */
const WAITING_ALTER =
  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE customers%'";

/**
 * Another session (the running service, a long transaction) that holds `table` in ACCESS
 * EXCLUSIVE mode for two minutes; resolves once the lock is granted, ended by the test's cleanup.
 */
async function holdLock(table: string) {
  const holder = spawn(
    join(postgresBinDir(), 'psql'),
    [
      '-X',
      '-q',
      '-c',
      `BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);`,
      db.url('postgresql'),
    ],
    { stdio: 'ignore', env: { ...process.env, PGAPPNAME: 'lock-holder' } },
  );
  cleanups.push(async () => {
    holder.kill('SIGKILL');
    // The server does not notice a client gone while it sleeps: end the sessions there.
    await terminateSessions();
  });
  await waitForQuery(
    `the lock holder to hold ${table}`,
    `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '${table}' AND l.mode = 'AccessExclusiveLock' AND l.granted`,
    '1',
  );
  return holder;
}

describe('migrate bundle: URLs that SQLAlchemy could misread', () => {
  it('a Cloud SQL IAM user without a password and a raw "@" in a kept value: SQLAlchemy connects as that user', async () => {
    const iamUser = 'sa@proj.iam';
    await db.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${iamUser}') THEN CREATE ROLE "${iamUser}" LOGIN PASSWORD '${SPECIAL_PASSWORD}-iam'; END IF; END $$`,
    );
    await db.query(`GRANT ALL ON SCHEMA public TO "${iamUser}"`);
    cleanups.push(() => db.query(`REVOKE ALL ON SCHEMA public FROM "${iamUser}"`));
    // The shape the issue reports: the user name percent-encoded, no password in the userinfo,
    // the same name raw in a kept query value. The password comes as a query parameter only
    // because the proxy stand-in cannot do IAM authentication.
    const password = `${SPECIAL_PASSWORD}-iam`;
    const url = `postgresql+psycopg2://sa%40proj.iam@/${db.database}?host=/cloudsql/${INSTANCE}&user=${iamUser}&password=${encodeURIComponent(password)}`;
    const { result } = await migrate({
      inputs: { 'database-url': url },
      secrets: [password, encodeURIComponent(password)],
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ 'revision-before': '', 'revision-after': '9f2c4d5e6a7b' });
    expect(await db.query("SELECT tableowner FROM pg_tables WHERE tablename = 'customers'")).toBe(iamUser);
  });

  it('a TCP URL with the instance input: the host it replaces is named in a warning, the password is not', async () => {
    const url = db.url('postgresql+psycopg2').replace(`@127.0.0.1:${db.port}/`, '@db.internal.example:6543/');
    const { result, port } = await migrate({
      inputs: { 'database-url': url, instance: INSTANCE },
      secrets: [url],
    });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain(
      `::warning::input "database-url": the migration does not connect to the host "db.internal.example:6543" of the URL: it connects to ${INSTANCE} (input "instance") through the Cloud SQL Auth Proxy on 127.0.0.1:${port}, which replaces it.`,
    );
    expect(result.outputs['revision-after']).toBe('9f2c4d5e6a7b');
  });
});

describe('migrate bundle: PostgreSQL timeouts through PGOPTIONS', () => {
  it('a lock held by another session: the ALTER TABLE gives up after lock-timeout, with the cause and the revision', async () => {
    await alembicDirect('service', 'upgrade', '3a1b2c3d4e5f');
    const holder = await holdLock('customers');

    const { result, starts } = await migrate({ inputs: { 'lock-timeout': '2s', timeout: '40s' } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '::error::migrate: PostgreSQL cancelled a statement that waited 2s (input "lock-timeout") for a lock that another session holds: find that session',
    );
    expect(result.log).toContain('canceling statement due to lock timeout');
    // The database is where it was: the whole upgrade was one transaction.
    expect(result.summary).toMatch(/^### ❌ migrate: failed; the database is at 3a1b…\n/);
    expect(result.summary).toContain('| Revision after failure | 3a1b2c3d4e5f |');
    expect(result.log).toMatch(/::group::\/usr\/bin\/python3 -m alembic current \(after the failure\)/);
    expect(result.outputs).toEqual({});
    expect(isRunning(starts[0]!.pid)).toBe(false);
    // About lock-timeout, not the step's deadline (40 s) nor the holder's 120 s.
    expect(result.durationMs).toBeLessThan(20_000);
    // No statement of the migration is left queued behind the lock.
    expect(await db.query(WAITING_ALTER)).toBe('0');
    expect(holder.exitCode).toBeNull();
  });

  it('after the deadline stops the command, the server gives up the lock wait at lock-timeout too', async () => {
    await alembicDirect('service', 'upgrade', '3a1b2c3d4e5f');
    const holder = await holdLock('customers');
    let queuedAt = 0;
    const { result } = await migrate({
      inputs: { 'lock-timeout': '6s', timeout: '4s' },
      during: async () => {
        await waitForQuery('the ALTER TABLE to queue for the lock', WAITING_ALTER, '1', 30_000);
        queuedAt = Date.now();
      },
    });
    const stepEnded = Date.now();
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '/usr/bin/python3 -m alembic upgrade head did not finish within 4s and was stopped',
    );
    // Alembic is gone, but its ALTER TABLE is still queued on the server, holding up every later
    // query on the table: lock_timeout ends it there, where before it waited for as long as the
    // other session held the table (two minutes here).
    await waitForQuery('the ALTER TABLE to stop waiting on the server', WAITING_ALTER, '0', 20_000);
    const queuedFor = Date.now() - queuedAt;
    expect(queuedAt).toBeGreaterThan(0);
    expect(queuedAt).toBeLessThan(stepEnded);
    expect(queuedFor).toBeLessThan(6_000 + 3_000);
    expect(holder.exitCode).toBeNull();
  });

  it('statement-timeout stops a statement that runs too long, and says which input', async () => {
    cleanups.push(terminateSessions);
    const { result } = await migrate({
      project: 'slow',
      inputs: { 'statement-timeout': '1s', timeout: '40s' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '::error::migrate: PostgreSQL cancelled a statement that ran longer than 1s (input "statement-timeout"): raise statement-timeout, or split the migration',
    );
    expect(result.summary).toContain('| Revision after failure | (empty database) |');
    expect(result.durationMs).toBeLessThan(20_000);
  });

  it('keeps the PGOPTIONS of the environment (a statement_timeout there applies too)', async () => {
    cleanups.push(terminateSessions);
    const { result } = await migrate({
      project: 'slow',
      inputs: { timeout: '40s' },
      env: { PGOPTIONS: '-c statement_timeout=1500' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      "::error::migrate: PostgreSQL cancelled a statement that ran longer than the server's or the environment's statement_timeout",
    );
    expect(result.durationMs).toBeLessThan(20_000);
  });
});

describe('migrate bundle: after a failed migration', () => {
  it('reports alembic current: the revision the database is left at', async () => {
    await alembicDirect('service', 'upgrade', 'head');
    const { result } = await migrate({ project: 'failing' });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/::group::\/usr\/bin\/python3 -m alembic current \(after the failure\)/);
    expect(result.log).toContain(
      'migrate: alembic current after the failure: 9f2c4d5e6a7b, as before the command',
    );
    expect(result.summary).toMatch(/^### ❌ migrate: failed; the database is at 9f2c…\n/);
    expect(result.summary).toContain('| Revision after failure | 9f2c4d5e6a7b |');
    expect(result.summary).toContain('failed with exit code 1');
  });

  it('the proxy dies under the migration: its exit and last log lines, no alembic current through it', async () => {
    cleanups.push(terminateSessions);
    const { result, starts } = await migrate({
      project: 'slow',
      inputs: { timeout: '40s' },
      during: async (proxyLog) => {
        await waitForQuery(
          'the migration to sleep on the server',
          `SELECT count(*) FROM pg_stat_activity WHERE usename = '${db.user}' AND query LIKE 'SELECT pg_sleep%'`,
          '1',
          30_000,
        );
        const [start] = proxyStarts(proxyLog);
        process.kill(start!.pid, 'SIGTERM'); // the proxy alone, not the step's process group
      },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '\nmigrate: the Cloud SQL Auth Proxy exited (code 143) during the command; its last log lines:\n',
    );
    expect(result.log).toContain('SIGTERM signal received. Shutting down...');
    expect(result.summary).toMatch(
      /^### ❌ migrate: failed; the Cloud SQL Auth Proxy exited \(code 143\) during the command\n/,
    );
    expect(result.summary).toContain('| Proxy exit | code 143 |');
    expect(result.summary).toContain(
      'alembic current was not run after the failure: the proxy it would connect through is gone',
    );
    expect(result.log).toMatch(
      /::error::migrate: the Cloud SQL Auth Proxy exited \(code 143\) during the command \(its log is above\)\n/,
    );
    expect(isRunning(starts[0]!.pid)).toBe(false);
    expect(result.durationMs).toBeLessThan(30_000);
  });
});

// Tests of the Cloud SQL Auth Proxy stand-in (test/standins/bin/cloud-sql-proxy) and of the
// throwaway PostgreSQL helper. The stand-in is started as the migrate action starts the real
// proxy, and what it prints is compared with the texts of the real v2 proxy (see the header of
// the stand-in for where each comes from). The last block runs Alembic for real through it.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROXY_SHA256,
  PROXY_VERSION,
  proxyDownloadUrl,
  proxyPlatformKey,
} from '../../src/migrate/proxy-release.js';
import { freePort, postgresBinDir, startPostgres, type TestPostgres } from '../../testkit/postgres.js';

const STANDIN = join(import.meta.dirname, 'bin', 'cloud-sql-proxy');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'migrate');
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-alembic, -psycopg2, -sqlalchemy
const INSTANCE = 'acme-dev:europe-west1:main-db';
const STAMP = String.raw`\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}`;

let pg: TestPostgres;
let workDir: string;
let logFile: string;
let logCount = 0;

beforeAll(async () => {
  pg = await startPostgres();
  workDir = mkdtempSync(join(tmpdir(), 'cloud-sql-proxy-standin-'));
});

afterAll(async () => {
  await pg.stop();
  rmSync(workDir, { recursive: true, force: true });
});

// --- Running the stand-in ---------------------------------------------------------------------

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

interface Proxy {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

afterEach(() => {
  // Only the processes this file started, by their own handle.
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** Environment without anything of the machine's that the stand-in reads. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_EXTRA_CA_CERTS costs every Node start ~90 ms here; the stand-in makes no TLS calls.
    if (!/^(CLOUD_SQL_PROXY_STANDIN_|CSQL_PROXY_|NODE_EXTRA_CA_CERTS$)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

function startProxy(args: string[], env: Record<string, string> = {}): Proxy {
  logFile = join(workDir, `starts-${++logCount}.jsonl`);
  const child = spawn(STANDIN, args, {
    env: cleanEnv({
      CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${pg.port}`,
      CLOUD_SQL_PROXY_STANDIN_LOG: logFile,
      ...env,
    }),
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = Date.now();
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, ms: Date.now() - started });
    }),
  );
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The arguments the migrate action passes (DESIGN.md, actions/migrate). */
function actionArgs(port: number, httpPort: number, extra: string[] = []): string[] {
  return [
    '--address',
    '127.0.0.1',
    '--port',
    String(port),
    '--health-check',
    '--http-address',
    '127.0.0.1',
    '--http-port',
    String(httpPort),
    ...extra,
    INSTANCE,
  ];
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One GET without keep-alive; 'refused' when nothing listens. */
function get(port: number, path: string): Promise<Answer | 'refused'> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error),
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls /readiness as the action does (never a fixed sleep) until 200 or the deadline. */
async function pollReadiness(
  proxy: Proxy,
  httpPort: number,
  deadlineMs = 10_000,
): Promise<(Answer | 'refused')[]> {
  const answers: (Answer | 'refused')[] = [];
  const deadline = Date.now() + deadlineMs;
  const running = () => proxy.child.exitCode === null && proxy.child.signalCode === null;
  while (Date.now() < deadline && running()) {
    const answer = await get(httpPort, '/readiness');
    answers.push(answer);
    if (answer !== 'refused' && answer.status === 200) return answers;
    await sleep(100);
  }
  throw new Error(
    `not ready: ${JSON.stringify(answers.slice(-3))}\nstdout:\n${proxy.stdout()}\nstderr:\n${proxy.stderr()}`,
  );
}

/** Waits until the text shows up in the stream, with a deadline. */
async function waitFor(read: () => string, text: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!read().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear in:\n${read()}`);
    await sleep(20);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to its end with a deadline; never rejects on a non-zero exit. */
function runTool(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Run>((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** psql over TCP with the application role's password, as a client of the proxy would. */
function psqlOverTcp(port: number, sql: string, password = pg.password) {
  return runTool(
    join(postgresBinDir(), 'psql'),
    [
      '-X',
      '-A',
      '-t',
      '-w',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      pg.user,
      '-d',
      pg.database,
      '-c',
      sql,
    ],
    { env: { PATH: process.env.PATH ?? '', PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } },
  );
}

function starts(): { pid: number; argv: string[] }[] {
  return readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { pid: number; argv: string[] });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

// --- The PostgreSQL helper --------------------------------------------------------------------

describe('startPostgres', () => {
  it('creates a role whose password needs every kind of URL encoding, and TCP logins check it', async () => {
    for (const char of ['@', '/', ':', '%', '?', '#', '+', ' ']) expect(pg.password).toContain(char);
    const url = pg.url();
    expect(url).toBe(
      `postgresql+psycopg2://migrator:${encodeURIComponent(pg.password)}@127.0.0.1:${pg.port}/service_db`,
    );
    const encoded = /^postgresql\+psycopg2:\/\/migrator:([^@]*)@/.exec(url)![1]!;
    expect(encoded).not.toMatch(/[@/:?#+ ]/);
    expect(decodeURIComponent(encoded)).toBe(pg.password);
    expect(pg.url('postgresql')).toMatch(/^postgresql:\/\/migrator:/);

    const ok = await psqlOverTcp(pg.port, 'SELECT current_user, current_database()');
    expect(ok).toMatchObject({ code: 0, stdout: 'migrator|service_db\n' });
    const refused = await psqlOverTcp(pg.port, 'SELECT 1', 'wrong');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('password authentication failed for user "migrator"');
    expect(await pg.query('SHOW password_encryption')).toBe('scram-sha-256');
  });

  it('gives the runtime URL form that Cloud Run services read', () => {
    expect(pg.socketUrl(INSTANCE)).toBe(
      `postgresql+psycopg2://migrator:${encodeURIComponent(pg.password)}@/service_db?host=/cloudsql/${INSTANCE}`,
    );
  });
});

// --- The pinned release that the stand-in reports -----------------------------------------------

describe('pinned Cloud SQL Auth Proxy release', () => {
  it('has a SHA-256 for each supported binary and the official URL for each', () => {
    expect(PROXY_VERSION).toMatch(/^v2\.\d+\.\d+$/);
    expect(Object.keys(PROXY_SHA256).sort()).toEqual([
      'darwin.amd64',
      'darwin.arm64',
      'linux.amd64',
      'linux.arm64',
      'x64.exe',
    ]);
    for (const hash of Object.values(PROXY_SHA256)) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(PROXY_SHA256)).size).toBe(5);
    expect(proxyDownloadUrl('v2.15.1', 'linux.amd64')).toBe(
      'https://storage.googleapis.com/cloud-sql-connectors/cloud-sql-proxy/v2.15.1/cloud-sql-proxy.linux.amd64',
    );
    expect(proxyDownloadUrl('2.15.1', 'x64.exe', 'http://127.0.0.1:8080/mirror/')).toBe(
      'http://127.0.0.1:8080/mirror/v2.15.1/cloud-sql-proxy.x64.exe',
    );
    expect(proxyPlatformKey('linux', 'x64')).toBe('linux.amd64');
    expect(proxyPlatformKey('darwin', 'arm64')).toBe('darwin.arm64');
    expect(proxyPlatformKey('win32', 'x64')).toBe('x64.exe');
    expect(() => proxyPlatformKey('win32', 'ia32')).toThrow('win32/ia32');
  });
});

// --- The stand-in -----------------------------------------------------------------------------

describe('cloud-sql-proxy stand-in: command line', () => {
  it('prints the pinned release for --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const proxy = startProxy([flag]);
      const exit = await proxy.exited;
      expect(exit.code).toBe(0);
      expect(proxy.stdout()).toMatch(
        new RegExp(
          `^cloud-sql-proxy version ${PROXY_VERSION.slice(1).replaceAll('.', '\\.')}\\+linux\\.(amd64|arm64)\\n$`,
        ),
      );
    }
  });

  it.each([
    [['--bogus', INSTANCE], 'Error: unknown flag: --bogus'],
    [['--health-check=true', '--http_port=9', INSTANCE], 'Error: unknown flag: --http_port'],
    [['-x', INSTANCE], "Error: unknown shorthand flag: 'x' in -x"],
    [[INSTANCE, '--port'], 'Error: flag needs an argument: --port'],
    [[INSTANCE, '-p'], "Error: flag needs an argument: 'p' in -p"],
    [
      ['--port=abc', INSTANCE],
      'Error: invalid argument "abc" for "-p, --port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ['--private-ip=maybe', INSTANCE],
      'Error: invalid argument "maybe" for "--private-ip" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['--max-sigterm-delay', 'soon', INSTANCE],
      'Error: invalid argument "soon" for "--max-sigterm-delay" flag: time: invalid duration "soon"',
    ],
    [['--port', '5432'], 'Error: missing instance_connection_name (e.g., project:region:instance)'],
    [['--address', 'localhost', INSTANCE], 'Error: not a valid IP address: "localhost"'],
    [
      ['--private-ip', '--psc', INSTANCE],
      'Error: cannot specify --private-ip and --psc flags at the same time',
    ],
  ])('refuses %j as cobra does: the error, the usage, exit 1', async (args, first) => {
    const proxy = startProxy(args);
    const exit = await proxy.exited;
    expect(exit.code).toBe(1);
    expect(proxy.stdout()).toBe('');
    expect(proxy.stderr().split('\n')[0]).toBe(first);
    expect(proxy.stderr()).toContain('\nUsage:\n  cloud-sql-proxy INSTANCE_CONNECTION_NAME... [flags]\n');
    expect(proxy.stderr()).toContain('  -p, --port int ');
  });

  it('refuses real flags whose behaviour it does not model, as a stand-in (exit 2)', async () => {
    const proxy = startProxy(['--unix-socket', '/cloudsql', INSTANCE]);
    expect((await proxy.exited).code).toBe(2);
    expect(proxy.stderr()).toBe(
      'cloud-sql-proxy stand-in: --unix-socket is a real flag of the Cloud SQL Auth Proxy that the stand-in does not model\n',
    );
  });

  it('takes every flag form pflag takes: --flag=value, -pVALUE, -p=VALUE, grouped booleans', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy([
      '-a=127.0.0.1',
      `-p${port}`,
      '--health-check',
      `--http-address=127.0.0.1`,
      '--http-port',
      String(httpPort),
      '--private-ip',
      '-i',
      '--debug-logs',
      '--max-sigterm-delay=2s',
      '--min-sigterm-delay',
      '0s',
      INSTANCE,
    ]);
    await pollReadiness(proxy, httpPort);
    expect(proxy.stdout()).toContain(`[${INSTANCE}] Listening on 127.0.0.1:${port}\n`);
    expect(proxy.stdout()).toContain(`[${INSTANCE}] Connection info refresh operation complete\n`);
    expect(proxy.stdout()).toMatch(
      new RegExp(
        `\\[${INSTANCE}\\] Connection info refresh operation scheduled at \\S+Z \\(now \\+ 56m0s\\)\\n`,
      ),
    );
    expect(starts()).toEqual([{ pid: proxy.pid, argv: proxy.child.spawnargs.slice(1) }]);
  });

  it('logs the LogEntry JSON with --structured-logs, and only errors with --quiet', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const structured = startProxy(actionArgs(port, httpPort, ['-l']));
    await pollReadiness(structured, httpPort);
    const entries = lines(structured.stdout()).map((line) => JSON.parse(line) as Record<string, string>);
    expect(Object.keys(entries[0]!)).toEqual(['timestamp', 'severity', 'message']);
    expect(entries.map(({ severity, message }) => [severity, message])).toEqual([
      ['INFO', 'Authorizing with Application Default Credentials'],
      ['INFO', `[${INSTANCE}] Listening on 127.0.0.1:${port}`],
      ['INFO', 'The proxy has started successfully and is ready for new connections!'],
      ['INFO', `Starting health check server at 127.0.0.1:${httpPort}`],
    ]);
    expect(entries[0]!.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
    structured.child.kill('SIGTERM');
    await structured.exited;

    const quiet = startProxy(actionArgs(port, httpPort, ['--quiet']));
    await pollReadiness(quiet, httpPort);
    expect(quiet.stdout()).toBe('');
    expect(quiet.stderr()).toBe('');
  });
});

describe('cloud-sql-proxy stand-in: scenarios', () => {
  it('ready: the real startup lines, health endpoints, TCP forwarding to PostgreSQL, SIGTERM', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort));
    const polls = await pollReadiness(proxy, httpPort);
    expect(polls.at(-1)).toMatchObject({ status: 200, body: 'ok' });
    expect(lines(proxy.stdout())).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} Authorizing with Application Default Credentials$`)),
      expect.stringMatching(new RegExp(`^${STAMP} \\[${INSTANCE}\\] Listening on 127\\.0\\.0\\.1:${port}$`)),
      expect.stringMatching(
        new RegExp(`^${STAMP} The proxy has started successfully and is ready for new connections!$`),
      ),
      expect.stringMatching(
        new RegExp(`^${STAMP} Starting health check server at 127\\.0\\.0\\.1:${httpPort}$`),
      ),
    ]);
    expect(proxy.stderr()).toBe('');

    for (const path of ['/startup', '/liveness', '/readiness', '/readiness?min-ready=1']) {
      const answer = await get(httpPort, path);
      expect(answer).toMatchObject({ status: 200, body: 'ok' });
      expect((answer as Answer).headers['content-type']).toBe('text/plain; charset=utf-8');
    }
    expect(await get(httpPort, '/metrics')).toMatchObject({ status: 404, body: '404 page not found\n' });

    // A real client through the proxy port reaches the real server, with the real password.
    const through = await psqlOverTcp(port, 'SELECT current_user, current_database(), inet_server_port()');
    expect(through).toMatchObject({ code: 0, stdout: `migrator|service_db|${pg.port}\n` });
    // psql sends Terminate and PostgreSQL may hang up before psql's own close reaches the proxy:
    // either side's close is logged, whichever comes first.
    await waitFor(proxy.stdout, ` closed the connection\n`);
    expect(proxy.stdout()).toMatch(
      new RegExp(`${STAMP} \\[${INSTANCE}\\] (client|instance) closed the connection\\n`),
    );
    expect(proxy.stdout()).toMatch(
      new RegExp(`${STAMP} \\[${INSTANCE}\\] Accepted connection from 127\\.0\\.0\\.1:\\d+\\n`),
    );

    proxy.child.kill('SIGTERM');
    const exit = await proxy.exited;
    expect(exit).toMatchObject({ code: 143, signal: null });
    expect(lines(proxy.stdout()).slice(-2)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} Sending SIGTERM signal for proxy to shutdown\\.$`)),
      expect.stringMatching(new RegExp(`^${STAMP} SIGTERM signal received\\. Shutting down\\.\\.\\.$`)),
    ]);
    expect(isAlive(proxy.pid)).toBe(false);
    expect(await get(httpPort, '/liveness')).toBe('refused');
    expect((await psqlOverTcp(port, 'SELECT 1')).stderr).toContain('Connection refused');
    expect(starts()).toEqual([{ pid: proxy.pid, argv: actionArgs(port, httpPort) }]);
  });

  it('exits 0 on SIGTERM with --exit-zero-on-sigterm, and 130 on SIGINT', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const zero = startProxy(actionArgs(port, httpPort, ['--exit-zero-on-sigterm']));
    await pollReadiness(zero, httpPort);
    zero.child.kill('SIGTERM');
    expect(await zero.exited).toMatchObject({ code: 0 });

    const interrupted = startProxy(actionArgs(port, httpPort));
    await pollReadiness(interrupted, httpPort);
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exited).toMatchObject({ code: 130 });
    expect(interrupted.stdout()).toContain('SIGINT signal received. Shutting down...\n');
  });

  it('slow: the health port refuses connections, then readiness is 503 with the dial error, then 200', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort), {
      CLOUD_SQL_PROXY_STANDIN_SCENARIO: 'slow',
      CLOUD_SQL_PROXY_STANDIN_DELAY_MS: '1200',
    });
    const started = Date.now();
    const polls = await pollReadiness(proxy, httpPort);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
    expect(polls[0]).toBe('refused');
    const unready = polls.filter((answer): answer is Answer => answer !== 'refused' && answer.status === 503);
    expect(unready.length).toBeGreaterThan(0);
    const dialError = `Dial error: failed to dial (connection name = "${INSTANCE}"): dial tcp 127.0.0.1:${pg.port}: connect: connection refused`;
    expect(new Set(unready.map(({ body }) => body))).toEqual(new Set([dialError]));
    expect(proxy.stderr()).toContain(`[Health Check] Readiness failed: ${dialError}\n`);
    expect(polls.at(-1)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('never-ready: serves health but every dial fails with the 403 metadata error, logged on each probe', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort), { CLOUD_SQL_PROXY_STANDIN_SCENARIO: 'never-ready' });
    const forbidden = `failed to get instance: Refresh error: failed to get instance metadata (connection name = "${INSTANCE}"): googleapi: Error 403: boss::NOT_AUTHORIZED: Not authorized to access resource. Possibly missing permission cloudsql.instances.get on resource instances/main-db., forbidden`;
    await expect(pollReadiness(proxy, httpPort, 1500)).rejects.toThrow(/not ready/);
    expect(await get(httpPort, '/readiness')).toMatchObject({ status: 503, body: forbidden });
    expect(await get(httpPort, '/startup')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(httpPort, '/liveness')).toMatchObject({ status: 200, body: 'ok' });
    const failures = proxy.stderr().split(`[Health Check] Readiness failed: ${forbidden}\n`).length - 1;
    expect(failures).toBeGreaterThanOrEqual(3);

    const through = await psqlOverTcp(port, 'SELECT 1');
    expect(through.code).toBe(2);
    expect(through.stderr).toContain('server closed the connection unexpectedly');
    await waitFor(proxy.stderr, `[${INSTANCE}] failed to connect to instance: ${forbidden}\n`);
  });

  it('exit-at-start: the real credentials failure on stdout and stderr, exit 1, nothing listening', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort), {
      CLOUD_SQL_PROXY_STANDIN_SCENARIO: 'exit-at-start',
    });
    const exit = await proxy.exited;
    expect(exit.code).toBe(1);
    const error =
      'error initializing dialer: failed to create default credentials: google: could not find default credentials. See https://cloud.google.com/docs/authentication/external/set-up-adc for more information';
    expect(lines(proxy.stdout())).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} Authorizing with Application Default Credentials$`)),
      expect.stringMatching(new RegExp(`^${STAMP} Error starting proxy: ${literal(error)}$`)),
    ]);
    expect(proxy.stderr()).toMatch(
      new RegExp(
        `^${STAMP} The proxy has encountered a terminal error: unable to start: ${literal(error)}\\n$`,
      ),
    );
    expect(await get(httpPort, '/liveness')).toBe('refused');
    expect(starts()).toHaveLength(1);
  });

  it('exit-at-start without --port: the Admin API 403 while mounting the socket', async () => {
    const proxy = startProxy([INSTANCE], { CLOUD_SQL_PROXY_STANDIN_SCENARIO: 'exit-at-start' });
    expect((await proxy.exited).code).toBe(1);
    expect(proxy.stderr()).toContain(
      `The proxy has encountered a terminal error: unable to start: [${INSTANCE}] Unable to mount socket: failed to get instance: Refresh error: failed to get instance metadata (connection name = "${INSTANCE}"): googleapi: Error 403: boss::NOT_AUTHORIZED`,
    );
  });

  it('port taken: fails like the real proxy with "bind: address already in use", exit 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const httpPort = await freePort();
      const proxy = startProxy(actionArgs(port, httpPort));
      const exit = await proxy.exited;
      expect(exit.code).toBe(1);
      const listenError = `listen tcp 127.0.0.1:${port}: bind: address already in use`;
      expect(lines(proxy.stderr())).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${STAMP} \\[${INSTANCE}\\] could not listen to address 127\\.0\\.0\\.1:${port}: ${literal(listenError)}$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${STAMP} The proxy has encountered a terminal error: unable to start: \\[${INSTANCE}\\] Unable to mount socket: ${literal(listenError)}$`,
          ),
        ),
      ]);
      expect(proxy.stdout()).toContain(
        `Error starting proxy: [${INSTANCE}] Unable to mount socket: ${listenError}\n`,
      );
      expect(await get(httpPort, '/liveness')).toBe('refused');
    } finally {
      taken.close();
    }
  });

  it('health port taken: a terminal error after the start, exit 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const httpPort = (taken.address() as net.AddressInfo).port;
    try {
      const proxy = startProxy(actionArgs(await freePort(), httpPort));
      expect((await proxy.exited).code).toBe(1);
      expect(proxy.stderr()).toMatch(
        new RegExp(
          `^${STAMP} The proxy has encountered a terminal error: failed to start HTTP server: listen tcp 127\\.0\\.0\\.1:${httpPort}: bind: address already in use\\n$`,
        ),
      );
    } finally {
      taken.close();
    }
  });

  it('an instance name that is not PROJECT:REGION:INSTANCE starts but never becomes ready', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const args = actionArgs(port, httpPort);
    args[args.length - 1] = 'main-db';
    const proxy = startProxy(args);
    await expect(pollReadiness(proxy, httpPort, 600)).rejects.toThrow(/not ready/);
    expect(await get(httpPort, '/readiness')).toMatchObject({
      status: 503,
      body: 'Config error: invalid connection name, expected PROJECT:REGION:INSTANCE format or valid DNS domain name (connection name = "main-db")',
    });
    expect(proxy.stdout()).toContain('[main-db] Listening on 127.0.0.1:');
  });

  it('readiness follows the instance: 503 while nothing listens at the target, 200 once it does', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const targetPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort), {
      CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${targetPort}`,
    });
    await expect(pollReadiness(proxy, httpPort, 600)).rejects.toThrow(/not ready/);
    expect(await get(httpPort, '/readiness')).toMatchObject({
      status: 503,
      body: `Dial error: failed to dial (connection name = "${INSTANCE}"): dial tcp 127.0.0.1:${targetPort}: connect: connection refused`,
    });
    const instance = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => instance.listen(targetPort, '127.0.0.1', resolve));
    try {
      expect((await pollReadiness(proxy, httpPort)).at(-1)).toMatchObject({ status: 200, body: 'ok' });
    } finally {
      instance.close();
    }
  });

  it('--max-sigterm-delay waits for open connections, then exits 1 naming them', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort, ['--max-sigterm-delay=1s']));
    await pollReadiness(proxy, httpPort);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await waitFor(proxy.stdout, 'Accepted connection from');
    const signalled = Date.now();
    proxy.child.kill('SIGTERM');
    const exit = await proxy.exited;
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1000);
    expect(exit.code).toBe(1);
    expect(proxy.stderr()).toMatch(
      new RegExp(`${STAMP} error during shutdown: 1 connection\\(s\\) still open after waiting 1s\\n$`),
    );
    client.destroy();
  });

  it('--max-sigterm-delay ends early when the last connection closes', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort, ['--max-sigterm-delay', '10s']));
    await pollReadiness(proxy, httpPort);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await waitFor(proxy.stdout, 'Accepted connection from');
    proxy.child.kill('SIGTERM');
    await waitFor(proxy.stdout, 'SIGTERM signal received. Shutting down...');
    client.end();
    const exit = await proxy.exited;
    expect(exit.code).toBe(143);
    expect(exit.ms).toBeLessThan(8000);
  });

  it('CLOUD_SQL_PROXY_STANDIN_IGNORE_SIGTERM=1: SIGTERM does nothing, SIGKILL ends it', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort), { CLOUD_SQL_PROXY_STANDIN_IGNORE_SIGTERM: '1' });
    await pollReadiness(proxy, httpPort);
    proxy.child.kill('SIGTERM');
    await sleep(500);
    expect(isAlive(proxy.pid)).toBe(true);
    expect(await get(httpPort, '/readiness')).toMatchObject({ status: 200 });
    proxy.child.kill('SIGKILL');
    expect(await proxy.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(isAlive(proxy.pid)).toBe(false);
  });
});

// --- Alembic through the stand-in -------------------------------------------------------------

/** `python3 -m alembic …` in a fixture project, as the action's default command runs. */
function alembic(project: 'service' | 'failing', databaseUrl: string, ...args: string[]) {
  return runTool(PYTHON, ['-m', 'alembic', ...args], {
    cwd: join(FIXTURES, project),
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, PYTHONDONTWRITEBYTECODE: '1' },
  });
}

const publicTables = (database: TestPostgres) =>
  database.query(
    "SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = 'public'",
  );

describe('Alembic through the stand-in', () => {
  it('upgrades to head with a percent-encoded password; `alembic current` prints "<rev> (head)"', async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const proxy = startProxy(actionArgs(port, httpPort));
    await pollReadiness(proxy, httpPort);
    // The action's rewrite of the runtime URL: same credentials, 127.0.0.1 and the proxy's port.
    const url = pg.url().replace(`@127.0.0.1:${pg.port}/`, `@127.0.0.1:${port}/`);

    const before = await alembic('service', url, 'current');
    expect(before).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\nINFO  [alembic.runtime.migration] Will assume transactional DDL.\n',
    });

    const upgrade = await alembic('service', url, 'upgrade', 'head');
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toContain(
      'INFO  [alembic.runtime.migration] Running upgrade  -> 3a1b2c3d4e5f, create customers\n' +
        'INFO  [alembic.runtime.migration] Running upgrade 3a1b2c3d4e5f -> 9f2c4d5e6a7b, add customers.display_name\n',
    );
    expect(await publicTables(pg)).toBe('alembic_version,customers');
    expect(
      await pg.query(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'customers'",
      ),
    ).toBe('id,email,created_at,display_name');
    expect(await pg.query("SELECT tableowner FROM pg_tables WHERE tablename = 'customers'")).toBe('migrator');

    const after = await alembic('service', url, 'current');
    expect(after).toMatchObject({ code: 0, stdout: '9f2c4d5e6a7b (head)\n' });
    expect(await alembic('service', url, 'heads')).toMatchObject({
      code: 0,
      stdout: '9f2c4d5e6a7b (head)\n',
    });
    expect(proxy.stdout().split('Accepted connection from').length - 1).toBeGreaterThanOrEqual(3);
  });

  it('a revision that fails midway rolls back the whole run: nothing after it, nothing of it', async () => {
    const database = await startPostgres();
    try {
      const port = await freePort();
      const httpPort = await freePort();
      const proxy = startProxy(actionArgs(port, httpPort), {
        CLOUD_SQL_PROXY_STANDIN_TARGET: `127.0.0.1:${database.port}`,
      });
      await pollReadiness(proxy, httpPort);
      const url = database.url().replace(`@127.0.0.1:${database.port}/`, `@127.0.0.1:${port}/`);

      // From an empty database, the three revisions of the run share one transaction.
      const fromEmpty = await alembic('failing', url, 'upgrade', 'head');
      expect(fromEmpty.code).toBe(1);
      expect(fromEmpty.stderr).toContain(
        'INFO  [alembic.runtime.migration] Running upgrade 9f2c4d5e6a7b -> 5d6e7f8a9b0c, create invoices (fails midway)\n',
      );
      expect(fromEmpty.stderr).toContain('relation "no_such_table" does not exist');
      expect(fromEmpty.stderr).not.toContain('7b8c9d0e1f2a');
      expect(await publicTables(database)).toBe('');
      expect(await alembic('failing', url, 'current')).toMatchObject({ code: 0, stdout: '' });

      // From the last good revision, the failure leaves it where it was; current is not head.
      expect((await alembic('failing', url, 'upgrade', '9f2c4d5e6a7b')).code).toBe(0);
      expect((await alembic('failing', url, 'upgrade', 'head')).code).toBe(1);
      expect(await alembic('failing', url, 'current')).toMatchObject({ code: 0, stdout: '9f2c4d5e6a7b\n' });
      expect(await publicTables(database)).toBe('alembic_version,customers');
    } finally {
      await database.stop();
    }
  });
});

/** A literal for a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

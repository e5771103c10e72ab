// Real parts for the build-push tests: Debian's `docker-registry` (distribution 2.8) on
// 127.0.0.1, with no auth, its own token auth (a token server in this process signs the JWTs) or
// htpasswd; a proxy that fails the first N requests; a server that never answers; an isolated
// environment for buildah, podman and skopeo (vfs storage in a temporary directory, never
// /var/lib/containers); and small build contexts from test/fixtures/build-push/contexts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, sign } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run as runTool } from './process.js';
import { listenLocally } from './servers.js';

/** The folder of the CLI stand-ins (docker, gcloud, terraform, cloud-sql-proxy): put it first on PATH. */
export const STANDINS_BIN = join(import.meta.dirname, '..', 'test', 'standins', 'bin');
const CONTEXTS = join(import.meta.dirname, '..', 'test', 'fixtures', 'build-push', 'contexts');

/** Every manifest type a registry may hold for a tag: image manifests and indexes, OCI and Docker. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;
const TOOL_TIMEOUT_MS = 30_000;
const HTTP_TIMEOUT_MS = 10_000;

// --- Processes and HTTP ------------------------------------------------------------------------

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request without keep-alive (nothing lingers after a registry stops), with a deadline. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? HTTP_TIMEOUT_MS, () => {
      req.destroy(
        new Error(
          `${options.method ?? 'GET'} ${url}: no answer within ${options.timeoutMs ?? HTTP_TIMEOUT_MS} ms`,
        ),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `Bearer realm="…",service="…",scope="…"` → { scheme, params }. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = /^\s*(\S+)/.exec(header)?.[1] ?? '';
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) params[match[1]!] = match[2]!;
  return { scheme, params };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Registries still running when the test process exits (a test that forgot stop()): killed by
// their own handle, never by name.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of running) leftover.kill('SIGKILL');
    });
  }
}

// --- Token auth --------------------------------------------------------------------------------

/** An entry of a token's `access` claim (distribution's token.ResourceActions). */
export interface ResourceActions {
  type: string;
  name: string;
  actions: string[];
}

/** One call of the token endpoint, as the token server saw it. */
export interface TokenRequest {
  method: string;
  service: string;
  /** The scopes asked for, e.g. `repository:svc/api:pull,push`. */
  scopes: string[];
  /** The user name the client sent, if any. */
  account?: string;
  /** Whether the client sent credentials, and whether they were right. */
  credentials: 'none' | 'valid' | 'invalid';
  /** The `access` claim of the token issued; absent when no token was issued. */
  granted?: ResourceActions[];
}

const SERVICE = 'test-registry';
const ISSUER = 'test-token-issuer';
const ALL_ACTIONS = ['pull', 'push', 'delete'];

/** `repository:svc/api:pull,push` → { type, name, actions }; names may hold `:` (a port). */
function parseScope(scope: string): ResourceActions | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

interface TokenSigner {
  certFile: string;
  /** RS256 JWT whose `x5c` header carries the self-signed certificate the registry trusts. */
  sign: (claims: Record<string, unknown>) => string;
}

/** A key and its self-signed certificate (openssl), the registry's `rootcertbundle`. */
async function tokenSigner(dir: string): Promise<TokenSigner> {
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  await runWithDefault('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${ISSUER}`,
    '-days',
    '1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const key = readFileSync(keyFile, 'utf8');
  const der = readFileSync(certFile, 'utf8')
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  // distribution 2.8 (registry/auth/token/token.go) verifies an x5c chain against the bundle
  // with ExtKeyUsageAny, so the self-signed certificate alone is a valid chain.
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
  return {
    certFile,
    sign: (claims) => {
      const payload = `${header}.${base64url(JSON.stringify(claims))}`;
      return `${payload}.${base64url(sign('sha256', Buffer.from(payload), key))}`;
    },
  };
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

interface TokenServer {
  realm: string;
  requests: TokenRequest[];
  close: () => Promise<void>;
}

/**
 * The token endpoint of the Docker token protocol: GET with `service` and `scope` (repeatable,
 * or space-separated) and Basic credentials, or the OAuth2 POST form (`grant_type=password`).
 * Right credentials get every requested action that `grantedActions` allows; no credentials get
 * a token without access (as Docker Hub answers for a private repository); wrong ones get 401.
 */
async function startTokenServer(
  signer: TokenSigner,
  username: string,
  password: string,
  grantedActions: readonly string[],
): Promise<TokenServer> {
  const requests: TokenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const reply = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
        reply(404, { details: 'not found' });
        return;
      }
      const params =
        req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : url.searchParams;
      let sent = basicCredentials(req.headers.authorization);
      if (!sent && params.get('grant_type') === 'password') {
        sent = { username: params.get('username') ?? '', password: params.get('password') ?? '' };
      }
      const entry: TokenRequest = {
        method: req.method,
        service: params.get('service') ?? '',
        scopes: params.getAll('scope').flatMap((scope) => scope.split(' ').filter(Boolean)),
        ...(sent ? { account: sent.username } : {}),
        credentials: !sent
          ? 'none'
          : sent.username === username && sent.password === password
            ? 'valid'
            : 'invalid',
      };
      requests.push(entry);
      if (entry.credentials === 'invalid') {
        reply(
          401,
          { details: 'incorrect username or password' },
          { 'www-authenticate': 'Basic realm="test registry token service"' },
        );
        return;
      }
      if (entry.service !== SERVICE) {
        reply(400, { details: `unknown service ${JSON.stringify(entry.service)}` });
        return;
      }
      const granted: ResourceActions[] = [];
      if (entry.credentials === 'valid') {
        for (const scope of entry.scopes) {
          const resource = parseScope(scope);
          if (!resource) continue;
          const wanted = resource.actions.includes('*') ? [...grantedActions] : resource.actions;
          const actions = wanted.filter((action) => grantedActions.includes(action));
          if (actions.length > 0) granted.push({ ...resource, actions });
        }
      }
      entry.granted = granted;
      const now = Math.floor(Date.now() / 1000);
      const token = signer.sign({
        iss: ISSUER,
        sub: entry.account ?? '',
        aud: SERVICE,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(12).toString('hex'),
        access: granted,
      });
      reply(200, {
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date(now * 1000).toISOString(),
      });
    });
  });
  const { port, stop } = await listenLocally(server);
  return { realm: `http://127.0.0.1:${port}/token`, requests, close: stop };
}

/**
 * A bcrypt line for the registry's htpasswd file (distribution accepts bcrypt only). Node has no
 * bcrypt; Debian's Python 3.11 `crypt` module has (libxcrypt), and apache2-utils' `htpasswd` is
 * used instead when it is installed. Cost 4: the registry checks the hash on every request.
 */
async function bcryptLine(username: string, password: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'htpasswd'))) {
      return (await runWithDefault(join(dir, 'htpasswd'), ['-nbBC', '4', username, password])).stdout.trim();
    }
  }
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script =
    'import crypt, sys\nprint(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
  const { stdout } = await runWithDefault(python, ['-W', 'ignore', '-c', script, password]);
  const hash = stdout.trim();
  if (!/^\$2[aby]\$04\$/.test(hash)) {
    throw new Error(
      `htpasswd mode needs apache2-utils' htpasswd or Python's crypt with bcrypt (got ${hash})`,
    );
  }
  return `${username}:${hash}`;
}

// --- The registry ------------------------------------------------------------------------------

export type RegistryAuth = 'none' | 'token' | 'htpasswd';

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Token mode: the actions right credentials may get (default pull, push and delete). */
  grantedActions?: readonly string[];
}

export interface ManifestAnswer {
  status: number;
  /** Docker-Content-Digest. */
  digest: string;
  mediaType: string;
  /** The manifest's bytes exactly as the registry serves them. */
  raw: string;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`: what an image reference starts with. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The registry's storage.filesystem.rootdirectory. */
  storage: string;
  auth: RegistryAuth;
  /** Credentials the registry (token or htpasswd mode) accepts; ignored in `none` mode. */
  username: string;
  password: string;
  /** Token mode: the token endpoint and the `service` the registry names in its challenge. */
  realm: string | undefined;
  service: string;
  /** Every call of the token endpoint, in order (token mode; empty otherwise). */
  tokenRequests: TokenRequest[];
  /** Asks the token endpoint for `scopes` with these credentials (default: the right ones; null: none). */
  requestToken: (
    scopes: string[],
    credentials?: { username: string; password: string } | null,
  ) => Promise<{ status: number; token?: string; body: string }>;
  /** HEAD /v2/<repo>/manifests/<reference> with the OCI and Docker Accept list (authenticating as needed). */
  manifestDigest: (repo: string, reference: string) => Promise<string>;
  /** GET of the same: digest, media type and raw bytes. */
  fetchManifest: (repo: string, reference: string) => Promise<ManifestAnswer>;
  /** `skopeo inspect --tls-verify=false [--creds U:P] docker://HOST/REPO:TAG` → its `.Digest`. */
  skopeoDigest: (repo: string, reference: string) => Promise<string>;
  /** The registry's own log so far (for failure messages). */
  logs: () => string;
  /** SIGTERM, SIGKILL after a grace period, then the storage is removed. Safe to call twice. */
  stop: () => Promise<void>;
}

/** A user name and a password with the characters that encoding bugs trip over. */
const USERNAME = 'ci-pusher';
const PASSWORD = 's3cr:t/p@ss%2F+ x';

function registryConfig(dir: string, port: number, auth: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    auth,
    '',
  ].join('\n');
}

/**
 * Starts `docker-registry serve <config>` on a free 127.0.0.1 port with its storage in a new
 * temporary directory, and waits until `GET /v2/` answers (200, or 401 with auth). Stop it in an
 * `afterAll` or a `finally`: a registry outlives a test process that dies.
 *
 * In token mode the token server runs in this process: start the clients (buildah, skopeo, the
 * action's bundle) asynchronously; an execFileSync would wait for a token forever.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  mkdirSync(join(dir, 'storage'));
  let tokenServer: TokenServer | undefined;
  let child: ChildProcess | undefined;
  let log = '';
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await tokenServer?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    let authConfig = '';
    if (auth === 'token') {
      const signer = await tokenSigner(dir);
      tokenServer = await startTokenServer(signer, USERNAME, PASSWORD, options.grantedActions ?? ALL_ACTIONS);
      authConfig = [
        'auth:',
        '  token:',
        `    realm: ${tokenServer.realm}`,
        `    service: ${SERVICE}`,
        `    issuer: ${ISSUER}`,
        `    rootcertbundle: ${signer.certFile}`,
      ].join('\n');
    } else if (auth === 'htpasswd') {
      const file = join(dir, 'htpasswd');
      writeFileSync(file, `${await bcryptLine(USERNAME, PASSWORD)}\n`);
      authConfig = ['auth:', '  htpasswd:', `    realm: ${SERVICE}`, `    path: ${file}`].join('\n');
    }

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const configFile = join(dir, 'config.yml');
      writeFileSync(configFile, registryConfig(dir, port, authConfig));
      log = '';
      const started = spawn('docker-registry', ['serve', configFile], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = started;
      track(started);
      started.stderr.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-64_000);
      });
      try {
        await waitUntilServing(started, `http://127.0.0.1:${port}`, () => log);
        return finish(port);
      } catch (error) {
        lastError = error; // most likely the port was taken meanwhile: try another
        if (started.exitCode === null && started.signalCode === null) {
          started.kill('SIGKILL');
          await new Promise((resolve) => started.once('exit', resolve));
        }
      }
    }
    throw lastError;
  } catch (error) {
    await stop();
    throw error;
  }

  function finish(port: number): TestRegistry {
    const host = `127.0.0.1:${port}`;
    const url = `http://${host}`;
    const basic = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

    const requestToken: TestRegistry['requestToken'] = async (scopes, credentials) => {
      if (!tokenServer) throw new Error('requestToken: the registry does not use token auth');
      const query = new URLSearchParams({ service: SERVICE });
      for (const scope of scopes) query.append('scope', scope);
      const who = credentials === undefined ? { username: USERNAME, password: PASSWORD } : credentials;
      const headers: http.OutgoingHttpHeaders = who
        ? { authorization: `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}` }
        : {};
      const res = await httpRequest(`${tokenServer.realm}?${query.toString()}`, { headers });
      const body = res.body.toString();
      const token = res.status === 200 ? (JSON.parse(body) as { token?: string }).token : undefined;
      return { status: res.status, ...(token ? { token } : {}), body };
    };

    /** The Authorization header that answers a registry's challenge, with the right credentials. */
    const authorize = async (challenge: string | undefined): Promise<string> => {
      const { scheme, params } = parseChallenge(challenge ?? '');
      if (scheme.toLowerCase() === 'basic') return basic;
      if (scheme.toLowerCase() !== 'bearer') throw new Error(`unexpected challenge ${String(challenge)}`);
      const answer = await requestToken(params.scope ? params.scope.split(' ') : []);
      if (!answer.token) throw new Error(`the token endpoint refused: ${answer.status} ${answer.body}`);
      return `Bearer ${answer.token}`;
    };

    const manifestRequest = async (method: 'HEAD' | 'GET', repo: string, reference: string) => {
      const target = `${url}/v2/${repo}/manifests/${reference}`;
      const headers: http.OutgoingHttpHeaders = { accept: MANIFEST_ACCEPT };
      let res = await httpRequest(target, { method, headers });
      if (res.status === 401) {
        const challenge = res.headers['www-authenticate'];
        res = await httpRequest(target, {
          method,
          headers: { ...headers, authorization: await authorize(challenge) },
        });
      }
      const digest = res.headers['docker-content-digest'];
      if (res.status !== 200 || typeof digest !== 'string') {
        throw new Error(`${method} ${target}: ${res.status} ${res.body.toString().slice(0, 300)}`);
      }
      return {
        status: res.status,
        digest,
        mediaType: String(res.headers['content-type']),
        raw: res.body.toString(),
      };
    };

    return {
      host,
      url,
      port,
      storage: join(dir, 'storage'),
      auth,
      username: USERNAME,
      password: PASSWORD,
      realm: tokenServer?.realm,
      service: SERVICE,
      tokenRequests: tokenServer?.requests ?? [],
      requestToken,
      manifestDigest: async (repo, reference) => (await manifestRequest('HEAD', repo, reference)).digest,
      fetchManifest: (repo, reference) => manifestRequest('GET', repo, reference),
      skopeoDigest: async (repo, reference) => {
        const separator = reference.startsWith('sha256:') ? '@' : ':';
        const { stdout } = await runWithDefault('skopeo', [
          'inspect',
          '--tls-verify=false',
          ...(auth === 'none' ? ['--no-creds'] : ['--creds', `${USERNAME}:${PASSWORD}`]),
          `docker://${host}/${repo}${separator}${reference}`,
        ]);
        return (JSON.parse(stdout) as { Digest: string }).Digest;
      },
      logs: () => log,
      stop,
    };
  }
}

async function waitUntilServing(child: ChildProcess, url: string, logs: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited before serving:\n${logs()}`);
    }
    try {
      const res = await httpRequest(`${url}/v2/`, { timeoutMs: 1_000 });
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`docker-registry did not answer within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    }
    await sleep(20);
  }
}

// --- A flaky proxy and a silent server ---------------------------------------------------------

export interface ProxiedRequest {
  method: string;
  url: string;
  /** What the client got: the proxy's failure status, or the registry's answer. */
  status: number;
  /** True when the proxy answered the failure itself. */
  failed: boolean;
}

export interface FlakyProxy {
  url: string;
  host: string;
  port: number;
  requests: ProxiedRequest[];
  /** Failures answered so far. */
  readonly failures: number;
  stop: () => Promise<void>;
}

export interface FlakyProxyOptions {
  /** How many matching requests fail before the proxy forwards everything. */
  failFirst: number;
  /** The failure status (default 503, with `Retry-After: 0`). */
  status?: number;
  /** Which request paths may fail (default: manifest requests, `/v2/<name>/manifests/<reference>`). */
  match?: RegExp;
  /** Fail by never answering instead of answering `status`. */
  hang?: boolean;
  /** Which methods may fail (default: all). */
  methods?: readonly string[];
  /** Which clients may fail, by User-Agent (default: all): lets a builder's push through and fails one reader. */
  userAgent?: RegExp;
}

/** The registry API's error codes of the statuses a proxy may answer (distribution's errcode). */
const ERROR_CODES: Record<number, string> = {
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  429: 'TOOMANYREQUESTS',
};

/**
 * An HTTP proxy in front of a registry: the first `failFirst` requests whose path matches fail
 * with `status`, then everything is forwarded as it is: method, path, headers (Host included, so
 * the registry's upload Locations point back at the proxy), streamed bodies both ways, and the
 * registry's status and headers (`WWW-Authenticate`, `Docker-Content-Digest`) untouched.
 */
export async function startFlakyProxy(
  target: string | { url: string },
  options: FlakyProxyOptions,
): Promise<FlakyProxy> {
  const upstream = new URL(typeof target === 'string' ? target : target.url);
  const status = options.status ?? 503;
  const match = options.match ?? /^\/v2\/.+\/manifests\/[^/]+$/;
  const requests: ProxiedRequest[] = [];
  let failures = 0;
  const server = http.createServer((req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? '', url: req.url ?? '', status: 0, failed: false };
    requests.push(entry);
    const path = new URL(entry.url, 'http://proxy').pathname;
    if (
      failures < options.failFirst &&
      match.test(path) &&
      (options.methods === undefined || options.methods.includes(req.method ?? '')) &&
      (options.userAgent === undefined || options.userAgent.test(req.headers['user-agent'] ?? ''))
    ) {
      failures++;
      entry.failed = true;
      entry.status = status;
      req.resume();
      // A registry that never answers: the connection stays open, silent, until the client gives up.
      if (options.hang === true) return;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'docker-distribution-api-version': 'registry/2.0',
        'retry-after': '0',
      });
      // The error code distribution's API gives with that status (clients read it: containers/image
      // retries UNAVAILABLE itself, and a DENIED or UNAUTHORIZED is a refusal).
      const code = ERROR_CODES[status] ?? 'UNAVAILABLE';
      res.end(
        JSON.stringify({
          errors: [{ code, message: `flaky proxy: failure ${failures} of ${options.failFirst}` }],
        }),
      );
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(entry.status, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`flaky proxy: ${error.message}`);
    });
    req.pipe(forward);
  });
  const { port, stop } = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    get failures() {
      return failures;
    },
    stop,
  };
}

export interface SilentServer {
  url: string;
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  stop: () => Promise<void>;
}

/** Accepts TCP connections and never answers: a registry that hangs. */
export async function startSilentServer(): Promise<SilentServer> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.resume(); // read and drop whatever the client sends
  });
  const { port, stop } = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    stop,
  };
}

// --- buildah / podman / skopeo environment ------------------------------------------------------

export interface ContainersEnv {
  /** The temporary directory that holds everything below; removed by cleanup(). */
  dir: string;
  /** Only the variables this sets (merge them into a clean environment of your own). */
  vars: Record<string, string>;
  /** process.env without the machine's container, Docker and NODE_EXTRA_CA_CERTS settings, plus `vars`. */
  env: NodeJS.ProcessEnv;
  /** REGISTRY_AUTH_FILE: buildah, podman and skopeo read and write credentials here. */
  authFile: string;
  /** The vfs storage (graphroot); its runroot is beside it. */
  graphRoot: string;
  /** Stores credentials for a registry host in the auth file, as `buildah login` would. */
  addCredentials: (host: string, username: string, password: string) => void;
  /** Removes the storage and the rest of the directory. */
  cleanup: () => Promise<void>;
}

/**
 * An environment in which buildah, podman and skopeo use their own vfs storage, configuration,
 * auth file, HOME and TMPDIR inside a new temporary directory (under `parent`, default the
 * system's), so that tests never share or touch /var/lib/containers/storage. As root both tools
 * honour CONTAINERS_STORAGE_CONF (graphroot, runroot) and STORAGE_DRIVER; podman also reads
 * CONTAINERS_CONF (its tmp_dir, volume_path and events log would otherwise be under /run and
 * /var/lib/containers). The registries config lists no registry as insecure: plain HTTP to
 * 127.0.0.1 must be asked for (`--tls-verify=false`), as the action does.
 */
export function containersEnv(parent: string = tmpdir()): ContainersEnv {
  const dir = mkdtempSync(join(parent, 'containers-'));
  const graphRoot = join(dir, 'storage', 'graph');
  const runRoot = join(dir, 'storage', 'run');
  const home = join(dir, 'home');
  const temp = join(dir, 'tmp');
  for (const path of [graphRoot, runRoot, home, temp]) mkdirSync(path, { recursive: true });
  const storageConf = join(dir, 'storage.conf');
  writeFileSync(
    storageConf,
    `[storage]\ndriver = "vfs"\ngraphroot = "${graphRoot}"\nrunroot = "${runRoot}"\n`,
  );
  const registriesConf = join(dir, 'registries.conf');
  writeFileSync(registriesConf, 'unqualified-search-registries = []\nshort-name-mode = "enforcing"\n');
  const containersConf = join(dir, 'containers.conf');
  writeFileSync(
    containersConf,
    `[engine]\ntmp_dir = "${join(dir, 'podman')}"\nvolume_path = "${join(dir, 'storage', 'volumes')}"\nevents_logger = "none"\n`,
  );
  // buildah push refuses to start when REGISTRY_AUTH_FILE names a missing file.
  const authFile = join(dir, 'auth.json');
  writeFileSync(authFile, '{"auths":{}}\n');

  const vars: Record<string, string> = {
    STORAGE_DRIVER: 'vfs',
    CONTAINERS_STORAGE_CONF: storageConf,
    CONTAINERS_REGISTRIES_CONF: registriesConf,
    CONTAINERS_CONF: containersConf,
    REGISTRY_AUTH_FILE: authFile,
    HOME: home,
    TMPDIR: temp,
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  mkdirSync(vars.XDG_RUNTIME_DIR!, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !/^(CONTAINERS_|BUILDAH_|PODMAN_|STORAGE_|DOCKER_|BUILDX_|BUILDKIT_|REGISTRY_AUTH_FILE$|NODE_EXTRA_CA_CERTS$)/.test(
        key,
      )
    ) {
      env[key] = value;
    }
  }
  Object.assign(env, vars);

  return {
    dir,
    vars,
    env,
    authFile,
    graphRoot,
    addCredentials: (host, username, password) => {
      const current = JSON.parse(readFileSync(authFile, 'utf8')) as {
        auths?: Record<string, { auth: string }>;
      };
      const auths = {
        ...current.auths,
        [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') },
      };
      writeFileSync(authFile, `${JSON.stringify({ ...current, auths }, null, '\t')}\n`);
    },
    cleanup: async () => {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // A container left mounted by a failed build: let buildah undo it, then try again.
        await runWithDefault('buildah', ['rm', '--all'], { env }).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export type ContextVariant = 'simple' | 'multi-stage';

/**
 * Copies a build context from test/fixtures/build-push/contexts into a new temporary directory
 * (under `options.parent`, default the system's) and returns its path. `simple` is
 * `FROM scratch` + `COPY hello.txt /hello.txt`; `multi-stage` has the stages base, test and
 * runtime and the build arguments GREETING and REVISION (shown as labels). `files` adds or
 * replaces files (null removes one). The caller removes the directory (or its parent).
 */
export function buildContext(
  files: Record<string, string | null> = {},
  options: { variant?: ContextVariant; parent?: string } = {},
): string {
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'build-context-'));
  cpSync(join(CONTEXTS, options.variant ?? 'simple'), dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (content === null) {
      rmSync(path, { force: true });
    } else {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return dir;
}

/** The shared tool runner with this helper's deadline. */
function runWithDefault(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
  return runTool(file, args, { timeoutMs: TOOL_TIMEOUT_MS, ...options });
}

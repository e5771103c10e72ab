// The Secret Manager API v1 client (src/lib/secret-manager.ts): secrets get, versions list (with
// a filter, over every page) and get, against the local Google emulator; a version or a name
// that is not one never becomes a request.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import { GoogleApi, GoogleApiError } from '../../src/lib/google-api.js';
import { SECRET_VERSION, SecretManager } from '../../src/lib/secret-manager.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { putSecrets, startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function rejection(promise: () => Promise<unknown>): Promise<Error> {
  try {
    await promise();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection, the call resolved');
}

/** `error` as the API's error: fails the test when it is another kind. */
function asApiError(error: unknown): GoogleApiError {
  if (error instanceof GoogleApiError) return error;
  throw new Error(`expected a GoogleApiError, got ${String(error)}`);
}

describe('SECRET_VERSION', () => {
  it.each(['latest', '1', '2', '42', '9'.repeat(19), 'prod', 'blue_green', 'v2-canary', '_x'])(
    'accepts %j',
    (version) => {
      expect(SECRET_VERSION.test(version)).toBe(true);
    },
  );

  it.each([
    '../x',
    '..',
    '.',
    '-1',
    '0',
    '01',
    '',
    ' 1',
    '1 ',
    '1.5',
    '1e3',
    '9'.repeat(20),
    'latest/x',
    'a/b',
    '-prod',
    'prod\n',
    'a'.repeat(64),
    'latest:access',
    '%2e%2e',
  ])('refuses %j', (version) => {
    expect(SECRET_VERSION.test(version)).toBe(false);
  });
});

describe('SecretManager against the emulator', () => {
  let emulator: GoogleEmulator;
  let secrets: SecretManager;
  let tokensAsked = 0;
  const deadline = () => Date.now() + 10_000;
  const PROJECT = 'acme-dev';

  beforeAll(async () => {
    emulator = await startEmulator(cleanups, { project: PROJECT, projectNumber: '123456789012' });
    const token = emulator.issueToken();
    registerSecret(token);
    secrets = new SecretManager(
      new GoogleApi({
        env: emulator.env(),
        token: () => {
          tokensAsked++;
          return Promise.resolve(token);
        },
        backoff: { initialMs: 20, factor: 2, maxMs: 80, jitter: 0 },
      }),
    );
    putSecrets(emulator, {
      'database-url': {
        versions: [
          { version: 1, state: 'ENABLED' },
          { version: 2, state: 'DISABLED' },
          { version: 3, state: 'ENABLED' },
          { version: 5, state: 'ENABLED' },
        ],
      },
    });
  });
  afterEach(() => {
    emulator.resetScripts();
    tokensAsked = 0;
  });

  const lists = () =>
    emulator.requests.filter((r: { path: string }) => r.path.endsWith('/versions')) as {
      query: Record<string, string>;
    }[];

  it('getSecret returns the secret, named by the project number', async () => {
    const secret = await secrets.getSecret(PROJECT, 'database-url', deadline());
    expect(secret.name).toBe('projects/123456789012/secrets/database-url');
    expect(secret.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(emulator.requests.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/projects/acme-dev/secrets/database-url',
    ]);
  });

  it('getSecret of a missing secret is a 404, asked once', async () => {
    const error = await rejection(() => secrets.getSecret(PROJECT, 'missing', deadline()));
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(asApiError(error).httpStatus).toBe(404);
    expect(asApiError(error).status).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'Secret Manager API: get secret missing of project acme-dev was answered 404 NOT_FOUND: "Secret [projects/123456789012/secrets/missing] not found or has no versions."',
    );
    expect(emulator.requests).toHaveLength(1);
  });

  it('listVersions returns every version, newest first', async () => {
    const versions = await secrets.listVersions(PROJECT, 'database-url', { deadline: deadline() });
    expect(versions.map((v) => [v.name?.split('/').at(-1), v.state])).toEqual([
      ['5', 'ENABLED'],
      ['4', 'DESTROYED'],
      ['3', 'ENABLED'],
      ['2', 'DISABLED'],
      ['1', 'ENABLED'],
    ]);
    expect(versions[1]?.destroyTime).toEqual(expect.any(String));
    expect(lists()).toHaveLength(1);
    expect(lists()[0]?.query).toEqual({ pageSize: '100' });
  });

  it('listVersions sends the filter: state:ENABLED gives the enabled ones only', async () => {
    const versions = await secrets.listVersions(PROJECT, 'database-url', {
      filter: 'state:ENABLED',
      deadline: deadline(),
    });
    expect(versions.map((v) => v.name)).toEqual([
      'projects/123456789012/secrets/database-url/versions/5',
      'projects/123456789012/secrets/database-url/versions/3',
      'projects/123456789012/secrets/database-url/versions/1',
    ]);
    expect(versions.every((v) => v.state === 'ENABLED')).toBe(true);
    expect(lists()[0]?.query).toEqual({ pageSize: '100', filter: 'state:ENABLED' });
  });

  it('listVersions follows nextPageToken over every page, the filter on each', async () => {
    putSecrets(emulator, {
      many: {
        versions: Array.from({ length: 450 }, (_, i) => ({
          version: i + 1,
          state: i % 2 === 0 ? ('ENABLED' as const) : ('DISABLED' as const),
        })),
      },
    });
    const enabled = await secrets.listVersions(PROJECT, 'many', {
      filter: 'state:ENABLED',
      deadline: deadline(),
    });
    expect(enabled).toHaveLength(225);
    expect(enabled[0]?.name).toBe('projects/123456789012/secrets/many/versions/449');
    expect(enabled.at(-1)?.name).toBe('projects/123456789012/secrets/many/versions/1');
    expect(new Set(enabled.map((v) => v.name)).size).toBe(225);
    expect(lists()).toHaveLength(3);
    expect(lists().every((r) => r.query['filter'] === 'state:ENABLED' && r.query['pageSize'] === '100')).toBe(
      true,
    );
    expect(lists()[0]?.query['pageToken']).toBeUndefined();
    expect(lists()[1]?.query['pageToken']).toEqual(expect.any(String));
    expect(lists()[2]?.query['pageToken']).not.toBe(lists()[1]?.query['pageToken']);

    emulator.resetScripts();
    const all = await secrets.listVersions(PROJECT, 'many', { deadline: deadline(), maxPages: 2 });
    expect(all).toHaveLength(200);
    expect(all[0]?.name).toBe('projects/123456789012/secrets/many/versions/450');
    expect(lists()).toHaveLength(2);
  });

  it('listVersions of a filter that matches none is empty', async () => {
    expect(
      await secrets.listVersions(PROJECT, 'database-url', {
        filter: 'state:DESTROYED AND state:ENABLED',
        deadline: deadline(),
      }),
    ).toEqual([]);
  });

  it("getVersion 'latest' is the newest version", async () => {
    const version = await secrets.getVersion(PROJECT, 'database-url', 'latest', deadline());
    expect(version.name).toBe('projects/123456789012/secrets/database-url/versions/5');
    expect(version.state).toBe('ENABLED');
    expect(emulator.requests[0]?.path).toBe('/v1/projects/acme-dev/secrets/database-url/versions/latest');
  });

  it('getVersion by number', async () => {
    const version = await secrets.getVersion(PROJECT, 'database-url', '2', deadline());
    expect(version.name).toBe('projects/123456789012/secrets/database-url/versions/2');
    expect(version.state).toBe('DISABLED');
    const missing = await rejection(() => secrets.getVersion(PROJECT, 'database-url', '9', deadline()));
    expect(asApiError(missing).httpStatus).toBe(404);
    expect(missing.message).toContain(
      'get version 9 of secret database-url of project acme-dev was answered 404',
    );
    expect(emulator.requests).toHaveLength(2);
  });

  it.each(['../x', '-1', '0', '01', '', 'latest/x', '1 '])(
    'getVersion refuses %j before any request',
    async (version) => {
      const error = await rejection(() => secrets.getVersion(PROJECT, 'database-url', version, deadline()));
      expect(error.message).toMatch(/^secret version .* is not a version$/s);
      expect(emulator.requests).toHaveLength(0);
      expect(tokensAsked).toBe(0);
    },
  );

  it.each([
    [
      'getSecret',
      (sm: SecretManager) => sm.getSecret(PROJECT, '-database-url', Date.now() + 5_000),
      'secret',
    ],
    [
      'getSecret (project)',
      (sm: SecretManager) => sm.getSecret('Acme', 'database-url', Date.now() + 5_000),
      'project',
    ],
    [
      'listVersions',
      (sm: SecretManager) => sm.listVersions(PROJECT, '../x', { deadline: Date.now() + 5_000 }),
      'secret',
    ],
    ['getVersion', (sm: SecretManager) => sm.getVersion(PROJECT, 'a/b', '1', Date.now() + 5_000), 'secret'],
  ])('%s refuses a bad name before any request', async (_what, call, input) => {
    const error = await rejection(async () => call(secrets));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(new RegExp(`^input "${input}" is `));
    expect(emulator.requests).toHaveLength(0);
    expect(tokensAsked).toBe(0);
  });

  it('a 403 names the permission and the role that grants it', async () => {
    emulator.fault({ path: /\/versions$/, status: 403, permission: 'secretmanager.versions.list' });
    const error = await rejection(() =>
      secrets.listVersions(PROJECT, 'database-url', { deadline: deadline() }),
    );
    expect(asApiError(error).permission).toBe('secretmanager.versions.list');
    expect(error.message).toContain(
      'the deployer lacks secretmanager.versions.list: grant it roles/secretmanager.viewer',
    );
    expect(emulator.requests).toHaveLength(1);
  });

  it('retries a 503 on a page and keeps the pages in order', async () => {
    putSecrets(emulator, {
      paged: {
        versions: Array.from({ length: 150 }, (_, i) => ({ version: i + 1, state: 'ENABLED' as const })),
      },
    });
    emulator.fault({ path: /\/secrets\/paged\/versions$/, times: 1, status: 503 });
    const versions = await secrets.listVersions(PROJECT, 'paged', { deadline: deadline() });
    expect(versions).toHaveLength(150);
    expect(versions[0]?.name?.endsWith('/versions/150')).toBe(true);
    expect(versions.at(-1)?.name?.endsWith('/versions/1')).toBe(true);
    expect(lists()).toHaveLength(3);
  });
});

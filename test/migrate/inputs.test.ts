// readInputs as the runner feeds it (INPUT_* variables): the one instance-name rule and the one
// platform mapping at work, and the debug description that holds nothing secret.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import { Inputs } from '../../src/migrate/constants.js';
import { describeInputs, readInputs } from '../../src/migrate/inputs.js';
import { PROXY_SHA256, PROXY_VERSION, proxyPlatformKey } from '../../src/migrate/proxy-release.js';

const PASSWORD = 'pa55-w0rd-nobody-may-see';
const URL = `postgresql+psycopg2://api:${PASSWORD}@/api?host=/cloudsql/acme-dev:europe-west1:main`;
const arch = Object.getOwnPropertyDescriptor(process, 'arch');

function setInputs(inputs: Partial<Record<(typeof Inputs)[keyof typeof Inputs], string>>): void {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
}

beforeEach(() => {
  // core.setSecret prints ::add-mask:: lines; they are not what these tests read.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.stubEnv('GITHUB_WORKSPACE', process.cwd());
  setInputs({ [Inputs.DatabaseUrl]: URL });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  if (arch !== undefined) Object.defineProperty(process, 'arch', arch);
});

/** The `::warning::` lines readInputs writes from now on. */
function captureWarnings(): () => string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  return () =>
    written
      .join('')
      .split(/\r?\n/)
      .filter((line) => line.startsWith('::warning::'));
}

function onArch(value: string): void {
  Object.defineProperty(process, 'arch', { ...arch, value });
}

describe('readInputs: the proxy platform', () => {
  it("pins the SHA-256 of this runner's release file", () => {
    const inputs = readInputs();
    expect(inputs.proxyPlatform).toBe(proxyPlatformKey());
    expect(inputs.proxyVersion).toBe(PROXY_VERSION);
    expect(inputs.proxySha256).toBe(PROXY_SHA256[inputs.proxyPlatform]);
  });

  it('refuses a platform without a release file, naming it and proxy-path', () => {
    onArch('ia32');
    expect(() => readInputs()).toThrow(ConfigurationError);
    expect(() => readInputs()).toThrow(`not for this runner's ${process.platform}/ia32`);
    expect(() => readInputs()).toThrow(`set input "${Inputs.ProxyPath}"`);
  });

  it('refuses it also with a proxy-sha256 of its own: there is still no file to download', () => {
    onArch('ia32');
    setInputs({ [Inputs.ProxyVersion]: 'v2.99.0', [Inputs.ProxySha256]: 'a'.repeat(64) });
    expect(() => readInputs()).toThrow(`not for this runner's ${process.platform}/ia32`);
  });

  it('takes any platform with proxy-path: nothing is downloaded', () => {
    onArch('ia32');
    setInputs({ [Inputs.ProxyPath]: process.execPath });
    const inputs = readInputs();
    expect(inputs.proxyPath).toBe(process.execPath);
    expect(inputs.proxyPlatform).toBe('');
    expect(inputs.proxySha256).toBe('');
  });
});

describe('readInputs: the instance', () => {
  it.each(['acme-dev:europe-west1:main', 'example.com:acme-dev:europe-west1:main'])(
    'takes the instance input %s when the URL agrees or names none',
    (instance) => {
      setInputs({
        [Inputs.DatabaseUrl]: `postgresql+psycopg2://api:${PASSWORD}@/api`,
        [Inputs.Instance]: instance,
      });
      expect(readInputs().instance).toBe(instance);
    },
  );

  it.each(['Acme-dev:europe-west1:main', 'acme-dev:europe-west1', 'acme-dev:europe:main', 'p:r:i'])(
    'refuses the instance input %s with the form it must have',
    (instance) => {
      setInputs({
        [Inputs.DatabaseUrl]: `postgresql+psycopg2://api:${PASSWORD}@/api`,
        [Inputs.Instance]: instance,
      });
      expect(() => readInputs()).toThrow(
        `input "instance" is "${instance}", not a Cloud SQL instance connection name PROJECT:REGION:INSTANCE (e.g. acme-prod:europe-west1:main)`,
      );
    },
  );

  it('refuses a /cloudsql/ path that breaks the rule, by the same rule', () => {
    setInputs({ [Inputs.DatabaseUrl]: URL.replace('acme-dev', 'Acme-Dev') });
    expect(() => readInputs()).toThrow(
      "the host parameter's /cloudsql/ path does not end in an instance connection name",
    );
  });
});

describe('readInputs: where the URL points', () => {
  it.each([
    ['host=/cloudsql/acme-dev:europe-west1:main&host=/tmp/S3cret-dir', 'host'],
    ['host=/cloudsql/acme-dev:europe-west1:main&port=5432&port=6543', 'port'],
  ])('refuses a repeated connection parameter (%s), naming it, never its values', (query, key) => {
    setInputs({ [Inputs.DatabaseUrl]: `postgresql+psycopg2://api:${PASSWORD}@/api?${query}` });
    let message = '';
    try {
      readInputs();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toBe(
      `input "database-url": the ${key} parameter is given more than once, so the URL names no one place to connect to (drivers disagree on which one wins): keep one, e.g. host=/cloudsql/PROJECT:REGION:INSTANCE`,
    );
    expect(message).not.toContain('S3cret');
    expect(message).not.toContain(PASSWORD);
  });

  it('refuses it also when the instance input is given', () => {
    setInputs({
      [Inputs.DatabaseUrl]: `postgresql+psycopg2://api:${PASSWORD}@/api?host=/tmp&host=/cloudsql/x`,
      [Inputs.Instance]: 'acme-dev:europe-west1:main',
    });
    expect(() => readInputs()).toThrow('the host parameter is given more than once');
  });

  it('warns that a TCP host is replaced by the proxy, naming the host, never the password', () => {
    const warnings = captureWarnings();
    setInputs({
      [Inputs.DatabaseUrl]: `postgresql+psycopg2://api:${PASSWORD}@db.internal.example:6543/api?sslmode=disable`,
      [Inputs.Instance]: 'acme-dev:europe-west1:main',
    });
    expect(readInputs().rewrittenUrl).toContain('@127.0.0.1:5432/api?sslmode=disable');
    const replaced = warnings().filter((line) => line.includes('does not connect to'));
    expect(replaced).toEqual([
      `::warning::input "database-url": the migration does not connect to the host "db.internal.example:6543" of the URL: it connects to acme-dev:europe-west1:main (input "instance") through the Cloud SQL Auth Proxy on 127.0.0.1:5432, which replaces it. If that host is not that instance, set "instance" to the right one`,
    ]);
    expect(warnings().join('\n')).not.toContain(PASSWORD);
  });

  it('says nothing when the URL names the instance itself', () => {
    const warnings = captureWarnings();
    readInputs();
    expect(warnings()).toEqual([]);
  });
});

describe('readInputs: lock-timeout and statement-timeout', () => {
  it('defaults: lock_timeout 10 s, the server statement_timeout', () => {
    expect(readInputs().sessionTimeouts).toEqual({ lockTimeoutMs: 10_000, statementTimeoutMs: undefined });
  });

  it.each<[string, string, number, number | undefined]>([
    ['2s', '', 2_000, undefined],
    ['1m', '5m', 60_000, 300_000],
    ['0', '0s', 0, 0],
    ['1.5', '90', 1_500, 90_000],
  ])('lock-timeout %j, statement-timeout %j', (lock, statement, lockTimeoutMs, statementTimeoutMs) => {
    setInputs({ [Inputs.LockTimeout]: lock, [Inputs.StatementTimeout]: statement });
    expect(readInputs().sessionTimeouts).toEqual({ lockTimeoutMs, statementTimeoutMs });
  });

  it.each([
    [Inputs.LockTimeout, 'soon'],
    [Inputs.StatementTimeout, '10 minutes'],
    [Inputs.LockTimeout, '-1s'],
  ])('refuses %s %j, naming the input', (name, value) => {
    setInputs({ [name]: value });
    expect(() => readInputs()).toThrow(`input "${name}" is "${value}": not a duration`);
  });

  it('warns when lock-timeout is not shorter than timeout, or no limit', () => {
    const warnings = captureWarnings();
    setInputs({ [Inputs.LockTimeout]: '5m', [Inputs.Timeout]: '2m' });
    readInputs();
    setInputs({ [Inputs.LockTimeout]: '0', [Inputs.Timeout]: '2m' });
    readInputs();
    expect(warnings()).toEqual([
      expect.stringContaining(
        'input "lock-timeout" is "5m", not shorter than "timeout": a statement still waiting',
      ),
      expect.stringContaining('input "lock-timeout" is "0", no limit: a statement still waiting'),
    ]);
  });

  it('warns that asyncpg does not read PGOPTIONS; says nothing for MySQL at the defaults', () => {
    const warnings = captureWarnings();
    setInputs({
      [Inputs.DatabaseUrl]: `postgresql+asyncpg://api:${PASSWORD}@/api?host=/cloudsql/acme-dev:europe-west1:main`,
    });
    readInputs();
    setInputs({
      [Inputs.DatabaseUrl]: `mysql+pymysql://api:${PASSWORD}@/api?unix_socket=/cloudsql/acme-dev:europe-west1:main`,
    });
    readInputs();
    expect(warnings()).toEqual([
      expect.stringContaining(
        'which only libpq drivers read (psycopg2, psycopg): postgresql+asyncpg ignores it',
      ),
    ]);
  });
});

describe('describeInputs', () => {
  it('shows the URL by scheme, host and database only', () => {
    const described = JSON.stringify(describeInputs(readInputs()));
    expect(described).not.toContain(PASSWORD);
    expect(described).not.toContain('api:');
    expect(JSON.parse(described)).toMatchObject({
      url: { scheme: 'postgresql+psycopg2', host: '', database: 'api' },
      instance: 'acme-dev:europe-west1:main',
      port: 5432,
      privateIp: false,
      autoIamAuthn: false,
      command: ['alembic', '(2 arguments)'],
    });
  });

  it('shows of the command only its program: an argument may be a secret', () => {
    setInputs({ [Inputs.Command]: 'alembic -x db_password=Hunter2-arg upgrade head' });
    const described = JSON.stringify(describeInputs(readInputs()));
    expect(described).not.toContain('Hunter2');
    expect(described).toContain('"command":["alembic","(4 arguments)"]');
  });
});

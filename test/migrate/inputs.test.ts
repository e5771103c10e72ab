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

// readInputs and describeInputs of health-check as the runner feeds them (INPUT_* variables,
// the real @actions/core): names by Google's rules, the custom domain as a bare host name, the
// bearer token only where it may go, and a debug description that holds nothing secret.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Inputs } from '../../src/health-check/constants.js';
import { checkBearerToken, isLoopback, mayCarryToken } from '../../src/lib/probe.js';
import {
  describeInputs,
  parseBaseUrl,
  parseCustomDomain,
  readInputs,
} from '../../src/health-check/inputs.js';
import { ConfigurationError } from '../../src/lib/errors.js';

type InputName = (typeof Inputs)[keyof typeof Inputs];

function setInputs(inputs: Partial<Record<InputName, string>>): void {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
}

/** The message of what `read` throws; the test fails when it throws nothing or no ConfigurationError. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError, got none');
}

beforeEach(() => {
  // core.setSecret prints ::add-mask:: lines; they are not what these tests read.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const name of Object.values(Inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, '');
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const HOSTILE = [
  'API',
  'api-',
  'a'.repeat(64),
  'аpi', // U+0430
  "api'; rm -rf /",
  '--project=attacker-proj',
  '-h',
  'api\n::error file=x::forged',
  'api\n::add-mask::main',
  '::warning::x',
];

describe('readInputs: Cloud Run names', () => {
  it('reads a valid target', () => {
    setInputs({ service: 'api', region: 'europe-west1', project: 'acme-dev', revision: 'api-00042-xyz' });
    expect(readInputs().cloudRun).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-dev',
      revision: 'api-00042-xyz',
      tag: '',
    });
  });

  it.each(
    (['service', 'region', 'project', 'revision', 'tag'] as const).flatMap((input) =>
      HOSTILE.map((value) => [input, value] as const),
    ),
  )('refuses %s = %j, naming the input, on one line', (input, value) => {
    setInputs({ service: 'api', region: 'europe-west1', [input]: value });
    const message = refusal(readInputs);
    expect(message).toContain(`input "${input}" is "`);
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).not.toMatch(/^::/);
  });

  it('accepts the longest service name and refuses one character more', () => {
    setInputs({ service: `a${'b'.repeat(48)}`, region: 'europe-west1', project: 'acme-dev' });
    expect(readInputs().cloudRun?.service).toHaveLength(49);
    setInputs({ service: `a${'b'.repeat(49)}` });
    expect(refusal(readInputs)).toContain('(50 characters, at most 49)');
  });
});

describe('readInputs: the tag', () => {
  const service = { service: 'api', region: 'europe-west1', project: 'acme-dev' } as const;

  it('reads a tag into the target', () => {
    setInputs({ ...service, tag: 'candidate' });
    expect(readInputs().cloudRun).toEqual({ ...service, revision: '', tag: 'candidate' });
  });

  it.each(['candidate', 'c', 'rc-2', 'green1', 'a'.repeat(43)])('accepts %j', (tag) => {
    setInputs({ ...service, tag });
    expect(readInputs().cloudRun?.tag).toBe(tag);
  });

  it.each([
    ['Candidate', 'upper-case letters'],
    ['2nd', 'a digit first'],
    ['candidate-', 'a hyphen last'],
    ['-candidate', 'a hyphen first'],
    ['cand_idate', 'an underscore'],
    ['cand.idate', 'a dot'],
    ['candidate\n::error::forged', 'a line break'],
    ['cаndidate', 'a Cyrillic а'],
  ])("refuses %j (%s) by Cloud Run's rule, naming the input, on one line", (tag) => {
    setInputs({ ...service, tag });
    const message = refusal(readInputs);
    expect(message).toMatch(/^input "tag" is "/);
    expect(message).toContain('which is not a Cloud Run traffic tag');
    expect(message).not.toMatch(/[\r\n]/);
  });

  it('takes a tag and service name of 46 characters together, and refuses 47, naming both inputs', () => {
    setInputs({ ...service, tag: 'a'.repeat(43) });
    expect(readInputs().cloudRun?.tag).toHaveLength(43);
    setInputs({ ...service, tag: 'a'.repeat(44) });
    expect(refusal(readInputs)).toBe(
      `input "tag" is "${'a'.repeat(44)}": with the service name "api" (input "service") it makes 47 characters, and Cloud Run allows at most 46 for the two together (they form the tag URL's host name); use a shorter tag, e.g. candidate`,
    );
    setInputs({ service: `a${'b'.repeat(40)}`, tag: 'rc-12' });
    expect(readInputs().cloudRun?.tag).toBe('rc-12');
    setInputs({ tag: 'rc-123' });
    expect(refusal(readInputs)).toContain('it makes 47 characters');
  });

  it('needs "service"', () => {
    setInputs({ tag: 'candidate', url: 'https://api.example.com' });
    expect(refusal(readInputs)).toBe(
      'input "tag" needs "service": set the Cloud Run service name too, or drop tag',
    );
  });

  it('is refused together with "url" (the URL checked is the tag\'s)', () => {
    setInputs({ ...service, tag: 'candidate', url: 'https://api.example.com' });
    expect(refusal(readInputs)).toBe(
      'inputs "tag" and "url" exclude each other: with a tag, the URL checked is the tag\'s own (Cloud Run reports it), so that only the tagged revision can answer; drop "url"',
    );
  });

  it('keeps the bearer-token rules: a token alone is fine (the tag URL is checked when Cloud Run reports it)', () => {
    setInputs({ ...service, tag: 'candidate', [Inputs.BearerToken]: 'tok-123456789' });
    expect(readInputs()).toMatchObject({ bearerToken: 'tok-123456789', url: undefined });
  });
});

describe('readInputs: the project', () => {
  const service = { service: 'api', region: 'europe-west1' } as const;

  it('takes the input over the variables the auth action exports', () => {
    setInputs({ ...service, project: 'acme-dev' });
    const env = { GOOGLE_CLOUD_PROJECT: 'other-project' };
    expect(readInputs(env).cloudRun?.project).toBe('acme-dev');
  });

  it.each([
    [{ CLOUDSDK_CORE_PROJECT: 'from-sdk', GOOGLE_CLOUD_PROJECT: 'from-auth' }, 'from-sdk'],
    [{ GOOGLE_CLOUD_PROJECT: 'from-auth', GCLOUD_PROJECT: 'from-old' }, 'from-auth'],
    [{ CLOUDSDK_CORE_PROJECT: ' ', GCLOUD_PROJECT: 'from-old' }, 'from-old'],
  ])('with the input empty, reads %j as %s', (env, expected) => {
    setInputs(service);
    expect(readInputs(env).cloudRun?.project).toBe(expected);
  });

  it('with no project anywhere, names the input and the variables', () => {
    setInputs(service);
    expect(refusal(() => readInputs({}))).toBe(
      'input "project" is empty and none of CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT is set: set "project" to the service\'s project id (google-github-actions/auth exports it too)',
    );
  });

  it('refuses a hostile project from the environment, naming the variable, on one line', () => {
    setInputs(service);
    const message = refusal(() => readInputs({ GOOGLE_CLOUD_PROJECT: 'acme-dev/../../x\n::error::forged' }));
    expect(message).toMatch(/^GOOGLE_CLOUD_PROJECT is "/);
    expect(message).toContain('set input "project" to');
    expect(message).not.toMatch(/[\r\n]/);
  });

  it('needs no project when no service is named (only a URL is checked)', () => {
    setInputs({ url: 'https://api.example.com' });
    expect(readInputs({}).cloudRun).toBeUndefined();
  });
});

describe('parseCustomDomain', () => {
  it.each([
    ['api.example.com', 'https://api.example.com/'],
    ['API.Example.COM', 'https://api.example.com/'],
    ['api.example.com.', 'https://api.example.com/'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/', 'https://api.example.com/'],
    ['xn--pi-7ka.example.com', 'https://xn--pi-7ka.example.com/'],
    // A loopback URL for a local test; never a token there either.
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['https://localhost:8443/', 'https://localhost:8443/'],
  ])('takes %j as %s', (raw, href) => {
    expect(parseCustomDomain(raw).href).toBe(href);
  });

  it.each([
    'evil.com/@a',
    'a..b',
    'exa\nmple.com',
    'https://x',
    'https://evil.com/path',
    'https://evil.com:8443',
    'https://user@evil.com',
    'http://api.example.com',
    'user@evil.com',
    'evil.com:443',
    'localhost',
    '10.0.0.1',
    'аpi.example.com', // U+0430
    '-h',
    '--project=attacker-proj',
    "api'; rm -rf /",
    'api.example.com\n::error file=x::forged',
    '::add-mask::main',
    `${'a'.repeat(64)}.example.com`,
    'http://127.0.0.1:8080/health',
  ])('refuses %j as not a host name, on one line', (raw) => {
    const message = refusal(() => parseCustomDomain(raw));
    expect(message).toContain('input "custom-domain" is "');
    expect(message).toContain('which is not a host name');
    expect(message).not.toMatch(/[\r\n]/);
  });
});

describe('parseBaseUrl', () => {
  it.each([
    'https://exa\nmple.com',
    'https://example.com/he\talth',
    'https://аpi.example.com', // U+0430: Node would turn it into another host's xn-- form
    'https://example.com/a b',
  ])('refuses %j instead of letting the URL parser drop or rewrite characters', (raw) => {
    expect(refusal(() => parseBaseUrl('url', raw))).toContain('input "url" holds white space');
  });

  it('never echoes the value (it may carry a key in its query)', () => {
    const message = refusal(() => parseBaseUrl('url', 'https://example.com/?key=s3cr3t-key\n'));
    expect(message).not.toContain('s3cr3t');
  });
});

describe('where the bearer token may go', () => {
  it.each([
    ['https://api.example.com', true],
    ['https://api-q7h2kq3zaa-ew.a.run.app', true],
    ['http://127.0.0.1:8080', true],
    ['http://127.10.20.30', true],
    ['http://localhost:3000', true],
    ['http://[::1]:8080', true],
    ['http://api.example.com', false],
    ['http://10.0.0.1', false],
    ['http://localhost.evil.com', false],
    ['http://127.0.0.1.evil.com', false],
    ['http://[::ffff:7f00:1]', false],
  ])('%s: %s', (url, may) => {
    expect(mayCarryToken(new URL(url))).toBe(may);
    if (url.startsWith('http:')) expect(isLoopback(new URL(url))).toBe(may);
  });

  it('refuses a token with plain http to another host, naming both inputs', () => {
    setInputs({ url: 'http://api.example.com', [Inputs.BearerToken]: 'tok-123456789' });
    const message = refusal(readInputs);
    expect(message).toContain('input "bearer-token" is set');
    expect(message).toContain('input "url" is plain http:// to api.example.com');
  });

  it('takes a token with https, with loopback http, and plain http without a token', () => {
    setInputs({ url: 'https://api.example.com', [Inputs.BearerToken]: 'tok-123456789' });
    expect(readInputs().url?.href).toBe('https://api.example.com/');
    setInputs({ url: 'http://127.0.0.1:8080' });
    expect(readInputs().bearerToken).toBe('tok-123456789');
    setInputs({ url: 'http://api.example.com', [Inputs.BearerToken]: '' });
    expect(readInputs().url?.protocol).toBe('http:');
  });

  it.each([
    ['tok\n::add-mask::main', 'a line break'],
    ['tok en', 'white space'],
    ['tok\u0000en', 'a control character'],
    ['tökén', 'a character outside ASCII'],
  ])('refuses a token holding %j without showing it', (token, what) => {
    const message = refusal(() => checkBearerToken(token));
    expect(message).toBe(
      `input "bearer-token" holds ${what}: pass the token alone, as one line (the value is not shown)`,
    );
  });
});

describe('describeInputs', () => {
  it('is an allow-list: names, hosts, durations; no token, no expect, no query', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';
    setInputs({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-dev',
      revision: 'api-00042-xyz',
      url: 'https://api.example.com/base?key=url-query-secret',
      path: '/health?token=path-query-secret',
      expect: '{"secret": "expect-value"}',
      [Inputs.BearerToken]: token,
      [Inputs.CustomDomain]: 'api.example.org',
    });
    const described = describeInputs(readInputs());
    expect(described).toEqual({
      cloudRun: {
        service: 'api',
        region: 'europe-west1',
        project: 'acme-dev',
        revision: 'api-00042-xyz',
        tag: '',
      },
      url: 'https://api.example.com/base',
      path: '/health',
      expectedStatus: 200,
      expect: '(set)',
      bearerToken: '(set)',
      customDomain: 'api.example.org',
      timeoutMs: 300_000,
      requestTimeoutMs: 10_000,
    });
    const text = JSON.stringify(described);
    for (const secret of [token, 'url-query-secret', 'path-query-secret', 'expect-value']) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows the tag with the target', () => {
    setInputs({ service: 'api', region: 'europe-west1', project: 'acme-dev', tag: 'candidate' });
    expect(describeInputs(readInputs())['cloudRun']).toEqual({
      service: 'api',
      region: 'europe-west1',
      project: 'acme-dev',
      revision: '',
      tag: 'candidate',
    });
  });

  it('shows no target without a service, and an empty token as empty', () => {
    setInputs({ url: 'https://api.example.com' });
    const described = describeInputs(readInputs());
    expect(described['cloudRun']).toBeUndefined();
    expect(described['bearerToken']).toBe('');
    expect(described['customDomain']).toBeUndefined();
  });
});

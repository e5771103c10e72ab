import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import {
  checkHostName,
  checkName,
  isLoopbackHost,
  isName,
  shown,
  type NameKind,
} from '../../src/lib/names.js';
import { registerSecret } from '../../src/lib/secrets.js';

/** Values that must never pass as any name: each is something seen tried against the actions. */
const HOSTILE = [
  '',
  'API',
  'api-',
  '-h',
  '--project=attacker-proj',
  'api\n::error file=x::forged',
  'api\r\n::add-mask::main',
  '::warning::x',
  "api'; rm -rf /",
  'аpi', // U+0430, Cyrillic a
  'api service',
  'api\u0000',
  'a'.repeat(300),
];

describe('checkName', () => {
  const kinds: NameKind[] = ['service', 'revision', 'tag', 'region', 'project', 'secret', 'instance'];

  it.each(kinds)('refuses every hostile value as a %s', (kind) => {
    // Secret ids may hold upper case and end with a hyphen.
    const values = kind === 'secret' ? HOSTILE.filter((v) => v !== 'API' && v !== 'api-') : HOSTILE;
    for (const value of values) expect(isName(kind, value), JSON.stringify(value)).toBe(false);
  });

  it.each([
    ['service', ['api', 'a', 'billing-api-2', 'a'.repeat(49)], ['a'.repeat(50), '2api', 'api_x', 'api.x']],
    ['revision', ['api-00042-xuz', 'a'.repeat(63)], ['a'.repeat(64), 'api-00042-', 'API-1']],
    ['tag', ['candidate', 'pr-12'], ['a'.repeat(47), '1st', 'Candidate']],
    [
      'region',
      ['europe-west1', 'us-central1', 'northamerica-northeast1', 'me-central2'],
      ['europe-west1-b', 'europe', 'EUROPE-WEST1', 'us-central'],
    ],
    [
      'project',
      ['acme-prod', 'abcdef', 'a'.repeat(30)],
      ['acme', 'a'.repeat(31), '1acme-prod', 'acme-prod-', 'example.com:proj'],
    ],
    [
      'secret',
      ['database-url', 'DB_PASSWORD', 'a'.repeat(255)],
      ['a'.repeat(256), 'db.url', 'db/url', '-db'],
    ],
    ['instance', ['main', 'db-1'], ['Main', '1db', 'acme:europe-west1:main']],
  ] as const)('%s: accepts %j, refuses %j', (kind, good, bad) => {
    for (const value of good) expect(isName(kind, value), value).toBe(true);
    for (const value of bad) expect(isName(kind, value), value).toBe(false);
  });

  it('names the input, says why and gives the rule; the value is escaped and quoted', () => {
    const attempt = (value: string): string => {
      try {
        checkName('service', 'service', value);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${value}`);
    };
    expect(attempt('--project=attacker-proj')).toMatch(
      /^input "service" is "--project=attacker-proj", which is not a Cloud Run service name \(it starts with a hyphen, like an option\): use lower-case letters/,
    );
    const forged = attempt('api\n::error file=x::forged');
    expect(forged).not.toMatch(/\n/);
    expect(forged).toContain('"api\\n::error file=x::forged"');
    expect(forged).toContain('line break');
    expect(attempt('аpi')).toContain('"\\u0430pi"');
    expect(attempt('аpi')).toContain('outside ASCII');
    expect(attempt('API')).toContain('upper-case');
    expect(attempt('a'.repeat(64))).toContain('(64 characters, at most 49)');
  });

  it('returns a valid value as it is', () => {
    expect(checkName('region', 'region', 'europe-west1')).toBe('europe-west1');
  });
});

describe('checkHostName', () => {
  it.each(['api.example.com', 'xn--bcher-kva.example', 'a-b.c-d.io', 'API.Example.COM', 'example.com.'])(
    'accepts %s',
    (host) => {
      expect(checkHostName('custom-domain', host)).toBe(host.toLowerCase().replace(/\.$/, ''));
    },
  );

  it.each([
    ['evil.com/@a', /scheme, port, path or user/],
    ['a..b', /empty label/],
    ['exa\nmple.com', /white space or a control character/],
    ['https://api.example.com', /scheme, port, path or user/],
    ['api.example.com:8443', /scheme, port, path or user/],
    ['user@api.example.com', /scheme, port, path or user/],
    ['localhost', /single label/],
    ['bücher.example', /outside ASCII/],
    ['-api.example.com', /not a host name/],
    ['10.0.0.1', /not a host name/],
    [`${'a'.repeat(64)}.example.com`, /not a host name/],
    [`${'abc.'.repeat(64)}com`, /not a host name/],
  ])('refuses %j', (host, reason) => {
    expect(() => checkHostName('custom-domain', host)).toThrow(ConfigurationError);
    expect(() => checkHostName('custom-domain', host)).toThrow(reason);
    expect(() => checkHostName('custom-domain', host)).toThrow(/^input "custom-domain" is "/);
  });
});

describe('shown', () => {
  it('is one quoted line that cannot start a workflow command', () => {
    for (const value of HOSTILE) {
      const text = shown(value);
      expect(text).toMatch(/^"[\u0020-\u007e]*…?"$/);
    }
  });

  it('removes a secret before it cuts the value', () => {
    const token = `tok-${'x'.repeat(40)}-end`;
    registerSecret(token);
    const text = shown(`Bearer ${token} and more`, 20);
    expect(text).toBe('"Bearer *** and more"');
    expect(shown(`${'y'.repeat(30)}${token}`, 20)).not.toMatch(/tok-x/);
  });

  it('never leaves half an escape at the cut', () => {
    expect(shown('abcdefghi\n', 10)).toBe('"abcdefghi…"');
    expect(shown('abcdefgh\u0430x', 10)).toBe('"abcdefgh…"');
    expect(shown('abcdefgh\\\\x', 10)).toBe('"abcdefgh\\\\…"');
  });
});

describe('isLoopbackHost: the one test for this machine', () => {
  it.each([
    'localhost',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '[::1]:5000',
    '127.0.0.1:5000',
    'localhost:80',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each([
    'example.com',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '128.0.0.1',
    '[::2]',
    '::',
    '0.0.0.0',
    '10.0.0.1:5000',
    'localhost:80/evil',
    '127.0.0.1@evil.com',
    '',
  ])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

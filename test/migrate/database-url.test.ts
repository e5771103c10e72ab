import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_PARAMETERS,
  DatabaseUrlError,
  SUPPORTED_SCHEMES,
  cloudSqlInstance,
  databaseUrlWarnings,
  formatDatabaseUrl,
  INSTANCE_CONNECTION_NAME,
  isInstanceConnectionName,
  parseDatabaseUrl,
  replacedConnectionTargets,
  repeatedConnectionParameter,
  rewriteForProxy,
  secretForms,
  type DatabaseUrl,
  type QueryParameter,
} from '../../src/migrate/database-url.js';
import { ConfigurationError } from '../../src/lib/errors.js';

const SOCKET = 'host=/cloudsql/proj:us-central1:main';
const POSTGRES_SCHEMES = SUPPORTED_SCHEMES.filter((scheme) => scheme.startsWith('postgres'));
const MYSQL_SCHEMES = SUPPORTED_SCHEMES.filter((scheme) => scheme.startsWith('mysql'));

/** A query parameter as the parser returns it. */
function param(raw: string): QueryParameter {
  const equals = raw.indexOf('=');
  return equals === -1
    ? { key: raw, value: undefined, raw }
    : { key: raw.slice(0, equals), value: raw.slice(equals + 1), raw };
}

/** Parses `text`, expects a DatabaseUrlError, and returns it. */
function errorOf(text: string, inputName?: string): DatabaseUrlError {
  try {
    parseDatabaseUrl(text, inputName);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseUrlError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).name).toBe('DatabaseUrlError');
    return error as DatabaseUrlError;
  }
  throw new Error('expected a DatabaseUrlError, nothing was thrown');
}

/** Every run of `length` characters of `text` (all of it when shorter). */
function windows(text: string, length: number): string[] {
  if (text.length <= length) return [text];
  return Array.from({ length: text.length - length + 1 }, (_, start) => text.slice(start, start + length));
}

describe('parseDatabaseUrl: real-world URLs', () => {
  it.each(POSTGRES_SCHEMES)('%s, Cloud SQL socket form', (scheme) => {
    expect(parseDatabaseUrl(`${scheme}://app:s3cret@/appdb?${SOCKET}`)).toEqual({
      scheme,
      user: 'app',
      password: 's3cret',
      host: '',
      port: undefined,
      database: 'appdb',
      query: [param(SOCKET)],
      raw: { scheme, userinfo: 'app:s3cret', database: 'appdb' },
    });
  });

  it.each(MYSQL_SCHEMES)('%s, Cloud SQL socket form', (scheme) => {
    const socket = 'unix_socket=/cloudsql/proj:us-central1:main';
    expect(parseDatabaseUrl(`${scheme}://app:s3cret@/appdb?${socket}`)).toEqual({
      scheme,
      user: 'app',
      password: 's3cret',
      host: '',
      port: undefined,
      database: 'appdb',
      query: [param(socket)],
      raw: { scheme, userinfo: 'app:s3cret', database: 'appdb' },
    });
  });

  it.each(SUPPORTED_SCHEMES)('%s, TCP form', (scheme) => {
    expect(parseDatabaseUrl(`${scheme}://app:s3cret@db.example.com:5432/appdb?sslmode=require`)).toEqual({
      scheme,
      user: 'app',
      password: 's3cret',
      host: 'db.example.com',
      port: 5432,
      database: 'appdb',
      query: [param('sslmode=require')],
      raw: { scheme, userinfo: 'app:s3cret', database: 'appdb' },
    });
  });

  it.each<[string, string, Partial<DatabaseUrl>]>([
    [
      'IPv6 with a port',
      'postgresql://app:pw@[2001:db8::10]:5432/appdb',
      { host: '2001:db8::10', port: 5432, database: 'appdb' },
    ],
    ['IPv6 loopback without a port', 'postgresql://app:pw@[::1]/appdb', { host: '::1', port: undefined }],
    [
      'IPv6 with a zone',
      'postgresql://app:pw@[fe80::1%25eth0]:5433/appdb',
      { host: 'fe80::1%25eth0', port: 5433 },
    ],
    ['IPv4-mapped IPv6', 'postgresql://app:pw@[::ffff:10.0.0.3]:5432/db', { host: '::ffff:10.0.0.3' }],
    [
      'IPv4',
      'mysql+pymysql://app:pw@10.20.0.3:3306/appdb?charset=utf8mb4',
      { host: '10.20.0.3', port: 3306 },
    ],
    [
      'no password',
      'postgresql://app@db.internal/appdb',
      { user: 'app', password: undefined, raw: { scheme: 'postgresql', userinfo: 'app', database: 'appdb' } },
    ],
    ['empty password', 'postgresql://app:@db.internal/appdb', { user: 'app', password: '' }],
    ['empty user', 'postgresql://:pw@db.internal/appdb', { user: '', password: 'pw' }],
    [
      'no userinfo',
      'postgresql://db.internal/appdb',
      {
        user: '',
        password: undefined,
        host: 'db.internal',
        raw: { scheme: 'postgresql', userinfo: '', database: 'appdb' },
      },
    ],
    [
      'no userinfo, socket form (the user in the query)',
      'postgresql+psycopg2:///appdb?user=sa-migrate@proj.iam&host=/cloudsql/p:r:i',
      { user: '', host: '', query: [param('user=sa-migrate@proj.iam'), param('host=/cloudsql/p:r:i')] },
    ],
    ['a port without a host', 'postgresql://app:pw@:5433/appdb', { host: '', port: 5433 }],
    ['no database', 'postgresql://app:pw@db.internal:5432', { database: '', port: 5432, query: [] }],
    [
      'no database, socket form',
      `postgresql://app:pw@?${SOCKET}`,
      { database: '', host: '', query: [param(SOCKET)] },
    ],
    ['an empty query', 'postgresql://app:pw@h/appdb?', { query: [] }],
    [
      'a percent-encoded database',
      'postgresql://app:pw@h/my%20app%2Fdb',
      { database: 'my app/db', raw: { scheme: 'postgresql', userinfo: 'app:pw', database: 'my%20app%2Fdb' } },
    ],
    [
      'several parameters, repeated keys, no value, empty value',
      'postgresql+psycopg2://app:pw@/appdb?sslmode=disable&host=/cloudsql/p:r:i&options=-c%20search_path%3Dapp&application_name=migrate&x&x=&x=1&x=a=b',
      {
        query: [
          param('sslmode=disable'),
          param('host=/cloudsql/p:r:i'),
          param('options=-c%20search_path%3Dapp'),
          param('application_name=migrate'),
          { key: 'x', value: undefined, raw: 'x' },
          { key: 'x', value: '', raw: 'x=' },
          { key: 'x', value: '1', raw: 'x=1' },
          { key: 'x', value: 'a=b', raw: 'x=a=b' },
        ],
      },
    ],
    [
      'empty segments are no parameters',
      'postgresql://h/db?a=1&&b=2&',
      { query: [param('a=1'), param('b=2')] },
    ],
    [
      'pg8000 unix_sock',
      'postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/proj:us-central1:main/.s.PGSQL.5432',
      {
        scheme: 'postgresql+pg8000',
        query: [param('unix_sock=/cloudsql/proj:us-central1:main/.s.PGSQL.5432')],
      },
    ],
    [
      'asyncpg with a driver option',
      `postgresql+asyncpg://app:pw@/appdb?${SOCKET}&prepared_statement_cache_size=0`,
      { query: [param(SOCKET), param('prepared_statement_cache_size=0')] },
    ],
    [
      'a raw "@" in the password: the last "@" ends the userinfo',
      `postgresql://app:p@ss@/appdb?${SOCKET}`,
      { user: 'app', password: 'p@ss' },
    ],
    [
      'a raw "@" in an IAM user name',
      `postgresql+psycopg2://sa-migrate@proj.iam@/appdb?${SOCKET}`,
      { user: 'sa-migrate@proj.iam', password: undefined },
    ],
    ['raw ":" in the password', 'postgresql://app:a:b:c@h/db', { user: 'app', password: 'a:b:c' }],
    ['"+" is a plus sign, not a space', 'postgresql://app:a+b@h/db', { password: 'a+b' }],
    ['a raw space in the password', 'postgresql://app:a b@h/db', { password: 'a b' }],
    [
      'a trailing space belongs to the last part',
      'postgresql://app:pw@h/db?a=1 ',
      { query: [param('a=1 ')] },
    ],
    ['a space-only parameter', 'postgresql://app:pw@h/db? &', { query: [param(' ')] }],
    ['a leading-zero port', 'postgresql://h:05432/db', { port: 5432 }],
    ['underscore and tilde host', 'postgresql://db_1~x:5432/db', { host: 'db_1~x' }],
  ])('%s', (_name, text, expected) => {
    expect(parseDatabaseUrl(text)).toMatchObject(expected);
  });

  it('decodes an encoded user, password and database, and keeps the raw text', () => {
    const url = parseDatabaseUrl(
      'postgresql+psycopg2://sa%40proj.iam:p%40ss%2Fw%3Ard%25%3F%23%2B%20x@/my%2Ddb?host=/cloudsql/p:r:i',
    );
    expect(url.user).toBe('sa@proj.iam');
    expect(url.password).toBe('p@ss/w:rd%?#+ x');
    expect(url.database).toBe('my-db');
    expect(url.raw).toEqual({
      scheme: 'postgresql+psycopg2',
      userinfo: 'sa%40proj.iam:p%40ss%2Fw%3Ard%25%3F%23%2B%20x',
      database: 'my%2Ddb',
    });
  });

  it('decodes multi-byte UTF-8 escapes', () => {
    expect(parseDatabaseUrl('postgresql://%C3%BCser:p%C3%A4ss%E2%9C%93%F0%9F%94%91@h/d%C3%B6').password).toBe(
      'päss✓🔑',
    );
  });
});

describe('isInstanceConnectionName: the one rule for the instance input and the socket path', () => {
  it.each([
    'acme-prod:europe-west1:main',
    'acme-dev:europe-west1:main-db',
    'my-project-123:us-central1:db-1',
    'p-1:europe-west1:db-2',
    'proj:us-east4:pg',
    'acme:northamerica-northeast1:main',
    'acme:me-central2:main',
    'acme:europe-west12:main',
    'acme:us-central1:a',
    'acme:us-central1:db2',
    // A domain-scoped project: DOMAIN:PROJECT:REGION:INSTANCE.
    'example.com:acme:us-central1:main',
    'google.com:my-project:europe-west1:pg-main',
    'sub.example.co.uk:acme:asia-southeast1:db',
  ])('accepts %s', (name) => {
    expect(isInstanceConnectionName(name)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['main', 'the instance alone'],
    ['acme-prod:main', 'no region'],
    ['acme-prod:europe-west1', 'no instance'],
    ['acme-prod:europe-west1:', 'an empty instance'],
    [':europe-west1:main', 'an empty project'],
    ['acme-prod:europe-west1:main:replica', 'a fourth part without a domain'],
    ['example:acme:europe-west1:main', 'a domain without a dot'],
    ['Acme-prod:europe-west1:main', 'a capital in the project'],
    ['acme-prod:Europe-West1:main', 'a capital in the region'],
    ['acme-prod:europe-west1:Main', 'a capital in the instance'],
    ['1acme:europe-west1:main', 'a project starting with a digit'],
    ['acme-:europe-west1:main', 'a project ending with a hyphen'],
    ['acme_prod:europe-west1:main', 'an underscore in the project'],
    ['acme-prod:europe-west:main', 'a region without its number'],
    ['acme-prod:europe1:main', 'a region without its hyphen'],
    ['acme-prod:us-central1-a:main', 'a zone, not a region'],
    ['acme-prod:europe-west1:1main', 'an instance starting with a digit'],
    ['acme-prod:europe-west1:main_db', 'an underscore in the instance'],
    ['acme-prod:europe-west1:main db', 'a space'],
    [' acme-prod:europe-west1:main', 'a leading space'],
    ['acme-prod:europe-west1:main\n', 'a trailing newline'],
    ['acme-prod:europe-west1:main/', 'a trailing slash'],
    ['p:r:i', 'placeholders'],
  ])('refuses %j (%s)', (name) => {
    expect(isInstanceConnectionName(name)).toBe(false);
    expect(INSTANCE_CONNECTION_NAME.test(name)).toBe(false);
  });

  it.each([
    ['postgresql://app:pw@/appdb?host=/cloudsql/Acme:us-central1:main', 'host'],
    [
      'postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/acme:us-central1:main_db/.s.PGSQL.5432',
      'unix_sock',
    ],
    ['mysql+pymysql://app:pw@/appdb?unix_socket=/cloudsql/p:r:i', 'unix_socket'],
  ])('a /cloudsql/ path that breaks it is refused by cloudSqlInstance: %s', (text, parameter) => {
    expect(() => cloudSqlInstance(parseDatabaseUrl(text))).toThrow(
      `the ${parameter} parameter's /cloudsql/ path does not end in an instance connection name`,
    );
  });
});

describe('cloudSqlInstance', () => {
  it.each<[string, string | undefined]>([
    [`postgresql+psycopg2://app:pw@/appdb?${SOCKET}`, 'proj:us-central1:main'],
    ['postgresql+psycopg2://app:pw@/appdb?host=/cloudsql/proj:us-central1:main/', 'proj:us-central1:main'],
    [
      'postgresql+asyncpg://app:pw@/appdb?sslmode=disable&host=/cloudsql/p-1:europe-west1:db-2',
      'p-1:europe-west1:db-2',
    ],
    [
      'postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/proj:us-central1:main/.s.PGSQL.5432',
      'proj:us-central1:main',
    ],
    ['postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/proj:us-central1:main', 'proj:us-central1:main'],
    ['mysql+pymysql://app:pw@/appdb?unix_socket=/cloudsql/proj:us-central1:main', 'proj:us-central1:main'],
    [
      'postgresql://app:pw@/appdb?host=/cloudsql/example.com:proj:us-central1:main',
      'example.com:proj:us-central1:main',
    ],
    ['postgresql://app:pw@/appdb?host=%2Fcloudsql%2Fproj%3Aus-central1%3Amain', 'proj:us-central1:main'],
    ['postgresql://app:pw@/appdb?host=/tmp/sockets/proj:us-central1:main', 'proj:us-central1:main'],
    [`postgresql://app:pw@/appdb?${SOCKET}&${SOCKET}`, 'proj:us-central1:main'],
    // libpq's keys are case-sensitive: `Host` is no socket parameter.
    ['postgresql://app:pw@/appdb?Host=/cloudsql/proj:us-central1:main', undefined],
    ['postgresql://app:pw@db.example.com:5432/appdb?sslmode=require', undefined],
    ['postgresql://app:pw@/appdb?host=/var/run/postgresql', undefined],
    ['postgresql://app:pw@/appdb?host=db.example.com', undefined],
    ['postgresql://app:pw@/appdb?host', undefined],
  ])('%s → %s', (text, expected) => {
    expect(cloudSqlInstance(parseDatabaseUrl(text))).toBe(expected);
  });

  it.each([
    [
      'postgresql://app:pw@/appdb?host=/cloudsql/main',
      "the host parameter's /cloudsql/ path does not end in an instance connection name: write /cloudsql/PROJECT:REGION:INSTANCE",
    ],
    [
      'postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/',
      "the unix_sock parameter's /cloudsql/ path does not end in an instance connection name: write /cloudsql/PROJECT:REGION:INSTANCE",
    ],
    [
      `postgresql://app:pw@/appdb?${SOCKET}&unix_sock=/cloudsql/other:us-east1:db/.s.PGSQL.5432`,
      'the URL names more than one Cloud SQL instance in its socket parameters: keep one, or give the instance input',
    ],
  ])('refuses %s', (text, message) => {
    const url = parseDatabaseUrl(text);
    expect(() => cloudSqlInstance(url)).toThrow(DatabaseUrlError);
    expect(() => cloudSqlInstance(url)).toThrow(message);
  });
});

describe('rewriteForProxy', () => {
  it.each([
    [
      'socket form: the socket parameter goes, userinfo and database stay byte for byte',
      'postgresql+psycopg2://app:s3cr%40t%2F%3A%25@/appdb?host=/cloudsql/p:r:i',
      'postgresql+psycopg2://app:s3cr%40t%2F%3A%25@127.0.0.1:5432/appdb',
    ],
    [
      'every other parameter kept in order, byte for byte',
      'postgresql+psycopg2://app:pw@/appdb?sslmode=disable&host=/cloudsql/p:r:i&options=-c%20statement_timeout%3D0&x&x=&x=1&application_name=migrate',
      'postgresql+psycopg2://app:pw@127.0.0.1:5432/appdb?sslmode=disable&options=-c%20statement_timeout%3D0&x&x=&x=1&application_name=migrate',
    ],
    [
      'TCP form: host and port replaced',
      'postgresql://app:pw@db.example.com:6543/appdb?sslmode=require&connect_timeout=10',
      'postgresql://app:pw@127.0.0.1:5432/appdb?sslmode=require&connect_timeout=10',
    ],
    [
      'IPv6 source host',
      'postgresql://app:pw@[2001:db8::10]:5432/appdb',
      'postgresql://app:pw@127.0.0.1:5432/appdb',
    ],
    [
      'lower-case escapes and encoded unreserved characters are not normalised',
      'postgresql://%61pp:p%2fw%7e@/my%2Ddb%20x?host=/cloudsql/p:r:i&q=%7e',
      'postgresql://%61pp:p%2fw%7e@127.0.0.1:5432/my%2Ddb%20x?q=%7e',
    ],
    [
      'pg8000 unix_sock goes',
      'postgresql+pg8000://app:pw@/appdb?unix_sock=/cloudsql/p:r:i/.s.PGSQL.5432&timeout=30',
      'postgresql+pg8000://app:pw@127.0.0.1:5432/appdb?timeout=30',
    ],
    [
      'PyMySQL unix_socket goes',
      'mysql+pymysql://app:pw@/appdb?charset=utf8mb4&unix_socket=/cloudsql/p:r:i',
      'mysql+pymysql://app:pw@127.0.0.1:5432/appdb?charset=utf8mb4',
    ],
    [
      'repeated host, hostaddr and port go: the driver would let them override the proxy',
      'postgresql://app:pw@/appdb?host=/cloudsql/p:r:i&hostaddr=10.0.0.3&port=5432&host=/tmp&sslmode=disable',
      'postgresql://app:pw@127.0.0.1:5432/appdb?sslmode=disable',
    ],
    [
      'Host with a capital is not a socket parameter (case-sensitive, as libpq)',
      'postgresql://app:pw@/appdb?Host=x&host=/cloudsql/p:r:i',
      'postgresql://app:pw@127.0.0.1:5432/appdb?Host=x',
    ],
    [
      'a raw "@" in the userinfo is written %40 (SQLAlchemy 1.4+ and libpq split at the first "@")',
      'postgresql://sa@proj.iam:p@ss@/appdb?host=/cloudsql/p:r:i',
      'postgresql://sa%40proj.iam:p%40ss@127.0.0.1:5432/appdb',
    ],
    ['no password', 'postgresql://app@/appdb?host=/cloudsql/p:r:i', 'postgresql://app@127.0.0.1:5432/appdb'],
    [
      'empty password',
      'postgresql://app:@/appdb?host=/cloudsql/p:r:i',
      'postgresql://app:@127.0.0.1:5432/appdb',
    ],
    ['no userinfo', 'postgresql:///appdb?host=/cloudsql/p:r:i', 'postgresql://127.0.0.1:5432/appdb'],
    [
      'no database',
      'postgresql://app:pw@?host=/cloudsql/p:r:i&a=1',
      'postgresql://app:pw@127.0.0.1:5432?a=1',
    ],
    [
      'a raw "@" in a kept value is written %40: no password, a Cloud SQL IAM user',
      'postgresql+psycopg2://sa%40proj.iam@/db?host=/cloudsql/p:r:i&user=sa@proj.iam',
      'postgresql+psycopg2://sa%40proj.iam@127.0.0.1:5432/db?user=sa%40proj.iam',
    ],
    [
      'every raw "@" of a value, with or without userinfo; an encoded one stays',
      'postgresql:///db?host=/cloudsql/p:r:i&user=a@b@c&x=%40&application_name=me@ci',
      'postgresql://127.0.0.1:5432/db?user=a%40b%40c&x=%40&application_name=me%40ci',
    ],
    [
      'a "+" and a raw space stay as written',
      'postgresql://app:a+b c@/appdb?host=/cloudsql/p:r:i&options=-c+x',
      'postgresql://app:a+b c@127.0.0.1:5432/appdb?options=-c+x',
    ],
  ])('%s', (_name, text, expected) => {
    expect(rewriteForProxy(parseDatabaseUrl(text), '127.0.0.1', 5432)).toBe(expected);
  });

  it('puts an IPv6 proxy host in brackets, and uses the given port', () => {
    const url = parseDatabaseUrl(`postgresql://app:pw@/appdb?${SOCKET}`);
    expect(rewriteForProxy(url, '::1', 6543)).toBe('postgresql://app:pw@[::1]:6543/appdb');
    expect(rewriteForProxy(url, 'localhost', 1)).toBe('postgresql://app:pw@localhost:1/appdb');
  });

  it.each<[string, number]>([
    ['127.0.0.1', 0],
    ['127.0.0.1', 65_536],
    ['127.0.0.1', 5432.5],
    ['127.0.0.1', Number.NaN],
    ['', 5432],
    ['local host', 5432],
    ['h/x', 5432],
  ])('refuses the proxy address %j port %s', (host, port) => {
    const url = parseDatabaseUrl(`postgresql://app:pw@/appdb?${SOCKET}`);
    expect(() => rewriteForProxy(url, host, port)).toThrow(RangeError);
  });
});

describe('repeatedConnectionParameter', () => {
  it.each([
    ['postgresql://u:p@/db?host=/cloudsql/p:r:i&host=/tmp', 'host'],
    ['postgresql://u:p@/db?host=/cloudsql/p:r:i&host=/cloudsql/p:r:i', 'host'],
    ['postgresql://u:p@/db?port=5432&host=/cloudsql/p:r:i&port=6543', 'port'],
    ['postgresql+pg8000://u:p@/db?unix_sock=/a&unix_sock=/b', 'unix_sock'],
    ['postgresql://u:p@/db?hostaddr=10.0.0.1&hostaddr=10.0.0.2', 'hostaddr'],
  ])('%s: %s', (text, key) => {
    expect(repeatedConnectionParameter(parseDatabaseUrl(text))).toBe(key);
  });

  it.each([
    'postgresql://u:p@/db?host=/cloudsql/p:r:i',
    'postgresql://u:p@/db?host=/cloudsql/p:r:i&port=5432&hostaddr=10.0.0.3',
    'postgresql://u:p@/db?host=/cloudsql/p:r:i&Host=x&sslmode=disable&sslmode=require',
    'postgresql://u:p@h:5432/db',
  ])('%s: none', (text) => {
    expect(repeatedConnectionParameter(parseDatabaseUrl(text))).toBeUndefined();
  });
});

describe('replacedConnectionTargets', () => {
  const INSTANCE = 'acme:europe-west1:main';
  it.each<[string, string[]]>([
    [`postgresql://u:p@/db?host=/cloudsql/${INSTANCE}`, []],
    [`postgresql+pg8000://u:p@/db?unix_sock=/cloudsql/${INSTANCE}/.s.PGSQL.5432`, []],
    ['postgresql://u:p@/db', []],
    ['postgresql://u:p@db.internal.example:6543/db?sslmode=disable', ['the host "db.internal.example:6543"']],
    ['postgresql://u:p@10.0.0.3/db', ['the host "10.0.0.3"']],
    ['postgresql://u:p@[2001:db8::10]:5432/db', ['the host "[2001:db8::10]:5432"']],
    ['postgresql://u:p@:6543/db', ['the port 6543']],
    [
      `postgresql://u:p@h/db?host=/cloudsql/${INSTANCE}&port=6543&hostaddr=10.0.0.3`,
      ['the host "h"', 'the port parameter', 'the hostaddr parameter'],
    ],
    ['postgresql://u:p@/db?host=/tmp', ['the host parameter']],
    ['postgresql://u:p@/db?host=/cloudsql/other:europe-west1:db', ['the host parameter']],
  ])('%s', (text, expected) => {
    expect(replacedConnectionTargets(parseDatabaseUrl(text), INSTANCE)).toEqual(expected);
  });

  it('never shows a password or a parameter value', () => {
    const url = parseDatabaseUrl('postgresql://u:S3cret-pw@db.example:5432/db?host=/tmp/S3cret-dir');
    expect(replacedConnectionTargets(url, INSTANCE).join(' ')).not.toContain('S3cret');
  });
});

describe('round trips with passwords that need percent-encoding', () => {
  const passwords = [
    'p@ss',
    'a/b',
    'c:d',
    '100%',
    'why?',
    '#1',
    'a+b',
    'with space',
    ' leading and trailing ',
    '@/:%?#+ ',
    '%40 is not an at sign',
    "!'()*~-._",
    '&=;,$[]',
    'päss✓🔑',
    '\u0000\t\n',
  ];

  it.each(passwords)('password %j', (password) => {
    const encoded = encodeURIComponent(password);
    const text = `postgresql+psycopg2://app:${encoded}@/appdb?host=/cloudsql/p:r:i&sslmode=disable`;
    const url = parseDatabaseUrl(text);
    expect(url.password).toBe(password);
    expect(url.raw.userinfo).toBe(`app:${encoded}`);
    expect(formatDatabaseUrl(url)).toBe(text);

    const rewritten = rewriteForProxy(url, '127.0.0.1', 5432);
    expect(rewritten).toBe(`postgresql+psycopg2://app:${encoded}@127.0.0.1:5432/appdb?sslmode=disable`);
    expect(parseDatabaseUrl(rewritten).password).toBe(password);
  });

  it.each(passwords)('password %j encoded as Python quote(safe="") does', (password) => {
    const quoted = encodeURIComponent(password).replace(
      /[!'()*]/g,
      (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    const text = `postgresql://app:${quoted}@db.example.com:5432/appdb`;
    const url = parseDatabaseUrl(text);
    expect(url.password).toBe(password);
    expect(formatDatabaseUrl(url)).toBe(text);
  });

  it('formats a URL whose fields were changed by percent-encoding them', () => {
    const url = parseDatabaseUrl('postgresql://app:pw@h:5432/appdb?a=1');
    const changed: DatabaseUrl = { ...url, user: 'u@x', password: 'n/ew?', database: 'd b', host: '::1' };
    expect(formatDatabaseUrl(changed)).toBe('postgresql://u%40x:n%2Few%3F@[::1]:5432/d%20b?a=1');
    expect(parseDatabaseUrl(formatDatabaseUrl(changed))).toMatchObject({
      user: 'u@x',
      password: 'n/ew?',
      database: 'd b',
      host: '::1',
    });
  });
});

const NO_SCHEME =
  'the URL has no scheme (expected postgresql+psycopg2://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE)';
const MISPLACED =
  "there is an '@' after the host, so the user name or password holds a raw '/' or '?' (or the database name a raw '@'): percent-encode them in the secret ('/' as %2F, '?' as %3F, '@' as %40)";
const ESCAPE = (part: string): string =>
  `${part} contains an invalid percent-escape ('%' must start %XX with two hex digits that form UTF-8): write a literal '%' as %25`;
const SUPPORTED = `supported: ${SUPPORTED_SCHEMES.join(', ')}`;

/** [case, URL, the password in it (raw), the message after `input "database-url": `] */
const ERROR_CASES: [string, string, string, string][] = [
  [
    'empty',
    '',
    '',
    'the URL is empty (expected postgresql+psycopg2://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE)',
  ],
  [
    'leading white space',
    '  postgresql://app:Xk9Qz7@h/db',
    'Xk9Qz7',
    'the URL starts with white space: store the secret without it',
  ],
  [
    'a trailing line break',
    'postgresql://app:Xk9Qz7@h/db\n',
    'Xk9Qz7',
    'the URL contains a line break or another control character: store the secret without it',
  ],
  [
    'a line break inside',
    'postgresql://app:Xk9\nQz7@h/db',
    'Xk9\nQz7',
    'the URL contains a line break or another control character: store the secret without it',
  ],
  ['no scheme', 'app:Xk9Qz7@db.example.com/appdb', 'Xk9Qz7', NO_SCHEME],
  ['no scheme, only slashes', '//app:Xk9Qz7@db.example.com/appdb', 'Xk9Qz7', NO_SCHEME],
  ['one slash after the scheme', 'postgresql:/app:Xk9Qz7@h/appdb', 'Xk9Qz7', NO_SCHEME],
  ['a password that looks like a scheme', 'app:Xk9Qz7://h/appdb', 'Xk9Qz7', NO_SCHEME],
  ['sqlite', 'sqlite:///app.db', '', `unsupported driver 'sqlite'; ${SUPPORTED}`],
  ['mssql', 'mssql+pyodbc://app:Xk9Qz7@h/appdb', 'Xk9Qz7', `unsupported driver 'mssql+pyodbc'; ${SUPPORTED}`],
  [
    'a scheme in capitals',
    'PostgreSQL://app:Xk9Qz7@h/appdb',
    'Xk9Qz7',
    `unsupported driver 'PostgreSQL' (schemes are written in lower case); ${SUPPORTED}`,
  ],
  [
    'a very long scheme',
    `${'x'.repeat(41)}://app:Xk9Qz7@h/db`,
    'Xk9Qz7',
    `unsupported driver (a long name); ${SUPPORTED}`,
  ],
  [
    'raw "/" in the password, socket form',
    `postgresql+psycopg2://app:Xk9/Qz7@/appdb?${SOCKET}`,
    'Xk9/Qz7',
    MISPLACED,
  ],
  [
    'raw "/" in the password, TCP form',
    'postgresql://app:Xk9/Qz7@db.example.com:5432/appdb',
    'Xk9/Qz7',
    MISPLACED,
  ],
  ['raw "/" after digits in the password', 'postgresql://app:12345/Qz7@h/appdb', '12345/Qz7', MISPLACED],
  ['raw "/" in the password, no database', 'postgresql://app:Xk9/Qz7@h', 'Xk9/Qz7', MISPLACED],
  ['raw "/" in the user name', 'postgresql://ap/p:Xk9Qz7@h/appdb', 'Xk9Qz7', MISPLACED],
  [
    'raw "?" in the password, socket form',
    `postgresql+psycopg2://app:Xk9?Qz7@/appdb?${SOCKET}`,
    'Xk9?Qz7',
    MISPLACED,
  ],
  [
    'raw "?" in the password, TCP form',
    'postgresql://app:Xk9?Qz7@db.example.com:5432/appdb',
    'Xk9?Qz7',
    MISPLACED,
  ],
  [
    'raw "?" then "=" in the password',
    'postgresql://app:Xk9?a=Qz7@db.example.com/appdb',
    'Xk9?a=Qz7',
    MISPLACED,
  ],
  ['raw "?" in the password, no database', 'postgresql://app:Xk9?Qz7@db.example.com', 'Xk9?Qz7', MISPLACED],
  ['raw "?" then "=" in the password, no database', 'postgresql://app:Xk9?a=Qz7@h', 'Xk9?a=Qz7', MISPLACED],
  ['raw "@" in the database name', 'postgresql://app:Xk9Qz7@h/app@db', 'Xk9Qz7', MISPLACED],
  [
    'raw "#" in the password',
    'postgresql://app:Xk9#Qz7@h/appdb',
    'Xk9#Qz7',
    "the URL contains a raw '#', which would end it: percent-encode it as %23 (in the password, user name, database name or a query value)",
  ],
  ['a stray "%" in the password', 'postgresql://app:Xk9%Qz7@h/appdb', 'Xk9%Qz7', ESCAPE('the password')],
  ['a trailing "%" in the password', 'postgresql://app:Xk9Qz7%@h/appdb', 'Xk9Qz7%', ESCAPE('the password')],
  [
    'a non-hex escape in the password',
    'postgresql://app:Xk9%zzQz7@h/appdb',
    'Xk9%zzQz7',
    ESCAPE('the password'),
  ],
  ['a short escape in the password', 'postgresql://app:Xk9Qz7%4@h/appdb', 'Xk9Qz7%4', ESCAPE('the password')],
  ['escapes that are not UTF-8', 'postgresql://app:Xk9%C3Qz7@h/appdb', 'Xk9%C3Qz7', ESCAPE('the password')],
  [
    'an encoded lone surrogate',
    'postgresql://app:Xk9%ED%A0%80Qz7@h/db',
    'Xk9%ED%A0%80Qz7',
    ESCAPE('the password'),
  ],
  ['a bad escape in the user name', 'postgresql://a%pp:Xk9Qz7@h/appdb', 'Xk9Qz7', ESCAPE('the user name')],
  [
    'a bad escape in the database name',
    'postgresql://app:Xk9Qz7@h/app%g1',
    'Xk9Qz7',
    ESCAPE('the database name'),
  ],
  ['a port that is not a number', 'postgresql://app:Xk9Qz7@h:port/appdb', 'Xk9Qz7', 'port is not a number'],
  ['an empty port', 'postgresql://app:Xk9Qz7@h:/appdb', 'Xk9Qz7', 'port is not a number'],
  ['a negative port', 'postgresql://app:Xk9Qz7@h:-1/appdb', 'Xk9Qz7', 'port is not a number'],
  ['port 0', 'postgresql://app:Xk9Qz7@h:0/appdb', 'Xk9Qz7', 'port is out of range: use 1 to 65535'],
  ['port 65536', 'postgresql://app:Xk9Qz7@h:65536/appdb', 'Xk9Qz7', 'port is out of range: use 1 to 65535'],
  // A password with no '@' after it reads as a port: the message still does not echo it.
  [
    'a password of digits read as a port',
    'postgresql://app:99999',
    '99999',
    'port is out of range: use 1 to 65535',
  ],
  [
    'IPv6 without brackets',
    'postgresql://app:Xk9Qz7@2001:db8::10/appdb',
    'Xk9Qz7',
    'an IPv6 host must be written in brackets, as in [2001:db8::1]:5432',
  ],
  [
    'IPv6 with a port, without brackets',
    'postgresql://app:Xk9Qz7@2001:db8::10:5432/appdb',
    'Xk9Qz7',
    'an IPv6 host must be written in brackets, as in [2001:db8::1]:5432',
  ],
  [
    'an unclosed bracket',
    'postgresql://app:Xk9Qz7@[::1:5432/appdb',
    'Xk9Qz7',
    "the IPv6 host has no closing ']'",
  ],
  [
    'brackets around a name',
    'postgresql://app:Xk9Qz7@[db.example.com]:5432/appdb',
    'Xk9Qz7',
    'the host in brackets is not an IPv6 address',
  ],
  [
    'text after the brackets',
    'postgresql://app:Xk9Qz7@[::1]5432/appdb',
    'Xk9Qz7',
    "only ':PORT' may follow an IPv6 host in brackets",
  ],
  [
    'several hosts',
    'postgresql://app:Xk9Qz7@db1:5432,db2:5432/appdb',
    'Xk9Qz7',
    'several hosts are not supported: give one host',
  ],
  [
    'a space in the host',
    'postgresql://app:Xk9Qz7@db host/appdb',
    'Xk9Qz7',
    'the host contains characters a host name cannot have (letters, digits, ".", "-", "_" and "~")',
  ],
  [
    'a non-ASCII host',
    'postgresql://app:Xk9Qz7@bücher.example/appdb',
    'Xk9Qz7',
    'the host contains characters a host name cannot have (letters, digits, ".", "-", "_" and "~")',
  ],
];
const KNOWN_MESSAGES = new Set(ERROR_CASES.map(([, , , message]) => message));

describe('errors name the part and never carry the URL or the password', () => {
  it.each(ERROR_CASES)('%s', (_name, text, password, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(`input "database-url": ${message}`);
    const trimmed = text.trim();
    if (trimmed !== '') {
      expect(error.message).not.toContain(trimmed);
      expect(String(error.stack)).not.toContain(trimmed);
      const rest = trimmed.slice(trimmed.indexOf('://') + 3);
      if (trimmed.includes('://') && rest !== '') expect(error.message).not.toContain(rest);
    }
    if (password !== '') {
      // No run of four characters of the password, raw or decoded, is in the message.
      const decoded = decodeURIComponentOr(password);
      for (const part of [...windows(password, 4), ...windows(decoded, 4)]) {
        expect(error.message).not.toContain(part);
      }
    }
  });

  it('names the input it was given', () => {
    expect(errorOf('nope', 'DATABASE_URL').message).toBe(`input "DATABASE_URL": ${NO_SCHEME}`);
  });
});

function decodeURIComponentOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

describe('secretForms', () => {
  it('covers the password decoded, as written, encoded, and the original URL', () => {
    const url = `postgresql+psycopg2://app:p%40ss%2Fw(rd)!@/appdb?${SOCKET}`;
    // The caller may hold the input as given, before core.getInput's trimming.
    const original = `${url}\n`;
    const forms = secretForms(parseDatabaseUrl(url), original);
    expect(forms).toEqual(
      expect.arrayContaining([
        original,
        original.trim(),
        'p@ss/w(rd)!',
        'p%40ss%2Fw(rd)!',
        encodeURIComponent('p@ss/w(rd)!'),
        'p%40ss%2Fw%28rd%29%21',
      ]),
    );
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms).not.toContain('');
  });

  it('covers the %40 form that the rewrite writes for a raw "@"', () => {
    const original = `postgresql://app:p@ss:w%2Frd@/appdb?${SOCKET}`;
    const url = parseDatabaseUrl(original);
    const forms = secretForms(url, original);
    expect(forms).toEqual(expect.arrayContaining(['p@ss:w/rd', 'p@ss:w%2Frd', 'p%40ss:w%2Frd']));
    expect(rewriteForProxy(url, '127.0.0.1', 5432)).toContain('p%40ss:w%2Frd@');
  });

  it('has only the URL when there is no password, or an empty one', () => {
    for (const original of ['postgresql://app@h/db', 'postgresql://app:@h/db', 'postgresql://h/db']) {
      expect(secretForms(parseDatabaseUrl(original), original)).toEqual([original]);
    }
  });

  it('never registers the user name on its own', () => {
    const original = 'postgresql://app:Xk9Qz7@h/db';
    expect(secretForms(parseDatabaseUrl(original), original)).not.toContain('app');
  });
});

describe('databaseUrlWarnings', () => {
  it('warns about a raw "@", the postgres scheme and an sslmode that needs TLS, quoting none of the URL', () => {
    const url = parseDatabaseUrl(`postgres://app:Xk9@Qz7@/appdb?${SOCKET}&sslmode=verify-full`);
    const warnings = databaseUrlWarnings(url);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain("raw '@'");
    expect(warnings[1]).toContain('postgres is refused by SQLAlchemy 1.4');
    expect(warnings[2]).toContain('sslmode requires TLS');
    for (const warning of warnings) {
      expect(warning.startsWith('input "database-url": ')).toBe(true);
      for (const part of windows('Xk9@Qz7', 4)) expect(warning).not.toContain(part);
    }
  });

  it('has nothing to say about an ordinary URL', () => {
    const url = parseDatabaseUrl(`postgresql+psycopg2://app:p%40ss@/appdb?${SOCKET}&sslmode=disable`);
    expect(databaseUrlWarnings(url)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const anyText = fc.string({ unit: 'binary', maxLength: 24 });
const hostArbitrary = fc.oneof(
  fc.constant(''),
  fc.constantFrom('db.example.com', '10.20.0.3', 'localhost', 'db_1'),
  fc.domain(),
  fc.ipV6(),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    'sslmode',
    'application_name',
    'options',
    'connect_timeout',
    'x',
    'Host',
    ...CONNECTION_PARAMETERS,
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/),
);
const queryValue = fc.option(
  fc.oneof(
    anyText.map(encodeURIComponent),
    fc.constantFrom(
      '',
      '/cloudsql/proj:us-central1:main',
      '/cloudsql/p:r:i/.s.PGSQL.5432',
      'a=b',
      '-c+x',
      '%7e',
    ),
  ),
  { nil: undefined },
);
const queryArbitrary = fc.array(
  fc.record({ key: queryKey, value: queryValue }).map(({ key, value }): QueryParameter => ({
    key,
    value,
    raw: value === undefined ? key : `${key}=${value}`,
  })),
  { maxLength: 6 },
);

/** A DatabaseUrl as the parser would build it from encodeURIComponent-encoded parts. */
const databaseUrlArbitrary = fc
  .record({
    scheme: fc.constantFrom(...SUPPORTED_SCHEMES),
    user: anyText,
    password: fc.option(anyText, { nil: undefined }),
    host: hostArbitrary,
    port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
    database: anyText,
    query: queryArbitrary,
  })
  .map(({ scheme, user, password, host, port, database, query }): DatabaseUrl => {
    const encodedUser = encodeURIComponent(user);
    const userinfo = password === undefined ? encodedUser : `${encodedUser}:${encodeURIComponent(password)}`;
    return {
      scheme,
      user,
      password,
      host,
      port,
      database,
      query,
      raw: { scheme, userinfo, database: encodeURIComponent(database) },
    };
  });

describe('properties', () => {
  it('parse(format(x)) equals x', () => {
    fc.assert(
      fc.property(databaseUrlArbitrary, (url) => {
        expect(parseDatabaseUrl(formatDatabaseUrl(url))).toEqual(url);
      }),
      { numRuns: 500 },
    );
  });

  it('the proxy rewrite keeps user, password, database and every non-socket parameter', () => {
    fc.assert(
      fc.property(databaseUrlArbitrary, fc.integer({ min: 1, max: 65_535 }), (url, port) => {
        const original = formatDatabaseUrl(url);
        const rewritten = parseDatabaseUrl(rewriteForProxy(parseDatabaseUrl(original), '127.0.0.1', port));
        expect(rewritten.user).toBe(url.user);
        expect(rewritten.password).toBe(url.password);
        expect(rewritten.database).toBe(url.database);
        expect(rewritten.raw.userinfo).toBe(url.raw.userinfo);
        expect(rewritten.raw.database).toBe(url.raw.database);
        expect(rewritten.query).toEqual(url.query.filter(({ key }) => !CONNECTION_PARAMETERS.includes(key)));
        expect(rewritten.host).toBe('127.0.0.1');
        expect(rewritten.port).toBe(port);
        expect(cloudSqlInstance(rewritten)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('a raw "@" in a kept query value is written %40 and decodes to the same value', () => {
    fc.assert(
      fc.property(anyText, anyText, (before, after) => {
        const value = `${encodeURIComponent(before)}@${encodeURIComponent(after)}`;
        const url = parseDatabaseUrl(`postgresql+psycopg2://sa%40p.iam@/appdb?${SOCKET}&user=${value}`);
        const rewritten = parseDatabaseUrl(rewriteForProxy(url, '127.0.0.1', 5432));
        expect(rewritten.query).toEqual([param(`user=${value.replaceAll('@', '%40')}`)]);
        expect(decodeURIComponent(rewritten.query[0]?.value ?? '')).toBe(`${before}@${after}`);
      }),
    );
  });

  it('a raw "@" in the password parses (last "@") and the rewrite writes it as %40', () => {
    fc.assert(
      fc.property(anyText, anyText, (before, after) => {
        const password = `${before}@${after}`;
        const raw = encodeURIComponent(password).replaceAll('%40', '@');
        const url = parseDatabaseUrl(`postgresql+psycopg2://app:${raw}@/appdb?${SOCKET}`);
        expect(url.password).toBe(password);
        const rewritten = rewriteForProxy(url, '127.0.0.1', 5432);
        expect(rewritten).toBe(
          `postgresql+psycopg2://app:${encodeURIComponent(password)}@127.0.0.1:5432/appdb`,
        );
        expect(secretForms(url, '')).toEqual(
          expect.arrayContaining([password, raw, encodeURIComponent(password)]),
        );
      }),
    );
  });

  it('secretForms covers a password given as a query parameter, decoded and as written', () => {
    const url = parseDatabaseUrl(`postgresql+psycopg2://sa%40p.iam@/db?${SOCKET}&password=p%40ss+w@rd`);
    expect(secretForms(url, '')).toEqual(
      expect.arrayContaining(['p%40ss+w@rd', 'p%40ss+w%40rd', 'p@ss w@rd', encodeURIComponent('p@ss w@rd')]),
    );
  });

  it('secretForms covers the decoded password and every encoded form in the original and the rewrite', () => {
    fc.assert(
      fc.property(databaseUrlArbitrary, (url) => {
        const original = formatDatabaseUrl(url);
        const forms = secretForms(parseDatabaseUrl(original), original);
        expect(forms).toContain(original);
        if (url.password === undefined || url.password === '') return;
        const encoded = encodeURIComponent(url.password);
        expect(forms).toEqual(expect.arrayContaining([url.password, encoded]));
        expect(rewriteForProxy(url, '127.0.0.1', 5432)).toContain(`:${encoded}@`);
      }),
    );
  });

  it('a raw "/" or "?" in a password is refused with a fixed message', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.constantFrom('/', '?'),
        anyText,
        fc.constantFrom(
          `@/appdb?${SOCKET}`,
          '@db.example.com:5432/appdb',
          '@db.example.com/appdb?sslmode=disable',
        ),
        (before, character, after, rest) => {
          const raw = `${encodeURIComponent(before)}${character}${encodeURIComponent(after)}`;
          const error = errorOf(`postgresql+psycopg2://app:${raw}${rest}`);
          expect(error.message).toBe(`input "database-url": ${MISPLACED}`);
        },
      ),
    );
  });

  it('any text either parses or fails with one of the known messages, never quoting itself', () => {
    const urlish = fc.string({
      unit: fc.constantFrom(...'@/:?#%+[]&=.,- aZ09é'.split(''), '%40', '%2F', '%zz', '://'),
      maxLength: 40,
    });
    const candidates = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(fc.constantFrom(...SUPPORTED_SCHEMES, 'sqlite', 'Postgres'), urlish)
        .map(([s, t]) => `${s}://${t}`),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        let url: DatabaseUrl;
        try {
          url = parseDatabaseUrl(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DatabaseUrlError);
          const message = (error as Error).message.slice('input "database-url": '.length);
          if (!message.startsWith('unsupported driver ')) expect(KNOWN_MESSAGES).toContain(message);
          return;
        }
        // What parses, formats to text that parses to the same URL.
        expect(parseDatabaseUrl(formatDatabaseUrl(url))).toEqual(url);
        expect(() => rewriteForProxy(url, '127.0.0.1', 5432)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The real consumer: Debian's SQLAlchemy reads the rewritten URLs as we mean them.

const SYSTEM_PYTHON = '/usr/bin/python3';
function hasSqlAlchemy(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import sqlalchemy'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasSqlAlchemy())('SQLAlchemy reads the rewritten URLs', () => {
  it('sees the same user, password, host, port, database and parameters', () => {
    const sources = [
      `postgresql+psycopg2://app:${encodeURIComponent('@/:%?#+ päss')}@/appdb?${SOCKET}&sslmode=disable`,
      `postgresql+psycopg2://sa@proj.iam:p@ss@/appdb?${SOCKET}`,
      `postgresql+pg8000://app:a+b@/my%20db?unix_sock=/cloudsql/p:r:i/.s.PGSQL.5432&timeout=30`,
      'mysql+pymysql://app:pw@/appdb?charset=utf8mb4&unix_socket=/cloudsql/p:r:i',
      'postgresql+asyncpg://app:@[2001:db8::10]:5432/appdb?x=1&x=2&application_name=mig%20rate',
      // Cloud SQL IAM users: no password, an '@' in the user name and in a kept value.
      'postgresql+psycopg2://sa%40proj.iam@/db?host=/cloudsql/p:r:i&user=sa@proj.iam',
      'postgresql+psycopg2:///db?host=/cloudsql/p:r:i&user=sa@proj.iam',
    ];
    const rewrites = sources.map((source) => rewriteForProxy(parseDatabaseUrl(source), '127.0.0.1', 6543));
    const script = [
      'import json, sys',
      'from sqlalchemy.engine import make_url',
      'out = []',
      'for text in json.load(sys.stdin):',
      '    u = make_url(text)',
      '    out.append({"drivername": u.drivername, "username": u.username, "password": u.password,',
      '                "host": u.host, "port": u.port, "database": u.database,',
      '                "query": {k: list(v) if isinstance(v, tuple) else v for k, v in u.query.items()}})',
      'print(json.dumps(out))',
    ].join('\n');
    const seen = JSON.parse(
      execFileSync(SYSTEM_PYTHON, ['-c', script], {
        input: JSON.stringify(rewrites),
        timeout: 20_000,
      }).toString(),
    ) as Record<string, unknown>[];
    expect(seen).toEqual([
      {
        drivername: 'postgresql+psycopg2',
        username: 'app',
        password: '@/:%?#+ päss',
        host: '127.0.0.1',
        port: 6543,
        database: 'appdb',
        query: { sslmode: 'disable' },
      },
      {
        drivername: 'postgresql+psycopg2',
        username: 'sa@proj.iam',
        password: 'p@ss',
        host: '127.0.0.1',
        port: 6543,
        database: 'appdb',
        query: {},
      },
      {
        drivername: 'postgresql+pg8000',
        username: 'app',
        password: 'a+b',
        host: '127.0.0.1',
        port: 6543,
        // SQLAlchemy passes the database name on as written.
        database: 'my%20db',
        query: { timeout: '30' },
      },
      {
        drivername: 'mysql+pymysql',
        username: 'app',
        password: 'pw',
        host: '127.0.0.1',
        port: 6543,
        database: 'appdb',
        query: { charset: 'utf8mb4' },
      },
      {
        drivername: 'postgresql+asyncpg',
        username: 'app',
        password: '',
        host: '127.0.0.1',
        port: 6543,
        database: 'appdb',
        query: { x: ['1', '2'], application_name: 'mig rate' },
      },
      {
        drivername: 'postgresql+psycopg2',
        username: 'sa@proj.iam',
        password: null,
        host: '127.0.0.1',
        port: 6543,
        database: 'db',
        query: { user: 'sa@proj.iam' },
      },
      {
        drivername: 'postgresql+psycopg2',
        username: null,
        password: null,
        host: '127.0.0.1',
        port: 6543,
        database: 'db',
        query: { user: 'sa@proj.iam' },
      },
    ]);
  });

  it('reads every printable ASCII character of a kept value as the original URL does, whatever the userinfo', () => {
    // '&' would end the value, '#' is refused, '%' alone is not a valid escape.
    const characters = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter(
      (character) => !'&#%'.includes(character),
    );
    const userinfos = ['', 'app@', 'app:pw@', 'app:@', 'sa%40proj.iam@', 'sa@proj.iam@'];
    const pairs = userinfos.flatMap((userinfo) =>
      characters.map((character) => {
        const original = `postgresql+psycopg2://${userinfo}/appdb?host=/cloudsql/p:r:i&v=a${character}b&w=1`;
        return [original, rewriteForProxy(parseDatabaseUrl(original), '127.0.0.1', 5432)];
      }),
    );
    const script = [
      'import json, sys',
      'from sqlalchemy.engine import make_url',
      'out = []',
      'for original, rewritten in json.load(sys.stdin):',
      '    o, r = make_url(original), make_url(rewritten)',
      '    oq = {k: v for k, v in o.query.items() if k != "host"}',
      '    out.append([[o.username, o.password, o.database, oq], [r.username, r.password, r.database, dict(r.query)], [r.host, r.port]])',
      'print(json.dumps(out))',
    ].join('\n');
    const seen = JSON.parse(
      execFileSync(SYSTEM_PYTHON, ['-c', script], {
        input: JSON.stringify(pairs),
        timeout: 20_000,
      }).toString(),
    ) as [unknown[], unknown[], unknown[]][];
    expect(seen).toHaveLength(userinfos.length * characters.length);
    const wrong = seen
      .map(([original, rewritten, address], index) => ({
        url: pairs[index]?.[1],
        original,
        rewritten,
        address,
      }))
      .filter(
        ({ original, rewritten, address }) =>
          JSON.stringify(original) !== JSON.stringify(rewritten) ||
          JSON.stringify(address) !== JSON.stringify(['127.0.0.1', 5432]),
      );
    expect(wrong).toEqual([]);
  });
});

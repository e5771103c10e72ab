import { isIPv6 } from 'node:net';
import { ConfigurationError } from '../lib/errors.js';
import { shown } from '../lib/names.js';
import { Inputs } from './constants.js';

/**
 * SQLAlchemy-style database URLs: `scheme://USER:PASSWORD@HOST:PORT/DATABASE?k=v&…`, and the
 * Cloud SQL socket form `scheme://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE`.
 *
 * Node's `URL` cannot parse the socket form, and its errors carry the whole input, a secret.
 * This parser never puts any part of the input in an error message: each message names the
 * part that is wrong and how to write it.
 *
 * Raw characters, deliberately:
 * - The userinfo ends at the LAST '@' before the host, so a raw '@' in the user name or
 *   password still parses (`sa@project.iam@/db` is the user `sa@project.iam`). SQLAlchemy 1.4+
 *   and libpq end it at the FIRST '@' instead, so `rewriteForProxy` writes such an '@' as %40
 *   and `databaseUrlWarnings` says so.
 * - A raw '/', '?' or '#' in the user name or password cannot be told apart from the start of
 *   the database, the query or a fragment. '#' is refused wherever it is; a raw '/' or '?' is
 *   recognised by the '@' that then follows the host (in the database name, or in the query
 *   followed by what looks like a host and '/' or '?'), and refused with the fix. One shape
 *   cannot be recognised: a password holding a raw '?' followed by '=' and an '@' with no
 *   database after it (`u:1234?a=b@host`).
 * - Percent-escapes in the user name, password and database must be valid UTF-8 (`%` alone is
 *   refused: a literal '%' is %25). '+' is a plus sign, not a space, as in SQLAlchemy.
 * - Query keys and values are kept raw, so that a rewrite keeps them byte for byte.
 * - The text is not trimmed, so that every parsed URL formats back to itself (`core.getInput`
 *   trims already). Leading white space and control characters anywhere (the newline that
 *   `echo` leaves in a secret) are refused; a raw space belongs to the part it is in.
 */

export const SUPPORTED_SCHEMES = [
  'postgresql',
  'postgres',
  'postgresql+psycopg2',
  'postgresql+psycopg',
  'postgresql+asyncpg',
  'postgresql+pg8000',
  'mysql',
  'mysql+pymysql',
  'mysql+mysqldb',
] as const;

/**
 * Query parameters that name a Unix socket: `host` (libpq, psycopg, asyncpg), `unix_sock`
 * (pg8000), `unix_socket` (PyMySQL, mysqlclient). Matched case-sensitively, as libpq does.
 */
export const SOCKET_PARAMETERS: readonly string[] = ['host', 'unix_sock', 'unix_socket'];

/**
 * Query parameters that decide where the driver connects. The driver lets them override the
 * URL's own host and port, so a proxy rewrite that kept any of them would not reach the proxy.
 */
export const CONNECTION_PARAMETERS: readonly string[] = [...SOCKET_PARAMETERS, 'hostaddr', 'port'];

export interface QueryParameter {
  /** raw text before the first '=' */
  key: string;
  /** raw text after the first '='; undefined when there is no '=' */
  value: string | undefined;
  /** the parameter exactly as written */
  raw: string;
}

export interface DatabaseUrl {
  /** e.g. 'postgresql', 'postgresql+psycopg2', 'postgresql+asyncpg', 'mysql+pymysql' */
  scheme: string;
  /** percent-decoded */
  user: string;
  /** percent-decoded; undefined when absent ('' when present but empty) */
  password: string | undefined;
  /** '' for the socket form (`@/db`); an IPv6 address without its brackets */
  host: string;
  port: number | undefined;
  /** percent-decoded (SQLAlchemy itself passes the database name on undecoded) */
  database: string;
  /** the query in order, raw (not decoded) key/value text, so that a rewrite keeps every other parameter byte for byte */
  query: QueryParameter[];
  /** the text of each part exactly as written, for byte-for-byte rewrites */
  raw: { scheme: string; userinfo: string; database: string };
}

/** A database URL that cannot be used; the message never holds any part of the URL. */
export class DatabaseUrlError extends ConfigurationError {
  override name = 'DatabaseUrlError';
}

const EXPECTED = 'postgresql+psycopg2://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** Schemes longer than this are not echoed in a message: they are more likely pasted text. */
const MAX_ECHOED_SCHEME = 40;
const HOSTNAME = /^[A-Za-z0-9._~-]*$/;
const IPV6_IN_BRACKETS = /^([0-9A-Fa-f:.]+)(?:%25[A-Za-z0-9._~-]+)?$/;
const PORT = /^\d+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * An '@' in the query followed by what looks like `HOST[:PORT]` and then '/' or '?': the end of
 * a userinfo whose password held a raw '?' (`u:pa?ss@/db?host=…`), not an e-mail-like value
 * (`user=sa@project.iam&…`).
 */
const USERINFO_END_IN_QUERY = /@(?:\[[^\]]*\]|[A-Za-z0-9._~-]*)(?::\d*)?[/?]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const POSTGRES_SOCKET_FILE = /\/\.s\.PGSQL\.\d+$/;

/**
 * A Cloud SQL instance connection name, `PROJECT:REGION:INSTANCE`, the one rule for the
 * `instance` input and for the name in a URL's socket path. PROJECT is a project id (lower case
 * letters, digits and hyphens, starting with a letter, not ending with a hyphen), possibly
 * domain-scoped (`example.com:project`); REGION is a Cloud region (`europe-west1`,
 * `northamerica-northeast1`); INSTANCE an instance id (lower case letters, digits and hyphens,
 * starting with a letter). Lengths are left to Google: the rule catches a misplaced part, a
 * missing part or a capital letter, not every name Google would refuse.
 */
export const INSTANCE_CONNECTION_NAME =
  /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+:)?[a-z](?:[a-z0-9-]*[a-z0-9])?:[a-z]+-[a-z]+\d+:[a-z][a-z0-9-]*$/;

/** Whether `name` is a Cloud SQL instance connection name (see INSTANCE_CONNECTION_NAME). */
export function isInstanceConnectionName(name: string): boolean {
  return INSTANCE_CONNECTION_NAME.test(name);
}

const MISPLACED_USERINFO =
  "there is an '@' after the host, so the user name or password holds a raw '/' or '?' " +
  "(or the database name a raw '@'): percent-encode them in the secret ('/' as %2F, '?' as %3F, '@' as %40)";

/**
 * Parses a SQLAlchemy-style database URL. `inputName` is the input that held it, for messages.
 * Throws `DatabaseUrlError` with a message that names the wrong part and never quotes the URL.
 */
export function parseDatabaseUrl(text: string, inputName: string = Inputs.DatabaseUrl): DatabaseUrl {
  const failure = (message: string): DatabaseUrlError =>
    new DatabaseUrlError(`input "${inputName}": ${message}`);
  if (text === '') throw failure(`the URL is empty (expected ${EXPECTED})`);
  if (/^\s/.test(text)) throw failure('the URL starts with white space: store the secret without it');
  if (CONTROL.test(text)) {
    throw failure('the URL contains a line break or another control character: store the secret without it');
  }

  const schemeEnd = text.indexOf('://');
  const scheme = schemeEnd === -1 ? '' : text.slice(0, schemeEnd);
  if (!SCHEME.test(scheme)) throw failure(`the URL has no scheme (expected ${EXPECTED})`);
  if (!(SUPPORTED_SCHEMES as readonly string[]).includes(scheme)) {
    const named = scheme.length <= MAX_ECHOED_SCHEME ? `'${scheme}'` : '(a long name)';
    const lower = (SUPPORTED_SCHEMES as readonly string[]).includes(scheme.toLowerCase())
      ? ' (schemes are written in lower case)'
      : '';
    throw failure(`unsupported driver ${named}${lower}; supported: ${SUPPORTED_SCHEMES.join(', ')}`);
  }

  const rest = text.slice(schemeEnd + 3);
  if (rest.includes('#')) {
    throw failure(
      "the URL contains a raw '#', which would end it: percent-encode it as %23 (in the password, user name, database name or a query value)",
    );
  }
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  let databaseRaw = '';
  let queryText: string | undefined;
  if (tail.startsWith('/')) {
    const queryStart = tail.indexOf('?');
    databaseRaw = queryStart === -1 ? tail.slice(1) : tail.slice(1, queryStart);
    queryText = queryStart === -1 ? undefined : tail.slice(queryStart + 1);
  } else if (tail.startsWith('?')) {
    queryText = tail.slice(1);
  }
  const query = queryText === undefined ? [] : parseQuery(queryText);
  if (
    databaseRaw.includes('@') ||
    (queryText !== undefined && USERINFO_END_IN_QUERY.test(queryText)) ||
    query.some((parameter) => parameter.key.includes('@'))
  ) {
    throw failure(MISPLACED_USERINFO);
  }

  const at = authority.lastIndexOf('@');
  const userinfoRaw = at === -1 ? '' : authority.slice(0, at);
  const hostAndPort = parseHostAndPort(authority.slice(at + 1));
  if (typeof hostAndPort === 'string') {
    // No userinfo here but an '@' further on: a raw '/' or '?' in the password cut it short,
    // and what looks like a bad host or port is the start of the user name and password.
    throw failure(at === -1 && tail.includes('@') ? MISPLACED_USERINFO : hostAndPort);
  }
  const { host, port } = hostAndPort;

  const colon = userinfoRaw.indexOf(':');
  const userRaw = colon === -1 ? userinfoRaw : userinfoRaw.slice(0, colon);
  const passwordRaw = colon === -1 ? undefined : userinfoRaw.slice(colon + 1);
  const decodePart = (raw: string, part: string): string => {
    const decoded = percentDecode(raw);
    if (decoded === undefined) {
      throw failure(
        `${part} contains an invalid percent-escape ('%' must start %XX with two hex digits that form UTF-8): write a literal '%' as %25`,
      );
    }
    return decoded;
  };

  return {
    scheme,
    user: decodePart(userRaw, 'the user name'),
    password: passwordRaw === undefined ? undefined : decodePart(passwordRaw, 'the password'),
    host,
    port,
    database: decodePart(databaseRaw, 'the database name'),
    query,
    raw: { scheme, userinfo: userinfoRaw, database: databaseRaw },
  };
}

/** `HOST`, `HOST:PORT`, `[IPV6]:PORT`, `:PORT` or ''; a string is the message of what is wrong. */
function parseHostAndPort(text: string): { host: string; port: number | undefined } | string {
  let host: string;
  let portRaw: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return "the IPv6 host has no closing ']'";
    host = text.slice(1, close);
    const address = IPV6_IN_BRACKETS.exec(host)?.[1];
    if (address === undefined || !isIPv6(address)) return 'the host in brackets is not an IPv6 address';
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return "only ':PORT' may follow an IPv6 host in brackets";
    portRaw = after === '' ? undefined : after.slice(1);
  } else {
    if (text.includes(',')) return 'several hosts are not supported: give one host';
    if (isIPv6(text) || isIPv6(text.slice(0, text.lastIndexOf(':')))) {
      return 'an IPv6 host must be written in brackets, as in [2001:db8::1]:5432';
    }
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portRaw = colon === -1 ? undefined : text.slice(colon + 1);
    if (!HOSTNAME.test(host)) {
      return 'the host contains characters a host name cannot have (letters, digits, ".", "-", "_" and "~")';
    }
  }
  if (portRaw === undefined) return { host, port: undefined };
  if (!PORT.test(portRaw)) return 'port is not a number';
  const port = Number(portRaw);
  if (port < 1 || port > 65_535) return 'port is out of range: use 1 to 65535';
  return { host, port };
}

/** `a=1&flag&b=` into ordered raw parameters; empty segments (`&&`) are no parameters. */
function parseQuery(text: string): QueryParameter[] {
  return text
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const equals = raw.indexOf('=');
      return equals === -1
        ? { key: raw, value: undefined, raw }
        : { key: raw.slice(0, equals), value: raw.slice(equals + 1), raw };
    });
}

/** Strict percent-decoding: undefined for a stray '%' or escapes that do not form UTF-8. */
function percentDecode(raw: string): string | undefined {
  if (BAD_ESCAPE.test(raw)) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A query value as SQLAlchemy reads it (`parse_qsl`: '+' is a space); raw when not decodable. */
function decodeQueryValue(raw: string): string {
  return percentDecode(raw.replaceAll('+', ' ')) ?? raw;
}

/**
 * The Cloud SQL instance connection name (`PROJECT:REGION:INSTANCE`, PROJECT possibly
 * `example.com:project`) named by a socket parameter: `host=/cloudsql/P:R:I` (psycopg2,
 * psycopg, asyncpg), `unix_sock=/cloudsql/P:R:I/.s.PGSQL.5432` (pg8000) or
 * `unix_socket=/cloudsql/P:R:I` (PyMySQL, mysqlclient). Any socket directory is accepted
 * when its last part is a connection name; the `.s.PGSQL.<port>` file name is optional.
 * Keys are case-sensitive (libpq's are); values are percent-decoded as SQLAlchemy does.
 * Undefined when no socket parameter names an instance. Throws when a `/cloudsql/` path is
 * not a connection name, or when the parameters name two different instances.
 */
export function cloudSqlInstance(
  url: DatabaseUrl,
  inputName: string = Inputs.DatabaseUrl,
): string | undefined {
  const found = new Set<string>();
  for (const parameter of url.query) {
    if (!SOCKET_PARAMETERS.includes(parameter.key) || parameter.value === undefined) continue;
    const path = decodeQueryValue(parameter.value).replace(POSTGRES_SOCKET_FILE, '').replace(/\/+$/, '');
    if (!path.startsWith('/')) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (isInstanceConnectionName(name)) {
      found.add(name);
    } else if (path === '/cloudsql' || path.startsWith('/cloudsql/')) {
      throw new DatabaseUrlError(
        `input "${inputName}": the ${parameter.key} parameter's /cloudsql/ path does not end in an instance connection name: write /cloudsql/PROJECT:REGION:INSTANCE`,
      );
    }
  }
  if (found.size > 1) {
    throw new DatabaseUrlError(
      `input "${inputName}": the URL names more than one Cloud SQL instance in its socket parameters: keep one, or give the ${Inputs.Instance} input`,
    );
  }
  return [...found][0];
}

/**
 * The URL for a command that reaches the database through a local proxy:
 * `scheme://USERINFO@host:port/DATABASE?<every parameter but CONNECTION_PARAMETERS>`, with the
 * userinfo, database and kept parameters byte for byte as written, except that a raw '@'
 * becomes %40 in the userinfo and in a kept query value (which decodes to the same text):
 * SQLAlchemy 1.4+ and libpq end the userinfo at the first '@', and SQLAlchemy's URL pattern lets
 * a user name without a password run on to the ':' of the port, so with `user=sa@proj.iam` kept
 * raw it reads `…@127.0.0.1:5432/db?user=sa@…` as the user `127.0.0.1` with the password
 * `5432/db?user=sa`. Nothing else in a kept value changes what SQLAlchemy reads (checked with
 * every printable ASCII character against the real make_url in the tests).
 */
export function rewriteForProxy(url: DatabaseUrl, host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError('the proxy port must be a whole number from 1 to 65535');
  }
  if (host === '' || !(isIPv6(host) || HOSTNAME.test(host))) {
    throw new RangeError('the proxy host must be a host name or an IP address');
  }
  return compose(
    url.scheme,
    userinfoText(url).replaceAll('@', '%40'),
    `${hostText(host)}:${port}`,
    databaseText(url),
    url.query
      .filter((parameter) => !CONNECTION_PARAMETERS.includes(parameter.key))
      .map((parameter) => (parameter.value?.includes('@') ? encodeAtInValue(parameter) : parameter)),
  );
}

/** The parameter with every raw '@' of its value written %40 (the parser refuses one in a key). */
function encodeAtInValue(parameter: QueryParameter): QueryParameter {
  const value = (parameter.value ?? '').replaceAll('@', '%40');
  return { key: parameter.key, value, raw: `${parameter.key}=${value}` };
}

/**
 * The first connection parameter (CONNECTION_PARAMETERS) given more than once, if any. Drivers
 * do not agree on what a repeated one means (SQLAlchemy 2's psycopg2 and asyncpg dialects try
 * each `host` in turn, libpq takes the last), and the proxy rewrite drops them all: either way
 * `host=/cloudsql/…&host=/tmp` names no one place to connect to.
 */
export function repeatedConnectionParameter(url: DatabaseUrl): string | undefined {
  const seen = new Set<string>();
  for (const { key } of url.query) {
    if (!CONNECTION_PARAMETERS.includes(key)) continue;
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

/**
 * What the proxy rewrite replaces besides a socket parameter that names `instance`, for the
 * warning that says so: the URL's own host (and port), which the text may show (a host name or
 * address, never a secret), and the names only of other connection parameters (`port`,
 * `hostaddr`, a socket parameter pointing elsewhere), whose values are not shown.
 */
export function replacedConnectionTargets(url: DatabaseUrl, instance: string): string[] {
  const replaced: string[] = [];
  if (url.host !== '') {
    replaced.push(
      `the host ${shown(`${hostText(url.host)}${url.port === undefined ? '' : `:${url.port}`}`)}`,
    );
  } else if (url.port !== undefined) {
    replaced.push(`the port ${url.port}`);
  }
  const parameters = new Set<string>();
  for (const parameter of url.query) {
    if (!CONNECTION_PARAMETERS.includes(parameter.key)) continue;
    if (SOCKET_PARAMETERS.includes(parameter.key) && socketInstance(parameter.value) === instance) continue;
    parameters.add(parameter.key);
  }
  for (const key of parameters) replaced.push(`the ${key} parameter`);
  return replaced;
}

/** The instance connection name a socket parameter's value ends in, if any. */
function socketInstance(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = decodeQueryValue(value).replace(POSTGRES_SOCKET_FILE, '').replace(/\/+$/, '');
  if (!path.startsWith('/')) return undefined;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return isInstanceConnectionName(name) ? name : undefined;
}

/**
 * The URL text of a parsed URL; `parseDatabaseUrl(formatDatabaseUrl(url))` equals `url`. The
 * raw parts are used when they still say what the decoded fields say, else the fields are
 * percent-encoded. Throws `URIError` for a field holding a lone surrogate, which no parsed URL has.
 */
export function formatDatabaseUrl(url: DatabaseUrl): string {
  const port = url.port === undefined ? '' : `:${url.port}`;
  return compose(url.scheme, userinfoText(url), `${hostText(url.host)}${port}`, databaseText(url), url.query);
}

function compose(
  scheme: string,
  userinfo: string,
  hostAndPort: string,
  database: string,
  query: readonly QueryParameter[],
): string {
  const at = userinfo === '' ? '' : `${userinfo}@`;
  const path = database === '' ? '' : `/${database}`;
  const search = query.length === 0 ? '' : `?${query.map(queryParameterText).join('&')}`;
  return `${scheme}://${at}${hostAndPort}${path}${search}`;
}

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function userinfoText(url: DatabaseUrl): string {
  const raw = url.raw.userinfo;
  const colon = raw.indexOf(':');
  const user = percentDecode(colon === -1 ? raw : raw.slice(0, colon));
  const password = colon === -1 ? undefined : percentDecode(raw.slice(colon + 1));
  const rawIsCurrent =
    !/[/?#]/.test(raw) &&
    user === url.user &&
    password === url.password &&
    (colon === -1 || password !== undefined);
  if (rawIsCurrent) return raw;
  const encodedUser = encodeURIComponent(url.user);
  return url.password === undefined ? encodedUser : `${encodedUser}:${encodeURIComponent(url.password)}`;
}

function databaseText(url: DatabaseUrl): string {
  const raw = url.raw.database;
  return !/[?#@]/.test(raw) && percentDecode(raw) === url.database ? raw : encodeURIComponent(url.database);
}

function queryParameterText(parameter: QueryParameter): string {
  const written = parameter.value === undefined ? parameter.key : `${parameter.key}=${parameter.value}`;
  return parameter.raw === written ? parameter.raw : written;
}

/** encodeURIComponent that also encodes `!'()*`, as Python's `quote(safe='')` does. */
function encodeStrictly(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The strings to register as secrets for this URL, besides the rewritten URL (the caller
 * registers it once it exists): the original text, trimmed and as given, and the password
 * decoded, as written, and encoded the ways tools re-encode it (encodeURIComponent, Python's
 * `quote`, the rewrite's %40 for a raw '@'); the same for a `password=` query parameter. Empty
 * strings are left out.
 */
export function secretForms(url: DatabaseUrl, original: string): string[] {
  const forms = new Set<string>([original, original.trim()]);
  if (url.password !== undefined && url.password !== '') {
    const colon = url.raw.userinfo.indexOf(':');
    const raw = colon === -1 ? undefined : url.raw.userinfo.slice(colon + 1);
    forms.add(url.password);
    if (raw !== undefined && percentDecode(raw) === url.password) {
      forms.add(raw);
      forms.add(raw.replaceAll('@', '%40'));
    }
    forms.add(encodeURIComponent(url.password));
    forms.add(encodeStrictly(url.password));
  }
  // A password given as a query parameter (libpq and psycopg2 take `password=`), as written,
  // decoded and in the rewrite's form.
  for (const parameter of url.query) {
    if (parameter.key !== 'password' || parameter.value === undefined) continue;
    const decoded = decodeQueryValue(parameter.value);
    forms.add(parameter.value);
    forms.add(parameter.value.replaceAll('@', '%40'));
    forms.add(decoded);
    forms.add(encodeURIComponent(decoded));
    forms.add(encodeStrictly(decoded));
  }
  return [...forms].filter((form) => form !== '');
}

/**
 * Things that parse but will likely hurt, as messages without any part of the URL: a raw '@'
 * in the userinfo (the app's SQLAlchemy 1.4+ or libpq would read a different user and host),
 * the scheme `postgres` (libpq takes it, SQLAlchemy 1.4+ does not), and an `sslmode` that requires TLS, which the Cloud SQL Auth Proxy's local listener does not
 * speak (the proxy encrypts the connection to Cloud SQL itself).
 */
export function databaseUrlWarnings(url: DatabaseUrl, inputName: string = Inputs.DatabaseUrl): string[] {
  const warnings: string[] = [];
  if (url.raw.userinfo.includes('@')) {
    warnings.push(
      `input "${inputName}": the user name or password contains a raw '@'; SQLAlchemy 1.4+ and libpq end the user part at the first '@', so the service may not connect with this URL: percent-encode it as %40 in the secret (the migration URL already writes it as %40)`,
    );
  }
  if (url.scheme === 'postgres') {
    warnings.push(
      `input "${inputName}": the scheme postgres is refused by SQLAlchemy 1.4 and later: write postgresql (or postgresql+DRIVER)`,
    );
  }
  const requiresTls = url.query.some(
    (parameter) =>
      parameter.key === 'sslmode' &&
      ['require', 'verify-ca', 'verify-full'].includes(decodeQueryValue(parameter.value ?? '')),
  );
  if (requiresTls) {
    warnings.push(
      `input "${inputName}": sslmode requires TLS, but the Cloud SQL Auth Proxy listens without it (it encrypts the connection to Cloud SQL itself): the command may fail to connect; use sslmode=disable or prefer`,
    );
  }
  return warnings;
}

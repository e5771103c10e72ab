import { ConfigurationError } from './errors.js';
import { redact } from './secrets.js';

/**
 * The documented rules for names of Google Cloud and GitHub resources, checked in each stage's
 * `inputs.ts` before a value reaches a process, a URL or a log line. Each rule is stricter than
 * "whatever the API accepts" only where the API's own rule is stricter than its error messages:
 * an upper-case letter, a leading hyphen, a look-alike letter from another script, a newline or
 * an option (`--project=x`) never gets as far as a request.
 */
export interface NameRule {
  /** What the value names, for messages: "a Cloud Run service name". */
  readonly what: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** The rule in words, and an example, for the message that refuses a value. */
  readonly rule: string;
}

export const NameRules = {
  /** Cloud Run Admin API v2 `serviceId`: starts with a letter, fewer than 50 characters. */
  service: {
    what: 'a Cloud Run service name',
    pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
    maxLength: 49,
    rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 49 characters (e.g. api)',
  },
  /** A revision name: the service name and a suffix, one DNS label. */
  revision: {
    what: 'a Cloud Run revision name',
    pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
    maxLength: 63,
    rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 63 characters (e.g. api-00042-xuz)',
  },
  /** A traffic tag: it becomes the first part of a host name (`TAG---service-….run.app`). */
  tag: {
    what: 'a Cloud Run traffic tag',
    pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
    maxLength: 46,
    rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 46 characters (e.g. candidate)',
  },
  /** A Google Cloud region: `europe-west1`, `us-central1`, `northamerica-northeast1`. */
  region: {
    what: 'a Google Cloud region',
    pattern: /^[a-z]+(?:-[a-z]+)+[0-9]{1,2}$/,
    maxLength: 32,
    rule: 'a region id such as europe-west1 or us-central1 (lower case, no zone suffix)',
  },
  /** A project id: 6 to 30 characters, starts with a letter, no trailing hyphen. */
  project: {
    what: 'a Google Cloud project id',
    pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    maxLength: 30,
    rule: 'the project id (not its name or number): 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. acme-prod)',
  },
  /** A Secret Manager secret id. */
  secret: {
    what: 'a Secret Manager secret id',
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/,
    maxLength: 255,
    rule: 'letters, digits, underscores and hyphens, not starting with a hyphen (never read as an option), at most 255 characters (e.g. database-url)',
  },
  /** A Cloud SQL instance id (the last part of PROJECT:REGION:INSTANCE). */
  instance: {
    what: 'a Cloud SQL instance id',
    pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
    maxLength: 98,
    rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. main)',
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NameRules;

/** Whether `value` follows the rule of `kind`. */
export function isName(kind: NameKind, value: string): boolean {
  const rule = NameRules[kind];
  return value.length > 0 && value.length <= rule.maxLength && rule.pattern.test(value);
}

/**
 * `value` as `kind`, or a ConfigurationError that names the input, says what is wrong with the
 * value (shown escaped, so that it cannot start a log line or forge a command) and gives the rule.
 */
export function checkName(kind: NameKind, input: string, value: string): string {
  if (isName(kind, value)) return value;
  const rule = NameRules[kind];
  throw new ConfigurationError(
    `input "${input}" is ${shown(value)}, which is not ${rule.what}${why(value, rule)}: use ${rule.rule}`,
  );
}

function why(value: string, rule: NameRule): string {
  if (value.length > rule.maxLength) return ` (${value.length} characters, at most ${rule.maxLength})`;
  if (value.startsWith('-')) return ' (it starts with a hyphen, like an option)';
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return ' (it holds a line break or another control character)';
  if (/[^\u0020-\u007e]/.test(value)) {
    return ' (it holds a character outside ASCII, e.g. a look-alike letter)';
  }
  if (/\s/.test(value)) return ' (it holds white space)';
  if (/[A-Z]/.test(value) && rule.pattern.test(value.toLowerCase())) return ' (it holds upper-case letters)';
  return '';
}

/**
 * Cloud Run's limit on a tag and its service's name together: both go into the first DNS label
 * of the tag's URL (`TAG---SERVICE-….run.app`), so Cloud Run refuses a longer pair.
 */
export const MAX_TAG_WITH_SERVICE = 46;

/**
 * `tag` (input `input`) as a traffic tag of `service`: the tag rule, and with the service's name
 * at most MAX_TAG_WITH_SERVICE characters, else a ConfigurationError naming both inputs.
 */
export function checkTag(input: string, tag: string, service: string, serviceInput: string): string {
  checkName('tag', input, tag);
  const length = tag.length + service.length;
  if (length > MAX_TAG_WITH_SERVICE) {
    throw new ConfigurationError(
      `input "${input}" is ${shown(tag)}: with the service name ${shown(service)} (input "${serviceInput}") it makes ${length} characters, and Cloud Run allows at most ${MAX_TAG_WITH_SERVICE} for the two together (they form the tag URL's host name); use a shorter tag, e.g. candidate`,
    );
  }
  return tag;
}

/** Where gcloud and Google's libraries read the project when none is given (the auth action sets them). */
export const PROJECT_VARIABLES = ['CLOUDSDK_CORE_PROJECT', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] as const;

/**
 * The project from the environment, for an empty input `input`: the first variable that is set,
 * checked to be a project id; '' when none is set.
 */
export function projectFromEnvironment(input: string, env: NodeJS.ProcessEnv): string {
  for (const variable of PROJECT_VARIABLES) {
    const value = env[variable]?.trim() ?? '';
    if (value === '') continue;
    if (!isName('project', value)) {
      throw new ConfigurationError(
        `${variable} is ${shown(value)}, which is not ${NameRules.project.what} (input "${input}" is empty, so it would be used): set input "${input}" to ${NameRules.project.rule}`,
      );
    }
    return value;
  }
  return '';
}

/** Longest host name in DNS, and longest label. */
const MAX_HOST = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A bare DNS host name (`api.example.com`): ASCII letters, digits and hyphens in labels of 1 to
 * 63 characters, at least two labels, at most 253 characters, a top-level label that is not all
 * digits. No scheme, port, path, user or IP address; an internationalised name is given in its
 * `xn--` form. Returned in lower case.
 */
export function checkHostName(input: string, value: string): string {
  const host = value.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  const ok =
    host.length > 0 &&
    host.length <= MAX_HOST &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
  if (ok) return host;
  throw new ConfigurationError(
    `input "${input}" is ${shown(value)}, which is not a host name${hostWhy(value)}: give the bare name, e.g. api.example.com (no https://, path or port; an internationalised name in its xn-- form)`,
  );
}

function hostWhy(value: string): string {
  if (/[/?#@:\\]/.test(value)) return ' (it holds a scheme, port, path or user part)';
  if (/\.\./.test(value) || value.startsWith('.')) return ' (it has an empty label)';
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return ' (it holds white space or a control character)';
  if (/[^\u0020-\u007e]/.test(value)) return ' (it holds a character outside ASCII)';
  if (!value.includes('.')) return ' (it has a single label)';
  return '';
}

const SHOWN_MAX = 80;

/** `\u000a` for a character that must not reach a log line as itself. */
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A plain log line built from what a tool or a service handed over (addresses, secret ids):
 * secrets removed, every control character escaped (`\u000a`), so it stays one line, and a
 * leading `::` escaped, so the runner never reads it as a workflow command. Unlike `shown`, the
 * text keeps its characters outside ASCII and is not quoted or cut. Annotations need none of
 * this: @actions/core escapes their text itself.
 */
export function logLine(text: string): string {
  const line = redact(text).replace(LINE_BREAKING, escapeChar);
  return line.startsWith('::') ? `\\u003a${line.slice(1)}` : line;
}

/**
 * A value for a message or a log line: secrets removed first, then every character outside
 * printable ASCII escaped (`\n`, `\u0430`), then cut, in double quotes. What it returns is one
 * line that starts with a quote, so a value can never start a line with `::` or break one.
 */
export function shown(value: string, max = SHOWN_MAX): string {
  const escaped = JSON.stringify(redact(value)).slice(1, -1);
  const ascii = escaped.replace(/[^\u0020-\u007e]/g, escapeChar);
  return `"${ascii.length > max ? `${cutEscaped(ascii, max)}…` : ascii}"`;
}

/** Cuts escaped text without leaving half an escape at the end. */
function cutEscaped(text: string, max: number): string {
  const cut = text.slice(0, max);
  const lastEscape = cut.lastIndexOf('\\');
  if (lastEscape < 0) return cut;
  // A backslash that is itself escaped ends a full escape: count the run of backslashes.
  let run = 0;
  for (let i = lastEscape; i >= 0 && cut.charAt(i) === '\\'; i--) run++;
  if (run % 2 === 0) return cut;
  const rest = cut.slice(lastEscape + 1);
  const needed = rest.startsWith('u') ? 5 : 1;
  return rest.length >= needed ? cut : cut.slice(0, lastEscape);
}

/**
 * Whether a host (a URL's `hostname`, or a `host[:port]` such as a registry; IPv6 in brackets
 * or bare) is this machine's loopback: `localhost`, `127.x.x.x` or `::1`. The one test for
 * where plain HTTP, an unverified TLS peer or a token over HTTP may go.
 */
export function isLoopbackHost(host: string): boolean {
  if (host === '::1') return true;
  const bare = /^\[([^\]]*)\](?::\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

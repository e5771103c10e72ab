import * as core from '@actions/core';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { shown } from '../lib/names.js';
import { outputProblem } from '../lib/outputs.js';
import {
  parseBoolean,
  parseChoice,
  parseDuration,
  parseList,
  workspaceFolder,
  workspacePath,
} from '../lib/parse.js';
import { registerSecret } from '../lib/secrets.js';
import type { ImageName } from './registry.js';
import { BUILDERS, Inputs, type Builder } from './constants.js';

/** A build secret given by value (input `secrets`): the value is registered the moment it is read. */
export interface BuildSecret {
  readonly id: string;
  readonly value: string;
}

/** A build secret read by the builder from a file (input `secret-files`). */
export interface BuildSecretFile {
  readonly id: string;
  /** Absolute path of an existing file. */
  readonly path: string;
}

export interface BuildInputs {
  readonly image: ImageName;
  /** `registry/repository`, as given. */
  readonly imageName: string;
  readonly context: string;
  readonly file: string;
  readonly buildArgs: readonly (readonly [string, string])[];
  readonly secrets: readonly BuildSecret[];
  readonly secretFiles: readonly BuildSecretFile[];
  readonly target: string;
  readonly platform: string;
  /** `sha-` and the first 7 characters of the commit. */
  readonly tag: string;
  /** The extra tags. */
  readonly tags: readonly string[];
  readonly push: boolean;
  readonly provenance: boolean;
  readonly builder: Builder;
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  readonly timeoutMs: number;
}

/** A rule for a value that reaches a builder's command line, a registry URL or a log line. */
interface ValueRule {
  /** What the value is, for messages: "a tag". */
  readonly what: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** The rule in words, with an example. */
  readonly rule: string;
}

/** An OCI tag (distribution's reference grammar). */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const RULES = {
  tag: {
    what: 'a tag',
    pattern: TAG,
    maxLength: 128,
    rule: 'letters, digits and . _ -, not starting with . or -, at most 128 characters (e.g. dev or v1.2.0)',
  },
  sha: {
    what: 'a commit SHA',
    pattern: /^[0-9a-f]{7,64}$/i,
    maxLength: 64,
    rule: 'at least 7 hex characters of the commit (default: GITHUB_SHA)',
  },
  platform: {
    what: 'a platform',
    pattern: /^[a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?$/,
    maxLength: 64,
    rule: 'one platform such as linux/amd64, lower case (Cloud Run runs linux/amd64)',
  },
  // BuildKit's stage names (frontend/dockerfile/instructions: `^[a-z][a-z0-9-_.]*$`, any case).
  target: {
    what: 'a build stage name',
    pattern: /^[A-Za-z][A-Za-z0-9_.-]*$/,
    maxLength: 128,
    rule: 'the NAME of a `FROM … AS NAME` line: a letter, then letters, digits and _ . -, at most 128 characters',
  },
  // What a Dockerfile can refer to as ${NAME}: an environment variable's name.
  buildArg: {
    what: 'a build argument name',
    pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    maxLength: 128,
    rule: 'letters, digits and underscores, not starting with a digit, at most 128 characters (e.g. PYTHON_VERSION)',
  },
  secretId: {
    what: 'a build secret id',
    // Not starting with . or -: an id `..` would mount over /run, one like `-h` reads as an option.
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
    maxLength: 64,
    rule: 'letters, digits and _ . -, starting with a letter, digit or _, at most 64 characters (e.g. npm_token); the Dockerfile reads it as /run/secrets/ID',
  },
} as const satisfies Record<string, ValueRule>;

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why a value is no safe argument or log word, whatever its own rule: undefined when it is. */
function unsafeWhy(value: string): string | undefined {
  if (value.startsWith('-')) return 'it starts with a hyphen, like an option';
  if (CONTROL.test(value)) return 'it holds a line break or another control character';
  if (/[^\u0020-\u007e]/.test(value)) return 'it holds a character outside ASCII, e.g. a look-alike letter';
  if (/\s/.test(value)) return 'it holds white space';
  return undefined;
}

function why(value: string, rule: ValueRule): string {
  if (value.length > rule.maxLength) return ` (${value.length} characters, at most ${rule.maxLength})`;
  const unsafe = unsafeWhy(value);
  if (unsafe !== undefined) return ` (${unsafe})`;
  if (/[A-Z]/.test(value) && rule.pattern.test(value.toLowerCase())) return ' (it holds upper-case letters)';
  return '';
}

/**
 * `value` when it follows `rule`; otherwise a ConfigurationError naming the input (and the line
 * of a multi-line input), the value escaped and quoted by `shown`, why, and the rule.
 */
function check(input: string, value: string, rule: ValueRule, line?: number): string {
  if (value.length > 0 && value.length <= rule.maxLength && rule.pattern.test(value)) return value;
  const where = line === undefined ? `input "${input}" is` : `input "${input}": line ${line} has`;
  throw new ConfigurationError(
    `${where} ${shown(value)}, which is not ${rule.what}${why(value, rule)}: use ${rule.rule}`,
  );
}

/** The non-blank lines of a multi-line input with their numbers, trimmed; `#` lines are comments. */
function numberedLines(raw: string): { line: number; text: string }[] {
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'));
}

const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:]+\])(?::\d{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** distribution's limit on a whole repository name. */
const MAX_IMAGE_NAME = 255;

/**
 * `registry/path` without tag or digest. The registry part is required (a name without a dot,
 * colon or `localhost` first would mean Docker Hub, which this pipeline does not deploy from).
 */
export function parseImageName(raw: string): ImageName {
  const name = raw.trim();
  const fix = 'use REGISTRY/PATH, e.g. europe-west1-docker.pkg.dev/PROJECT/REPOSITORY/NAME';
  const unsafe = unsafeWhy(name);
  if (unsafe !== undefined) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${shown(name)}, which is no image name (${unsafe}): ${fix}`,
    );
  }
  if (name.length > MAX_IMAGE_NAME) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${shown(name)}: ${name.length} characters, at most ${MAX_IMAGE_NAME}`,
    );
  }
  if (name.includes('@')) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has a digest: ${fix}; the digest is this action's output`,
    );
  }
  const slash = name.indexOf('/');
  if (slash <= 0) {
    throw new ConfigurationError(`input "${Inputs.Image}" is ${shown(name)}: no registry host; ${fix}`);
  }
  const registry = name.slice(0, slash);
  const repository = name.slice(slash + 1);
  if (repository.includes(':')) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has a tag: ${fix}; the tag comes from input "${Inputs.Sha}" (and "${Inputs.Tags}")`,
    );
  }
  if (name !== name.toLowerCase()) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has upper-case letters: image names are lower case`,
    );
  }
  if (
    !HOST.test(registry) ||
    (!registry.includes('.') && !registry.includes(':') && registry !== 'localhost')
  ) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has the registry host ${shown(registry)}, which is not a host name; ${fix}`,
    );
  }
  if (!repository.split('/').every((component) => PATH_COMPONENT.test(component))) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has an invalid path ${shown(repository)}: lower-case letters, digits and . _ - separators`,
    );
  }
  return { registry, repository };
}

/**
 * Input `secrets`: lines `ID=VALUE`. Every value is registered as a secret before anything else
 * happens to it (a line without `=` is registered whole: it may be a value without its id), and
 * no message shows a value or a line.
 */
function readSecrets(raw: string): BuildSecret[] {
  const lines = numberedLines(raw);
  for (const { text } of lines) {
    const at = text.indexOf('=');
    registerSecret(at < 0 ? text : text.slice(at + 1));
  }
  return lines.map(({ line, text }) => {
    const at = text.indexOf('=');
    if (at <= 0) {
      throw new ConfigurationError(
        `input "${Inputs.Secrets}": line ${line} is not ID=VALUE (the line is not shown: it may hold a secret); e.g. npm_token=\${{ secrets.NPM_TOKEN }}`,
      );
    }
    const id = check(Inputs.Secrets, text.slice(0, at).trim(), RULES.secretId, line);
    const value = text.slice(at + 1);
    if (value === '') {
      throw new ConfigurationError(
        `input "${Inputs.Secrets}": the secret "${id}" (line ${line}) is empty: a secrets.NAME that is not set, or not passed to this job, is empty`,
      );
    }
    return { id, value };
  });
}

/** Input `secret-files`: lines `ID=PATH`, each path an existing file (relative to the workspace). */
function readSecretFiles(raw: string, env: NodeJS.ProcessEnv): BuildSecretFile[] {
  return numberedLines(raw).map(({ line, text }) => {
    const at = text.indexOf('=');
    if (at <= 0) {
      throw new ConfigurationError(
        `input "${Inputs.SecretFiles}": line ${line} is not ID=PATH, e.g. npmrc=\${{ runner.temp }}/.npmrc`,
      );
    }
    const id = check(Inputs.SecretFiles, text.slice(0, at).trim(), RULES.secretId, line);
    const rawPath = text.slice(at + 1).trim();
    // The builders read `id=ID,src=PATH` as comma-separated fields (buildx as CSV).
    if (rawPath === '' || CONTROL.test(rawPath) || /[,"]/.test(rawPath)) {
      throw new ConfigurationError(
        `input "${Inputs.SecretFiles}": the path of "${id}" (line ${line}) is ${shown(rawPath)}: give a file path without commas, quotes or control characters`,
      );
    }
    const path = workspacePath(rawPath, env);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ConfigurationError(
        `input "${Inputs.SecretFiles}": the path of "${id}" (line ${line}) is ${shown(rawPath)}, which is not a file (paths are relative to the workspace): write the file in an earlier step`,
      );
    }
    return { id, path };
  });
}

function refuseDuplicateIds(secrets: readonly BuildSecret[], files: readonly BuildSecretFile[]): void {
  const seen = new Set<string>();
  for (const { id } of [...secrets, ...files]) {
    if (seen.has(id)) {
      throw new ConfigurationError(
        `the build secret id "${id}" is given twice (inputs "${Inputs.Secrets}" and "${Inputs.SecretFiles}" share the ids): give each secret its own id`,
      );
    }
    seen.add(id);
  }
}

/** A build argument whose name says it carries a secret. */
export const SECRET_LIKE_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL/i;

/**
 * Input `build-args`: lines `NAME=VALUE`. Names that look like secrets are refused: a build
 * argument's value is written into the image's history and the build's command line and logs.
 * No message shows a value.
 */
function readBuildArgs(raw: string): [string, string][] {
  const args = numberedLines(raw).map(({ line, text }): [string, string] => {
    const at = text.indexOf('=');
    if (at <= 0) {
      throw new ConfigurationError(
        `input "${Inputs.BuildArgs}": line ${line} is not NAME=VALUE (the line is not shown: it may hold a value)`,
      );
    }
    return [check(Inputs.BuildArgs, text.slice(0, at).trim(), RULES.buildArg, line), text.slice(at + 1)];
  });
  const secretLike = args.map(([name]) => name).filter((name) => SECRET_LIKE_NAME.test(name));
  const [first] = secretLike;
  if (first !== undefined) {
    const id = first.toLowerCase().slice(0, RULES.secretId.maxLength);
    throw new ConfigurationError(
      `input "${Inputs.BuildArgs}" passes ${secretLike.join(', ')}, whose name${secretLike.length > 1 ? 's say they are secrets' : ' says it is a secret'} (it holds SECRET, TOKEN, PASSWORD, PASSWD, KEY or CREDENTIAL): a build argument's value stays in the image's history and shows in the build's command line and logs, so it is refused. Pass it as a build secret instead: input "${Inputs.Secrets}" with a line ${id}=\${{ secrets.${first} }} (or "${Inputs.SecretFiles}" with ${id}=PATH), and read it in the Dockerfile during one RUN, e.g. RUN --mount=type=secret,id=${id} ${first}="$(cat /run/secrets/${id})" npm ci`,
    );
  }
  return args;
}

/** Cache attributes shown in the debug log as they are; any other attribute shows as `(set)`. */
const SHOWN_CACHE_ATTRIBUTES = new Set([
  'type',
  'ref',
  'mode',
  'scope',
  'compression',
  'compression-level',
  'force-compression',
  'oci-mediatypes',
  'image-manifest',
  'ignore-error',
]);

/** `key=value` fields of a cache line; a bare repository (buildah, podman) has none. */
const cacheAttributes = (entry: string): [string, string][] =>
  entry.includes('=')
    ? entry.split(',').map((field): [string, string] => {
        const at = field.indexOf('=');
        return at < 0 ? [field, ''] : [field.slice(0, at), field.slice(at + 1)];
      })
    : [];

/**
 * Input `cache-from`/`cache-to`: one cache a line. buildx takes credentials as attributes
 * (`type=gha,token=…`, `type=s3,secret_access_key=…`): those values are registered as secrets.
 */
function readCache(input: string, raw: string): string[] {
  const entries = parseList(raw);
  for (const entry of entries) {
    for (const [key, value] of cacheAttributes(entry)) {
      if (SECRET_LIKE_NAME.test(key)) registerSecret(value);
    }
  }
  entries.forEach((entry, index) => {
    const unsafe =
      unsafeWhy(entry) ??
      (/^[A-Za-z0-9]/.test(entry) ? undefined : 'it does not start with a letter or digit');
    if (unsafe !== undefined) {
      throw new ConfigurationError(
        `input "${input}": line ${index + 1} is ${shown(entry)}, which is no cache (${unsafe}): for docker e.g. type=gha or type=registry,ref=REGISTRY/PATH:buildcache; for buildah and podman a registry repository`,
      );
    }
  });
  return entries;
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): BuildInputs {
  // First of all: the secret values are registered before any other input is even read.
  const secrets = readSecrets(core.getInput(Inputs.Secrets));

  const imageName = core.getInput(Inputs.Image).trim();
  if (imageName === '') {
    throw new ConfigurationError(`input "${Inputs.Image}" is required: REGISTRY/PATH of the image`);
  }
  const image = parseImageName(imageName);

  const rawSha = core.getInput(Inputs.Sha).trim() || env['GITHUB_SHA'] || '';
  const tag = `sha-${check(Inputs.Sha, rawSha, RULES.sha).slice(0, 7).toLowerCase()}`;
  const tags = numberedLines(core.getInput(Inputs.Tags)).map(({ line, text }) =>
    check(Inputs.Tags, text, RULES.tag, line),
  );
  refuseUnusableReferences(imageName, [tag, ...tags]);

  const rawContext = core.getInput(Inputs.Context).trim() || '.';
  const rawFile = core.getInput(Inputs.File).trim();
  for (const [input, path] of [
    [Inputs.Context, rawContext],
    [Inputs.File, rawFile],
  ] as const) {
    if (CONTROL.test(path)) {
      throw new ConfigurationError(
        `input "${input}" is ${shown(path)}, which holds a line break or another control character: give a path in the workspace`,
      );
    }
  }
  const context = workspaceFolder(Inputs.Context, rawContext, env);
  const file = rawFile === '' ? join(context, 'Dockerfile') : workspacePath(rawFile, env);
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `input "${Inputs.File}": ${shown(rawFile || `${rawContext}/Dockerfile`)} does not exist`,
    );
  }

  const platform = check(
    Inputs.Platform,
    core.getInput(Inputs.Platform).trim() || 'linux/amd64',
    RULES.platform,
  );
  const rawTarget = core.getInput(Inputs.Target).trim();
  const target = rawTarget === '' ? '' : check(Inputs.Target, rawTarget, RULES.target);
  const buildArgs = readBuildArgs(core.getInput(Inputs.BuildArgs));
  const secretFiles = readSecretFiles(core.getInput(Inputs.SecretFiles), env);
  refuseDuplicateIds(secrets, secretFiles);

  const builder = parseChoice(Inputs.Builder, core.getInput(Inputs.Builder), BUILDERS, 'docker');
  const provenance = parseBoolean(Inputs.Provenance, core.getInput(Inputs.Provenance), false);
  if (provenance && builder !== 'docker') {
    throw new ConfigurationError(
      `input "${Inputs.Provenance}" is true, but only the docker builder (buildx) makes provenance attestations`,
    );
  }
  return {
    image,
    imageName,
    context,
    file,
    buildArgs,
    secrets,
    secretFiles,
    target,
    platform,
    tag,
    tags,
    push: parseBoolean(Inputs.Push, core.getInput(Inputs.Push), true),
    provenance,
    builder,
    cacheFrom: readCache(Inputs.CacheFrom, core.getInput(Inputs.CacheFrom)),
    cacheTo: readCache(Inputs.CacheTo, core.getInput(Inputs.CacheTo)),
    timeoutMs: parseDuration(Inputs.Timeout, core.getInput(Inputs.Timeout).trim() || '60m'),
  };
}

/**
 * The outputs `image` and `tagged-image` are checked against the image form before they are
 * set; a name the registry takes but that form does not (`a__b`, `[::1]:5000`) is refused here,
 * before anything is built or pushed, not after the push.
 */
function refuseUnusableReferences(imageName: string, tags: readonly string[]): void {
  const references = [...tags.map((tag) => `${imageName}:${tag}`), `${imageName}@sha256:${'0'.repeat(64)}`];
  for (const reference of references) {
    const problem = outputProblem(reference, { kind: 'image' });
    if (problem === 'it holds a secret') {
      throw new ConfigurationError(
        `a value of input "${Inputs.Secrets}" appears in the image name or a tag, so no output could name the image: use a longer, real secret value`,
      );
    }
    if (problem !== undefined) {
      throw new ConfigurationError(
        `input "${Inputs.Image}" is ${shown(imageName)}: this action could not output ${shown(reference)} as an image reference (${problem}): use a host name or IPv4 address and path components joined by single . _ or -`,
      );
    }
  }
}

/** A cache line for the debug log: known attributes as given, any other (a token, a URL) as `(set)`. */
function describeCache(entry: string): string {
  const attributes = cacheAttributes(entry);
  if (attributes.length === 0) return entry;
  return attributes
    .map(([key, value]) => (SHOWN_CACHE_ATTRIBUTES.has(key) ? `${key}=${value}` : `${key}=(set)`))
    .join(',');
}

/**
 * What the debug log shows of the inputs: an explicit allow-list, nothing spread. Build
 * arguments by name only (a value may still be private), secrets by id only, secret files by
 * id and path, caches without their credentials.
 */
export function describeInputs(inputs: BuildInputs): Record<string, unknown> {
  return {
    image: inputs.imageName,
    context: inputs.context,
    file: inputs.file,
    buildArgs: inputs.buildArgs.map(([name]) => name),
    secrets: inputs.secrets.map(({ id }) => id),
    secretFiles: inputs.secretFiles.map(({ id, path }) => ({ id, path })),
    target: inputs.target,
    platform: inputs.platform,
    tag: inputs.tag,
    tags: inputs.tags,
    push: inputs.push,
    provenance: inputs.provenance,
    builder: inputs.builder,
    cacheFrom: inputs.cacheFrom.map(describeCache),
    cacheTo: inputs.cacheTo.map(describeCache),
    timeoutMs: inputs.timeoutMs,
  };
}

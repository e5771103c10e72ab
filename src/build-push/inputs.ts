import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseDuration,
  parseKeyValueLines,
  parseList,
  workspaceFolder,
  workspacePath,
} from '../lib/parse.js';
import type { ImageName } from './registry.js';
import { BUILDERS, Inputs, type Builder } from './constants.js';

export interface BuildInputs {
  readonly image: ImageName;
  /** `registry/repository`, as given. */
  readonly imageName: string;
  readonly context: string;
  readonly file: string;
  readonly buildArgs: readonly (readonly [string, string])[];
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

const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:]+\])(?::\d{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * `registry/path` without tag or digest. The registry part is required (a name without a dot,
 * colon or `localhost` first would mean Docker Hub, which this pipeline does not deploy from).
 */
export function parseImageName(raw: string): ImageName {
  const name = raw.trim();
  const fix = 'use REGISTRY/PATH, e.g. europe-west1-docker.pkg.dev/PROJECT/REPOSITORY/NAME';
  if (name.includes('@')) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has a digest: ${fix}; the digest is this action's output`,
    );
  }
  const slash = name.indexOf('/');
  if (slash <= 0) {
    throw new ConfigurationError(`input "${Inputs.Image}" is "${name}": no registry host; ${fix}`);
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
      `input "${Inputs.Image}" has the registry host "${registry}", which is not a host name; ${fix}`,
    );
  }
  if (!repository.split('/').every((component) => PATH_COMPONENT.test(component))) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" has an invalid path "${repository}": lower-case letters, digits and . _ - separators`,
    );
  }
  return { registry, repository };
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): BuildInputs {
  const imageName = core.getInput(Inputs.Image).trim();
  if (imageName === '') {
    throw new ConfigurationError(`input "${Inputs.Image}" is required: REGISTRY/PATH of the image`);
  }
  const image = parseImageName(imageName);

  const rawSha = core.getInput(Inputs.Sha).trim() || env['GITHUB_SHA'] || '';
  if (!/^[0-9a-f]{7,64}$/i.test(rawSha)) {
    throw new ConfigurationError(
      `input "${Inputs.Sha}" is "${rawSha}": it needs at least 7 hex characters of the commit (default: GITHUB_SHA)`,
    );
  }
  const tag = `sha-${rawSha.slice(0, 7).toLowerCase()}`;
  const tags = parseList(core.getInput(Inputs.Tags));
  for (const extra of tags) {
    if (!TAG.test(extra)) {
      throw new ConfigurationError(
        `input "${Inputs.Tags}": "${extra}" is not a valid tag (letters, digits, . _ -, at most 128)`,
      );
    }
  }

  const rawContext = core.getInput(Inputs.Context).trim() || '.';
  const context = workspaceFolder(Inputs.Context, rawContext, env);
  const rawFile = core.getInput(Inputs.File).trim();
  const file = rawFile === '' ? join(context, 'Dockerfile') : workspacePath(rawFile, env);
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `input "${Inputs.File}": ${rawFile || `${rawContext}/Dockerfile`} does not exist`,
    );
  }

  const platform = core.getInput(Inputs.Platform).trim() || 'linux/amd64';
  if (!/^[a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?$/.test(platform)) {
    throw new ConfigurationError(
      `input "${Inputs.Platform}" is "${platform}": one platform such as linux/amd64 (Cloud Run runs linux/amd64)`,
    );
  }
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
    buildArgs: parseKeyValueLines(Inputs.BuildArgs, core.getInput(Inputs.BuildArgs)),
    target: core.getInput(Inputs.Target).trim(),
    platform,
    tag,
    tags,
    push: parseBoolean(Inputs.Push, core.getInput(Inputs.Push), true),
    provenance,
    builder,
    cacheFrom: parseList(core.getInput(Inputs.CacheFrom)),
    cacheTo: parseList(core.getInput(Inputs.CacheTo)),
    timeoutMs: parseDuration(Inputs.Timeout, core.getInput(Inputs.Timeout).trim() || '60m'),
  };
}

/**
 * What the debug log shows of the inputs. Build arguments by name only: they are no secret
 * inputs, but a workflow may still pass a token through one, and the log needs only the names.
 */
export function describeInputs(inputs: BuildInputs): Record<string, unknown> {
  return { ...inputs, buildArgs: inputs.buildArgs.map(([key]) => `${key}=…`) };
}

import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import {
  checkHostName,
  checkName,
  checkTag,
  PROJECT_VARIABLES,
  projectFromEnvironment,
} from '../lib/names.js';
import { parseDuration, parseInteger } from '../lib/parse.js';
import { checkBearerToken, checkPath, mayCarryToken, parseExpect } from '../lib/probe.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs } from './constants.js';

export interface CloudRunTarget {
  readonly service: string;
  readonly region: string;
  /** The input, else the project the auth action exported (GOOGLE_CLOUD_PROJECT, …). */
  readonly project: string;
  /** Empty: the latest created revision. */
  readonly revision: string;
  /**
   * Empty: none. Else the traffic tag the revision gets (at its traffic, usually 0 %), whose own
   * URL is the one checked: only that revision answers there.
   */
  readonly tag: string;
}

export interface HealthCheckInputs {
  readonly cloudRun: CloudRunTarget | undefined;
  /** Base URL; undefined means the service's URL from Cloud Run. */
  readonly url: URL | undefined;
  readonly path: string;
  readonly expectedStatus: number;
  readonly expect: Readonly<Record<string, unknown>> | undefined;
  readonly bearerToken: string;
  readonly customDomain: URL | undefined;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
}

const get = (name: string): string => core.getInput(name).trim();

/** An absolute http(s) URL without credentials; never echoes a parser error (it carries the input). */
export function parseBaseUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(
      `input "${name}" is not an absolute URL; use https://host or http://127.0.0.1:port`,
    );
  }
  // Node's URL parser drops tabs and line breaks (`https://exa\nmple.com` becomes example.com) and
  // turns a look-alike host into another one's xn-- form: refuse them instead of guessing.
  if (/[^\u0021-\u007e]/.test(raw)) {
    throw new ConfigurationError(
      `input "${name}" holds white space, a control character or a character outside ASCII; give the URL as printable ASCII (percent-encode the path, an internationalised host in its xn-- form)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`input "${name}" must start with https:// or http://, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(
      `input "${name}" must not carry credentials; pass a token in "${Inputs.BearerToken}"`,
    );
  }
  return url;
}

/**
 * A bare host name (`api.example.com`), checked by the DNS rule; `https://host` is accepted for
 * compatibility when nothing follows the host. For a local test only, a loopback URL
 * (`http://127.0.0.1:8080`) without a path is accepted too.
 */
export function parseCustomDomain(raw: string): URL {
  const loopback = /^https?:\/\/(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d{1,5})?\/?$/i;
  if (loopback.test(raw)) return parseBaseUrl(Inputs.CustomDomain, raw);
  const host = /^https:\/\//i.test(raw) ? raw.slice('https://'.length).replace(/\/$/, '') : raw;
  return new URL(`https://${checkHostName(Inputs.CustomDomain, host)}`);
}

/**
 * What the debug log may show of the inputs, field by field (an allow-list: a field added to
 * the inputs shows up here only when someone writes it here): the checked names, durations and
 * hosts; whether a bearer token and an `expect` are set, never their values; the URL and the
 * path without their query.
 */
export function describeInputs(inputs: HealthCheckInputs): Record<string, unknown> {
  const { cloudRun, url, path, expect, bearerToken, customDomain } = inputs;
  return {
    cloudRun:
      cloudRun === undefined
        ? undefined
        : {
            service: cloudRun.service,
            region: cloudRun.region,
            project: cloudRun.project,
            revision: cloudRun.revision,
            tag: cloudRun.tag,
          },
    url: url === undefined ? undefined : `${url.origin}${url.pathname}`,
    path: path.split('?')[0],
    expectedStatus: inputs.expectedStatus,
    expect: expect === undefined ? undefined : '(set)',
    bearerToken: bearerToken === '' ? '' : '(set)',
    customDomain: customDomain === undefined ? undefined : customDomain.host,
    timeoutMs: inputs.timeoutMs,
    requestTimeoutMs: inputs.requestTimeoutMs,
  };
}

/** Reads and validates every input once; the bearer token is registered as a secret first. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): HealthCheckInputs {
  const bearerToken = get(Inputs.BearerToken);
  registerSecret(bearerToken);
  checkBearerToken(bearerToken);

  // Each name is checked before it can reach gcloud, a URL or a log line.
  const optionalName = (kind: 'service' | 'region' | 'project' | 'revision', input: string): string => {
    const value = get(input);
    return value === '' ? '' : checkName(kind, input, value);
  };
  const service = optionalName('service', Inputs.Service);
  const region = optionalName('region', Inputs.Region);
  const givenProject = optionalName('project', Inputs.Project);
  const revision = optionalName('revision', Inputs.Revision);
  const rawTag = get(Inputs.Tag);
  if (service === '' && (region !== '' || givenProject !== '' || revision !== '' || rawTag !== '')) {
    const given = [
      region && Inputs.Region,
      givenProject && Inputs.Project,
      revision && Inputs.Revision,
      rawTag && Inputs.Tag,
    ].filter(Boolean);
    throw new ConfigurationError(
      `input "${given[0]}" needs "${Inputs.Service}": set the Cloud Run service name too, or drop ${given.join(', ')}`,
    );
  }
  if (service !== '' && region === '') {
    throw new ConfigurationError(
      `input "${Inputs.Region}" is required with "${Inputs.Service}", e.g. europe-west1`,
    );
  }

  const tag = rawTag === '' ? '' : checkTag(Inputs.Tag, rawTag, service, Inputs.Service);

  // The Cloud Run Admin API names the project in every path: the input, else the auth action's.
  const project = service === '' ? '' : givenProject || projectFromEnvironment(Inputs.Project, env);
  if (service !== '' && project === '') {
    throw new ConfigurationError(
      `input "${Inputs.Project}" is empty and none of ${PROJECT_VARIABLES.join(', ')} is set: set "${Inputs.Project}" to the service's project id (google-github-actions/auth exports it too)`,
    );
  }

  const rawUrl = get(Inputs.Url);
  if (rawUrl !== '' && tag !== '') {
    throw new ConfigurationError(
      `inputs "${Inputs.Tag}" and "${Inputs.Url}" exclude each other: with a tag, the URL checked is the tag's own (Cloud Run reports it), so that only the tagged revision can answer; drop "${Inputs.Url}"`,
    );
  }
  if (rawUrl === '' && service === '') {
    throw new ConfigurationError(
      `set input "${Inputs.Url}", or "${Inputs.Service}" and "${Inputs.Region}" to use the service's URL`,
    );
  }
  const path = checkPath(get(Inputs.Path) || '/health');
  const rawExpect = get(Inputs.Expect);
  const rawDomain = get(Inputs.CustomDomain);
  const timeoutMs = parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '5m');
  const requestTimeoutMs = parseDuration(Inputs.RequestTimeout, get(Inputs.RequestTimeout) || '10s');

  const url = rawUrl === '' ? undefined : parseBaseUrl(Inputs.Url, rawUrl);
  if (url !== undefined && bearerToken !== '' && !mayCarryToken(url)) {
    throw new ConfigurationError(
      `input "${Inputs.BearerToken}" is set, but input "${Inputs.Url}" is plain http:// to ${url.hostname}: the token would cross the network in clear text; use https:// (or a loopback address for a local test)`,
    );
  }
  return {
    cloudRun: service === '' ? undefined : { service, region, project, revision, tag },
    url,
    path,
    expectedStatus: parseInteger(Inputs.ExpectedStatus, get(Inputs.ExpectedStatus) || '200', 100, 599),
    expect: rawExpect === '' ? undefined : parseExpect(rawExpect),
    bearerToken,
    customDomain: rawDomain === '' ? undefined : parseCustomDomain(rawDomain),
    timeoutMs,
    requestTimeoutMs: Math.min(requestTimeoutMs, timeoutMs),
  };
}

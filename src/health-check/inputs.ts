import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { parseDuration, parseInteger } from '../lib/parse.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs } from './constants.js';

export interface CloudRunTarget {
  readonly service: string;
  readonly region: string;
  /** Empty: gcloud's configured project. */
  readonly project: string;
  /** Empty: the latest created revision. */
  readonly revision: string;
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

/** A host name or an https URL; a bare host gets https://. */
export function parseCustomDomain(raw: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  return parseBaseUrl(Inputs.CustomDomain, withScheme);
}

export function parseExpect(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ConfigurationError(
      `input "${Inputs.Expect}" is not valid JSON (${(error as Error).message}); use an object such as {"status": "ok"}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`input "${Inputs.Expect}" must be a JSON object, such as {"status": "ok"}`);
  }
  return value as Record<string, unknown>;
}

/** What the debug log may show of the inputs: whether a bearer token is set, never its value. */
export function describeInputs(inputs: HealthCheckInputs): Record<string, unknown> {
  return { ...inputs, bearerToken: inputs.bearerToken === '' ? '' : '(set)' };
}

/** Reads and validates every input once; the bearer token is registered as a secret first. */
export function readInputs(): HealthCheckInputs {
  const bearerToken = get(Inputs.BearerToken);
  registerSecret(bearerToken);

  const service = get(Inputs.Service);
  const region = get(Inputs.Region);
  const project = get(Inputs.Project);
  const revision = get(Inputs.Revision);
  if (service === '' && (region !== '' || project !== '' || revision !== '')) {
    const given = [region && Inputs.Region, project && Inputs.Project, revision && Inputs.Revision].filter(
      Boolean,
    );
    throw new ConfigurationError(
      `input "${given[0]}" needs "${Inputs.Service}": set the Cloud Run service name too, or drop ${given.join(', ')}`,
    );
  }
  if (service !== '' && region === '') {
    throw new ConfigurationError(
      `input "${Inputs.Region}" is required with "${Inputs.Service}", e.g. europe-west1`,
    );
  }

  const rawUrl = get(Inputs.Url);
  if (rawUrl === '' && service === '') {
    throw new ConfigurationError(
      `set input "${Inputs.Url}", or "${Inputs.Service}" and "${Inputs.Region}" to use the service's URL`,
    );
  }
  const path = get(Inputs.Path) || '/health';
  if (!path.startsWith('/')) {
    throw new ConfigurationError(`input "${Inputs.Path}" is "${path}": it must start with /, e.g. /health`);
  }
  const rawExpect = get(Inputs.Expect);
  const rawDomain = get(Inputs.CustomDomain);
  const timeoutMs = parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '5m');
  const requestTimeoutMs = parseDuration(Inputs.RequestTimeout, get(Inputs.RequestTimeout) || '10s');

  return {
    cloudRun: service === '' ? undefined : { service, region, project, revision },
    url: rawUrl === '' ? undefined : parseBaseUrl(Inputs.Url, rawUrl),
    path,
    expectedStatus: parseInteger(Inputs.ExpectedStatus, get(Inputs.ExpectedStatus) || '200', 100, 599),
    expect: rawExpect === '' ? undefined : parseExpect(rawExpect),
    bearerToken,
    customDomain: rawDomain === '' ? undefined : parseCustomDomain(rawDomain),
    timeoutMs,
    requestTimeoutMs: Math.min(requestTimeoutMs, timeoutMs),
  };
}

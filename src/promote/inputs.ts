import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { checkName, checkTag, PROJECT_VARIABLES, projectFromEnvironment, shown } from '../lib/names.js';
import { parseDuration, parseInteger } from '../lib/parse.js';
import { checkBearerToken, checkPath, parseExpect } from '../lib/probe.js';
import { registerSecret } from '../lib/secrets.js';
import type { Share } from '../lib/traffic.js';
import { Inputs } from './constants.js';

export interface PromoteInputs {
  readonly service: string;
  readonly region: string;
  readonly project: string;
  readonly revision: string;
  /** Percentages, whole, increasing, the last 100. */
  readonly steps: readonly number[];
  readonly stepWaitMs: number;
  /** What deploy found serving (its previous-revision output), or undefined: no check. */
  readonly previous: readonly Share[] | undefined;
  /** The tag to remove at the end; '' for none. */
  readonly tag: string;
  readonly path: string;
  readonly expectedStatus: number;
  readonly expect: Readonly<Record<string, unknown>> | undefined;
  readonly bearerToken: string;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
}

const get = (name: string): string => core.getInput(name).trim();

/** At most this many steps: each is a traffic change and a watch. */
export const MAX_STEPS = 10;

/** `10,50,100`: whole percents from 1 to 100, increasing, ending at 100. */
export function parseSteps(raw: string): number[] {
  const parts = raw.split(/[\s,]+/).filter((part) => part !== '');
  const example = 'e.g. 10,50,100 (or 100 for one step)';
  if (parts.length === 0) {
    throw new ConfigurationError(`input "${Inputs.Steps}" is empty: give the percentages, ${example}`);
  }
  if (parts.length > MAX_STEPS) {
    throw new ConfigurationError(
      `input "${Inputs.Steps}" has ${parts.length} steps, at most ${MAX_STEPS}: ${example}`,
    );
  }
  const steps = parts.map((part) => {
    if (!/^\d{1,3}$/.test(part) || Number(part) < 1 || Number(part) > 100) {
      throw new ConfigurationError(
        `input "${Inputs.Steps}" holds ${shown(part)}, which is not a whole percent from 1 to 100: ${example}`,
      );
    }
    return Number(part);
  });
  steps.forEach((step, index) => {
    const before = steps[index - 1];
    if (before !== undefined && step <= before) {
      throw new ConfigurationError(
        `input "${Inputs.Steps}" goes from ${before} to ${step}: the percentages must increase, ${example}`,
      );
    }
  });
  if (steps.at(-1) !== 100) {
    throw new ConfigurationError(
      `input "${Inputs.Steps}" ends at ${steps.at(-1)}%, not 100: the last step moves all the traffic, ${example}`,
    );
  }
  return steps;
}

/**
 * deploy's previous-revision output: a revision name (it served 100 %), or the split as JSON
 * (`[{"revision": "…", "percent": 90}, …]`, whole percents adding up to 100).
 */
export function parsePrevious(raw: string): Share[] | undefined {
  if (raw === '') return undefined;
  if (!raw.startsWith('[')) {
    return [{ revision: checkName('revision', Inputs.PreviousRevision, raw), percent: 100 }];
  }
  const refuse = (why: string): never => {
    throw new ConfigurationError(
      `input "${Inputs.PreviousRevision}" ${why}: pass deploy's previous-revision output as it is (a revision name, or [{"revision": "api-00041-abc", "percent": 90}, …])`,
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return refuse('is not a revision name nor JSON');
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    return refuse('is not a list of shares');
  }
  const split = value.map((entry: unknown): Share => {
    if (typeof entry !== 'object' || entry === null) return refuse('holds an entry that is not an object');
    const { revision, percent } = entry as { revision?: unknown; percent?: unknown };
    if (typeof revision !== 'string') return refuse('holds an entry without a revision');
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 100) {
      return refuse(
        `gives ${shown(String(percent))} for ${shown(revision)}, not a whole percent from 1 to 100`,
      );
    }
    return { revision: checkName('revision', Inputs.PreviousRevision, revision), percent };
  });
  const total = split.reduce((sum, share) => sum + share.percent, 0);
  if (total !== 100) refuse(`adds up to ${total}%, not 100%`);
  return split;
}

/** Reads and validates every input once; the bearer token is registered as a secret first. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): PromoteInputs {
  const bearerToken = get(Inputs.BearerToken);
  registerSecret(bearerToken);
  checkBearerToken(bearerToken);

  const required = (input: string, example: string): string => {
    const value = get(input);
    if (value === '') throw new ConfigurationError(`input "${input}" is required, e.g. ${example}`);
    return value;
  };
  const service = checkName('service', Inputs.Service, required(Inputs.Service, 'api'));
  const region = checkName('region', Inputs.Region, required(Inputs.Region, 'europe-west1'));
  const revision = checkName('revision', Inputs.Revision, required(Inputs.Revision, 'api-00042-xyz'));
  const givenProject = get(Inputs.Project);
  const project =
    givenProject === ''
      ? projectFromEnvironment(Inputs.Project, env)
      : checkName('project', Inputs.Project, givenProject);
  if (project === '') {
    throw new ConfigurationError(
      `input "${Inputs.Project}" is empty and none of ${PROJECT_VARIABLES.join(', ')} is set: set "${Inputs.Project}" to the service's project id (google-github-actions/auth exports it too)`,
    );
  }
  const rawTag = get(Inputs.Tag);
  const tag = rawTag === '' ? '' : checkTag(Inputs.Tag, rawTag, service, Inputs.Service);
  const steps = parseSteps(get(Inputs.Steps) || '100');
  const timeoutMs = parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '15m');
  const stepWaitMs = parseDuration(Inputs.StepWait, get(Inputs.StepWait) || '60s');
  if (stepWaitMs > timeoutMs) {
    throw new ConfigurationError(
      `input "${Inputs.StepWait}" (${stepWaitMs / 1000} s) is longer than "${Inputs.Timeout}" (${timeoutMs / 1000} s): no step could be watched to its end; shorten the wait or raise the timeout`,
    );
  }
  const rawExpect = get(Inputs.Expect);
  return {
    service,
    region,
    project,
    revision,
    steps,
    stepWaitMs,
    previous: parsePrevious(get(Inputs.PreviousRevision)),
    tag,
    path: checkPath(get(Inputs.Path) || '/health'),
    expectedStatus: parseInteger(Inputs.ExpectedStatus, get(Inputs.ExpectedStatus) || '200', 100, 599),
    expect: rawExpect === '' ? undefined : parseExpect(rawExpect),
    bearerToken,
    timeoutMs,
    requestTimeoutMs: Math.min(10_000, timeoutMs),
  };
}

/** What the debug log may show of the inputs (an allow-list, the token never). */
export function describeInputs(inputs: PromoteInputs): Record<string, unknown> {
  return {
    service: inputs.service,
    region: inputs.region,
    project: inputs.project,
    revision: inputs.revision,
    steps: inputs.steps,
    stepWaitMs: inputs.stepWaitMs,
    previous: inputs.previous,
    tag: inputs.tag,
    path: inputs.path.split('?')[0],
    expectedStatus: inputs.expectedStatus,
    expect: inputs.expect === undefined ? undefined : '(set)',
    bearerToken: inputs.bearerToken === '' ? '' : '(set)',
    timeoutMs: inputs.timeoutMs,
  };
}

import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../lib/errors.js';
import { isLoopbackHost, shown } from '../lib/names.js';
import { parseBoolean, parseChoice, parseInteger, parseList, workspaceOf } from '../lib/parse.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs, MODES, type Mode } from './constants.js';
import { loadReports, type DeployReport } from './reports.js';

export interface ReportInputs {
  readonly mode: Mode;
  readonly reports: readonly DeployReport[];
  readonly token: string;
  /** The pull request's number (pull-request mode), 0 in drift mode. */
  readonly pullRequest: number;
  readonly title: string;
  /** The marker's key: from the title, and in drift mode the environment. */
  readonly key: string;
  /** Drift: the environment of the issue; '' in pull-request mode. */
  readonly environment: string;
  readonly label: string;
  /** Why the pull request was not planned; '' when it was. */
  readonly notPlanned: string;
  readonly failOnDrift: boolean;
  /** The event's pull request comes from a fork (its token is read-only). */
  readonly fork: boolean;
  /** `owner/name`, GITHUB_REPOSITORY. */
  readonly repository: string;
  readonly apiUrl: string;
  /** This run's page: where its job summary is. */
  readonly runUrl: string;
}

const get = (name: string): string => core.getInput(name).trim();

// eslint-disable-next-line no-control-regex -- a control character in a one-line input is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_PULL_REQUEST = 2_147_483_647;

/** One line of text, at most `max` characters, nothing invisible that could break a line. */
function oneLine(input: string, value: string, max: number, example: string): string {
  if (value.length > max || CONTROL.test(value)) {
    throw new ConfigurationError(
      `input "${input}" is ${shown(value)}: use one line of at most ${max} characters without control characters, e.g. ${example}`,
    );
  }
  return value;
}

/** The title as the marker's key: lower-case letters, digits and hyphens. */
export function keyOf(title: string): string {
  const key = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  if (key === '') {
    throw new ConfigurationError(
      `input "${Inputs.Title}" is ${shown(title)}: it must hold a letter or a digit (ASCII), which name the hidden marker that finds the comment again, e.g. Plan`,
    );
  }
  return key;
}

/** A GitHub label: 1 to 50 characters, one line, no comma (the issues list's label separator). */
export function checkLabel(raw: string): string {
  if (raw === '' || raw.length > 50 || CONTROL.test(raw) || raw.includes(',')) {
    throw new ConfigurationError(
      `input "${Inputs.Label}" is ${shown(raw)}: use a label name of 1 to 50 characters without commas or control characters, e.g. drift`,
    );
  }
  return raw;
}

/** The event's pull request: its number and whether its head is another repository (a fork). */
export function eventPullRequest(
  env: NodeJS.ProcessEnv,
  repository: string,
): { number: number; fork: boolean } | undefined {
  const path = env['GITHUB_EVENT_PATH'];
  if (path === undefined || path === '') return undefined;
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const pullRequest = (event as { pull_request?: unknown } | null)?.pull_request as
    { number?: unknown; head?: { repo?: { full_name?: unknown } | null } } | undefined;
  if (typeof pullRequest !== 'object' || typeof pullRequest.number !== 'number') return undefined;
  const head = pullRequest.head?.repo?.full_name;
  return {
    number: pullRequest.number,
    // A head repository that is gone (a deleted fork) is a fork too.
    fork: typeof head !== 'string' || head.toLowerCase() !== repository.toLowerCase(),
  };
}

/** GITHUB_API_URL: https, or plain HTTP only to this machine (the tests' stand-in). */
export function checkApiUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    url.username === '' &&
    url.password === '' &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)));
  if (!ok) {
    throw new ConfigurationError(
      `GITHUB_API_URL is ${shown(raw)}: the runner sets it to the API's https URL (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server); do not override it`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/** This run's URL, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID. */
export function runUrlOf(env: NodeJS.ProcessEnv, repository: string): string {
  const server = (env['GITHUB_SERVER_URL'] ?? '').trim() || 'https://github.com';
  const runId = (env['GITHUB_RUN_ID'] ?? '').trim();
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== ''
  ) {
    throw new ConfigurationError(
      `GITHUB_SERVER_URL is ${shown(server)}, not the server's https URL: the runner sets it`,
    );
  }
  if (!/^\d{1,20}$/.test(runId)) {
    throw new ConfigurationError(
      `GITHUB_RUN_ID is ${shown(runId)}, not a run id: run this action in a workflow`,
    );
  }
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
}

/** Reads and checks every input, the report files included, before any request is made. */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<ReportInputs> {
  const token = get(Inputs.GithubToken);
  registerSecret(token);
  if (token === '' || /\s/.test(token) || CONTROL.test(token)) {
    throw new ConfigurationError(
      `input "${Inputs.GithubToken}" is ${token === '' ? 'empty' : 'not a token (it holds white space)'}: leave it at its default, \${{ github.token }}, or pass a token that can write pull request comments and issues`,
    );
  }
  if (get(Inputs.Mode) === '') {
    throw new ConfigurationError(`input "${Inputs.Mode}" is required: use ${MODES.join(' or ')}`);
  }
  const mode = parseChoice(Inputs.Mode, get(Inputs.Mode), MODES, 'pull-request');
  const repository = (env['GITHUB_REPOSITORY'] ?? '').trim();
  if (!REPOSITORY.test(repository)) {
    throw new ConfigurationError(
      `GITHUB_REPOSITORY is ${shown(repository)}, not owner/name: run this action in a workflow, where the runner sets it`,
    );
  }
  const apiUrl = checkApiUrl((env['GITHUB_API_URL'] ?? '').trim() || 'https://api.github.com');
  const runUrl = runUrlOf(env, repository);
  const title = oneLine(Inputs.Title, get(Inputs.Title) || 'Plan', 100, 'Plan');
  const notPlanned = oneLine(Inputs.NotPlanned, get(Inputs.NotPlanned), 1000, 'it comes from a fork');
  const failOnDrift = parseBoolean(Inputs.FailOnDrift, get(Inputs.FailOnDrift), true);
  const labelRaw = get(Inputs.Label);
  const label = checkLabel(labelRaw || 'drift');
  const rawEnvironment = get(Inputs.Environment);
  if (rawEnvironment !== '' && !ENVIRONMENT.test(rawEnvironment)) {
    throw new ConfigurationError(
      `input "${Inputs.Environment}" is ${shown(rawEnvironment)}: use an environment name (lower-case letters, digits and -, starting with a letter), e.g. prod`,
    );
  }
  const lines = parseList(core.getInput(Inputs.Reports));
  for (const line of lines) oneLine(Inputs.Reports, line, 1024, 'reports/**/*.json');
  const event = eventPullRequest(env, repository);

  if (mode === 'pull-request') {
    const rawNumber = get(Inputs.PullRequest);
    const pullRequest =
      rawNumber === ''
        ? (event?.number ?? 0)
        : parseInteger(Inputs.PullRequest, rawNumber, 1, MAX_PULL_REQUEST);
    if (pullRequest === 0) {
      throw new ConfigurationError(
        `input "${Inputs.PullRequest}" is empty and the event (${shown(env['GITHUB_EVENT_NAME'] ?? '')}) carries no pull request: run on pull_request, or pass the number`,
      );
    }
    if (notPlanned === '' && lines.length === 0) {
      throw new ConfigurationError(
        `input "${Inputs.Reports}" is empty: give the files actions/deploy wrote with "report-file", one path or glob a line (or set "${Inputs.NotPlanned}" to say why the pull request was not planned)`,
      );
    }
    const reports =
      notPlanned === ''
        ? await loadReports(lines, workspaceOf(env), (text) => core.warning(`report: ${text}`))
        : [];
    return {
      mode,
      reports,
      token,
      pullRequest,
      title,
      key: keyOf(title),
      environment: '',
      label,
      notPlanned,
      failOnDrift,
      fork: event?.number === pullRequest && event.fork,
      repository,
      apiUrl,
      runUrl,
    };
  }

  if (notPlanned !== '') {
    throw new ConfigurationError(
      `input "${Inputs.NotPlanned}" is only for mode pull-request: a drift check plans every time; leave it empty`,
    );
  }
  if (get(Inputs.PullRequest) !== '') {
    throw new ConfigurationError(
      `input "${Inputs.PullRequest}" is only for mode pull-request: a drift check writes an issue; leave it empty`,
    );
  }
  if (lines.length === 0) {
    throw new ConfigurationError(
      `input "${Inputs.Reports}" is empty: give the files actions/deploy wrote with "report-file" for the environment, one path or glob a line`,
    );
  }
  const reports = await loadReports(lines, workspaceOf(env), (text) => core.warning(`report: ${text}`));
  const environments = [...new Set(reports.map((report) => report.environment))];
  const environment = rawEnvironment || (environments.length === 1 ? (environments[0] ?? '') : '');
  if (environment === '') {
    throw new ConfigurationError(
      `input "${Inputs.Environment}" is empty and the reports are of ${environments.join(', ')}: a drift issue is per environment; name it, or pass one environment's reports`,
    );
  }
  const other = reports.find((report) => report.environment !== environment);
  if (other !== undefined) {
    throw new ConfigurationError(
      `input "${Inputs.Reports}": ${shown(other.file, 200)} is a report of ${other.environment}, not of ${environment} (input "${Inputs.Environment}"): pass only that environment's reports`,
    );
  }
  return {
    mode,
    reports,
    token,
    pullRequest: 0,
    title,
    key: `${keyOf(title)}:${environment}`,
    environment,
    label,
    notPlanned: '',
    failOnDrift,
    fork: false,
    repository,
    apiUrl,
    runUrl,
  };
}

/** What the debug log may show of the inputs (the token never). */
export function describeInputs(inputs: ReportInputs): Record<string, unknown> {
  return {
    mode: inputs.mode,
    reports: inputs.reports.map((report) => report.file),
    token: '(set)',
    pullRequest: inputs.pullRequest,
    title: inputs.title,
    key: inputs.key,
    environment: inputs.environment,
    label: inputs.label,
    notPlanned: inputs.notPlanned,
    failOnDrift: inputs.failOnDrift,
    fork: inputs.fork,
    repository: inputs.repository,
    apiUrl: inputs.apiUrl,
    runUrl: inputs.runUrl,
  };
}

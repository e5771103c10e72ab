import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import { ConfigurationError } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { MAX_BODY, Outputs, STAGE } from './constants.js';
import type { GitHubClient } from './github.js';
import { describeInputs, readInputs, type ReportInputs } from './inputs.js';
import { commentBody, markerOf, noDriftComment, overview, summaryText, type Document } from './markdown.js';
import { drifted } from './reports.js';

/** All the API work of a run: a few requests, retried within this. */
const API_BUDGET_MS = 3 * 60_000;
/** A create that got no clear answer is looked for again, then tried again, this often at most. */
const UPSERT_TRIES = 3;
const LABEL_COLOR = 'd93f0b';
const LABEL_DESCRIPTION = 'The cloud differs from the Terraform configuration (found by the drift check)';

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      const document: Document = {
        marker: markerOf(inputs.mode, inputs.key),
        title: inputs.title,
        runUrl: inputs.runUrl,
        reports: inputs.reports,
        ...(inputs.mode === 'drift' ? { environment: inputs.environment } : {}),
        ...(inputs.notPlanned === '' ? {} : { notPlanned: inputs.notPlanned }),
      };
      // The whole text goes to the job summary on every outcome, before the stage's own section.
      const summary = summaryText(document);
      stage.defer(() => writeSummaryText(summary));
      const body = commentBody(document, MAX_BODY);
      stage.row('Reports', inputs.notPlanned === '' ? overview(inputs.reports) : 'not planned');
      stage.row('Body', `${body.length} characters${body.length < summary.length ? ', cut to fit' : ''}`);
      const github = await connect(inputs, stage);
      if (inputs.mode === 'pull-request') await writeComment(github, inputs, body, stage);
      else await writeDriftIssue(github, inputs, body, stage);
    },
  });
}

async function writeSummaryText(text: string): Promise<void> {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file === undefined || file === '') return;
  await appendFile(file, `${text}\n`, 'utf8');
}

async function connect(inputs: ReportInputs, stage: Stage): Promise<GitHubClient> {
  const { GitHubClient } = await import('./github.js');
  return GitHubClient.connect({
    token: inputs.token,
    repository: inputs.repository,
    apiUrl: inputs.apiUrl,
    deadline: stage.startedAt + API_BUDGET_MS,
    signal: stage.cancelled,
    onRetry: (reason) => core.info(`${reason}; trying again`),
  });
}

/** The status of a refusal by the API, or undefined for any other error. */
async function refusedStatus(error: unknown): Promise<number | undefined> {
  const { GitHubApiError } = await import('./github.js');
  return error instanceof GitHubApiError ? error.status : undefined;
}

/** Tries `write` again after an unclear answer, looking first for what it may have written. */
async function upsert<T>(write: () => Promise<T>): Promise<T> {
  const { UncertainError } = await import('./github.js');
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof UncertainError) || attempt >= UPSERT_TRIES) throw error;
      core.info(`${error.message}; looking again before writing`);
    }
  }
}

async function writeComment(
  github: GitHubClient,
  inputs: ReportInputs,
  body: string,
  stage: Stage,
): Promise<void> {
  const marker = markerOf(inputs.mode, inputs.key);
  const number = inputs.pullRequest;
  stage.row('Pull request', `#${number}`);
  stage.headline(`no comment written on #${number}`);
  const started = Date.now();
  let result: { id: number; url: string; created: boolean };
  try {
    result = await stage.group(`Writing the comment on #${number}`, () =>
      upsert(async () => {
        const found = await github.findComment(number, marker);
        if (found === undefined) {
          const created = await github.createComment(number, body);
          core.info(`created comment ${created.id} on #${number}`);
          return { id: created.id, url: created.url, created: true };
        }
        const updated = await github.updateComment(found.id, body);
        core.info(`updated comment ${updated.id} on #${number}`);
        return { id: updated.id, url: updated.url, created: false };
      }),
    );
  } catch (error) {
    const status = await refusedStatus(error);
    if ((status === 403 || status === 404) && (inputs.fork || inputs.notPlanned !== '')) {
      // A pull request from a fork runs with a read-only token: its comment cannot be written.
      const why = `no comment was written on #${number}: the GitHub API refused it (${status}), as it does for the read-only token of a pull request from a fork; the text is in this job's summary`;
      core.notice(`${STAGE}: ${why}`);
      stage.note(why);
      stage.headline('written to the job summary only (read-only token)');
      return;
    }
    if (status === 404) {
      throw new ConfigurationError(
        `the GitHub API knows no pull request #${number} in ${inputs.repository} that this token can see (404): check input "pull-request" (empty: the event's), and that input "github-token" may read the repository`,
      );
    }
    if (status === 403) {
      throw new ConfigurationError(
        `the GitHub API refused to write the comment on pull request #${number} (403): the job needs "permissions: pull-requests: write", and input "github-token" a token that may write to ${inputs.repository}`,
      );
    }
    throw error;
  }
  stage.row('Comment', `${result.url} (${formatMs(Date.now() - started)})`);
  stage.headline(`${result.created ? 'created' : 'updated'} the comment on #${number}`);
  setCheckedOutput(Outputs.CommentId, String(result.id), { kind: 'count' });
  setCheckedOutput(Outputs.CommentUrl, result.url, { kind: 'url' });
}

async function writeDriftIssue(
  github: GitHubClient,
  inputs: ReportInputs,
  body: string,
  stage: Stage,
): Promise<void> {
  const marker = markerOf(inputs.mode, inputs.key);
  const environment = inputs.environment;
  const drift = inputs.reports.some(drifted);
  stage.row('Environment', environment);
  stage.row('Drift', drift ? 'yes' : 'no');
  let issue: { number: number; url: string } | undefined;
  try {
    issue = await stage.group(`Drift issue of ${environment}`, async () => {
      if (drift) {
        await github.ensureLabel(inputs.label, LABEL_COLOR, LABEL_DESCRIPTION);
        return upsert(async () => {
          const found = await github.findIssue(inputs.label, marker);
          if (found !== undefined) {
            const updated = await github.updateIssue(found.number, { body });
            core.info(`updated issue #${updated.number}`);
            stage.headline(`drift in ${environment}: issue #${updated.number} updated`);
            return updated;
          }
          const created = await github.createIssue(`${inputs.title}: drift in ${environment}`, body, [
            inputs.label,
          ]);
          core.info(`opened issue #${created.number}`);
          stage.headline(`drift in ${environment}: issue #${created.number} opened`);
          return created;
        });
      }
      const found = await github.findIssue(inputs.label, marker);
      if (found === undefined) {
        stage.headline(`no drift in ${environment}`);
        return undefined;
      }
      const { UncertainError } = await import('./github.js');
      try {
        await github.createComment(found.number, noDriftComment(inputs.runUrl, environment));
      } catch (error) {
        if (!(error instanceof UncertainError)) throw error;
        stage.warning(
          `the closing comment on issue #${found.number} may not have been written (${error.message})`,
        );
      }
      const closed = await github.updateIssue(found.number, { state: 'closed', state_reason: 'completed' });
      core.info(`closed issue #${closed.number}`);
      stage.headline(`no drift in ${environment}: issue #${closed.number} closed`);
      return closed;
    });
  } catch (error) {
    const status = await refusedStatus(error);
    if (status === 403 || status === 404) {
      throw new ConfigurationError(
        `the GitHub API refused to write the drift issue (${status}): the job needs "permissions: issues: write", and input "github-token" a token that may write issues in ${inputs.repository}`,
      );
    }
    throw error;
  }
  if (issue !== undefined) stage.row('Issue', issue.url);
  setCheckedOutput(Outputs.Drift, String(drift), { kind: 'boolean' });
  setCheckedOutput(Outputs.IssueNumber, issue === undefined ? '' : String(issue.number), { kind: 'count' });
  setCheckedOutput(Outputs.IssueUrl, issue?.url ?? '', { kind: 'url' });
  if (drift && inputs.failOnDrift) {
    const changed = inputs.reports.filter(drifted).length;
    throw new Error(
      `drift in ${environment}: ${changed} of ${inputs.reports.length} stacks would change or could not be planned; see ${issue?.url ?? 'the job summary'} (fail-on-drift: false keeps the step green)`,
    );
  }
}

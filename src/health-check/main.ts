import * as core from '@actions/core';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { runStage } from '../lib/stage.js';
import { writeSummarySection, type Row } from '../lib/summary.js';
import { waitForRevision, type ReadyRevision } from './cloud-run.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import { readInputs, type HealthCheckInputs } from './inputs.js';
import { joinUrl, waitForHealthy, type Healthy } from './probe.js';

/** The custom domain gets this long at most: it only warns, so it must not hold the job up. */
const CUSTOM_DOMAIN_BUDGET_MS = 30_000;

function describeInputs(inputs: HealthCheckInputs): string {
  return JSON.stringify({ ...inputs, bearerToken: inputs.bearerToken === '' ? '' : '(set)' });
}

/** The revision the /health body names, for a check without Cloud Run. */
function revisionFromBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { revision?: unknown };
    return typeof parsed.revision === 'string' ? parsed.revision : '';
  } catch {
    return '';
  }
}

async function checkCustomDomain(inputs: HealthCheckInputs, domain: URL): Promise<string> {
  const url = joinUrl(domain, inputs.path);
  const deadline = Date.now() + Math.min(CUSTOM_DOMAIN_BUDGET_MS, inputs.timeoutMs);
  try {
    const healthy = await waitForHealthy(url, inputs, deadline, (attempt, reason) =>
      core.info(`custom domain attempt ${attempt}: ${reason}`),
    );
    core.info(`custom domain ${url.href} answered ${healthy.status}`);
    return `✅ ${url.href} answered ${healthy.status}`;
  } catch (error) {
    core.warning(
      `${STAGE}: the custom domain ${url.href} is not healthy (${messageOf(error)}); the service itself is.`,
    );
    return `⚠️ ${url.href}: ${messageOf(error)}`;
  }
}

export async function run(): Promise<void> {
  await runStage(STAGE, async () => {
    const started = Date.now();
    const inputs = readInputs();
    core.debug(`inputs: ${describeInputs(inputs)}`);
    const deadline = started + inputs.timeoutMs;
    const rows: Row[] = [];
    let ok = false;
    let headline = 'not healthy';
    const notes: string[] = [];
    try {
      let ready: ReadyRevision | undefined;
      if (inputs.cloudRun !== undefined) {
        const target = inputs.cloudRun;
        rows.push([
          'Service',
          `${target.service} (${target.region}${target.project ? `, ${target.project}` : ''})`,
        ]);
        core.startGroup(
          `Waiting for revision ${target.revision || '(latest)'} of ${target.service} to be ready`,
        );
        try {
          let lastReason = '';
          ready = await waitForRevision(target, deadline, (reason) => {
            if (reason !== lastReason) core.info(reason);
            lastReason = reason;
          });
          core.info(`revision ${ready.revision} is ready and takes ${ready.trafficPercent}% of the traffic`);
        } finally {
          core.endGroup();
        }
        rows.push(['Revision', `${ready.revision} (${ready.trafficPercent}% of traffic)`]);
      }

      const base = inputs.url ?? (ready?.url ? new URL(ready.url) : undefined);
      if (base === undefined) {
        throw new ConfigurationError(`the service reports no URL; set input "${Inputs.Url}"`);
      }
      const url = joinUrl(base, inputs.path);
      rows.push(['URL', url.href]);

      core.startGroup(`GET ${url.href}`);
      let healthy: Healthy;
      try {
        healthy = await waitForHealthy(url, inputs, deadline, (attempt, reason) =>
          core.info(`attempt ${attempt}: ${reason}`),
        );
        core.info(`attempt ${healthy.attempts}: ${healthy.status} in ${formatMs(healthy.durationMs)}`);
      } finally {
        core.endGroup();
      }
      rows.push([
        'Answer',
        `${healthy.status} after ${healthy.attempts} attempt${healthy.attempts === 1 ? '' : 's'}`,
      ]);
      if (inputs.expect !== undefined) rows.push(['Body contains', JSON.stringify(inputs.expect)]);

      if (inputs.customDomain !== undefined) {
        rows.push(['Custom domain', await checkCustomDomain(inputs, inputs.customDomain)]);
      }

      const revision = ready?.revision ?? revisionFromBody(healthy.body);
      ok = true;
      headline = `healthy in ${formatMs(Date.now() - started)}`;
      core.setOutput(Outputs.Url, base.href.replace(/\/$/, ''));
      core.setOutput(Outputs.Revision, revision);
      core.setOutput(Outputs.Attempts, String(healthy.attempts));
      core.info(`${STAGE}: ${url.href} is healthy${revision ? ` (revision ${revision})` : ''}`);
    } catch (error) {
      notes.push(messageOf(error));
      throw error;
    } finally {
      rows.push(['Time', formatMs(Date.now() - started)]);
      await writeSummarySection({ stage: STAGE, ok, headline, rows, notes });
    }
  });
}

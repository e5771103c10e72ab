// What the job summary shows of a plan, of the secret preflight and of an apply: counts, tables.
// Pure, and never a planned value: an environment table names each variable's source, not what
// it holds. An apply's errors are Terraform's own diagnostics, secrets removed, as plain text.
import type { Table } from '../lib/summary.js';
import type { ApplyLog, ApplyStatus } from './apply-log.js';
import type { PreflightResult } from './preflight.js';
import { REPLACE_BECAUSE_TAINTED, type PlanSummary } from './terraform-plan.js';

/** `1 to add, 0 to change, …`, as Terraform counts. */
export function changeLine(plan: PlanSummary): string {
  const { add, change, replace, destroy } = plan.counts;
  return `${add} to add, ${change} to change, ${replace} to replace, ${destroy} to destroy`;
}

/** One table a planned Cloud Run service: each variable and where its value comes from. */
export function environmentTables(plan: PlanSummary): Table[] {
  return plan.services.map((service) => ({
    title: `Environment of ${service.address} (${service.kind})`,
    header: ['Variable', 'Source'],
    rows: service.envUnknown
      ? [['(known after apply)', '']]
      : service.env.map((entry) => [
          entry.name,
          entry.source === 'secret'
            ? `secret ${entry.secret ?? '(known after apply)'}:${entry.version ?? 'latest'}`
            : entry.source,
        ]),
  }));
}

/** The resources the plan changes (reads and no-ops left out); undefined when none. */
export function resourceChangesTable(plan: PlanSummary): Table | undefined {
  const changed = plan.changes.filter((change) => change.kind !== 'no-op' && change.kind !== 'read');
  if (changed.length === 0) return undefined;
  return {
    title: 'Resource changes',
    header: ['Address', 'Action'],
    rows: changed.map((c) => [
      c.address,
      c.reason === REPLACE_BECAUSE_TAINTED ? `${c.kind} (tainted)` : c.kind,
    ]),
  };
}

/**
 * Text from Terraform (a diagnostic) as plain text in a Markdown cell: no HTML, no emphasis,
 * links or code spans (the summary's `cell` then removes secrets, pipes and line breaks).
 */
export function plainMarkdown(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~#!])/g, '\\$1');
}

const STATUS_TEXT: Record<ApplyStatus, string> = {
  pending: 'not started',
  started: '❌ started, not finished',
  half: '❌ half done (one half of the replacement)',
  complete: '✅ done',
  errored: '❌ failed',
};

/**
 * What an apply did, from its JSON UI: each planned resource and its result, and the errors
 * Terraform reported (summary, resource, detail). Empty when the apply reported nothing.
 */
export function applyTables(log: ApplyLog): Table[] {
  const tables: Table[] = [];
  const applied = log.applied.filter(
    (resource) => resource.action !== 'read' || resource.status !== 'pending',
  );
  if (applied.length > 0) {
    tables.push({
      title: 'Apply',
      header: ['Address', 'Action', 'Result'],
      rows: applied.map((resource) => [
        resource.address,
        resource.reason === undefined ? resource.action : `${resource.action} (${resource.reason})`,
        `${STATUS_TEXT[resource.status]}${resource.elapsedSeconds === undefined || resource.status === 'pending' ? '' : ` after ${resource.elapsedSeconds}s`}`,
      ]),
    });
  }
  const diagnostics = log.diagnostics;
  if (diagnostics.length > 0) {
    const more = log.droppedDiagnostics;
    tables.push({
      title: `Apply errors and warnings${more > 0 ? ` (${more} more in the log)` : ''}`,
      header: ['Severity', 'Resource', 'Summary', 'Detail'],
      rows: diagnostics.map((d) => [
        d.severity,
        d.address ?? '',
        plainMarkdown(d.summary),
        plainMarkdown(d.detail),
      ]),
    });
  }
  return tables;
}

export function preflightTable(results: readonly PreflightResult[]): Table {
  return {
    title: 'Secret preflight',
    header: ['Secret', 'Version', 'Result'],
    rows: results.map((r) => [
      r.secret,
      r.version,
      r.ok ? `✅ enabled (${r.resolved ?? '?'})` : `❌ ${r.problem ?? ''}`,
    ]),
  };
}

// What the job summary shows of a plan and of the secret preflight: counts, tables. Pure, and
// never a value: an environment table names each variable's source, not what it holds.
import type { Table } from '../lib/summary.js';
import type { PreflightResult } from './preflight.js';
import type { PlanSummary } from './terraform-plan.js';

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
    rows: changed.map((c) => [c.address, c.kind]),
  };
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

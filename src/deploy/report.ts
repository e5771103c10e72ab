// The deploy report (input `report-file`): what a run planned, found and checked, as JSON that a
// later step reads (actions/report writes it into a pull-request comment or a drift issue). One
// file per stack and environment, written on every outcome once the inputs are read, atomically
// and readable by this user only. Every text is redacted of the registered secrets first.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { redact } from '../lib/secrets.js';
import type { Finding } from './findings.js';
import type { PreflightResult } from './preflight.js';
import type { PlanSummary } from './terraform-plan.js';

export const REPORT_VERSION = 1;

export type ReportOutcome = 'changes' | 'no-changes' | 'skipped' | 'failed';

/** The report JSON, version 1 (docs: actions/deploy/README.md). */
export interface DeployReport {
  version: typeof REPORT_VERSION;
  environment: string;
  stack: string;
  tool: string;
  outcome: ReportOutcome;
  counts: { add: number; change: number; destroy: number; replace: number };
  changes: { address: string; actions: string[] }[];
  findings: { level: 'error' | 'warning' | 'notice'; message: string }[];
  preflight: { secret: string; version: string; ok: boolean; detail: string }[];
  planText: string;
  /** Lines of the plan text left out (0: it is whole). */
  planTextCut: number;
  error?: string;
  note?: string;
  runUrl?: string;
}

/** What the run learnt so far; main.ts fills it in step by step, the report is built from it. */
export interface ReportState {
  planned?: PlanSummary;
  hasChanges?: boolean;
  findings: Finding[];
  preflight: PreflightResult[];
  planText?: { text: string; cut: number };
  skipped?: boolean;
  note?: string;
}

export const emptyReportState = (): ReportState => ({ findings: [], preflight: [] });

/** The run's page, from the runner's variables; undefined when one is missing or not plain. */
export function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const server = env['GITHUB_SERVER_URL']?.trim() || 'https://github.com';
  const repository = env['GITHUB_REPOSITORY']?.trim() ?? '';
  const runId = env['GITHUB_RUN_ID']?.trim() ?? '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^\d+$/.test(runId)) return undefined;
  if (!/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/.test(server)) return undefined;
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
}

export interface ReportContext {
  environment: string;
  /** The stack as the input gave it (a workspace path). */
  stack: string;
  tool: string;
  runUrl: string | undefined;
}

/**
 * The report of a run from what it learnt: `failed` when `error` is given, else `skipped`
 * (nothing planned on purpose), else `changes` or `no-changes`.
 */
export function buildReport(context: ReportContext, state: ReportState, error?: string): DeployReport {
  const planned = state.planned;
  const outcome: ReportOutcome =
    error !== undefined
      ? 'failed'
      : state.skipped === true
        ? 'skipped'
        : state.hasChanges === true
          ? 'changes'
          : 'no-changes';
  const counts = planned?.counts ?? { add: 0, change: 0, replace: 0, destroy: 0 };
  const report: DeployReport = {
    version: REPORT_VERSION,
    environment: redact(context.environment),
    stack: redact(context.stack),
    tool: context.tool,
    outcome,
    counts: { add: counts.add, change: counts.change, destroy: counts.destroy, replace: counts.replace },
    changes: (planned?.changes ?? [])
      .filter((change) => change.kind !== 'no-op')
      .map((change) => ({
        address: redact(change.address),
        actions: [...change.actions],
      })),
    findings: state.findings.map((finding) => ({
      level: finding.level === 'info' ? 'notice' : finding.level,
      message: redact(finding.message),
    })),
    preflight: state.preflight.map((result) => ({
      secret: redact(result.secret),
      version: redact(result.version),
      ok: result.ok,
      detail: redact(
        result.ok ? `enabled (${result.resolved ?? '?'})` : (result.problem ?? 'no enabled version'),
      ),
    })),
    planText: redact(state.planText?.text ?? ''),
    planTextCut: state.planText?.cut ?? 0,
  };
  if (error !== undefined) report.error = redact(error);
  if (state.note !== undefined) report.note = redact(state.note);
  if (context.runUrl !== undefined) report.runUrl = context.runUrl;
  return report;
}

/**
 * Writes the report atomically: a temporary file beside it (mode 0600), renamed over the path,
 * so that a reader never sees half a report. The folder is created when missing.
 */
export function writeReport(path: string, report: DeployReport): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`, {
      encoding: 'utf8',
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

// Deploy reports as actions/deploy writes them (`report-file`, version 1), for the report's tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReportJson {
  version: 1;
  environment: string;
  stack: string;
  tool: string;
  outcome: 'changes' | 'no-changes' | 'skipped' | 'failed';
  counts: { add: number; change: number; destroy: number; replace: number };
  changes: { address: string; actions: string[] }[];
  findings: { level: 'error' | 'warning' | 'notice'; message: string }[];
  preflight: { secret: string; version: string; ok: boolean; detail: string }[];
  planText: string;
  planTextCut: number;
  error?: string;
  note?: string;
  runUrl: string;
}

export const SERVICE_STACK = 'examples/fastapi-service/infra/service';
export const PLATFORM_STACK = 'examples/fastapi-service/infra/platform';
export const RUN_URL = 'https://github.com/example-org/fastapi-service/actions/runs/1234567890';

/** A service stack's plan: one update of the Cloud Run service, the preflight passed. */
export function changesReport(overrides: Partial<ReportJson> = {}): ReportJson {
  return {
    version: 1,
    environment: 'dev',
    stack: SERVICE_STACK,
    tool: 'terraform',
    outcome: 'changes',
    counts: { add: 0, change: 1, destroy: 0, replace: 0 },
    changes: [{ address: 'google_cloud_run_v2_service.api', actions: ['update'] }],
    findings: [{ level: 'warning', message: 'NEW_FLAG is not in the contract' }],
    preflight: [{ secret: 'database-url-dev', version: 'latest', ok: true, detail: 'enabled (3)' }],
    planText: [
      'Terraform will perform the following actions:',
      '',
      '  # google_cloud_run_v2_service.api will be updated in-place',
      '  ~ resource "google_cloud_run_v2_service" "api" {',
      '        name = "api"',
      '    }',
      '',
      'Plan: 0 to add, 1 to change, 0 to destroy.',
    ].join('\n'),
    planTextCut: 0,
    runUrl: RUN_URL,
    ...overrides,
  };
}

export function cleanReport(overrides: Partial<ReportJson> = {}): ReportJson {
  return changesReport({
    outcome: 'no-changes',
    counts: { add: 0, change: 0, destroy: 0, replace: 0 },
    changes: [],
    findings: [],
    planText: 'No changes. Your infrastructure matches the configuration.',
    ...overrides,
  });
}

/** A plan of `n` resources to add, with a plan text of 32 lines each. */
export function bigReport(n: number, overrides: Partial<ReportJson> = {}): ReportJson {
  const changes = Array.from({ length: n }, (_, i) => ({
    address: `google_secret_manager_secret_iam_member.reader["secret-${String(i).padStart(3, '0')}"]`,
    actions: ['create'],
  }));
  const planText = changes
    .flatMap((change) => [
      `  # ${change.address} will be created`,
      `  + resource "google_secret_manager_secret_iam_member" "reader" {`,
      ...Array.from(
        { length: 28 },
        (_, j) => `      + attribute_${j} = "value of attribute ${j} of ${change.address}"`,
      ),
      '    }',
      '',
    ])
    .join('\n');
  return changesReport({
    counts: { add: n, change: 0, destroy: 0, replace: 0 },
    changes,
    planText: `Terraform will perform the following actions:\n\n${planText}\nPlan: ${n} to add, 0 to change, 0 to destroy.`,
    ...overrides,
  });
}

/** Writes the reports under `dir` as `<environment>-<n>.json`; returns their paths. */
export function writeReports(dir: string, reports: readonly ReportJson[]): string[] {
  return reports.map((report, index) => {
    const file = join(dir, 'reports', `${report.environment}-${index}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2));
    return file;
  });
}

// The deploy reports (actions/deploy `report-file`, version 1), read and checked. Their texts
// are hostile: a pull request writes the stacks, the plan and the errors they produce. Only the
// structure is checked here; every text is escaped where it is shown (markdown.ts).
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { shown } from '../lib/names.js';
import { Inputs } from './constants.js';

export const OUTCOMES = ['changes', 'no-changes', 'skipped', 'failed'] as const;
export type ReportOutcome = (typeof OUTCOMES)[number];
export const LEVELS = ['error', 'warning', 'notice'] as const;
export type FindingLevel = (typeof LEVELS)[number];

export interface Counts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
}

export interface DeployReport {
  /** Where it was read, relative to the workspace when inside it. */
  readonly file: string;
  readonly environment: string;
  readonly stack: string;
  readonly tool: string;
  readonly outcome: ReportOutcome;
  readonly counts: Counts;
  readonly changes: readonly { readonly address: string; readonly actions: readonly string[] }[];
  readonly findings: readonly { readonly level: FindingLevel; readonly message: string }[];
  readonly preflight: readonly {
    readonly secret: string;
    readonly version: string;
    readonly ok: boolean;
    readonly detail: string;
  }[];
  readonly planText: string;
  /** Lines deploy already left out of planText. */
  readonly planTextCut: number;
  readonly error: string;
  readonly note: string;
}

/** More report files than this is a pattern that matched the wrong folder. */
export const MAX_REPORTS = 40;
/** deploy keeps at most 1 MiB of plan text; a file much larger is no report of it. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;
const MAX_ITEMS = 100_000;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,62}$/;
const TOOL = /^[a-z][a-z0-9-]{0,19}$/;
// eslint-disable-next-line no-control-regex -- a control character in a one-line field is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A report file that is not a version-1 deploy report: names the file and the field. */
function broken(file: string, why: string): ConfigurationError {
  return new ConfigurationError(
    `input "${Inputs.Reports}": ${shown(file, 200)} is not a deploy report (version 1): ${why}; pass the files actions/deploy wrote with its "report-file" input`,
  );
}

/** Checks one parsed report; `file` only names it in errors. */
export function checkReport(file: string, data: unknown): DeployReport {
  const fail = (why: string): never => {
    throw broken(file, why);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('it is not a JSON object');
  }
  const body = data as Record<string, unknown>;
  if (body['version'] !== 1) {
    return fail(`its version is ${shown(String(body['version']), 20)}, this action reads version 1`);
  }
  const text = (field: string, fallback?: string): string => {
    const value = body[field];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string') return fail(`"${field}" is not a string`);
    return value;
  };
  const line = (field: string, pattern: RegExp | undefined, max: number): string => {
    const value = text(field);
    if (value === '' || value.length > max || CONTROL.test(value) || (pattern && !pattern.test(value))) {
      return fail(`"${field}" is ${shown(value, 60)}`);
    }
    return value;
  };
  const count = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1e9) {
      return fail(`"${field}" is not a whole number`);
    }
    return value;
  };
  const list = (field: string): unknown[] => {
    const value = body[field];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length > MAX_ITEMS) return fail(`"${field}" is not a list`);
    return value;
  };
  const entry = (value: unknown, field: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null) {
      return fail(`"${field}" holds an entry that is not an object`);
    }
    return value as Record<string, unknown>;
  };
  const outcome = text('outcome');
  if (!(OUTCOMES as readonly string[]).includes(outcome)) {
    return fail(`"outcome" is ${shown(outcome, 30)}, not one of ${OUTCOMES.join(', ')}`);
  }
  const rawCounts = entry(body['counts'] ?? {}, 'counts');
  const counts = {
    add: count(rawCounts['add'] ?? 0, 'counts.add'),
    change: count(rawCounts['change'] ?? 0, 'counts.change'),
    destroy: count(rawCounts['destroy'] ?? 0, 'counts.destroy'),
    replace: count(rawCounts['replace'] ?? 0, 'counts.replace'),
  };
  const changes = list('changes').map((value) => {
    const change = entry(value, 'changes');
    const actions = change['actions'];
    if (typeof change['address'] !== 'string' || !Array.isArray(actions)) {
      return fail('"changes" holds an entry without an address and its actions');
    }
    return {
      address: change['address'],
      actions: actions.map((action) =>
        typeof action === 'string' ? action : fail('an action is not a string'),
      ),
    };
  });
  const findings = list('findings').map((value) => {
    const finding = entry(value, 'findings');
    const level = finding['level'];
    if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
      return fail(`a finding's level is not one of ${LEVELS.join(', ')}`);
    }
    if (typeof finding['message'] !== 'string') return fail("a finding's message is not a string");
    return { level: level as FindingLevel, message: finding['message'] };
  });
  const preflight = list('preflight').map((value) => {
    const result = entry(value, 'preflight');
    const { secret, version, ok, detail } = result;
    if (typeof secret !== 'string' || typeof ok !== 'boolean') {
      return fail('"preflight" holds an entry without a secret and ok');
    }
    return {
      secret,
      version: typeof version === 'string' ? version : '',
      ok,
      detail: typeof detail === 'string' ? detail : '',
    };
  });
  return {
    file,
    environment: line('environment', ENVIRONMENT, 63),
    stack: line('stack', undefined, 500),
    tool: body['tool'] === undefined ? 'terraform' : line('tool', TOOL, 20),
    outcome: outcome as ReportOutcome,
    counts,
    changes,
    findings,
    preflight,
    planText: text('planText', ''),
    planTextCut: body['planTextCut'] === undefined ? 0 : count(body['planTextCut'], 'planTextCut'),
    error: text('error', ''),
    note: text('note', ''),
  };
}

const GLOB = /[*?[\]{}]/;

/**
 * The files the `reports` lines name (paths or globs, relative to the workspace), read and
 * checked, sorted by environment and stack. A line that matches nothing is a warning (a matrix
 * leg that wrote no report); none at all is an error.
 */
export async function loadReports(
  lines: readonly string[],
  workspace: string,
  warn: (text: string) => void,
): Promise<DeployReport[]> {
  const files: string[] = [];
  for (const line of lines) {
    let matched: string[];
    if (GLOB.test(line)) {
      const tinyglobby = await import('tinyglobby');
      matched = (await tinyglobby.glob([line], { cwd: workspace, absolute: true, dot: true })).sort();
    } else {
      const file = isAbsolute(line) ? line : resolve(workspace, line);
      matched = (await stat(file).catch(() => undefined))?.isFile() === true ? [file] : [];
    }
    if (matched.length === 0) warn(`input "${Inputs.Reports}": ${shown(line, 200)} matches no file`);
    for (const file of matched) if (!files.includes(file)) files.push(file);
  }
  if (files.length === 0) {
    throw new ConfigurationError(
      `input "${Inputs.Reports}" names no report file that exists: give the paths or globs of the files actions/deploy wrote with "report-file" (e.g. reports/**/*.json after actions/download-artifact)`,
    );
  }
  if (files.length > MAX_REPORTS) {
    throw new ConfigurationError(
      `input "${Inputs.Reports}" matches ${files.length} files, at most ${MAX_REPORTS}: narrow the globs to the deploy reports`,
    );
  }
  const reports: DeployReport[] = [];
  for (const file of files) {
    const name = relative(workspace, file).startsWith('..') ? file : relative(workspace, file);
    const size = (await stat(file)).size;
    if (size > MAX_REPORT_BYTES) throw broken(name, `it has ${size} bytes, more than a report holds`);
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw broken(name, `it is not JSON (${messageOf(error).slice(0, 120)})`);
    }
    reports.push(checkReport(name, data));
  }
  return reports.sort((a, b) => a.environment.localeCompare(b.environment) || a.stack.localeCompare(b.stack));
}

/** Drift: a report that would change something, or that could not plan. */
export const drifted = (report: DeployReport): boolean =>
  report.outcome === 'changes' || report.outcome === 'failed';

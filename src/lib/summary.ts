import * as core from '@actions/core';
import { redact } from './secrets.js';

export type Row = readonly [string, string];

/** Markdown-safe cell text: no pipes or newlines, secrets removed. */
export function cell(text: string): string {
  return redact(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks in the value. */
export function code(text: string): string {
  const safe = redact(text);
  return safe === '' ? '' : `\`${safe.replace(/`/g, "'")}\``;
}

/**
 * The stage's one job-summary section: a heading with the result, a two-column table and
 * optional notes. Written once, at the end, whatever the outcome.
 */
export interface Table {
  title: string;
  header: readonly string[];
  rows: readonly (readonly string[])[];
}

function renderTable(table: Table): string[] {
  if (table.rows.length === 0) return [];
  return [
    `**${cell(table.title)}**`,
    '',
    `| ${table.header.map(cell).join(' | ')} |`,
    `| ${table.header.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ];
}

export async function writeSummarySection(section: {
  stage: string;
  ok: boolean;
  headline: string;
  rows: readonly Row[];
  tables?: readonly Table[];
  notes?: readonly string[];
}): Promise<void> {
  if (process.env['GITHUB_STEP_SUMMARY'] === undefined || process.env['GITHUB_STEP_SUMMARY'] === '') return;
  const lines = [
    `### ${section.ok ? '✅' : '❌'} ${section.stage}: ${cell(section.headline)}`,
    '',
    '| | |',
    '| --- | --- |',
    ...section.rows.map(([key, value]) => `| ${cell(key)} | ${cell(value)} |`),
    '',
    ...(section.tables ?? []).flatMap(renderTable),
    ...(section.notes ?? []).map((note) => `> ${cell(note)}`),
    '',
  ];
  await core.summary.addRaw(lines.join('\n')).write();
}

import { appendFile } from 'node:fs/promises';
import { redact } from './secrets.js';

export type Row = readonly [string, string];

/**
 * Markdown-safe cell text: secrets removed, no pipes or newlines, and no HTML: `<` and `>` as
 * entities, so a tool's or a service's text cannot put a tag (an `<img>` that calls home, a
 * `<details>` that hides the rest) into the job summary. It reads the same.
 */
export function cell(text: string): string {
  return redact(text)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
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
  /**
   * A Mermaid diagram shown above the table (GitHub renders it in a job summary), built by the
   * stage from checked values only; a fence or a tag in it (any `<`, a `>` but Mermaid's `-->`) is never written.
   */
  mermaid?: string;
}

/** A Mermaid fence, or nothing when the text could end the fence or carry a tag. */
function renderMermaid(text: string | undefined): string[] {
  // `-->` is Mermaid's own arrow; any other `<` or `>` could open a tag.
  if (text === undefined || text === '' || /`|<|(?<!--)>/.test(text)) return [];
  return ['```mermaid', redact(text), '```', ''];
}

/** Rows shown per table: a job summary is capped at 1 MiB per step, and nobody reads row 2,000. */
export const MAX_TABLE_ROWS = 50;

function renderTable(table: Table): string[] {
  if (table.rows.length === 0) return [];
  const shown = table.rows.slice(0, MAX_TABLE_ROWS);
  const hidden = table.rows.length - shown.length;
  return [
    `**${cell(table.title)}**`,
    '',
    ...renderMermaid(table.mermaid),
    `| ${table.header.map(cell).join(' | ')} |`,
    `| ${table.header.map(() => '---').join(' | ')} |`,
    ...shown.map((row) => `| ${row.map(cell).join(' | ')} |`),
    ...(hidden > 0
      ? [
          `| … and ${hidden} more | ${table.header
            .slice(1)
            .map(() => '')
            .join(' | ')} |`,
        ]
      : []),
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
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file === undefined || file === '') return;
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
  // Appended directly: core.summary caches the file path of its first use.
  await appendFile(file, lines.join('\n'), 'utf8');
}

// The Markdown of a pull-request comment, a drift issue and the job summary, built from the
// deploy reports, whose every text is hostile (a pull request writes the stacks and the plan):
// no HTML gets through (`<`, `>` and `&` as entities outside code), no mention notifies anyone,
// no text closes a code fence or a <details> (a fence longer than any run of backticks in it),
// and registered secrets are removed. The body always fits its limit: long parts are cut at a
// line boundary, each with a note of how many lines were left out, and the fixed parts (the
// marker first) are never cut.
import { redact } from '../lib/secrets.js';
import type { DeployReport, FindingLevel } from './reports.js';

/** Cuttable lines between a fixed head and tail; with none kept, only `collapsed` is shown. */
export interface Block {
  readonly head: string;
  readonly lines: readonly string[];
  /** After the lines when all are kept. */
  readonly tail: string;
  /** After the lines when some were left out: says "… N more lines in the run's summary". */
  readonly cutTail: (hidden: number) => string;
  /** Shown instead of head, lines and tail when no line fits. */
  readonly collapsed: (hidden: number) => string;
}

export type Piece = string | Block;

export interface Fitting {
  /** Most characters (or bytes: `measure`) the text may have. */
  readonly limit: number;
  /** The size of a text: `s.length` for GitHub's character limit, UTF-8 bytes for a summary. */
  readonly measure: (text: string) => number;
}

/** The size of a block keeping its first `keep` lines. */
function blockSize(
  block: Block,
  prefix: readonly number[],
  keep: number,
  measure: (t: string) => number,
): number {
  const hidden = block.lines.length - keep;
  if (keep === 0 && hidden > 0) return measure(block.collapsed(hidden));
  return measure(block.head) + (prefix[keep] ?? 0) + measure(hidden > 0 ? block.cutTail(hidden) : block.tail);
}

function renderBlock(block: Block, keep: number): string {
  const hidden = block.lines.length - keep;
  if (keep === 0 && hidden > 0) return block.collapsed(hidden);
  const kept = block.lines.slice(0, keep).map((line) => `${line}\n`);
  return `${block.head}${kept.join('')}${hidden > 0 ? block.cutTail(hidden) : block.tail}`;
}

/** Thrown when even the fixed parts do not fit: a bug of the bounds, never a silent cut. */
export class TooLongError extends Error {
  override name = 'TooLongError';
}

/**
 * Joins the pieces within `fitting.limit`: when the whole text is longer, every block keeps the
 * lines that fit a common cap (a long plan gives way before a short list of findings does), the
 * largest cap with which the whole fits.
 */
export function fit(pieces: readonly Piece[], fitting: Fitting): string {
  const { limit, measure } = fitting;
  const fixed = pieces.reduce((sum, piece) => sum + (typeof piece === 'string' ? measure(piece) : 0), 0);
  const blocks = pieces.filter((piece): piece is Block => typeof piece !== 'string');
  const prefixes = blocks.map((block) => {
    const sums = [0];
    for (const line of block.lines) sums.push((sums.at(-1) ?? 0) + measure(line) + 1);
    return sums;
  });
  const keepWithin = (index: number, cap: number): number => {
    const block = blocks[index] as Block;
    const prefix = prefixes[index] as number[];
    // The most lines whose block fits the cap (sizes grow with the lines kept, but for the note).
    let low = 0;
    let high = block.lines.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (blockSize(block, prefix, mid, measure) <= cap) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const total = (keeps: readonly number[]): number =>
    fixed +
    keeps.reduce(
      (sum, keep, index) =>
        sum + blockSize(blocks[index] as Block, prefixes[index] as number[], keep, measure),
      0,
    );
  let keeps = blocks.map((block) => block.lines.length);
  if (total(keeps) > limit) {
    let low = 0;
    let high = limit;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const tried = blocks.map((_, index) => keepWithin(index, mid));
      if (total(tried) <= limit) low = mid;
      else high = mid - 1;
    }
    keeps = blocks.map((_, index) => keepWithin(index, low));
  }
  let at = 0;
  const text = pieces
    .map((piece) => (typeof piece === 'string' ? piece : renderBlock(piece, keeps[at++] ?? 0)))
    .join('');
  if (measure(text) > limit) {
    throw new TooLongError(`the text holds ${measure(text)} characters even cut, more than ${limit}`);
  }
  return text;
}

// eslint-disable-next-line no-control-regex -- removing terminal escapes is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex -- control characters (but tab) are not shown
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Markdown's punctuation that could start emphasis, a link, an image, code or a table cell. */
const MARKDOWN = /[\\`*_{}[\]()#!|~]/g;

/** A line of a report's text, longer ones cut: nobody reads a 100 KB line in a comment. */
const MAX_LINE = 4_000;
const cutLine = (line: string, max = MAX_LINE): string =>
  line.length > max ? `${line.slice(0, max)}…` : line;

/**
 * Hostile text for Markdown outside code: one line, secrets removed, no HTML (entities), no
 * Markdown syntax (backslash escapes), no mention or team ping (`@` followed by a zero-width
 * space).
 */
export function inline(text: string, max = MAX_LINE): string {
  const flat = cutLine(redact(text).replace(ANSI, '').replace(/\s+/g, ' ').replace(CONTROL, '').trim(), max);
  return flat
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN, (char) => `\\${char}`)
    .replace(/@/g, '@\u200b');
}

/** Hostile text as inline code, safe in a table cell too: no backtick, no pipe, one line. */
export function span(text: string, max = 500): string {
  const flat = cutLine(redact(text).replace(ANSI, '').replace(/\s+/g, ' ').replace(CONTROL, '').trim(), max);
  if (flat === '') return '';
  return `\`${flat.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** Text for a code block: secrets removed, no terminal escapes or control characters, lines. */
export function codeLines(text: string): string[] {
  const clean = redact(text).replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '');
  const lines = clean.replace(/\n+$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [] : lines.map((line) => cutLine(line));
}

/** Runs of backticks longer than this are shortened, so that the fence stays short. */
const MAX_RUN = 20;

/** A fence no line of the text can close: longer than its longest run of backticks. */
export function fenced(lines: readonly string[]): { lines: string[]; fence: string } {
  const shortened = lines.map((line) => line.replace(/`{21,}/g, '`'.repeat(MAX_RUN)));
  const longest = Math.max(
    0,
    ...shortened.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))),
  );
  return { lines: shortened, fence: '`'.repeat(Math.max(3, longest + 1)) };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface Wording {
  /** After a cut block: where the rest is. */
  readonly more: (hidden: number) => string;
}

/** For the comment and the issue: the rest is in the job summary. */
export const IN_SUMMARY: Wording = {
  more: (hidden) => `… ${plural(hidden, 'more line')} in the run's summary`,
};

/** For the job summary itself, cut only past GitHub's 1 MiB per step. */
export const IN_SUMMARY_LIMIT: Wording = {
  more: (hidden) => `… ${plural(hidden, 'more line')} left out: a job summary holds at most 1 MiB`,
};

/** A code block in <details>, cut at a line boundary; the note of a cut goes after the fence. */
function detailsBlock(summary: string, text: string, wording: Wording): Block | undefined {
  const { lines, fence } = fenced(codeLines(text));
  if (lines.length === 0) return undefined;
  return {
    head: `<details><summary>${summary}</summary>\n\n${fence}text\n`,
    lines,
    tail: `${fence}\n\n</details>\n\n`,
    cutTail: (hidden) => `${fence}\n\n${wording.more(hidden)}\n\n</details>\n\n`,
    collapsed: (hidden) => `${summary}: ${wording.more(hidden)}\n\n`,
  };
}

/** A block of Markdown lines (a list or a table's rows) under a fixed head. */
function linesBlock(head: string, lines: string[], wording: Wording, what: string): Block | undefined {
  if (lines.length === 0) return undefined;
  return {
    head,
    lines,
    tail: '',
    cutTail: (hidden) => `\n${wording.more(hidden)}\n`,
    collapsed: (hidden) => `${what}: ${wording.more(hidden)}\n\n`,
  };
}

const LEVEL_ICONS: Record<FindingLevel, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const OUTCOME_ICONS: Record<DeployReport['outcome'], string> = {
  changes: '📝',
  'no-changes': '✅',
  skipped: '⏭️',
  failed: '❌',
};

export function countsText(report: Pick<DeployReport, 'counts'>): string {
  const { add, change, destroy, replace } = report.counts;
  return `**${add}** to add, **${change}** to change, **${destroy}** to destroy, **${replace}** to replace`;
}

/** What a report shows: its heading and counts (fixed), then its cuttable parts. */
export function reportPieces(report: DeployReport, wording: Wording): Piece[] {
  const pieces: Piece[] = [];
  const push = (piece: Piece | undefined): void => {
    if (piece !== undefined) pieces.push(piece);
  };
  pieces.push(
    `#### ${OUTCOME_ICONS[report.outcome]} ${inline(report.environment, 63)} · ${span(report.stack)} (${inline(report.tool, 20)})\n\n`,
  );
  switch (report.outcome) {
    case 'changes':
      pieces.push(`${countsText(report)}.\n\n`);
      break;
    case 'no-changes':
      pieces.push('No changes: the infrastructure matches the configuration.\n\n');
      break;
    case 'skipped':
      pieces.push('Not planned.\n\n');
      break;
    case 'failed':
      pieces.push('**The plan failed.**\n\n');
      break;
  }
  if (report.note !== '') pieces.push(`> ${inline(report.note, 500)}\n\n`);
  if (report.outcome === 'failed' && report.error.trim() !== '') {
    const { lines, fence } = fenced(codeLines(report.error));
    push({
      head: `${fence}text\n`,
      lines,
      tail: `${fence}\n\n`,
      cutTail: (hidden) => `${fence}\n\n${wording.more(hidden)}\n\n`,
      collapsed: (hidden) => `The error: ${wording.more(hidden)}\n\n`,
    });
  }
  push(
    linesBlock(
      '| Resource | Actions |\n| --- | --- |\n',
      report.changes.map(
        (change) =>
          `| ${span(change.address)} | ${inline(change.actions.join(', '), 100).replace(/\|/g, '\\|')} |`,
      ),
      wording,
      'Resource changes',
    ),
  );
  if (report.changes.length > 0) pieces.push('\n');
  push(
    linesBlock(
      '',
      report.findings.map(
        (finding) => `- ${LEVEL_ICONS[finding.level]} **${finding.level}**: ${inline(finding.message)}`,
      ),
      wording,
      'Findings',
    ),
  );
  if (report.findings.length > 0) pieces.push('\n');
  push(
    linesBlock(
      '| Secret | Version | Preflight |\n| --- | --- | --- |\n',
      report.preflight.map(
        (result) =>
          `| ${span(result.secret, 255)} | ${span(result.version, 40)} | ${result.ok ? '✅' : '❌'} ${inline(result.detail, 500)} |`,
      ),
      wording,
      'Secret preflight',
    ),
  );
  if (report.preflight.length > 0) pieces.push('\n');
  const planLines = codeLines(report.planText).length;
  const plan = detailsBlock(
    `Plan text (${plural(planLines + report.planTextCut, 'line')})`,
    report.planText,
    wording,
  );
  push(plan);
  if (report.planTextCut > 0) {
    pieces.push(
      `The plan text was ${plural(report.planTextCut, 'line')} longer: actions/deploy kept 1 MiB of it.\n\n`,
    );
  }
  return pieces;
}

/** The hidden marker that finds the comment or issue again; its key holds only [a-z0-9:-]. */
export const markerOf = (mode: string, key: string): string =>
  `<!-- cloud-run-deploy-actions:${mode}:${key} -->`;

export interface Document {
  /** The marker, first line of a comment or issue; none in the job summary. */
  readonly marker?: string | undefined;
  readonly title: string;
  readonly runUrl: string;
  readonly reports: readonly DeployReport[];
  /** Drift: the environment the issue is about. */
  readonly environment?: string;
  /** Pull request not planned: why (`not-planned`). */
  readonly notPlanned?: string;
}

/** One line over all reports: "2 stacks in dev: 1 with changes, 1 without". */
export function overview(reports: readonly DeployReport[]): string {
  const environments = [...new Set(reports.map((report) => report.environment))];
  const by = (outcome: DeployReport['outcome']): number =>
    reports.filter((report) => report.outcome === outcome).length;
  const parts = [
    by('changes') > 0 ? `${by('changes')} with changes` : '',
    by('no-changes') > 0 ? `${by('no-changes')} without` : '',
    by('failed') > 0 ? `${by('failed')} failed` : '',
    by('skipped') > 0 ? `${by('skipped')} not planned` : '',
  ].filter((part) => part !== '');
  return `${plural(reports.length, 'stack')} in ${environments.join(', ')}: ${parts.join(', ')}`;
}

/** The pieces of a comment, an issue or the job summary, the fixed head (the marker) first. */
export function documentPieces(document: Document, wording: Wording): Piece[] {
  const pieces: Piece[] = [];
  if (document.marker !== undefined) pieces.push(`${document.marker}\n`);
  const run = `[run ${inline(runIdOf(document.runUrl))}](${document.runUrl})`;
  if (document.environment !== undefined) {
    pieces.push(`## ${inline(document.title, 100)}: drift in ${inline(document.environment, 63)}\n\n`);
  } else {
    pieces.push(`## ${inline(document.title, 100)}\n\n`);
  }
  if (document.notPlanned !== undefined) {
    pieces.push(`This pull request was not planned: ${inline(document.notPlanned, 1000)}\n\n`);
  } else {
    pieces.push(`${inline(overview(document.reports))}.\n\n`);
    let environment: string | undefined;
    for (const report of document.reports) {
      if (document.environment === undefined && report.environment !== environment) {
        environment = report.environment;
        pieces.push(`### ${inline(environment, 63)}\n\n`);
      }
      pieces.push(...reportPieces(report, wording));
    }
  }
  pieces.push(`---\n${document.environment === undefined ? 'Planned' : 'Checked'} by ${run}.\n`);
  return pieces;
}

/** The run's id for the link text: the last path segment of its URL. */
function runIdOf(url: string): string {
  return /\/runs\/(\d+)/.exec(url)?.[1] ?? 'of this workflow';
}

/** The body of the comment (or the issue): at most GitHub's 65,536 characters. */
export function commentBody(document: Document, limit: number): string {
  return fit(documentPieces(document, IN_SUMMARY), { limit, measure: (text) => text.length });
}

/** A job summary is capped at 1 MiB per step: the report keeps room for the stage's own section. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;

/** The whole text for the job summary (no marker), cut only past its limit. */
export function summaryText(document: Document, limitBytes = SUMMARY_LIMIT_BYTES): string {
  return fit(documentPieces({ ...document, marker: undefined }, IN_SUMMARY_LIMIT), {
    limit: limitBytes,
    measure: (text) => Buffer.byteLength(text, 'utf8'),
  });
}

/** The comment that closes a drift issue. */
export function noDriftComment(runUrl: string, environment: string): string {
  return `No drift in [run ${inline(runIdOf(runUrl))}](${runUrl}): every plan of ${inline(environment, 63)} is clean, so this issue is closed.\n`;
}

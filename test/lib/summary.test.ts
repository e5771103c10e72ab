import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/lib/secrets.js';
import { cell, code, writeSummarySection } from '../../src/lib/summary.js';

describe('cell and code', () => {
  it('escapes pipes and flattens newlines so that a value cannot break the table', () => {
    expect(cell('a|b\nc\r\nd')).toBe('a\\|b c d');
    expect(cell('<img src=https://evil.example/p.gif> a > b')).toBe(
      '&lt;img src=https://evil.example/p.gif&gt; a &gt; b',
    );
  });

  it('removes registered secrets', () => {
    registerSecret('summary-secret-93f1');
    expect(cell('token summary-secret-93f1 used')).toBe('token *** used');
    expect(code('summary-secret-93f1')).toBe('`***`');
  });

  it('quotes inline code and survives backticks', () => {
    expect(code('a`b')).toBe("`a'b`");
    expect(code('')).toBe('');
  });
});

describe('writeSummarySection', () => {
  let dir: string;
  let file: string;
  const saved = process.env['GITHUB_STEP_SUMMARY'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'summary-'));
    file = join(dir, 'summary.md');
    writeFileSync(file, '');
    process.env['GITHUB_STEP_SUMMARY'] = file;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
    else process.env['GITHUB_STEP_SUMMARY'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one section: heading with the result, a table, the notes', async () => {
    await writeSummarySection({
      stage: 'health-check',
      ok: false,
      headline: 'not healthy',
      rows: [
        ['URL', 'https://api.run.app/health'],
        ['Answer', '503 | starting'],
      ],
      notes: ['gave up after 5m'],
    });
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '### ❌ health-check: not healthy',
        '',
        '| | |',
        '| --- | --- |',
        '| URL | https://api.run.app/health |',
        '| Answer | 503 \\| starting |',
        '',
        '> gave up after 5m',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['xychart-beta\n    y-axis "%" 0 --> 100\n    bar [0, 100]', true],
    ['xychart-beta\n    title "<img src=https://evil.example/p.gif>"', false],
    ['xychart-beta\n    title "a > b"', false],
    ['xychart-beta\n```\n<script>', false],
  ])("shows a table's Mermaid chart %j above it: %s", async (mermaid, shown) => {
    await writeSummarySection({
      stage: 'promote',
      ok: true,
      headline: 'done',
      rows: [],
      tables: [{ title: 'Rollout', header: ['Step'], rows: [['found']], mermaid }],
    });
    const written = readFileSync(file, 'utf8');
    expect(written.includes('```mermaid\n')).toBe(shown);
    if (shown) expect(written).toContain(`**Rollout**\n\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n\n| Step |`);
    expect(written).not.toContain('<img');
    expect(written).toContain('| found |');
  });

  it('does nothing outside a runner (no GITHUB_STEP_SUMMARY)', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    await writeSummarySection({ stage: 'x', ok: true, headline: 'ok', rows: [] });
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});

describe('writeSummarySection tables', () => {
  const saved = process.env['GITHUB_STEP_SUMMARY'];
  afterEach(() => {
    if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
    else process.env['GITHUB_STEP_SUMMARY'] = saved;
  });

  it('renders a titled table and caps long ones with a count of the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, '');
    process.env['GITHUB_STEP_SUMMARY'] = file;
    const rows = Array.from({ length: 52 }, (_, i) => [`r${i}`, 'update']);
    await writeSummarySection({
      stage: 'deploy',
      ok: true,
      headline: 'applied',
      rows: [],
      tables: [{ title: 'Resource changes', header: ['Address', 'Action'], rows }],
    });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('**Resource changes**\n\n| Address | Action |\n| --- | --- |\n| r0 | update |');
    expect(text).toContain('| r49 | update |\n| … and 2 more |  |');
    expect(text).not.toContain('| r50 |');
    rmSync(dir, { recursive: true, force: true });
  });
});

// The body builder: what a comment shows of the reports, how it is cut to GitHub's limit (the
// marker intact, a note where lines were left out), and that hostile report text stays text.
import { describe, expect, it } from 'vitest';
import { MAX_BODY } from '../../src/report/constants.js';
import {
  commentBody,
  fenced,
  fit,
  inline,
  markerOf,
  span,
  summaryText,
  type Document,
} from '../../src/report/markdown.js';
import { checkReport, type DeployReport } from '../../src/report/reports.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { bigReport, changesReport, cleanReport, RUN_URL, type ReportJson } from './fixtures.js';

const MARKER = markerOf('pull-request', 'plan');
const parsed = (json: ReportJson, file = 'reports/dev.json'): DeployReport => checkReport(file, json);
const doc = (reports: ReportJson[], extra: Partial<Document> = {}): Document => ({
  marker: MARKER,
  title: 'Plan',
  runUrl: RUN_URL,
  reports: reports.map((report) => parsed(report)),
  ...extra,
});

/** The body with the contents of every fenced code block removed: what Markdown would parse. */
function outsideCode(body: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,})/.exec(line);
      if (open) fence = open[1];
      else out.push(line);
    } else if (line.startsWith(fence) && /^`+\s*$/.test(line) && line.trim().length >= fence.length) {
      fence = undefined;
    }
  }
  expect(fence, 'every code fence is closed').toBeUndefined();
  // Code spans too: a tag in one is shown as written.
  return out.join('\n').replace(/(?<!\\)`[^`\n]*`/g, '`…`');
}

describe('commentBody', () => {
  it('shows per environment and stack the counts, the changes, the findings, the preflight, the plan and the run', () => {
    const body = commentBody(
      doc([
        changesReport(),
        cleanReport({ stack: 'examples/fastapi-service/infra/platform' }),
        changesReport({
          environment: 'prod',
          findings: [{ level: 'error', message: 'DEV_BYPASS_SECRET is set in prod' }],
        }),
      ]),
      MAX_BODY,
    );
    expect(body.startsWith(`${MARKER}\n## Plan\n`)).toBe(true);
    expect(body).toContain('3 stacks in dev, prod: 2 with changes, 1 without');
    expect(body).toContain('### dev');
    expect(body).toContain('### prod');
    expect(body).toContain('**0** to add, **1** to change, **0** to destroy, **0** to replace');
    expect(body).toContain('| `google_cloud_run_v2_service.api` | update |');
    expect(body).toContain('⚠️ **warning**: NEW\\_FLAG is not in the contract');
    expect(body).toContain('❌ **error**: DEV\\_BYPASS\\_SECRET is set in prod');
    expect(body).toContain('| `database-url-dev` | `latest` | ✅ enabled \\(3\\) |');
    expect(body).toContain('<details><summary>Plan text (8 lines)</summary>');
    expect(body).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    expect(body).toContain('No changes: the infrastructure matches the configuration.');
    expect(body).toContain(`[run 1234567890](${RUN_URL})`);
    expect(body).not.toContain('more line');
    outsideCode(body);
  });

  it('cuts a plan of 200 resources to fit 65,536 characters at line boundaries, marker intact, the summary whole', () => {
    const report = bigReport(200);
    const document = doc([report]);
    const body = commentBody(document, MAX_BODY);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body.length).toBeGreaterThan(MAX_BODY - 2_000);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    const notes = [...body.matchAll(/… (\d+) more lines in the run's summary/g)].map((match) =>
      Number(match[1]),
    );
    expect(notes.length).toBeGreaterThan(0);
    // The plan text: every kept line is a whole line of the plan, and kept + left out = all.
    const planLines = report.planText.split('\n');
    const block =
      /<details><summary>Plan text \((\d+) lines\)<\/summary>\n\n(`{3,})text\n([\s\S]*?)\n\2\n\n… (\d+) more lines in the run's summary\n\n<\/details>/.exec(
        body,
      );
    expect(block, 'the plan text is cut with its note inside the details').not.toBeNull();
    const kept = block![3]!.split('\n');
    expect(Number(block![1])).toBe(planLines.length);
    expect(kept).toEqual(planLines.slice(0, kept.length));
    expect(kept.length + Number(block![4])).toBe(planLines.length);
    // The resource list is whole (200 short lines fit) or cut the same way.
    const rows = body.split('\n').filter((line) => line.startsWith('| `google_secret_manager'));
    expect(rows.length).toBeGreaterThan(0);
    outsideCode(body);

    const summary = summaryText(document);
    expect(summary).not.toContain(MARKER);
    expect(summary).not.toContain('more line');
    expect(summary).toContain(planLines.at(-1));
    expect(summary.split('\n').filter((line) => line.startsWith('| `google_secret_manager'))).toHaveLength(
      200,
    );
  });

  it('gives every report a share when several are long', () => {
    const body = commentBody(doc([bigReport(120), bigReport(120, { environment: 'prod' })]), MAX_BODY);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    const kept = [...body.matchAll(/<details><summary>Plan text/g)];
    expect(kept).toHaveLength(2);
    outsideCode(body);
  });

  it('cuts the job summary too, at 1 MiB, with its own note', () => {
    const summary = summaryText(doc([bigReport(200)]), 200_000);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(200_000);
    expect(summary).toMatch(/… \d+ more lines left out: a job summary holds at most 1 MiB/);
  });

  it('keeps hostile report text as text: no HTML, no fence or details broken, no mention, no secret', () => {
    registerSecret('hunter2-secret-value-xyz');
    const hostile = changesReport({
      stack: 'infra/<img src=x onerror=alert(1)>`|',
      changes: [{ address: 'a.b["</details><script>x</script>"] | x', actions: ['update', '<b>'] }],
      findings: [
        {
          level: 'error',
          message:
            '<!-- @octocat [click](javascript:alert(1)) ![img](https://evil/t.png) hunter2-secret-value-xyz',
        },
      ],
      preflight: [{ secret: 'x`y', version: '1', ok: false, detail: '</td><b>bold</b>' }],
      planText:
        'line one\n```\n</details>\n<script>alert(1)</script>\n````````````\n@octocat hunter2-secret-value-xyz\n\u001b[31mred\u001b[0m',
      note: '<h1>big</h1>\n## heading',
    });
    const failed = changesReport({ outcome: 'failed', error: '```\n</details><img src=x>\n```' });
    const body = commentBody(doc([hostile, failed]), MAX_BODY);
    expect(body).not.toContain('hunter2-secret-value-xyz');
    expect(body).not.toContain('\u001b');
    const markdown = outsideCode(body);
    // Outside code, the only tags are ours.
    const tags = markdown.match(/<\/?[a-z][^>]*>/gi) ?? [];
    expect(new Set(tags)).toEqual(new Set(['<details>', '<summary>', '</summary>', '</details>']));
    expect(markdown.match(/<details>/g)?.length).toBe(markdown.match(/<\/details>/g)?.length);
    expect(markdown).not.toContain('<!--  @');
    expect(markdown.split('\n').filter((line) => line.includes('<!--'))).toEqual([MARKER]);
    expect(markdown).not.toMatch(/(^|[^\\])!\[/);
    expect(markdown).not.toMatch(/@octocat/);
    expect(markdown).toContain('@\u200boctocat');
    // The plan's own fence line and </details> stay inside the block.
    expect(body).toContain('\n</details>\n<script>alert(1)</script>\n');
  });
});

describe('pieces', () => {
  it('inline escapes HTML and Markdown, flattens lines and breaks mentions', () => {
    expect(inline('a <b> & *c* [d](e) |f| `g`\n@h #1')).toBe(
      'a &lt;b&gt; &amp; \\*c\\* \\[d\\]\\(e\\) \\|f\\| \\`g\\` @\u200bh \\#1',
    );
  });
  it('span survives backticks and pipes', () => {
    expect(span('a`b|c')).toBe("`a'b\\|c`");
    expect(span('')).toBe('');
  });
  it('a fence is longer than any run of backticks in the text', () => {
    expect(fenced(['x ```` y']).fence).toBe('`````');
    expect(fenced(['plain']).fence).toBe('```');
    expect(fenced(['`'.repeat(500)]).fence).toHaveLength(21);
  });
  it('fit refuses rather than cut the fixed parts', () => {
    expect(() => fit(['x'.repeat(20)], { limit: 10, measure: (t) => t.length })).toThrow(/even cut/);
  });
  it('fit keeps every line when the text fits', () => {
    const block = {
      head: 'H\n',
      lines: ['a', 'b', 'c'],
      tail: 'TAIL\n',
      cutTail: (n: number) => `cut ${n}\n`,
      collapsed: (n: number) => `0/${n}\n`,
    };
    const measure = (t: string): number => t.length;
    expect(fit(['M\n', block], { limit: 15, measure })).toBe('M\nH\na\nb\nc\nTAIL\n');
    expect(fit(['M\n', block], { limit: 14, measure })).toBe('M\nH\na\nb\ncut 1\n');
    expect(fit(['M\n', block], { limit: 12, measure })).toBe('M\nH\na\ncut 2\n');
    expect(fit(['M\n', block], { limit: 8, measure })).toBe('M\n0/3\n');
    expect(() => fit(['M\n', block], { limit: 5, measure })).toThrow(/even cut/);
  });
});

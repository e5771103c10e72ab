// The rollout chart of promote's job summary, read by Mermaid's own parser (mermaid 11, the
// library GitHub renders summaries with): each outcome's chart parses as an xychart, and a chart
// that is broken does not (so the check can fail).
import DOMPurify from 'dompurify';
import { describe, expect, it } from 'vitest';
import { trafficChart } from '../../src/promote/chart.js';
import type { StepRecord } from '../../src/promote/rollout.js';

// Node has no DOM: DOMPurify's hooks are stubbed (sanitising is the browser's part, not this test's).
const purify = DOMPurify as unknown as Record<string, unknown>;
purify['addHook'] ??= () => undefined;
purify['removeHook'] ??= () => undefined;
purify['sanitize'] ??= (text: string) => text;
const { default: mermaid } = await import('mermaid');

const record = (
  percent: number,
  outcome: StepRecord['outcome'],
  label = `step (${percent}%)`,
): StepRecord => ({
  label,
  percent,
  split: [],
  checks: 2,
  failures: outcome === 'failed' ? 1 : 0,
  outcome,
  detail: '',
});

describe('trafficChart', () => {
  it.each([
    [
      'a rollout in three steps',
      [record(0, 'found'), record(10, 'healthy'), record(50, 'healthy'), record(100, 'healthy')],
    ],
    [
      'a rollback at the second step',
      [record(0, 'found'), record(10, 'healthy'), record(50, 'failed'), record(0, 'restored')],
    ],
    ['a cancelled step', [record(0, 'found'), record(10, 'cancelled'), record(0, 'restored')]],
    ['a rerun from 50 %', [record(50, 'found'), record(100, 'healthy')]],
  ])('%s parses as a Mermaid xychart', async (_what, records) => {
    const chart = trafficChart('api-00042-xyz', records);
    await expect(mermaid.parse(chart)).resolves.toMatchObject({ diagramType: 'xychart' });
    expect(chart).toContain(`bar [${records.map((r) => r.percent).join(', ')}]`);
  });

  it('draws the steps with their outcome', () => {
    expect(
      trafficChart('api-00042-xyz', [record(0, 'found'), record(10, 'healthy'), record(0, 'restored')]),
    ).toBe(
      [
        'xychart-beta',
        '    title "Traffic to api-00042-xyz"',
        '    x-axis ["found", "1: 10% ok", "restored"]',
        '    y-axis "% of traffic" 0 --> 100',
        '    bar [0, 10, 0]',
      ].join('\n'),
    );
  });

  it('is what the parser refuses when it is broken (the check above can fail)', async () => {
    const broken = trafficChart('api-00042-xyz', [record(0, 'found'), record(10, 'healthy')]).replace(
      'bar [0, 10]',
      'bar [0, 10,',
    );
    await expect(mermaid.parse(broken)).rejects.toThrow(/Parse error/);
  });
});

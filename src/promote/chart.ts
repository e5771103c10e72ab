// The rollout as a Mermaid xychart (GitHub renders Mermaid in job summaries): one bar per step,
// the revision's percent of the traffic, from the split found to the end (or the restore). Built
// from checked values only: revision names by their rule, whole percents, our own labels.
import type { StepRecord } from './rollout.js';

/** A label Mermaid reads inside double quotes: no quote, no backslash, no line break. */
const label = (text: string): string => `"${text.replace(/["\\\r\n]/g, ' ')}"`;

const short: Record<StepRecord['outcome'], string> = {
  found: 'found',
  healthy: 'ok',
  failed: 'failed',
  cancelled: 'cancelled',
  restored: 'restored',
};

export function trafficChart(revision: string, records: readonly StepRecord[]): string {
  const names = records.map((record, index) =>
    record.outcome === 'found' || record.outcome === 'restored'
      ? short[record.outcome]
      : `${index}: ${record.percent}% ${short[record.outcome]}`,
  );
  return [
    'xychart-beta',
    `    title ${label(`Traffic to ${revision}`)}`,
    `    x-axis [${names.map(label).join(', ')}]`,
    `    y-axis ${label('% of traffic')} 0 --> 100`,
    `    bar [${records.map((record) => record.percent).join(', ')}]`,
  ].join('\n');
}

// Which commit each Cloud Run service of the stack runs now, read from the plan: Terraform
// refreshes the state before it plans, so a change's `before` is the live service, and the
// service stack records the commit it deployed in a `commit-sha` label.
import {
  CLOUD_RUN_V1,
  CLOUD_RUN_V2,
  first,
  record,
  type Json,
  type TerraformPlan,
} from './terraform-plan.js';

/** The label the service stack sets from a variable, e.g. `labels = { "commit-sha" = var.commit_sha }`. */
export const COMMIT_LABEL = 'commit-sha';

/** A full or abbreviated git SHA-1, as `github.sha` or its first 7 characters. */
const GIT_SHA = /^[0-9a-f]{7,40}$/;

export type RunningCommit =
  /** The live service carries a commit label. */
  | { address: string; kind: 'found'; sha: string; from: string }
  /** Nothing to compare with: the service does not exist yet, or the stack sets no label. */
  | { address: string; kind: 'none'; reason: 'first deploy' | 'no label' }
  /** A label that is no git SHA: the check cannot use it. */
  | { address: string; kind: 'invalid'; value: string; from: string };

/** The places a label can be, in order of preference, as [where, labels map]. */
function labelPlaces(type: string, before: Record<string, Json>): [string, Json][] {
  if (type === CLOUD_RUN_V2) {
    return [
      ['labels', before['labels']],
      ['effective_labels', before['effective_labels']],
      ['template[0].labels', record(first(before['template']))['labels']],
    ];
  }
  const metadata = record(first(before['metadata']));
  return [
    ['metadata[0].labels', metadata['labels']],
    ['metadata[0].effective_labels', metadata['effective_labels']],
    [
      'template[0].metadata[0].labels',
      record(first(record(first(before['template']))['metadata']))['labels'],
    ],
  ];
}

/**
 * The running commit of every Cloud Run service (v2 and v1) that the plan touches or keeps:
 * the first `commit-sha` label found on the live service (`before`), checked to be a git SHA.
 */
export function runningCommits(plan: TerraformPlan, label: string = COMMIT_LABEL): RunningCommit[] {
  const found: RunningCommit[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === 'data') continue;
    if (change.type !== CLOUD_RUN_V2 && change.type !== CLOUD_RUN_V1) continue;
    const address = change.address;
    const before = change.change.before;
    if (typeof before !== 'object' || before === null) {
      found.push({ address, kind: 'none', reason: 'first deploy' });
      continue;
    }
    const place = labelPlaces(change.type, record(before)).find(([, labels]) => label in record(labels));
    if (place === undefined) {
      found.push({ address, kind: 'none', reason: 'no label' });
      continue;
    }
    const [from, labels] = place;
    const value = record(labels)[label];
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (GIT_SHA.test(text)) found.push({ address, kind: 'found', sha: text, from });
    else {
      found.push({
        address,
        kind: 'invalid',
        value: typeof value === 'string' ? value : JSON.stringify(value),
        from,
      });
    }
  }
  return found;
}

/** A commit as people read it in messages: its first 7 characters, as GitHub shows it. */
export const shortSha = (sha: string): string => sha.slice(0, 7);

/** Whether a running commit (full or abbreviated) is this run's commit. */
export function sameCommit(running: string, head: string): boolean {
  const a = running.toLowerCase();
  const b = head.toLowerCase();
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

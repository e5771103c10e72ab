// The stale-commit guard: queued runs are not ordered, so an older run can reach apply after a
// newer one deployed. Before apply, the commit the running service carries is compared with
// this run's commit on GitHub; a run whose commit is behind stops (or, on-stale: skip, ends
// without applying).
import { ConfigurationError } from '../lib/errors.js';
import { shown } from '../lib/names.js';
import type { Comparison } from './github-compare.js';
import { Inputs } from './constants.js';
import type { Finding } from './findings.js';
import { COMMIT_LABEL, sameCommit, shortSha, type RunningCommit } from './running-commit.js';

export const ON_STALE = ['fail', 'skip'] as const;
export type OnStale = (typeof ON_STALE)[number];

const commits = (n: number): string => `${n} commit${n === 1 ? '' : 's'}`;
const GIT_SHA = /^[0-9a-f]{40}$/i;
const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

export interface StaleCheckNeed {
  /** Whether the run would apply: not plan-only, and the plan has changes. */
  applying: boolean;
  planOnly: boolean;
  running: readonly RunningCommit[];
  /** This run's commit (GITHUB_SHA); may be empty outside a runner. */
  head: string;
  token: string;
}

export interface StaleCheckPlan {
  /** The distinct running commits to compare with this run's (none: no request at all). */
  compare: string[];
  notes: Finding[];
  /** The summary's stale-check cell when nothing is compared. */
  result: string;
}

/**
 * Whether the guard asks GitHub, and about which commits: only for a run that would apply, and
 * only for running commits that are not this run's. Pure: the table tests decide here.
 */
export function planStaleCheck(need: StaleCheckNeed): StaleCheckPlan {
  const notes: Finding[] = [];
  for (const reading of need.running) {
    if (reading.kind === 'none') {
      notes.push({
        level: 'info',
        message:
          reading.reason === 'first deploy'
            ? `${reading.address} does not run yet (first deploy): no running commit to compare with`
            : `${reading.address} carries no ${COMMIT_LABEL} label: no running commit to compare with; set labels = { "${COMMIT_LABEL}" = var.commit_sha } on the service to turn the stale-commit guard on`,
      });
    } else if (reading.kind === 'invalid') {
      notes.push({
        level: 'warning',
        message: `${reading.address}: label ${COMMIT_LABEL} (in ${reading.from}) is ${shown(reading.value, 64)}, which is no git commit SHA (7 to 40 hex digits): stale check skipped for this service`,
      });
    }
  }
  const found = need.running.filter(
    (r): r is Extract<RunningCommit, { kind: 'found' }> => r.kind === 'found',
  );
  if (!need.applying) {
    return { compare: [], notes, result: need.planOnly ? 'not needed: plan-only' : 'not needed: no changes' };
  }
  if (found.length === 0) return { compare: [], notes, result: 'nothing to compare' };
  if (!GIT_SHA.test(need.head)) {
    throw new ConfigurationError(
      `GITHUB_SHA is ${shown(need.head, 64)}, not a commit SHA: the stale-commit guard compares it with the commit ${found[0]?.address ?? 'the service'} runs; run this action in a GitHub Actions job (or set GITHUB_SHA to the commit being deployed)`,
    );
  }
  const head = need.head.toLowerCase();
  const compare = [...new Set(found.filter((r) => !sameCommit(r.sha, head)).map((r) => r.sha))];
  for (const reading of found.filter((r) => sameCommit(r.sha, head))) {
    notes.push({
      level: 'info',
      message: `${reading.address} already runs this run's commit ${shortSha(head)}`,
    });
  }
  if (compare.length === 0) return { compare, notes, result: "same commit as this run's" };
  if (need.token === '') {
    notes.push({ level: 'warning', message: `stale check skipped: ${Inputs.GithubToken} is empty` });
    return { compare: [], notes, result: `skipped: ${Inputs.GithubToken} is empty` };
  }
  return { compare, notes, result: '' };
}

export interface Decision {
  outcome: 'apply' | 'fail' | 'skip';
  notes: Finding[];
  /** Why the run stops or skips; undefined for apply. */
  message?: string;
  /** The summary's stale-check cell. */
  result: string;
}

/**
 * What the comparisons mean for this run: `behind` is stale (fail or skip, as on-stale says);
 * `ahead` and `identical` are fine; `diverged` and an unknown commit cannot tell which is newer,
 * so they warn and let the run apply. Pure: base = the running commit, head = this run's.
 */
export function decideStale(
  running: readonly RunningCommit[],
  head: string,
  comparisons: ReadonlyMap<string, Comparison>,
  onStale: OnStale,
  repository: string,
): Decision {
  const notes: Finding[] = [];
  const stale: { address: string; sha: string; behindBy: number }[] = [];
  const results: string[] = [];
  for (const reading of running) {
    if (reading.kind !== 'found') continue;
    const comparison = comparisons.get(reading.sha);
    if (comparison === undefined) continue;
    const where = `${reading.address} runs ${shortSha(reading.sha)}`;
    switch (comparison.status) {
      case 'behind':
        stale.push({ address: reading.address, sha: reading.sha, behindBy: comparison.behindBy });
        results.push(`${commits(comparison.behindBy)} behind ${shortSha(reading.sha)}`);
        break;
      case 'ahead':
        notes.push({
          level: 'info',
          message: `${where}, ${commits(comparison.aheadBy)} older than this run's ${shortSha(head)}: the run goes on`,
        });
        results.push(`${commits(comparison.aheadBy)} newer than ${shortSha(reading.sha)}`);
        break;
      case 'identical':
        notes.push({ level: 'info', message: `${where}, the same commit as this run's ${shortSha(head)}` });
        results.push(`same commit as ${shortSha(reading.sha)}`);
        break;
      case 'diverged':
        notes.push({
          level: 'warning',
          message: `${where}, and neither it nor this run's commit ${shortSha(head)} contains the other (${commits(comparison.behindBy)} only there, ${commits(comparison.aheadBy)} only here; history rewritten?): cannot tell which is newer, so the run goes on`,
        });
        results.push(`diverged from ${shortSha(reading.sha)}, not stopped`);
        break;
      case 'not-found':
        notes.push({
          level: 'warning',
          message: `${where}, a commit that ${repository} does not know (from another repository, or gone after a force-push): cannot tell which is newer, so the run goes on`,
        });
        results.push(`${shortSha(reading.sha)} unknown to ${repository}, not stopped`);
        break;
    }
  }
  const newest = [...stale].sort((a, b) => b.behindBy - a.behindBy)[0];
  if (newest === undefined) return { outcome: 'apply', notes, result: `ok: ${results.join('; ')}` };
  const others = stale.filter((s) => s !== newest).map((s) => s.address);
  const what =
    `this run's commit ${shortSha(head)} is ${commits(newest.behindBy)} behind ${shortSha(newest.sha)}, which ${newest.address} already runs (a newer run deployed it first)` +
    (others.length > 0
      ? `; ${others.join(', ')} also run${others.length === 1 ? 's' : ''} a newer commit`
      : '');
  if (onStale === 'fail') {
    return {
      outcome: 'fail',
      notes,
      message: `${what}; nothing was applied. Re-run the newest run, or set ${Inputs.OnStale}: skip to let stale runs finish without applying`,
      result: `stale: ${results.join('; ')}; nothing applied`,
    };
  }
  return {
    outcome: 'skip',
    notes,
    message: `${what}; ${Inputs.OnStale} is skip: nothing is applied, and the outputs describe the running service`,
    result: `stale: ${results.join('; ')}; not applied (${Inputs.OnStale}: skip)`,
  };
}

/** The summary's running-commit cell. */
export function describeRunning(running: readonly RunningCommit[]): string {
  const one = running.length === 1;
  return running
    .map((reading) => {
      const text =
        reading.kind === 'found'
          ? shortSha(reading.sha)
          : reading.kind === 'invalid'
            ? `${shown(reading.value, 64)} (no commit SHA)`
            : reading.reason === 'first deploy'
              ? 'none (first deploy)'
              : `unknown (no ${COMMIT_LABEL} label)`;
      return one ? text : `${text} (${reading.address})`;
    })
    .join('; ');
}

export interface StaleCheckOptions extends StaleCheckNeed {
  onStale: OnStale;
  repository: string;
  /** Compares `base...head` on GitHub; a failure ends the check (and the run). */
  compare: (base: string, head: string, signal: AbortSignal) => Promise<Comparison>;
}

/** Plans, asks (distinct running commits concurrently) and decides. */
export async function checkStaleCommit(options: StaleCheckOptions): Promise<Decision> {
  const plan = planStaleCheck(options);
  if (plan.compare.length === 0) return { outcome: 'apply', notes: plan.notes, result: plan.result };
  if (!REPOSITORY.test(options.repository)) {
    throw new ConfigurationError(
      `GITHUB_REPOSITORY is ${shown(options.repository, 100)}, not owner/name: the stale-commit guard asks the GitHub API about this repository's commits; run this action in a GitHub Actions job (or set GITHUB_REPOSITORY)`,
    );
  }
  const head = options.head.toLowerCase();
  // One failure ends the others at once: the run fails either way.
  const stop = new AbortController();
  const answers = await Promise.all(
    plan.compare.map(async (sha) => {
      try {
        return [sha, await options.compare(sha, head, stop.signal)] as const;
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    }),
  );
  const decision = decideStale(options.running, head, new Map(answers), options.onStale, options.repository);
  return { ...decision, notes: [...plan.notes, ...decision.notes] };
}

/** Input names of actions/report, as in its action.yml. */
export const Inputs = {
  Mode: 'mode',
  Reports: 'reports',
  GithubToken: 'github-token',
  PullRequest: 'pull-request',
  Title: 'title',
  Environment: 'environment',
  Label: 'label',
  NotPlanned: 'not-planned',
  FailOnDrift: 'fail-on-drift',
} as const;

/** Output names of actions/report, as in its action.yml. */
export const Outputs = {
  CommentId: 'comment-id',
  CommentUrl: 'comment-url',
  Drift: 'drift',
  IssueNumber: 'issue-number',
  IssueUrl: 'issue-url',
} as const;

export const STAGE = 'report';

export const MODES = ['pull-request', 'drift'] as const;
export type Mode = (typeof MODES)[number];

/** The hidden marker's prefix: `<!-- cloud-run-deploy-actions:<mode>:<key> -->`. */
export const MARKER_PREFIX = 'cloud-run-deploy-actions';

/** GitHub's limit on a comment or issue body, in characters. */
export const MAX_BODY = 65_536;

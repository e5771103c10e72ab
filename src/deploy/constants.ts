/** Input names of actions/deploy, as in its action.yml. */
export const Inputs = {
  WorkingDirectory: 'working-directory',
  Environment: 'environment',
  Image: 'image',
  ImageRepository: 'image-repository',
  ImageVariable: 'image-variable',
  AllowDevAuthBypass: 'allow-dev-auth-bypass',
  BypassVariable: 'bypass-variable',
  Vars: 'vars',
  VarFiles: 'var-files',
  BackendConfig: 'backend-config',
  Contract: 'contract',
  Project: 'project',
  PlanOnly: 'plan-only',
  AllowDestroy: 'allow-destroy',
  LockTimeout: 'lock-timeout',
  Timeout: 'timeout',
  GithubToken: 'github-token',
  OnStale: 'on-stale',
  Tool: 'tool',
  Traffic: 'traffic',
  Service: 'service',
  Region: 'region',
  ReportFile: 'report-file',
} as const;

/** Output names of actions/deploy, as in its action.yml. */
export const Outputs = {
  HasChanges: 'has-changes',
  Outputs: 'outputs',
  Url: 'url',
  Revision: 'revision',
  PreviousRevision: 'previous-revision',
  Stale: 'stale',
  Report: 'report',
} as const;

/** The value of input `image` that plans with the digest the service runs now (plan-only). */
export const RUNNING_IMAGE = 'running';

export const STAGE = 'deploy';

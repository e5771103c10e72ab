/** Input names of actions/promote, as in its action.yml. */
export const Inputs = {
  Service: 'service',
  Region: 'region',
  Project: 'project',
  Revision: 'revision',
  Steps: 'steps',
  StepWait: 'step-wait',
  PreviousRevision: 'previous-revision',
  Tag: 'tag',
  Path: 'path',
  ExpectedStatus: 'expected-status',
  Expect: 'expect',
  BearerToken: 'bearer-token',
  Timeout: 'timeout',
} as const;

/** Output names of actions/promote, as in its action.yml. */
export const Outputs = {
  Revision: 'revision',
  PreviousRevision: 'previous-revision',
  RolledBack: 'rolled-back',
} as const;

export const STAGE = 'promote';

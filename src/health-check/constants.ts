/** Input names of actions/health-check, as in its action.yml. */
export const Inputs = {
  Service: 'service',
  Region: 'region',
  Project: 'project',
  Revision: 'revision',
  Tag: 'tag',
  Url: 'url',
  Path: 'path',
  ExpectedStatus: 'expected-status',
  Expect: 'expect',
  BearerToken: 'bearer-token',
  CustomDomain: 'custom-domain',
  Timeout: 'timeout',
  RequestTimeout: 'request-timeout',
} as const;

/** Output names of actions/health-check, as in its action.yml. */
export const Outputs = {
  Url: 'url',
  TagUrl: 'tag-url',
  Revision: 'revision',
  Attempts: 'attempts',
} as const;

export const STAGE = 'health-check';

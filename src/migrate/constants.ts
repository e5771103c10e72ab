/** Input names of actions/migrate, as in its action.yml. */
export const Inputs = {
  DatabaseUrl: 'database-url',
  Instance: 'instance',
  ProxyVersion: 'proxy-version',
  ProxySha256: 'proxy-sha256',
  ProxyPath: 'proxy-path',
  Port: 'port',
  PrivateIp: 'private-ip',
  AutoIamAuthn: 'auto-iam-authn',
  Command: 'command',
  WorkingDirectory: 'working-directory',
  ProxyTimeout: 'proxy-timeout',
  Timeout: 'timeout',
  LockTimeout: 'lock-timeout',
  StatementTimeout: 'statement-timeout',
} as const;

/** Output names of actions/migrate, as in its action.yml. */
export const Outputs = {
  RevisionBefore: 'revision-before',
  RevisionAfter: 'revision-after',
} as const;

/** Saved state, read by the `post:` step. */
export const State = {
  IsPost: 'is-post',
  ProxyPid: 'proxy-pid',
} as const;

export const STAGE = 'migrate';

/** Only tests point the download at a local server; real runs use the official bucket. */
export const TEST_DOWNLOAD_BASE_VARIABLE = 'CLOUD_RUN_ACTIONS_TEST_PROXY_BASE_URL';

import * as core from '@actions/core';
import { accessSync, constants } from 'node:fs';
import {
  cloudSqlInstance,
  databaseUrlWarnings,
  isInstanceConnectionName,
  parseDatabaseUrl,
  replacedConnectionTargets,
  repeatedConnectionParameter,
  rewriteForProxy,
  secretForms,
  type DatabaseUrl,
} from './database-url.js';
import { ConfigurationError } from '../lib/errors.js';
import { parseBoolean, parseDuration, parseInteger, splitCommand, workspaceFolder } from '../lib/parse.js';
import { shown } from '../lib/names.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs } from './constants.js';
import { PROXY_SHA256, PROXY_VERSION, proxyPlatformKey } from './proxy-release.js';
import { driverReadsPgOptions, type SessionTimeouts } from './timeouts.js';

export interface MigrateInputs {
  readonly url: DatabaseUrl;
  /** `postgresql+psycopg2://USER:PASS@127.0.0.1:<port>/DB?…`: the command's DATABASE_URL. Secret. */
  readonly rewrittenUrl: string;
  readonly instance: string;
  readonly proxyVersion: string;
  /** Expected SHA-256 of the download; empty when proxy-path is used. */
  readonly proxySha256: string;
  /** The release file of this runner's platform (`linux.amd64`); empty when proxy-path is used. */
  readonly proxyPlatform: string;
  readonly proxyPath: string;
  readonly port: number;
  readonly privateIp: boolean;
  readonly autoIamAuthn: boolean;
  readonly command: readonly string[];
  readonly workingDirectory: string;
  readonly proxyTimeoutMs: number;
  readonly timeoutMs: number;
  /** lock-timeout and statement-timeout, for the command's PGOPTIONS. */
  readonly sessionTimeouts: SessionTimeouts;
}

const get = (name: string): string => core.getInput(name).trim();

export function readInputs(env: NodeJS.ProcessEnv = process.env): MigrateInputs {
  // The URL first: registered as a secret, with every derived form, before anything can print.
  const raw = core.getInput(Inputs.DatabaseUrl);
  registerSecret(raw);
  registerSecret(raw.trim());
  if (raw.trim() === '') {
    throw new ConfigurationError(
      `input "${Inputs.DatabaseUrl}" is required: the runtime DATABASE_URL (e.g. from Secret Manager)`,
    );
  }
  const url = parseDatabaseUrl(raw.trim(), Inputs.DatabaseUrl);
  for (const form of secretForms(url, raw.trim())) registerSecret(form);
  const repeated = repeatedConnectionParameter(url);
  if (repeated !== undefined) {
    // Only the parameter's name: its values are part of a secret.
    throw new ConfigurationError(
      `input "${Inputs.DatabaseUrl}": the ${repeated} parameter is given more than once, so the URL names no one place to connect to (drivers disagree on which one wins): keep one, e.g. host=/cloudsql/PROJECT:REGION:INSTANCE`,
    );
  }

  const port = parseInteger(Inputs.Port, get(Inputs.Port) || '5432', 1, 65535);
  const rewrittenUrl = rewriteForProxy(url, '127.0.0.1', port);
  registerSecret(rewrittenUrl);

  const given = get(Inputs.Instance);
  let fromUrl: string | undefined;
  try {
    fromUrl = cloudSqlInstance(url, Inputs.DatabaseUrl);
  } catch (error) {
    // A malformed socket path matters only when the URL is where the instance comes from.
    if (given === '') throw error;
  }
  for (const warning of databaseUrlWarnings(url, Inputs.DatabaseUrl)) core.warning(warning);
  if (given !== '' && fromUrl !== undefined && given !== fromUrl) {
    throw new ConfigurationError(
      `input "${Inputs.Instance}" is ${shown(given)}, but the database URL's host names ${fromUrl}: they must agree (or leave ${Inputs.Instance} empty)`,
    );
  }
  const instance = given || fromUrl;
  if (instance === undefined) {
    throw new ConfigurationError(
      `no Cloud SQL instance: the database URL has no host=/cloudsql/PROJECT:REGION:INSTANCE; set input "${Inputs.Instance}"`,
    );
  }
  if (!isInstanceConnectionName(instance)) {
    throw new ConfigurationError(
      `${given === '' ? `the instance in input "${Inputs.DatabaseUrl}"` : `input "${Inputs.Instance}"`} is ${shown(instance)}, not a Cloud SQL instance connection name PROJECT:REGION:INSTANCE (e.g. acme-prod:europe-west1:main)`,
    );
  }
  const replaced = replacedConnectionTargets(url, instance);
  if (replaced.length > 0) {
    // The host is a name or an address (the parser allows nothing else), never the password.
    core.warning(
      `input "${Inputs.DatabaseUrl}": the migration does not connect to ${replaced.join(', ')} of the URL: it connects to ${instance} (input "${Inputs.Instance}") through the Cloud SQL Auth Proxy on 127.0.0.1:${port}, which replaces ${replaced.length === 1 ? 'it' : 'them'}. If that host is not that instance, set "${Inputs.Instance}" to the right one`,
    );
  }

  const proxyPath = get(Inputs.ProxyPath);
  if (proxyPath !== '') {
    try {
      accessSync(proxyPath, constants.X_OK);
    } catch {
      throw new ConfigurationError(
        `input "${Inputs.ProxyPath}" is ${shown(proxyPath)}, which is not an executable file`,
      );
    }
  }
  const proxyVersion = get(Inputs.ProxyVersion) || PROXY_VERSION;
  if (!/^v2\.\d+\.\d+$/.test(proxyVersion)) {
    throw new ConfigurationError(
      `input "${Inputs.ProxyVersion}" is ${shown(proxyVersion)}: use a v2 release tag such as ${PROXY_VERSION}`,
    );
  }
  let proxySha256 = get(Inputs.ProxySha256).toLowerCase();
  if (proxySha256 !== '' && !/^[0-9a-f]{64}$/.test(proxySha256)) {
    throw new ConfigurationError(`input "${Inputs.ProxySha256}" is not a SHA-256 (64 hex characters)`);
  }
  // Only a download needs a release file for this runner: with proxy-path any platform goes.
  const proxyPlatform = proxyPath === '' ? proxyPlatformKey() : '';
  if (proxyPath === '' && proxySha256 === '') {
    const pinned = proxyVersion === PROXY_VERSION ? PROXY_SHA256[proxyPlatform] : undefined;
    if (pinned === undefined) {
      throw new ConfigurationError(
        proxyVersion === PROXY_VERSION
          ? `no pinned SHA-256 of the proxy for ${proxyPlatform}: set input "${Inputs.ProxySha256}" (from the release notes) or "${Inputs.ProxyPath}"`
          : `input "${Inputs.ProxyVersion}" is ${proxyVersion}, not the pinned ${PROXY_VERSION}: set input "${Inputs.ProxySha256}" to its SHA-256 for ${proxyPlatform} from the release notes`,
      );
    }
    proxySha256 = pinned;
  }

  const workingDirectory = workspaceFolder(Inputs.WorkingDirectory, get(Inputs.WorkingDirectory) || '.', env);
  const timeoutMs = parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '15m');

  return {
    url,
    rewrittenUrl,
    instance,
    proxyVersion,
    proxySha256,
    proxyPlatform,
    proxyPath,
    port,
    privateIp: parseBoolean(Inputs.PrivateIp, get(Inputs.PrivateIp), false),
    autoIamAuthn: parseBoolean(Inputs.AutoIamAuthn, get(Inputs.AutoIamAuthn), false),
    command: splitCommand(Inputs.Command, get(Inputs.Command) || 'alembic upgrade head'),
    workingDirectory,
    proxyTimeoutMs: parseDuration(Inputs.ProxyTimeout, get(Inputs.ProxyTimeout) || '60s'),
    timeoutMs,
    sessionTimeouts: readSessionTimeouts(url.scheme, timeoutMs),
  };
}

/** `0` (or `0s`, `0m`, `0h`): PostgreSQL's "no limit"; parseDuration refuses zero for the others. */
const ZERO_DURATION = /^0+(?:\.0*)?\s*[smh]?$/i;

/** lock-timeout (default 10s; 0 waits for ever) and statement-timeout (empty: the server's). */
function readSessionTimeouts(scheme: string, timeoutMs: number): SessionTimeouts {
  const lockRaw = get(Inputs.LockTimeout) || '10s';
  const statementRaw = get(Inputs.StatementTimeout);
  const duration = (name: string, text: string): number =>
    ZERO_DURATION.test(text) ? 0 : parseDuration(name, text);
  const timeouts: SessionTimeouts = {
    lockTimeoutMs: duration(Inputs.LockTimeout, lockRaw),
    statementTimeoutMs: statementRaw === '' ? undefined : duration(Inputs.StatementTimeout, statementRaw),
  };
  if (scheme.startsWith('mysql')) {
    if (lockRaw !== '10s' || statementRaw !== '') {
      core.warning(
        `inputs "${Inputs.LockTimeout}" and "${Inputs.StatementTimeout}" are PostgreSQL settings: a ${scheme} migration does not get them`,
      );
    }
  } else if (!driverReadsPgOptions(scheme)) {
    core.warning(
      `inputs "${Inputs.LockTimeout}" and "${Inputs.StatementTimeout}" reach the migration through PGOPTIONS, which only libpq drivers read (psycopg2, psycopg): ${scheme} ignores it, so set lock_timeout in the migration itself (SET lock_timeout = '10s')`,
    );
  }
  if (!scheme.startsWith('mysql') && (timeouts.lockTimeoutMs === 0 || timeouts.lockTimeoutMs >= timeoutMs)) {
    core.warning(
      `input "${Inputs.LockTimeout}" is ${shown(lockRaw)}, ${timeouts.lockTimeoutMs === 0 ? 'no limit' : `not shorter than "${Inputs.Timeout}"`}: a statement still waiting for a lock when the deadline stops the command goes on waiting on the server, and holds up every later query on that table`,
    );
  }
  return timeouts;
}

/**
 * What the debug log may show of the inputs: the URL's scheme, host and database, and of the
 * command only its program (an argument may carry a secret: `-x password=…`).
 */
export function describeInputs(inputs: MigrateInputs): Record<string, unknown> {
  const { url, instance, proxyVersion, proxyPlatform, proxyPath, port, privateIp, autoIamAuthn } = inputs;
  const { command, workingDirectory } = inputs;
  return {
    url: { scheme: url.scheme, host: url.host, database: url.database },
    instance,
    proxyVersion,
    proxyPlatform,
    proxyPath,
    port,
    privateIp,
    autoIamAuthn,
    command: [command[0] ?? '', ...(command.length > 1 ? [`(${command.length - 1} arguments)`] : [])],
    workingDirectory,
    sessionTimeouts: inputs.sessionTimeouts,
  };
}

import * as core from '@actions/core';
import { accessSync, constants } from 'node:fs';
import {
  cloudSqlInstance,
  databaseUrlWarnings,
  isInstanceConnectionName,
  parseDatabaseUrl,
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
    timeoutMs: parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '15m'),
  };
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
  };
}

import { ConfigurationError } from '../lib/errors.js';
import { Inputs } from './constants.js';

/**
 * The pinned Cloud SQL Auth Proxy v2 release and the SHA-256 of each binary, as published in the
 * release notes of that exact version (the table "filename | sha256 hash").
 *
 * Source of every value below: the GitHub release page
 * https://github.com/GoogleCloudPlatform/cloud-sql-proxy/releases/tag/v2.26.0
 * ("2.26.0 (2026-09-28)", marked Latest when read), cross-checked line by line against the copy
 * of the same notes on the SourceForge mirror (cloud-sql-auth-proxy.mirror, files/v2.26.0,
 * README.md of 2026-09-28): both list the same hashes. Nothing here was computed or guessed;
 * to move the pin, copy the new release's table and nothing else.
 */
export const PROXY_VERSION = 'v2.26.0';

/** Keyed by the release's file suffix: `cloud-sql-proxy.<key>`. */
export const PROXY_SHA256: Record<string, string> = {
  'linux.amd64': 'a38fe97690a27490e60a7945a8a178186ff9464abb81fe2bc652a3f773443387',
  'linux.arm64': '38a61b2d55ac5e0b3924561696f599003b50100baedbfe4730a0410713f3e2cd',
  'darwin.amd64': 'b042fd769f1bd087b8723b4e8fc5b13e86e56746ccb6c29375923620643105ce',
  'darwin.arm64': '47c56cc88acd3250ac90b7ad063532cc22a8cca9dd0896012a2a60d1eab4c159',
  'x64.exe': 'dcc7abfc1e43215932f1e9e1441e072bfcf0bbcac96110b515edb2d0fadadbb5',
};

export const PROXY_DOWNLOAD_BASE = 'https://storage.googleapis.com/cloud-sql-connectors/cloud-sql-proxy';

/**
 * The official download URL of one release binary, e.g.
 * `…/cloud-sql-proxy/v2.26.0/cloud-sql-proxy.linux.amd64`. A version without its leading `v`
 * is accepted (the bucket's folders carry it).
 */
export function proxyDownloadUrl(version: string, platformKey: string, base = PROXY_DOWNLOAD_BASE): string {
  const tag = version.startsWith('v') ? version : `v${version}`;
  return `${base.replace(/\/+$/, '')}/${tag}/cloud-sql-proxy.${platformKey}`;
}

/** The release binaries the action downloads, by Node's `process.platform`/`process.arch`. */
const PLATFORM_KEYS: Record<string, string> = {
  'linux/x64': 'linux.amd64',
  'linux/arm64': 'linux.arm64',
  'darwin/x64': 'darwin.amd64',
  'darwin/arm64': 'darwin.arm64',
  'win32/x64': 'x64.exe',
};

/**
 * The release file suffix (`cloud-sql-proxy.<key>`) for a Node platform and architecture, the
 * one mapping used for the pinned SHA-256 and for the download. Where the action downloads no
 * binary, a ConfigurationError names the platform and the way out: a proxy binary of the
 * user's own through proxy-path.
 */
export function proxyPlatformKey(platform: string = process.platform, arch: string = process.arch): string {
  const key = PLATFORM_KEYS[`${platform}/${arch}`];
  if (key === undefined) {
    throw new ConfigurationError(
      `the Cloud SQL Auth Proxy is downloaded for ${Object.keys(PLATFORM_KEYS).join(', ')}, not for this runner's ${platform}/${arch}: install a proxy binary for it and set input "${Inputs.ProxyPath}" to its path`,
    );
  }
  return key;
}

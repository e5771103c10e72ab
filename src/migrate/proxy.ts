import * as core from '@actions/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { ConfigurationError } from '../lib/errors.js';
import { stopProcessGroup, trackProcess } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { httpGet, RequestError } from '../lib/http.js';
import { poll, type Backoff } from '../lib/poll.js';
import { redact } from '../lib/secrets.js';
import { Inputs, TEST_DOWNLOAD_BASE_VARIABLE } from './constants.js';
import type { MigrateInputs } from './inputs.js';
import { proxyDownloadUrl } from './proxy-release.js';

const TOOL_NAME = 'cloud-sql-proxy';
const DOWNLOAD_TIMEOUT_MS = 120_000;
/**
 * Readiness is a local HTTP call that costs next to nothing, so it is asked often: a proxy that
 * comes up is noticed within tens of milliseconds, not after a grown backoff.
 */
const READINESS_BACKOFF: Backoff = { initialMs: 20, factor: 1.2, maxMs: 60, jitter: 0.2 };
const LOG_LINES_KEPT = 30;

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface ProxyBinary {
  path: string;
  /** Where it came from, for the summary: proxy-path, the tool cache or a verified download. */
  source: string;
}

/**
 * The proxy binary: `proxy-path` as given, the tool cache's copy of this version, or a download
 * from the official release bucket verified against its SHA-256 (a mismatch deletes the file).
 */
export async function resolveProxy(
  inputs: Pick<MigrateInputs, 'proxyPath' | 'proxyVersion' | 'proxySha256' | 'proxyPlatform'>,
): Promise<ProxyBinary> {
  if (inputs.proxyPath !== '') return { path: inputs.proxyPath, source: Inputs.ProxyPath };
  // Loaded here only: the tool cache and its HTTP client are not needed with proxy-path.
  const tc = await import('@actions/tool-cache');
  const arch = process.arch;
  const cached = tc.find(TOOL_NAME, inputs.proxyVersion.replace(/^v/, ''), arch);
  if (cached !== '') {
    const path = `${cached}/${TOOL_NAME}`;
    // The cache is trusted no more than the network: the hash is checked on every use.
    if ((await sha256Of(path)) === inputs.proxySha256) {
      return { path, source: `tool cache (${inputs.proxyVersion})` };
    }
    core.warning(
      `the cached ${TOOL_NAME} ${inputs.proxyVersion} does not match its SHA-256; downloading it again`,
    );
  }
  const base = process.env[TEST_DOWNLOAD_BASE_VARIABLE] || undefined;
  const url = proxyDownloadUrl(inputs.proxyVersion, inputs.proxyPlatform, base);
  core.info(`downloading ${url}`);
  const downloaded = await Promise.race([
    tc.downloadTool(url),
    new Promise<never>((_, reject) =>
      setTimeout(
        () =>
          reject(new Error(`the download of ${url} did not finish within ${formatMs(DOWNLOAD_TIMEOUT_MS)}`)),
        DOWNLOAD_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
  const actual = await sha256Of(downloaded);
  if (actual !== inputs.proxySha256) {
    await rm(downloaded, { force: true });
    throw new Error(
      `the downloaded ${TOOL_NAME} ${inputs.proxyVersion} has SHA-256 ${actual}, not the expected ${inputs.proxySha256}; the file was deleted. Check ${Inputs.ProxyVersion} and ${Inputs.ProxySha256} against the release notes`,
    );
  }
  await chmod(downloaded, 0o755);
  const dir = await tc.cacheFile(
    downloaded,
    TOOL_NAME,
    TOOL_NAME,
    inputs.proxyVersion.replace(/^v/, ''),
    arch,
  );
  return { path: `${dir}/${TOOL_NAME}`, source: `downloaded ${inputs.proxyVersion}, SHA-256 verified` };
}

/** A port nobody listens on, for the proxy's health endpoints. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails clearly when the proxy's port is taken, before the proxy reports it in its own words. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigurationError(
              `port ${port} is already in use on 127.0.0.1 (a local PostgreSQL or another proxy?): set input "${Inputs.Port}" to a free port`,
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

export function proxyArgs(
  inputs: Pick<MigrateInputs, 'port' | 'privateIp' | 'autoIamAuthn' | 'instance'>,
  httpPort: number,
): string[] {
  return [
    '--address',
    '127.0.0.1',
    '--port',
    String(inputs.port),
    '--health-check',
    '--http-address',
    '127.0.0.1',
    '--http-port',
    String(httpPort),
    ...(inputs.privateIp ? ['--private-ip'] : []),
    ...(inputs.autoIamAuthn ? ['--auto-iam-authn'] : []),
    inputs.instance,
  ];
}

export interface RunningProxy {
  child: ChildProcess;
  pid: number;
  /** The proxy's last log lines, secrets removed. */
  logTail: () => string;
  /** How it ended (`code 143`, `SIGKILL`) once it exited on its own; undefined while it runs or after `stop`. */
  exitStatus: () => string | undefined;
  stop: () => Promise<void>;
}

/** Starts the proxy in its own process group, keeping the tail of its log. */
export function startProxy(binary: string, args: readonly string[]): RunningProxy {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  const keep = (chunk: string): void => {
    for (const line of chunk.split('\n')) if (line.trim() !== '') lines.push(redact(line));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES_KEPT));
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const untrack = trackProcess(child);
  let stopped: Promise<void> | undefined;
  return {
    child,
    pid: child.pid ?? -1,
    logTail: () => lines.join('\n'),
    exitStatus: () => {
      if (stopped !== undefined) return undefined;
      if (child.signalCode !== null) return child.signalCode;
      return child.exitCode === null ? undefined : `code ${child.exitCode}`;
    },
    stop: () => {
      stopped ??= stopProcessGroup(child).finally(untrack);
      return stopped;
    },
  };
}

/** How long a failed command waits to learn whether the proxy died with it. */
const EXIT_CHECK_MS = 2_000;

/**
 * After the command failed: how the proxy ended if it died during the command (`code 1`,
 * `SIGKILL`), else undefined. A proxy killed at the same moment may not have been reaped yet
 * when the command's failure arrives, so one that does not answer its liveness endpoint is
 * given a moment to exit.
 */
export async function proxyDeath(proxy: RunningProxy, httpPort: number): Promise<string | undefined> {
  const known = proxy.exitStatus();
  if (known !== undefined) return known;
  try {
    const response = await httpGet(new URL(`http://127.0.0.1:${httpPort}/liveness`), {
      timeoutMs: EXIT_CHECK_MS / 2,
      maxBodyBytes: 4096,
    });
    if (response.status === 200) return undefined;
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, EXIT_CHECK_MS);
    timer.unref();
    proxy.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (proxy.exitStatus() !== undefined) resolve();
  });
  return proxy.exitStatus();
}

/**
 * Waits for the proxy's readiness endpoint, polling (never a fixed sleep); fails at once, with
 * the proxy's own log, when it exits, and at the deadline with its last log lines.
 */
export async function waitForProxy(
  proxy: RunningProxy,
  httpPort: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const url = new URL(`http://127.0.0.1:${httpPort}/readiness`);
  // When the proxy exits, the polling stops too: nothing keeps the step waiting for a dead proxy.
  const stopPolling = new AbortController();
  const exited = new Promise<never>((_, reject) => {
    const fail = (code: number | null, signal: NodeJS.Signals | null): void => {
      reject(
        new Error(
          `the Cloud SQL Auth Proxy exited (${signal ?? `code ${code}`}) before it was ready:\n${proxy.logTail() || '(it printed nothing)'}`,
        ),
      );
      stopPolling.abort(new Error('the proxy exited'));
    };
    if (proxy.child.exitCode !== null || proxy.child.signalCode !== null) {
      fail(proxy.child.exitCode, proxy.child.signalCode);
    } else proxy.child.once('exit', fail);
    proxy.child.once('error', (error) =>
      reject(new Error(`the Cloud SQL Auth Proxy could not start: ${error.message}`)),
    );
  });
  const ready = poll(
    async ({ remainingMs }) => {
      try {
        const response = await httpGet(url, { timeoutMs: Math.min(2_000, remainingMs), maxBodyBytes: 4096 });
        return response.status === 200
          ? { done: true as const, value: undefined }
          : { done: false as const, reason: `readiness answered ${response.status}` };
      } catch (error) {
        if (error instanceof RequestError) {
          return { done: false as const, reason: `readiness endpoint: ${error.code}` };
        }
        throw error;
      }
    },
    {
      deadline: Date.now() + timeoutMs,
      what: 'the Cloud SQL Auth Proxy to be ready',
      backoff: READINESS_BACKOFF,
      signal: stopPolling.signal,
    },
  );
  ready.catch(() => undefined);
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    if (error instanceof Error && error.name === 'DeadlineError') {
      throw new Error(`${error.message}\nThe proxy's last log lines:\n${proxy.logTail() || '(none)'}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    exited.catch(() => undefined);
    stopPolling.abort(new Error('done waiting'));
  }
  return performance.now() - started;
}

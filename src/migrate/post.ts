import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { STAGE, State } from './constants.js';

const GRACE_MS = 5_000;

/**
 * Whether the process still runs. An exited process nobody has reaped yet (a zombie) has
 * stopped: in a container job the proxy's new parent, the container's PID 1, may never reap it,
 * and waiting for `kill(pid, 0)` to fail would wait out the whole grace.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Gone in between on Linux; no /proc at all (macOS): the signal's answer stands.
    return !existsSync('/proc');
  }
  return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
}

/**
 * The `post:` step: when the main step died before stopping the proxy (a crash, a runner
 * timeout), stop its process group: SIGTERM, then SIGKILL after a grace. Never fails the job.
 */
export async function post(): Promise<void> {
  const pid = Number(core.getState(State.ProxyPid));
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  // A reused pid is someone else's process: on Linux, check that it is still the proxy.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('cloud-sql-proxy')) return;
  core.info(`${STAGE}: stopping the Cloud SQL Auth Proxy left running (pid ${pid})`);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + GRACE_MS;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      core.warning(`${STAGE}: the proxy (pid ${pid}) could not be stopped`);
    }
  }
}

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { shown } from './names.js';

/**
 * Finding every process a tool started, also those that left its process group. A tool runs in
 * a session and process group of its own (spawned detached), and a kill of the group reaches
 * most of what it starts; but `setsid` (a daemon, `pg_ctl start`) makes a new session, and a
 * process that left the group outlives the kill and, when it holds the tool's output, keeps the
 * tool from ever finishing. So, as the runner tracks a job's processes by a variable in their
 * environment, each tool gets a random mark in its environment that every descendant inherits;
 * `/proc` then shows who carries it, who is in the tool's session or group, whose parent is one
 * of those, and who holds the tool's output open. Without `/proc` (not Linux) only the group
 * is found.
 */

/** The environment variable that marks a tool's processes: its value is random per tool. */
export const TOOL_MARK_VARIABLE = 'CLOUD_RUN_ACTIONS_TOOL_MARK';

export function newToolMark(): string {
  return randomUUID();
}

/** What identifies one tool's processes. */
export interface ToolIdentity {
  /** The tool's pid: it leads its own session and process group. */
  readonly leader: number;
  /** The value of TOOL_MARK_VARIABLE in the tool's environment, when it was given one. */
  readonly mark?: string;
  /** The `/proc/<pid>/fd` links of the tool's stdout and stderr (`socket:[123]`), when known. */
  readonly outputs?: readonly string[];
  /**
   * The tool's start time (clock ticks since boot), when known: what it started cannot be
   * older, so older processes are not read further.
   */
  readonly startTime?: number;
}

/** One process found to belong to a tool. */
export interface ToolProcess {
  readonly pid: number;
  /** Its start time (clock ticks since boot): a pid reused by another process is not signalled. */
  readonly startTime: string;
  /** Its command line, shown safely (secrets removed, escaped, cut). */
  readonly command: string;
  /**
   * `command` is only the kernel's short name: the command line read empty, as it does for a
   * process that is exiting (its memory already released) or that is a kernel thread.
   */
  readonly shortName: boolean;
  /** It left the tool's process group (its own session, `setsid`): a group kill misses it. */
  readonly escaped: boolean;
  /** It holds the tool's stdout or stderr open. */
  readonly holdsOutput: boolean;
}

interface Stat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  state: string;
  startTime: string;
}

/** `/proc/<pid>/stat`; the command name in parentheses may hold spaces and parentheses. */
function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields after the name, from 3 (state) on: state ppid pgrp session … starttime is field 22.
  const [state = '', ppid = '0', pgrp = '0', session = '0'] = fields;
  return {
    pid,
    ppid: Number(ppid),
    pgrp: Number(pgrp),
    session: Number(session),
    state,
    startTime: fields[19] ?? '',
  };
}

function processIds(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function carriesMark(pid: number, needle: Buffer): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`);
    const at = environ.indexOf(needle);
    // The variable starts the block or follows the NUL that ends the one before.
    return at >= 0 && (at === 0 || environ[at - 1] === 0);
  } catch {
    return false;
  }
}

function holdsAny(pid: number, links: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (links.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
    } catch {
      // Closed meanwhile.
    }
  }
  return false;
}

function commandOf(pid: number): { command: string; shortName: boolean } {
  try {
    const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (words.length > 0) return { command: shown(words.join(' '), 60), shortName: false };
  } catch {
    // Gone, or not ours to read.
  }
  try {
    return { command: shown(readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 60), shortName: true };
  } catch {
    return { command: '"?"', shortName: true };
  }
}

/**
 * The `/proc/<pid>/fd` links of a process's stdout and stderr, read right after it started. A
 * tool that exits within the moment spawning takes (`bash -c 'x &'`) has none left: then what
 * it started is found by its mark, session, group and parents only.
 */
/** A process's start time in clock ticks since boot (undefined when it cannot be read). */
export function startTimeOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const stat = readStat(pid);
  return stat === undefined || stat.startTime === '' ? undefined : Number(stat.startTime);
}

export function outputLinks(pid: number | undefined): string[] {
  if (pid === undefined) return [];
  const links: string[] = [];
  for (const fd of [1, 2]) {
    try {
      links.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // Not on Linux, or the process is gone.
    }
  }
  return links;
}

/**
 * The running processes (zombies are gone) of a tool: its session and group, what carries its
 * mark, their children, and, with `withOutputs`, whoever holds the tool's output open. This
 * process (which reads the output) is never one.
 */
export function findToolProcesses(tool: ToolIdentity, withOutputs = false): ToolProcess[] {
  const needle = tool.mark === undefined ? undefined : Buffer.from(`${TOOL_MARK_VARIABLE}=${tool.mark}\0`);
  const links = new Set(withOutputs ? (tool.outputs ?? []) : []);
  const stats = processIds()
    .filter((pid) => pid !== process.pid)
    .map(readStat)
    .filter((stat): stat is Stat => stat !== undefined && stat.state !== 'Z' && stat.state !== 'X');
  // Only a process as young as the tool can carry its mark or hold its output.
  const young = (stat: Stat): boolean =>
    tool.startTime === undefined || Number(stat.startTime) >= tool.startTime;
  // The tool's pid names its group and session only while it is the tool: once it exited, the
  // kernel may give the pid to another process, which may lead a group and session of its own.
  const holder = stats.find((stat) => stat.pid === tool.leader);
  const ownIds =
    holder === undefined ||
    tool.startTime === undefined ||
    (Number(holder.startTime) === tool.startTime && holder.pgrp === tool.leader);
  const members = new Map<number, Stat>();
  for (const stat of stats) {
    if (
      (ownIds && young(stat) && (stat.pgrp === tool.leader || stat.session === tool.leader)) ||
      (needle !== undefined && young(stat) && carriesMark(stat.pid, needle))
    ) {
      members.set(stat.pid, stat);
    }
  }
  const holders = new Set<number>();
  if (links.size > 0) {
    for (const stat of stats) {
      if (young(stat) && holdsAny(stat.pid, links)) {
        holders.add(stat.pid);
        members.set(stat.pid, stat);
      }
    }
  }
  // Children of members (one that cleared its environment still has its parent).
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of stats) {
      if (!members.has(stat.pid) && members.has(stat.ppid)) {
        members.set(stat.pid, stat);
        grew = true;
      }
    }
  }
  return [...members.values()].map((stat) => ({
    pid: stat.pid,
    startTime: stat.startTime,
    ...commandOf(stat.pid),
    escaped: stat.pgrp !== tool.leader,
    holdsOutput: holders.has(stat.pid),
  }));
}

/** Whether `/proc` shows processes here (Linux): without it only a tool's group is known. */
export const processesVisible = ((): boolean => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Whether the process still runs as the same process (not exited, not a zombie, pid not reused). */
/**
 * What is known of a process found again by a later scan: one that held the tool's output keeps
 * saying so, and one found again while it exits (its command line reads empty, so only its short
 * name is left) keeps the command line seen before, so a message names `sleep 30`, not `sleep`.
 * A pid with another start time is another process.
 */
export function foundAgain(known: ToolProcess | undefined, entry: ToolProcess): ToolProcess {
  if (known === undefined || known.startTime !== entry.startTime) return entry;
  const named = entry.shortName && !known.shortName ? { command: known.command, shortName: false } : {};
  return { ...entry, ...named, holdsOutput: known.holdsOutput || entry.holdsOutput };
}

export function isAlive(found: Pick<ToolProcess, 'pid' | 'startTime'>): boolean {
  const stat = readStat(found.pid);
  return stat !== undefined && stat.startTime === found.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** Sends `signal` to each process that is still the one found. */
export function signalProcesses(found: readonly ToolProcess[], signal: NodeJS.Signals): void {
  for (const entry of found) {
    if (!isAlive(entry)) continue;
    try {
      process.kill(entry.pid, signal);
    } catch {
      // Exited meanwhile, or not ours to signal.
    }
  }
}

/** Resolves once none of `found` runs, or after `timeoutMs`, with those still running. */
export async function waitUntilGone(
  found: readonly ToolProcess[],
  timeoutMs: number,
): Promise<ToolProcess[]> {
  const deadline = Date.now() + timeoutMs;
  let running = found.filter(isAlive);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    running = running.filter(isAlive);
  }
  return running;
}

/** `pid 4242 "sleep 30" (in a session of its own, held its output open)`. */
export function describeProcess(found: ToolProcess): string {
  const traits = [
    ...(found.escaped ? ['outside its process group'] : []),
    ...(found.holdsOutput ? ['held its output open'] : []),
  ];
  return `pid ${found.pid} ${found.command}${traits.length > 0 ? ` (${traits.join(', ')})` : ''}`;
}

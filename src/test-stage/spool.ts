import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { LineBuffer, writeFenced } from '../lib/relay.js';

/**
 * A command's output goes to a file (its spool) while it runs, never through this process's
 * memory; it is printed from there, in bounded pieces, through the one relay. Whatever a command
 * prints, the stage holds at most one piece, one pending line of the relay and what the log has
 * not taken yet.
 */

/** Bytes read from a spool at a time. */
export const SPOOL_CHUNK = 64 * 1024;
/** How long a followed spool waits before it is read again, when it had nothing new. */
export const FOLLOW_INTERVAL_MS = 100;

/** Writes text to the log; resolves once the log can take more. */
export type LogWriter = (text: string) => void | Promise<void>;

/**
 * The step's log: a pipe that the runner reads at its own pace. A write to a pipe is queued in
 * memory when the reader is slower (Node writes to pipes asynchronously), so the next piece
 * waits for the queue to drain: without that, 1 GB of output is 1 GB of memory.
 */
export async function writeToLog(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Single-quoted for bash: the spool's path comes from RUNNER_TEMP, which may hold anything. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command with its standard output and error sent to `spool` (one file, in the order they
 * were written). The redirection is on the command's first line so that bash's messages keep
 * their line numbers (`bash: line 1: …`); a syntax error in that first line is reported before
 * the redirection, on the tool's own stderr (see `strayOutput`).
 */
export function spooledCommand(command: string, spool: string): string {
  return `exec >${shellQuote(spool)} 2>&1; ${command}`;
}

export interface RelayOptions {
  /** Follow the spool until this settles (the command ended), then print the rest: live output. */
  until?: Promise<unknown>;
  /** Where the text goes; default the step's log. */
  write?: LogWriter;
  /** Bytes read at a time (tests use small pieces). */
  chunkSize?: number;
}

/**
 * Prints a spool through the relay: whole lines (a line longer than the relay's limit in
 * pieces), secrets removed, inside stop-commands fences, one fenced block per piece read. With
 * `until`, it prints what the command writes as it writes it, and ends once the command ended
 * and everything it wrote was printed.
 */
export async function relaySpool(path: string, options: RelayOptions = {}): Promise<void> {
  const write = options.write ?? writeToLog;
  const buffer = Buffer.allocUnsafe(options.chunkSize ?? SPOOL_CHUNK);
  // A character cut between two pieces is decoded whole, as the tool runner's streams do.
  const decoder = new StringDecoder('utf8');
  const batches: string[] = [];
  const lines = new LineBuffer((text) => batches.push(text));
  const flush = () => writeBatches(batches.splice(0), write);
  const command = { ended: options.until === undefined };
  const ended = options.until?.then(
    () => (command.ended = true),
    () => (command.ended = true),
  );
  const handle = await open(path, 'r');
  try {
    let position = 0;
    for (;;) {
      // Whether the command had ended is read before the file: then the read that finds
      // nothing new has seen everything it wrote.
      const endedBefore = command.ended;
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        lines.push(decoder.write(buffer.subarray(0, bytesRead)));
        await flush();
        continue;
      }
      if (endedBefore) break;
      await waitFor(ended, FOLLOW_INTERVAL_MS);
    }
    lines.push(decoder.end());
    lines.end();
    await flush();
  } finally {
    await handle.close();
  }
}

/** Prints a short text (bash's own messages) through the relay, as `relaySpool` prints a file. */
export async function relayText(text: string, write: LogWriter = writeToLog): Promise<void> {
  const batches: string[] = [];
  const lines = new LineBuffer((batch) => batches.push(batch));
  lines.push(text);
  lines.end();
  await writeBatches(batches, write);
}

/** Each batch of whole lines as one fenced block, the next one once the log took it. */
async function writeBatches(batches: readonly string[], write: LogWriter): Promise<void> {
  for (const batch of batches) {
    let fenced = '';
    writeFenced(batch, (block) => (fenced = block));
    await write(fenced);
  }
}

/** Until `promise` settles or `ms` pass, whichever comes first. */
async function waitFor(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

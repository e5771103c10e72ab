import { randomUUID } from 'node:crypto';
import { longestSecretLength, redact } from './secrets.js';

/**
 * The one way a child's output reaches the log. Text is cut into whole lines before secrets
 * are removed (a secret written in two pieces is still one line), and every block written sits
 * inside a `::stop-commands::<token>` fence that is resumed right after it, so nothing a child
 * prints (`::add-mask::`, `::error::`, `::stop-commands::`) is taken as a workflow command. The
 * token is random per process: a child cannot know it and resume commands early. Annotations the
 * stage itself makes are written between blocks, outside any fence.
 */

/** A partial line longer than this is written without waiting for its end (memory stays bounded). */
export const MAX_PENDING_LINE = 64 * 1024;

const token = randomUUID().replace(/-/g, '');

/** Writes text as one fenced block: whole lines, never a workflow command. */
export function writeFenced(text: string, write: (text: string) => void = defaultWrite): void {
  if (text === '') return;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  write(`::stop-commands::${token}\n${body}::${token}::\n`);
}

function defaultWrite(text: string): void {
  process.stdout.write(text);
}

/**
 * Gathers text into whole lines and hands each batch of them, secrets removed, to `emit`. A line
 * that grows past `MAX_PENDING_LINE` is handed on in part, keeping back as much as the longest
 * secret so that none is cut in two.
 */
export class LineBuffer {
  private pending = '';
  constructor(private readonly emit: (lines: string) => void) {}

  push(text: string): void {
    const joined = this.pending + text;
    const end = joined.lastIndexOf('\n') + 1;
    let ready = joined.slice(0, end);
    this.pending = joined.slice(end);
    if (this.pending.length > MAX_PENDING_LINE) {
      const keep = Math.min(this.pending.length, longestSecretLength());
      let cut = this.pending.length - keep;
      // Never between the two halves of a character outside the BMP.
      const before = this.pending.charCodeAt(cut - 1);
      if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
      ready += `${this.pending.slice(0, cut)}\n`;
      this.pending = this.pending.slice(cut);
    }
    if (ready !== '') this.emit(redact(ready));
  }

  /** Hands on what is left, as a line of its own. */
  end(): void {
    const rest = this.pending;
    this.pending = '';
    if (rest !== '') this.emit(redact(`${rest}\n`));
  }
}

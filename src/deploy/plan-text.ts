// The plan as people read it (`terraform show -no-color <planfile>`), for the report: kept with
// bounded memory (the first MAX_PLAN_TEXT characters, cut at a line boundary, with a line saying
// how many lines were left out), secrets already removed by the tool runner, escape sequences and
// other control characters dropped. It never reaches the log: only the report file.

/** At most this many characters of the plan text are kept (1 MiB of ASCII). */
export const MAX_PLAN_TEXT = 1024 * 1024;

/** ANSI escape sequences (CSI, OSC) and the C0/C1 controls but tab and line feed. */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export const plainText = (text: string): string => text.replace(/\r\n/g, '\n').replace(ESCAPES, '');

/** Collects whole lines up to a limit; past it only counts the lines left out. */
export class PlanTextCollector {
  private readonly kept: string[] = [];
  private length = 0;
  private full = false;
  private cutLines = 0;

  constructor(private readonly limit = MAX_PLAN_TEXT) {}

  /** A batch of whole lines, each ending in a newline (as the tool runner passes them). */
  add(lines: string): void {
    for (const line of lines.split('\n').slice(0, lines.endsWith('\n') ? -1 : undefined)) {
      const clean = plainText(line);
      if (!this.full && this.length + clean.length + 1 <= this.limit) {
        this.kept.push(clean);
        this.length += clean.length + 1;
      } else {
        this.full = true;
        this.cutLines++;
      }
    }
  }

  /** The text kept, with the line that says how many were left out; `cut` counts them. */
  result(): { text: string; cut: number } {
    const text = this.kept.join('\n').replace(/^\n+/, '').replace(/\n+$/, '');
    if (this.cutLines === 0) return { text: text === '' ? '' : `${text}\n`, cut: 0 };
    const more = `… ${this.cutLines} more line${this.cutLines === 1 ? '' : 's'} of the plan left out (the text is cut at ${this.limit} characters)`;
    return { text: `${text}\n${more}\n`, cut: this.cutLines };
  }
}

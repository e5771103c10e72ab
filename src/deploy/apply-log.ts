// Reads `terraform apply -json`: Terraform's machine-readable UI, one JSON message a line
// (`version`, `planned_change`, `apply_start`, `apply_progress`, `apply_complete`,
// `apply_errored`, `diagnostic`, `change_summary`, `outputs`, `log`, …). Each line is read as it
// arrives and forgotten: what is kept is one entry per planned resource and a capped list of
// diagnostics, whatever the length of the output. The log gets each message's readable text,
// as Terraform's human UI would print it.
import { redact } from '../lib/secrets.js';

export type ApplyStatus = 'pending' | 'started' | 'half' | 'complete' | 'errored';

export interface AppliedResource {
  address: string;
  /** The planned action: `create`, `update`, `delete`, `replace`, `read`, … */
  action: string;
  /** Why it is planned (`tainted`, `cannot_update`, …), when Terraform says. */
  reason?: string;
  status: ApplyStatus;
  elapsedSeconds?: number;
}

export interface ApplyDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  address?: string;
}

/** Diagnostics kept; more are counted. */
export const MAX_DIAGNOSTICS = 20;
/** Characters kept of a diagnostic's detail and of a readable line. */
export const MAX_DETAIL = 2_000;
/** Resources tracked: a plan's size, capped should a stack be huge. */
export const MAX_RESOURCES = 5_000;

type Message = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const object = (value: unknown): Message =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Message) : {};
const cut = (value: string, max = MAX_DETAIL): string =>
  value.length > max ? `${value.slice(0, max)}… (${value.length - max} more characters)` : value;

/** Types whose text the human UI of an apply of a saved plan does not print. */
const SILENT = new Set(['version', 'planned_change', 'resource_drift']);

export class ApplyLog {
  private readonly resources = new Map<string, AppliedResource>();
  private readonly kept: ApplyDiagnostic[] = [];
  private dropped = 0;
  /** Terraform's closing line (`Apply complete! Resources: …`), when it got that far. */
  completion: string | undefined;

  /** Reads a batch of whole lines of stdout; returns the readable text for the log. */
  read(lines: string): string {
    const readable: string[] = [];
    for (const line of lines.split('\n')) {
      if (line.trim() === '') continue;
      const shown = this.readLine(line);
      if (shown !== undefined) readable.push(shown);
    }
    return readable.length === 0 ? '' : `${readable.join('\n')}\n`;
  }

  private readLine(line: string): string | undefined {
    let message: Message;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return cut(line);
      message = parsed as Message;
    } catch {
      // Not a UI message (a crash, a provider's stray print): shown as it is.
      return cut(line);
    }
    const type = text(message['type']);
    // Values are decoded from JSON: a secret in them is only recognisable now.
    const said = redact(text(message['@message']));
    switch (type) {
      case 'planned_change':
        this.planned(object(message['change']));
        break;
      case 'apply_start':
      case 'apply_complete':
      case 'apply_errored':
        this.hook(type, object(message['hook']));
        break;
      case 'diagnostic':
        return this.diagnostic(object(message['diagnostic']));
      case 'change_summary':
        if (text(object(message['changes'])['operation']) === 'apply') this.completion = said;
        break;
      default:
        break;
    }
    return SILENT.has(type) || said === '' ? undefined : cut(said.replace(/\n+$/, ''));
  }

  private entry(address: string, action: string): AppliedResource | undefined {
    const known = this.resources.get(address);
    if (known !== undefined) return known;
    if (address === '' || this.resources.size >= MAX_RESOURCES) return undefined;
    const created: AppliedResource = { address, action, status: 'pending' };
    this.resources.set(address, created);
    return created;
  }

  private planned(change: Message): void {
    const address = text(object(change['resource'])['addr']);
    const entry = this.entry(address, text(change['action']));
    const reason = text(change['reason']);
    if (entry !== undefined && reason !== '') entry.reason = reason;
  }

  private hook(type: string, hook: Message): void {
    const address = text(object(hook['resource'])['addr']);
    const step = text(hook['action']);
    const entry = this.entry(address, step);
    if (entry === undefined) return;
    const elapsed = hook['elapsed_seconds'];
    if (typeof elapsed === 'number') entry.elapsedSeconds = elapsed;
    if (type === 'apply_start') {
      if (entry.status !== 'half') entry.status = 'started';
    } else if (type === 'apply_errored') {
      entry.status = 'errored';
    } else if (entry.action === 'replace' && entry.status !== 'half') {
      // A replacement destroys, then creates (or the reverse, create_before_destroy): each half
      // completes on its own, and one half is not the change.
      entry.status = 'half';
    } else {
      entry.status = 'complete';
    }
  }

  private diagnostic(diagnostic: Message): string {
    const severity = text(diagnostic['severity']) === 'warning' ? 'warning' : 'error';
    const summary = redact(text(diagnostic['summary']));
    const detail = redact(text(diagnostic['detail'])).trimEnd();
    const address = text(diagnostic['address']);
    if (this.kept.length < MAX_DIAGNOSTICS) {
      this.kept.push({
        severity,
        summary: cut(summary, 500),
        detail: cut(detail),
        ...(address === '' ? {} : { address }),
      });
    } else this.dropped++;
    return plainDiagnostic({ severity, summary, detail, ...(address === '' ? {} : { address }) });
  }

  /** Every resource the apply planned, in the order Terraform first named it. */
  get applied(): readonly AppliedResource[] {
    return [...this.resources.values()];
  }

  get diagnostics(): readonly ApplyDiagnostic[] {
    return this.kept;
  }

  /** Diagnostics past MAX_DIAGNOSTICS, counted only. */
  get droppedDiagnostics(): number {
    return this.dropped;
  }

  /** The error diagnostics as Terraform's plain text prints them, for the failure's message. */
  errorText(): string {
    return this.kept
      .filter((diagnostic) => diagnostic.severity === 'error')
      .map(plainDiagnostic)
      .join('\n');
  }
}

/** A diagnostic as `-no-color` prints it: `Error: summary`, the resource, the detail. */
function plainDiagnostic(diagnostic: ApplyDiagnostic): string {
  const lines = [`${diagnostic.severity === 'error' ? 'Error' : 'Warning'}: ${diagnostic.summary}`];
  if (diagnostic.address !== undefined) lines.push('', `  with ${diagnostic.address},`);
  if (diagnostic.detail !== '') lines.push('', cut(diagnostic.detail));
  return lines.join('\n');
}

import * as core from '@actions/core';
import { redact } from '../lib/secrets.js';
import type { Stage } from '../lib/stage.js';

/**
 * One thing a check found, at its level: the contract checks find errors and warnings, the
 * stale-commit guard warnings and plain information.
 */
export interface Finding {
  level: 'error' | 'warning' | 'info';
  message: string;
}

// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A plain log line built from what Terraform or a service handed over (addresses, secret ids):
 * secrets removed, every control character escaped (`\u000a`), so it stays one line, and a
 * leading `::` escaped, so the runner never reads it as a workflow command. Annotations need
 * none of this: @actions/core escapes their text itself.
 */
export function logLine(text: string): string {
  const line = redact(text).replace(
    LINE_BREAKING,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return line.startsWith('::') ? `\\u003a${line.slice(1)}` : line;
}

/**
 * Shows each finding as its level asks: an error annotation and a summary note, a warning
 * (annotation and note, by the stage), or a log line for information.
 */
export function reportFindings(stage: Stage, findings: readonly Finding[]): void {
  for (const finding of findings) {
    if (finding.level === 'error') {
      core.error(`${stage.name}: ${finding.message}`);
      stage.note(`error: ${finding.message}`);
    } else if (finding.level === 'warning') {
      stage.warning(finding.message);
    } else {
      core.info(logLine(finding.message));
    }
  }
}

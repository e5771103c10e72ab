import * as core from '@actions/core';
import { logLine } from '../lib/names.js';
import type { Stage } from '../lib/stage.js';

/**
 * One thing a check found, at its level: the contract checks find errors and warnings, the
 * stale-commit guard warnings and plain information.
 */
export interface Finding {
  level: 'error' | 'warning' | 'info';
  message: string;
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

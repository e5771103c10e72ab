import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from './errors.js';
import { shown } from './names.js';

/** Strict boolean: `true` or `false` in any case, trimmed; an empty value takes the default. */
export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigurationError(`input "${name}" is ${shown(raw.trim())}: use true or false`);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
/** A self-hosted runner's longest job; longer would also overflow Node's timers (~24.8 days). */
const MAX_DURATION_MS = 72 * 3_600_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Duration in milliseconds: `90s`, `5m`, `1h`, `250ms` or plain seconds; it must be positive. */
export function parseDuration(name: string, raw: string): number {
  const match = DURATION.exec(raw.trim());
  const amount = match?.[1];
  if (match === null || amount === undefined) {
    throw new ConfigurationError(
      `input "${name}" is ${shown(raw.trim())}: not a duration; use a number with s, m or h (90s, 5m, 1h) or plain seconds`,
    );
  }
  const unit = (match[2] ?? 's').toLowerCase();
  const ms = Math.round(Number(amount) * (UNIT_MS[unit] ?? 1000));
  if (ms <= 0) {
    throw new ConfigurationError(`input "${name}" is ${shown(raw.trim())}: the duration must be above zero`);
  }
  if (ms > MAX_DURATION_MS) {
    throw new ConfigurationError(
      `input "${name}" is ${shown(raw.trim())}: the longest accepted duration is 72h`,
    );
  }
  return ms;
}

/** Integer within [min, max]. */
export function parseInteger(name: string, raw: string, min: number, max: number): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigurationError(
      `input "${name}" is ${shown(value)}: use a whole number from ${min} to ${max}`,
    );
  }
  return Number(value);
}

/** One entry a line, trimmed; blank lines and lines starting with `#` are skipped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `KEY=VALUE` lines into ordered pairs; the value may hold `=`. */
export function parseKeyValueLines(name: string, raw: string): [string, string][] {
  return parseList(raw).map((line) => {
    const at = line.indexOf('=');
    if (at <= 0) {
      throw new ConfigurationError(`input "${name}": the line ${shown(line, 40)} is not KEY=VALUE`);
    }
    return [line.slice(0, at).trim(), line.slice(at + 1)];
  });
}

/** One of the allowed values, case-insensitive. */
export function parseChoice<T extends string>(
  name: string,
  raw: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  const found = allowed.find((option) => option.toLowerCase() === value);
  if (found === undefined) {
    throw new ConfigurationError(`input "${name}" is ${shown(raw.trim())}: use one of ${allowed.join(', ')}`);
  }
  return found;
}

/**
 * Splits a command line into an argument array the way a POSIX shell splits words (single and
 * double quotes, backslash escapes), without running a shell: no expansion, no redirection.
 */
export function splitCommand(name: string, raw: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < raw.length; i++) {
    const char = raw.charAt(i);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '$' || char === '`') {
        throw new ConfigurationError(
          `input "${name}" uses ${char} inside double quotes, but nothing is expanded without a shell: pass the value through env, or use single quotes for a literal`,
        );
      }
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw.charAt(i + 1))) {
        word += raw.charAt(++i);
      } else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < raw.length) {
      word += raw.charAt(++i);
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if ('|&;<>()$`'.includes(char)) {
        throw new ConfigurationError(
          `input "${name}" uses the shell character ${char}, but it is run without a shell: give one command with its arguments, or a script file`,
        );
      }
      word += char;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new ConfigurationError(`input "${name}" has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0) {
    throw new ConfigurationError(`input "${name}" is empty: give a command, e.g. alembic upgrade head`);
  }
  return words;
}

/** The runner's workspace, where relative paths of inputs start (the current folder outside a runner). */
export function workspaceOf(env: NodeJS.ProcessEnv = process.env): string {
  return env['GITHUB_WORKSPACE'] || process.cwd();
}

/** A path input, absolute or relative to the workspace. */
export function workspacePath(raw: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(raw) ? raw : resolve(workspaceOf(env), raw);
}

/** A folder input, resolved in the workspace; anything but an existing folder names the input. */
export function workspaceFolder(name: string, raw: string, env: NodeJS.ProcessEnv = process.env): string {
  const folder = workspacePath(raw, env);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new ConfigurationError(`input "${name}" is ${shown(raw)}, which is not a folder in the workspace`);
  }
  return folder;
}

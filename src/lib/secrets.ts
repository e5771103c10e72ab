import * as core from '@actions/core';

/**
 * Every value registered here is masked by the runner (`::add-mask::`) and removed by
 * `redact()` from anything this code prints itself, because the runner's masking only
 * protects the log: outputs, summaries and annotations written before registration are not.
 */
const registered = new Set<string>();

/** Lines of a multi-line secret shorter than this (trimmed) are not registered on their own. */
export const MIN_LINE_LENGTH = 6;

/**
 * The forms in which a secret can leak: as given, percent-encoded or -decoded (also in the form
 * of an HTML form or Python's `quote_plus`, a space as `+`), base64.
 */
export function derivedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const encoded = encodeURIComponent(value);
  forms.add(encoded);
  forms.add(encoded.replace(/%20/g, '+'));
  forms.add(quotePlus(value));
  try {
    forms.add(decodeURIComponent(value));
    forms.add(decodeURIComponent(value.replace(/\+/g, ' ')));
  } catch {
    // Not percent-encoded: nothing to add.
  }
  const bytes = Buffer.from(value, 'utf8');
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  // A multi-line secret leaks line by line; the runner masks each line it is told about. Very
  // short lines (a JSON brace, `},`) are no secret on their own, and masking them would blank
  // every such character in the whole log.
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_LINE_LENGTH) forms.add(line);
  }
  return [...forms].filter((form) => form !== '');
}

/**
 * Python's `urllib.parse.quote_plus`: every byte but letters, digits and `_.-~` percent-encoded
 * (upper-case hex), a space as `+`. It encodes more than encodeURIComponent (`!'()*`).
 */
function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Registers a secret and its derived forms, before anything that could print them. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value === '') return;
  for (const form of derivedForms(value)) {
    if (registered.has(form)) continue;
    registered.add(form);
    core.setSecret(form);
  }
}

/** Replaces every registered secret in `text` with `***`, longest first. */
export function redact(text: string): string {
  if (registered.size === 0 || text === '') return text;
  let result = text;
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  return result;
}

/** The length of the longest registered form: text held back at a cut must be at least this long. */
export function longestSecretLength(): number {
  let longest = 0;
  for (const secret of registered) longest = Math.max(longest, secret.length);
  return longest;
}

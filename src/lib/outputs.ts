import * as core from '@actions/core';
import { isName, NameRules, type NameKind } from './names.js';
import { redact } from './secrets.js';

/**
 * The one way a stage sets an output: every value is checked against the form its output
 * documents before `core.setOutput`, so that a value a tool or a service handed over (a URL from
 * Terraform, a revision name from Cloud Run) cannot carry a second line, a secret or a forged
 * value into the steps that read it.
 */
export type OutputForm =
  | { readonly kind: 'name'; readonly name: NameKind }
  | { readonly kind: 'url' }
  | { readonly kind: 'digest' }
  | { readonly kind: 'image' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'count' }
  | { readonly kind: 'json' }
  | { readonly kind: 'line'; readonly pattern?: RegExp };

/** A value that does not have the form its output promises: the stage fails rather than set it. */
export class OutputError extends Error {
  override name = 'OutputError';
}

const MAX_LINE = 4096;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
// registry[:port]/path@sha256:… or registry/path:tag — lower-case repository path, as OCI requires.
const IMAGE =
  /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;
// eslint-disable-next-line no-control-regex -- a control character in an output is the thing refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `value` does not have `form`, or undefined when it does. Empty is always allowed. */
export function outputProblem(value: string, form: OutputForm): string | undefined {
  if (value === '') return undefined;
  if (redact(value) !== value) return 'it holds a secret';
  if (form.kind === 'json') {
    if (value.length > 1024 * 1024) return 'it is longer than 1 MiB';
    try {
      JSON.parse(value);
    } catch {
      return 'it is not JSON';
    }
    return CONTROL.test(value) ? 'it holds a raw control character' : undefined;
  }
  if (CONTROL.test(value)) return 'it holds a line break or another control character';
  if (value.length > MAX_LINE) return `it is longer than ${MAX_LINE} characters`;
  switch (form.kind) {
    case 'name':
      return isName(form.name, value) ? undefined : `it is not ${NameRules[form.name].what}`;
    case 'url':
      return isHttpUrl(value) ? undefined : 'it is not an http(s) URL without credentials';
    case 'digest':
      return DIGEST.test(value) ? undefined : 'it is not a sha256: digest';
    case 'image':
      return IMAGE.test(value) ? undefined : 'it is not an image reference';
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'it is not true or false';
    case 'count':
      return /^(?:0|[1-9][0-9]{0,15})$/.test(value) ? undefined : 'it is not a whole number';
    case 'line':
      return form.pattern === undefined || form.pattern.test(value) ? undefined : 'it does not have the form';
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    );
  } catch {
    return false;
  }
}

/** Sets output `name` to `value` once it has `form`; otherwise throws an OutputError naming both. */
export function setCheckedOutput(name: string, value: string, form: OutputForm): void {
  const problem = outputProblem(value, form);
  if (problem !== undefined) {
    throw new OutputError(
      `output "${name}" was not set: ${problem}. The value came from a tool or a service, not from an input; check what it printed above`,
    );
  }
  core.setOutput(name, value);
}

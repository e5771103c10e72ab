import { redact } from './secrets.js';

/** `1500` → `1.5s`, `90000` → `1m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  // Round once, on whole seconds, so that 119.5 s carries into the minutes ("2m", not "1m60s").
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/**
 * A short, single-line excerpt of a body for messages: secrets removed **before** it is cut (a
 * cut secret is no longer recognised, by this code or the runner), control characters escaped.
 */
export function excerpt(text: string, max = 200): string {
  const flat = redact(text).replace(/\s+/g, ' ').replace(CONTROL_CHARACTERS, '?').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

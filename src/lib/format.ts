/** `1500` → `1.5s`, `90000` → `1m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

/** A short, single-line excerpt of a body for messages: control characters escaped. */
export function excerpt(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

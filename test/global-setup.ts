import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sourceFolder } from '../scripts/build.mjs';

const root = join(import.meta.dirname, '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Runner-level tests start the bundles in actions/<stage>/dist: rebuild them first when any
 * source is newer, so that `npm test` never tests a stale bundle. SKIP_BUNDLE_REBUILD=1 skips it, for
 * unit tests only.
 */
export default function setup(): void {
  // For unit tests run while someone else rebuilds the bundles (never set in CI).
  if (process.env['SKIP_BUNDLE_REBUILD'] === '1') return;
  const stages = readdirSync(join(root, 'actions')).filter((stage) =>
    existsSync(join(root, 'src', sourceFolder(stage), 'index.ts')),
  );
  const sources = newestMtime(join(root, 'src'));
  const stale = stages.filter((stage) => {
    const bundle = join(root, 'actions', stage, 'dist', 'index.js');
    return !existsSync(bundle) || statSync(bundle).mtimeMs < sources;
  });
  if (stale.length > 0) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...stale], { stdio: 'inherit' });
  }
}

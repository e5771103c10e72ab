// Bundles every stage that exists (src/<source folder>/index.ts with an actions/<stage>/action.yml)
// into actions/<stage>/dist/ with ncc: minified, with a source map, as ES modules.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/**
 * The source folder of a stage: `src/<stage>`, except the test stage's, `src/test-stage`, so
 * that nobody reads it as tests (the action stays `actions/test`).
 * @param {string} stage
 */
export const sourceFolder = (stage) => (stage === 'test' ? 'test-stage' : stage);

export function stages() {
  return readdirSync(join(root, 'actions'))
    .filter((name) => existsSync(join(root, 'actions', name, 'action.yml')))
    .filter((name) => existsSync(join(root, 'src', sourceFolder(name), 'index.ts')))
    .sort();
}

/** @param {string} stage */
export function buildStage(stage) {
  const out = join(root, 'actions', stage, 'dist');
  // Built beside the committed bundle and swapped in only when ncc succeeded: a failed build
  // (a type error anywhere under src/: ncc checks the whole program) leaves dist/ as it was.
  const next = join(root, 'actions', stage, 'dist.next');
  rmSync(next, { recursive: true, force: true });
  const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const result = spawnSync(
    process.execPath,
    [
      ncc,
      'build',
      join('src', sourceFolder(stage), 'index.ts'),
      '-o',
      next,
      '-m',
      '-s',
      '--no-source-map-register',
      '--license',
      'licenses.txt',
      '-q',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`ncc failed for ${stage}`);
  }
  // The bundle is an ES module wherever the action is checked out, whatever package.json is above it.
  writeFileSync(join(next, 'package.json'), '{ "type": "module" }\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(next, out);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  for (const stage of only.length > 0 ? only : stages()) {
    buildStage(stage);
    console.log(`built actions/${stage}/dist`);
  }
}

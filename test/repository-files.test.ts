// The files a published repository carries besides its code: Dependabot, CODEOWNERS, SECURITY.md,
// CONTRIBUTING.md, each checked for what it must cover here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../testkit/local-runner.mjs';
import { publisherOf } from '../scripts/publisher.mjs';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const publisher = publisherOf(repoRoot);

interface Update {
  'package-ecosystem': string;
  directory?: string;
  directories?: string[];
  schedule: { interval: string };
  groups?: Record<string, { patterns?: string[]; 'dependency-type'?: string }>;
}

describe('.github/dependabot.yml', () => {
  const config = parse(read('.github/dependabot.yml')) as { version: number; updates: Update[] };
  const update = (ecosystem: string) => config.updates.find((u) => u['package-ecosystem'] === ecosystem);

  it('updates the GitHub Actions of every workflow folder, weekly, in one group', () => {
    const actions = update('github-actions');
    expect(config.version).toBe(2);
    expect(actions?.schedule.interval).toBe('weekly');
    expect(actions?.groups?.['github-actions']?.patterns).toEqual(['*']);
    // Every folder that holds a .github/workflows (the root, the reference service's callers).
    const withWorkflows = ['/', '/examples/fastapi-service'].filter((dir) =>
      existsSync(join(repoRoot, dir, '.github', 'workflows')),
    );
    expect(actions?.directories).toEqual(withWorkflows);
    const exampleDirs = readdirSync(join(repoRoot, 'examples')).filter((name) =>
      existsSync(join(repoRoot, 'examples', name, '.github', 'workflows')),
    );
    expect(exampleDirs.map((name) => `/examples/${name}`)).toEqual(withWorkflows.slice(1));
  });

  it('updates npm weekly, production and development dependencies in their own groups', () => {
    const npm = update('npm');
    expect(npm?.directory).toBe('/');
    expect(npm?.schedule.interval).toBe('weekly');
    expect(Object.values(npm?.groups ?? {}).map((group) => group['dependency-type'])).toEqual([
      'production',
      'development',
    ]);
  });
});

describe('.github/CODEOWNERS', () => {
  const rules = read('.github/CODEOWNERS')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/));

  it("asks the publisher's team for the bundles, the action metadata and the workflows", () => {
    expect(rules.map(([pattern]) => pattern)).toEqual(
      expect.arrayContaining(['/actions/*/dist/', '/actions/*/action.yml', '/.github/workflows/']),
    );
    for (const [pattern, ...owners] of rules) {
      expect(owners, pattern).toEqual([`@${publisher.owner}/cloud-run-deploy-maintainers`]);
    }
  });
});

describe('SECURITY.md and CONTRIBUTING.md', () => {
  it("SECURITY.md links the repository's private vulnerability reporting and names the versions fixed", () => {
    const security = read('SECURITY.md');
    expect(security).toContain(`https://github.com/${publisher.repository}/security/advisories/new`);
    expect(security).toMatch(/latest major/);
  });

  it('the README points contributors to CONTRIBUTING.md, which documents the release, updates and publishing', () => {
    expect(read('README.md')).toContain('[CONTRIBUTING.md](CONTRIBUTING.md)');
    const contributing = read('CONTRIBUTING.md');
    for (const heading of ['## Releasing', '## Dependency updates', '## Publishing under your own name']) {
      expect(contributing).toContain(heading);
    }
    for (const command of ['npm run release:dry-run', 'npm run pins:sync', 'npm run docs']) {
      expect(contributing).toContain(command);
    }
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['release:dry-run']).toBe('node scripts/release-dry-run.mjs');
    expect(scripts['pins:sync']).toBe('node scripts/pins-sync.mjs');
  });
});

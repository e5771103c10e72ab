import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFolder } from '../scripts/build.mjs';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';
import { publisherOf } from '../scripts/publisher.mjs';

/** GitHub Marketplace refuses to publish an action whose description is longer. */
const MARKETPLACE_DESCRIPTION_LIMIT = 125;

const stages = readdirSync(join(repoRoot, 'actions')).filter((stage) =>
  existsSync(join(repoRoot, 'actions', stage, 'action.yml')),
);

/**
 * What GitHub Marketplace (or a reader of it) would refuse in an action.yml: a missing name, a
 * description missing, on several lines or longer than the limit, and an author other than the
 * publisher (the owner in package.json's repository.url; npm run docs writes it).
 */
function marketplaceProblems(spec: object, owner: string): string[] {
  const { name, description, author } = spec as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof name !== 'string' || name.trim() === '') problems.push('no name');
  if (typeof description !== 'string' || description.trim() === '') {
    problems.push('no description');
  } else {
    if (description.length > MARKETPLACE_DESCRIPTION_LIMIT) {
      problems.push(
        `the description has ${description.length} characters: shorten it to ${MARKETPLACE_DESCRIPTION_LIMIT}`,
      );
    }
    if (description.includes('\n')) problems.push('the description has several lines');
  }
  if (typeof author !== 'string' || author.trim() === '') problems.push('no author');
  else if (author !== owner) problems.push(`the author is ${author}, not the publisher ${owner}`);
  return problems;
}

describe('marketplaceProblems', () => {
  const spec = { name: 'X', description: 'd'.repeat(MARKETPLACE_DESCRIPTION_LIMIT), author: 'acme' };
  it('accepts a description of exactly the limit with the publisher as author', () => {
    expect(marketplaceProblems(spec, 'acme')).toEqual([]);
  });
  it('refuses one character more, a missing author and another author', () => {
    expect(marketplaceProblems({ ...spec, description: 'd'.repeat(126) }, 'acme')).toEqual([
      'the description has 126 characters: shorten it to 125',
    ]);
    expect(marketplaceProblems({ name: 'X', description: 'Does x.' }, 'acme')).toEqual(['no author']);
    expect(marketplaceProblems({ ...spec, author: 'someone' }, 'acme')).toEqual([
      'the author is someone, not the publisher acme',
    ]);
    expect(marketplaceProblems({ author: 'acme' }, 'acme')).toEqual(['no name', 'no description']);
  });
});

interface StageConstants {
  Inputs: Record<string, string>;
  Outputs: Record<string, string>;
}

describe.each(stages)('actions/%s/action.yml', (stage) => {
  it('declares exactly the inputs and outputs of the stage constants', async () => {
    const constants = (await import(`../src/${sourceFolder(stage)}/constants.ts`)) as StageConstants;
    const spec = readActionYml(stage);
    expect(Object.keys(spec.inputs ?? {}).sort()).toEqual(Object.values(constants.Inputs).sort());
    expect(Object.keys(spec.outputs ?? {}).sort()).toEqual(Object.values(constants.Outputs).sort());
  });

  it(`has a description of at most ${MARKETPLACE_DESCRIPTION_LIMIT} characters (the Marketplace limit) and the publisher as author`, () => {
    expect(marketplaceProblems(readActionYml(stage), publisherOf(repoRoot).owner)).toEqual([]);
  });

  it('runs its own bundle on node24, and every input and output is described', () => {
    const spec = readActionYml(stage);
    expect(spec.runs.using).toBe('node24');
    expect(spec.runs.main).toBe('dist/index.js');
    for (const [name, input] of Object.entries({ ...spec.inputs, ...spec.outputs })) {
      expect(input.description, name).toMatch(/\S{3,}/);
    }
  });
});

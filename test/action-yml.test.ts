import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFolder } from '../scripts/build.mjs';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';

const stages = readdirSync(join(repoRoot, 'actions')).filter((stage) =>
  existsSync(join(repoRoot, 'actions', stage, 'action.yml')),
);

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

  it('runs its own bundle on node24, and every input and output is described', () => {
    const spec = readActionYml(stage);
    expect(spec.runs.using).toBe('node24');
    expect(spec.runs.main).toBe('dist/index.js');
    for (const [name, input] of Object.entries({ ...spec.inputs, ...spec.outputs })) {
      expect(input.description, name).toMatch(/\S{3,}/);
    }
  });
});

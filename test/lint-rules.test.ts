// The design's walls are lint rules (eslint.config.js `designWalls`): each is shown to trip here,
// on a snippet linted as if it stood at a path of the tree, and to let the allowed form pass.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { designWalls } from '../eslint.config.js';
import { repoRoot } from '../testkit/local-runner.mjs';

const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...designWalls],
});

async function problems(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(repoRoot, path) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('design walls', () => {
  it.each([
    [
      'src/deploy/main.ts',
      "import * as core from '@actions/core';\nexport const x = core.getInput('image');",
    ],
    [
      'src/lib/stage.ts',
      "import * as core from '@actions/core';\nexport const x = core.getBooleanInput('push');",
    ],
    [
      'src/migrate/proxy.ts',
      "import * as core from '@actions/core';\nexport const x = core.getMultilineInput('tags');",
    ],
    [
      'src/health-check/probe.ts',
      "import { getInput } from '@actions/core';\nexport const x = getInput('url');",
    ],
  ])('refuses reading an input outside inputs.ts (%s)', async (path, source) => {
    expect((await problems(path, source)).join('\n')).toMatch(
      /Inputs are read only in src\/<stage>\/inputs\.ts/,
    );
  });

  it('lets inputs.ts read inputs', async () => {
    expect(
      await problems(
        'src/deploy/inputs.ts',
        "import * as core from '@actions/core';\nimport { getInput } from '@actions/core';\nexport const x = core.getInput('image') + getInput('vars');",
      ),
    ).toEqual([]);
  });

  it.each([
    ['src/deploy/main.ts', "import * as core from '@actions/core';\ncore.setOutput('url', 'x');"],
    ['src/health-check/inputs.ts', "import * as core from '@actions/core';\ncore.setOutput('url', 'x');"],
    ['src/lib/stage.ts', "import { setOutput } from '@actions/core';\nsetOutput('url', 'x');"],
  ])('refuses setting an output outside setCheckedOutput (%s)', async (path, source) => {
    expect((await problems(path, source)).join('\n')).toMatch(/only through setCheckedOutput/);
  });

  it('lets src/lib/outputs.ts set outputs', async () => {
    expect(
      await problems(
        'src/lib/outputs.ts',
        "import * as core from '@actions/core';\ncore.setOutput('url', 'x');",
      ),
    ).toEqual([]);
  });

  it.each([
    ['src/lib/summary.ts', "import { STAGE } from '../deploy/constants.js';\nexport const x = STAGE;"],
    ['src/lib/exec.ts', "export const load = () => import('../test-stage/junit.js');"],
  ])('refuses a stage import from src/lib (%s)', async (path, source) => {
    expect((await problems(path, source)).join('\n')).toMatch(/src\/lib imports no stage/);
  });

  it.each([
    [
      'src/deploy/main.ts',
      "import { resolveManifest } from '../build-push/registry.js';\nexport const x = resolveManifest;",
    ],
    [
      'src/health-check/inputs.ts',
      "import { Inputs } from '../migrate/constants.js';\nexport const x = Inputs;",
    ],
    ['src/test-stage/main.ts', "export const load = () => import('../deploy/github-compare.js');"],
  ])('refuses one stage importing another (%s)', async (path, source) => {
    expect((await problems(path, source)).join('\n')).toMatch(/A stage imports no other stage/);
  });

  it('lets a stage import src/lib and its own modules', async () => {
    expect(
      await problems(
        'src/deploy/main.ts',
        "import { runStage } from '../lib/stage.js';\nimport { Inputs } from './constants.js';\nexport const x = [runStage, Inputs, () => import('./github-compare.js'), () => import('../lib/contract-parse.js')];",
      ),
    ).toEqual([]);
  });
});

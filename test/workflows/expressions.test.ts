// The expression evaluator that the rehearsal and the workflow tests compute stage inputs with
// (testkit/workflows.ts): GitHub's operators, coercions and functions for the subset the
// workflows use, and a loud failure for anything else, so that a workflow change cannot pass
// unevaluated.
import { describe, expect, it } from 'vitest';
import {
  callInputs,
  evaluateCondition,
  evaluateEnv,
  evaluateExpression,
  evaluateTemplate,
  evaluateWith,
  type ExpressionContext,
  type Workflow,
} from '../../testkit/workflows.js';

const context: ExpressionContext = {
  inputs: { environment: 'dev', dockerfile: '', 'cancel-superseded': true, builder: 'docker', count: 3 },
  vars: { GCP_REGION: 'europe-west1' },
  secrets: { token: 's3cret' },
  needs: { config: { outputs: { registry: 'europe-west1-docker.pkg.dev' } } },
  steps: { secrets: { outputs: { 'database-url': 'postgresql://x' } } },
  env: { STAGE: 'build' },
  github: { sha: 'abc123', token: 'ghs_x' },
};
const run = (expression: string) => evaluateExpression(expression, context);

describe('evaluateExpression', () => {
  it.each([
    ['inputs.environment', 'dev'],
    ['inputs.cancel-superseded', true],
    ["inputs['environment']", 'dev'],
    ['needs.config.outputs.registry', 'europe-west1-docker.pkg.dev'],
    ['steps.secrets.outputs.database-url', 'postgresql://x'],
    ['env.STAGE', 'build'],
    ['github.sha', 'abc123'],
    ["format('service/{0}/{1}', inputs.environment, github.sha)", 'service/dev/abc123'],
    ["format('{{literal}} {0}', 'x')", '{literal} x'],
    // GitHub compares strings ignoring case, and values of different types as numbers.
    ["inputs.builder == 'DOCKER'", true],
    ["inputs.builder != 'docker'", false],
    ["inputs.count == '3'", true],
    ['inputs.count > 2 && inputs.count < 4', true],
    // && and || give an operand, not a boolean: the pipeline's `file:` relies on it.
    ["inputs.dockerfile != '' && format('service/{0}', inputs.dockerfile) || ''", ''],
    ["inputs.environment != '' && format('service/{0}', inputs.environment) || ''", 'service/dev'],
    ["!inputs.cancel-superseded || 'fallback'", 'fallback'],
    ["(inputs.builder == 'docker') && 'buildx'", 'buildx'],
    ["contains('buildah podman', inputs.builder)", false],
    ["startsWith(github.sha, 'ABC')", true],
    ['toJSON(needs.config.outputs)', '{\n  "registry": "europe-west1-docker.pkg.dev"\n}'],
    ['vars.NOT_SET', null],
    ['secrets.not-passed', null],
    ["'it''s'", "it's"],
  ])('%s → %j', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it.each([
    ['inputs.not-declared', /inputs\.not-declared is not known/],
    ['needs.build.outputs.image', /needs\.build is not known/],
    ['needs.config.outputs.nope', /needs\.config\.outputs\.nope is not known/],
    ['steps.auth.outputs.access_token', /steps\.auth is not known/],
    ['env.NOT_SET', /env\.NOT_SET is not known/],
    ['runner.temp', /reads the runner context, which is not given here/],
    ["hashFiles('**/x')", /the function hashFiles\(\) cannot be evaluated here/],
    ['inputs.environment ==', /ends too early/],
    ["'open", /unterminated string/],
    ['inputs.environment )', /unexpected "\)"/],
  ])('%s fails loudly', (expression, message) => {
    expect(() => run(expression)).toThrow(message);
  });
});

describe('evaluateTemplate and evaluateWith', () => {
  it('keeps the type of a whole expression and interpolates text', () => {
    expect(evaluateTemplate('${{ inputs.cancel-superseded }}', context)).toBe(true);
    expect(evaluateTemplate('cloud-run-${{ inputs.environment }}-build', context)).toBe(
      'cloud-run-dev-build',
    );
    expect(evaluateTemplate(true, context)).toBe(true);
    expect(evaluateTemplate('no expression', context)).toBe('no expression');
  });

  it('gives an action every input as text, multi-line values line by line', () => {
    expect(
      evaluateWith(
        {
          vars: 'project=${{ vars.GCP_REGION }}\nenvironment=${{ inputs.environment }}\n${{ vars.NOT_SET }}\n',
          push: true,
          count: '${{ inputs.count }}',
        },
        context,
      ),
    ).toEqual({ vars: 'project=europe-west1\nenvironment=dev\n\n', push: 'true', count: '3' });
  });

  it('names the input whose value cannot be evaluated', () => {
    expect(() => evaluateWith({ image: '${{ needs.build.outputs.image }}' }, context)).toThrow(
      /^with: image: .*needs\.build is not known/,
    );
  });

  it('refuses an object as text', () => {
    expect(() => evaluateWith({ all: '${{ needs.config.outputs }}' }, context)).toThrow(/use toJSON/);
  });
});

describe('evaluateCondition', () => {
  it('reads if: with or without ${{ }}; none is success()', () => {
    expect(evaluateCondition("inputs.builder == 'docker'", context)).toBe(true);
    expect(evaluateCondition("${{ inputs.builder != 'docker' }}", context)).toBe(false);
    expect(evaluateCondition(undefined, context)).toBe(true);
    expect(evaluateCondition('always()', context)).toBe(true);
    expect(evaluateCondition('failure()', context)).toBe(false);
  });
});

describe('evaluateEnv', () => {
  it('layers workflow, job and step env, each seeing the ones before', () => {
    expect(
      evaluateEnv([{ A: '${{ inputs.environment }}' }, { B: '${{ env.A }}-job' }, { A: 'step' }], {
        ...context,
        env: {},
      }),
    ).toEqual({ A: 'step', B: 'dev-job' });
  });
});

describe('callInputs', () => {
  const callee = {
    name: 'callee',
    jobs: {},
    on: {
      workflow_call: {
        inputs: {
          project: { type: 'string', required: true },
          builder: { type: 'string', default: 'docker' },
          cancel: { type: 'boolean', required: true },
          empty: { type: 'string' },
        },
      },
    },
  } as Workflow;

  it('fills in defaults and keeps booleans as booleans', () => {
    expect(callInputs(callee, 'callee.yml', { project: 'p', cancel: 'TRUE' })).toEqual({
      project: 'p',
      builder: 'docker',
      cancel: true,
      empty: '',
    });
  });

  it('refuses what GitHub refuses: an undeclared input, a missing required one, a wrong type', () => {
    expect(() => callInputs(callee, 'callee.yml', { project: 'p', cancel: true, target: 'x' })).toThrow(
      'callee.yml declares no input "target"',
    );
    expect(() => callInputs(callee, 'callee.yml', { cancel: true })).toThrow(
      'callee.yml requires input "project"',
    );
    expect(() => callInputs(callee, 'callee.yml', { project: 'p', cancel: 'yes' })).toThrow(
      /input "cancel" is a boolean/,
    );
  });
});

// GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions language
// service) validates every workflow against GitHub's schema, and the example service's calls of
// deploy-dev/deploy-prod (and their call of pipeline.yml) against the called workflows' inputs.
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publisherOf } from '../../scripts/publisher.mjs';
import { repoRoot } from '../../testkit/local-runner.mjs';
import { exampleWorkflowsDir, workflowsDir } from '../../testkit/workflows.js';

// The publisher's owner/name, from package.json (the one place a publisher changes it).
const OWN_REPOSITORY = publisherOf(repoRoot).repository;

/** Resolves this repository's workflows (local `./.github/workflows/x` or `example-org/…@ref`) to the files here. */
const fileProvider = (overrides: Record<string, string> = {}): FileProvider & { fetched: string[] } => {
  const fetched: string[] = [];
  return {
    fetched,
    getFileContent(ref: FileReference) {
      if ('repository' in ref && `${ref.owner}/${ref.repository}` !== OWN_REPOSITORY) {
        return Promise.reject(new Error(`not this repository: ${ref.owner}/${ref.repository}`));
      }
      const path = ref.path.replace(/^\.\//, '');
      fetched.push(path);
      const content = overrides[path] ?? readFileSync(join(repoRoot, path), 'utf8');
      return Promise.resolve({ name: path, content });
    },
  };
};

async function validate(
  name: string,
  content: string,
  provider = fileProvider(),
): Promise<{ errors: string[]; template: WorkflowTemplate | undefined }> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors().map((error) => error.message);
  if (!parsed.value) return { errors: parseErrors, template: undefined };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, {
    fetchReusableWorkflowDepth: 1,
  });
  return { errors: [...parseErrors, ...(template.errors ?? []).map((error) => error.Message)], template };
}

const files = [
  ...readdirSync(workflowsDir).map((name) => join(workflowsDir, name)),
  ...readdirSync(exampleWorkflowsDir).map((name) => join(exampleWorkflowsDir, name)),
].filter((file) => file.endsWith('.yml'));

describe('GitHub’s workflow parser', () => {
  it.each(files.map((file) => [relative(repoRoot, file)]))('accepts %s', async (path) => {
    const { errors, template } = await validate(path, readFileSync(join(repoRoot, path), 'utf8'));
    expect(errors).toEqual([]);
    expect(template?.jobs.length).toBeGreaterThan(0);
  });

  it.each(['deploy-dev.yml', 'deploy-prod.yml'])(
    'accepts the example’s call of %s and loads it',
    async (name) => {
      const path = relative(repoRoot, join(exampleWorkflowsDir, name));
      const provider = fileProvider();
      const { errors, template } = await validate(path, readFileSync(join(repoRoot, path), 'utf8'), provider);
      expect(errors).toEqual([]);
      expect(provider.fetched).toEqual([`.github/workflows/${name}`]);
      const job = template?.jobs[0];
      expect(job?.type).toBe('reusableWorkflowJob');
      // The called workflow was loaded: its one job is the pipeline call.
      expect(job && 'jobs' in job ? job.jobs?.map((j) => j.id.value) : []).toEqual(['pipeline']);
    },
  );

  const example = readFileSync(join(exampleWorkflowsDir, 'deploy-dev.yml'), 'utf8');
  it.each([
    [
      'an input the workflow does not declare',
      example.replace(
        '      service: fastapi-service\n',
        '      service: fastapi-service\n      servise: typo\n',
      ),
      /servise/,
    ],
    ['a missing required input', example.replace(/^ {6}project: .*\n/m, ''), /project/],
    ['(deploy-dev.yml → pipeline.yml) a required input left out', null, /branch/],
  ])('rejects a call with %s', async (_what, content, message) => {
    let errors: string[];
    if (content === null) {
      // deploy-dev.yml's own call of pipeline.yml is checked the same way.
      const original = readFileSync(join(workflowsDir, 'deploy-dev.yml'), 'utf8');
      const wrapper = original.replace(/^ {6}branch: dev\n/m, '');
      expect(wrapper).not.toBe(original);
      ({ errors } = await validate('.github/workflows/deploy-dev.yml', wrapper));
    } else {
      expect(content).not.toBe(example);
      ({ errors } = await validate('examples/fastapi-service/.github/workflows/deploy-dev.yml', content));
    }
    expect(errors.join('\n')).toMatch(message);
  });
});

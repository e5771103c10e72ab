import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { filesSentMatching } from './dockerignore.js';
import { ConfigurationError } from '../lib/errors.js';
import { runTool } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { findCredentials, resolveManifest } from './registry.js';
import { runStage } from '../lib/stage.js';
import { writeSummarySection, type Row } from '../lib/summary.js';
import { buildPlan } from './builders.js';
import { Outputs, STAGE } from './constants.js';
import { readInputs, type BuildInputs } from './inputs.js';

/** What google-github-actions/auth writes into the workspace: a credential that must stay out of images. */
const CREDENTIALS_FILE = /^gha-creds-.*\.json$/;
const REGISTRY_DEADLINE_MS = 5 * 60_000;

async function refuseCredentialsInContext(inputs: BuildInputs): Promise<void> {
  const sent = await filesSentMatching(inputs.context, CREDENTIALS_FILE);
  if (sent.length > 0) {
    throw new ConfigurationError(
      `the build context would carry cloud credentials (${sent.join(', ')}): add "gha-creds-*.json" to ${relative(process.cwd(), join(inputs.context, '.dockerignore')) || '.dockerignore'}, or build from a context without them`,
    );
  }
}

/** The digest the builder says it pushed: buildx's metadata file, or buildah's and podman's digest file. */
async function reportedDigest(
  inputs: BuildInputs,
  files: { metadata: string; digest: (tag: string) => string },
): Promise<string | undefined> {
  try {
    if (inputs.builder === 'docker') {
      const metadata = JSON.parse(await readFile(files.metadata, 'utf8')) as {
        'containerimage.digest'?: string;
      };
      return metadata['containerimage.digest'];
    }
    return (await readFile(files.digest(inputs.tag), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function run(): Promise<void> {
  await runStage(STAGE, async () => {
    const started = Date.now();
    const inputs = readInputs();
    const deadline = started + inputs.timeoutMs;
    core.debug(`inputs: ${JSON.stringify(inputs)}`);
    const taggedImage = `${inputs.imageName}:${inputs.tag}`;
    const rows: Row[] = [
      ['Image', inputs.imageName],
      ['Tag', [inputs.tag, ...inputs.tags].join(', ')],
      ['Builder', `${inputs.builder} (${inputs.platform})`],
    ];
    const notes: string[] = [];
    let ok = false;
    let headline = 'failed';
    const dir = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'build-push-'));
    const files = {
      metadata: join(dir, 'metadata.json'),
      digest: (tag: string) => join(dir, `digest-${tag}`),
    };
    try {
      await refuseCredentialsInContext(inputs);
      const plan = buildPlan(inputs, files);
      const stream = { onOutput: (chunk: string) => process.stdout.write(chunk) };
      const buildStarted = Date.now();
      core.startGroup(`${plan.command} ${plan.build.slice(0, 2).join(' ')} ${taggedImage}`);
      try {
        await runTool(plan.command, plan.build, { timeoutMs: Math.max(1, deadline - Date.now()), ...stream });
        // Each tag is pushed by the builder itself, one after another (they share layers).
        for (const push of plan.pushes) {
          await runTool(plan.command, push.args, {
            timeoutMs: Math.max(1, deadline - Date.now()),
            ...stream,
          });
        }
      } finally {
        core.endGroup();
      }
      const buildMs = Date.now() - buildStarted;
      rows.push(['Build and push', formatMs(buildMs)]);

      if (!inputs.push) {
        headline = `built ${taggedImage}, not pushed`;
        notes.push(
          'push is false: nothing was pushed, so there is no registry digest (outputs digest and image are empty)',
        );
        core.setOutput(Outputs.Digest, '');
        core.setOutput(Outputs.Image, '');
        core.setOutput(Outputs.Tag, inputs.tag);
        core.setOutput(Outputs.TaggedImage, taggedImage);
        ok = true;
        return;
      }

      const credentials = await findCredentials(inputs.image.registry, inputs.builder);
      const registryDeadline = Math.min(deadline, Date.now() + REGISTRY_DEADLINE_MS);
      const [manifest, ...others] = await Promise.all(
        [inputs.tag, ...inputs.tags].map((tag) =>
          resolveManifest(inputs.image, tag, credentials, registryDeadline),
        ),
      );
      if (manifest === undefined) throw new Error('no tag was resolved');
      const reported = await reportedDigest(inputs, files);
      if (reported !== undefined && reported !== manifest.digest) {
        throw new Error(
          `${inputs.builder} reported ${reported} for ${taggedImage}, but the registry holds ${manifest.digest}: something else pushed the tag in between; deploy nothing and re-run`,
        );
      }
      if (reported === undefined) {
        core.warning(
          `${STAGE}: ${inputs.builder} reported no digest; the registry's answer is used unchecked`,
        );
      }
      others.forEach((other, index) => {
        if (other.digest !== manifest.digest) {
          throw new Error(
            `tag ${inputs.tags[index] ?? '?'} resolves to ${other.digest}, not ${manifest.digest}: another push moved it`,
          );
        }
      });
      if (manifest.manifests !== undefined) {
        notes.push(
          `the registry holds an index of ${manifest.manifests} manifests (${manifest.mediaType}); its digest is the one to deploy. Provenance or multi-platform builds make an index.`,
        );
      }
      const pinned = `${inputs.imageName}@${manifest.digest}`;
      core.setOutput(Outputs.Digest, manifest.digest);
      core.setOutput(Outputs.Image, pinned);
      core.setOutput(Outputs.Tag, inputs.tag);
      core.setOutput(Outputs.TaggedImage, taggedImage);
      rows.push(
        ['Digest', manifest.digest],
        ['Size', `${(manifest.size / 1024 / 1024).toFixed(1)} MiB`],
        ['Deploy', pinned],
      );
      headline = `pushed ${taggedImage}`;
      core.info(`${STAGE}: ${pinned}`);
      ok = true;
    } catch (error) {
      notes.push(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rows.push(['Time', formatMs(Date.now() - started)]);
      await writeSummarySection({ stage: STAGE, ok, headline, rows, notes });
    }
  });
}

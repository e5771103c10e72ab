import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { runTool } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { shown } from '../lib/names.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { workspaceOf } from '../lib/parse.js';
import { buildPlan, requireBuildx, type BuildPlan, type ReportFiles } from './builders.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import { unpinnedBaseImages } from './dockerfile.js';
import { envIgnoreLine, scanContext, sentByContext } from './dockerignore.js';
import { describeInputs, readInputs, type BuildInputs } from './inputs.js';
import { pushWithRetry } from './push-retry.js';
import { findCredentials, resolveManifest, type ResolvedManifest } from './registry.js';

/** What google-github-actions/auth writes into the workspace: a credential that must stay out of images. */
const CREDENTIALS_FILE = /^gha-creds-.*\.json$/;
const REGISTRY_DEADLINE_MS = 5 * 60_000;
/** The form of output `tag`. */
const SHA_TAG = /^sha-[0-9a-f]{7}$/;

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      const deadline = stage.startedAt + inputs.timeoutMs;
      stage.row('Image', inputs.imageName);
      stage.row('Tag', [inputs.tag, ...inputs.tags].join(', '));
      stage.row('Builder', `${inputs.builder} (${inputs.platform})`);
      const secretIds = [
        ...inputs.secrets.map(({ id }) => id),
        ...inputs.secretFiles.map(({ id }) => `${id} (file)`),
      ];
      if (secretIds.length > 0) stage.row('Build secrets', secretIds.join(', '));
      await checkContext(stage, inputs);
      await refuseSecretFilesInContext(inputs);
      await warnAboutUnpinnedBaseImages(stage, inputs);
      if (inputs.builder === 'docker') {
        core.debug(`${STAGE}: ${await requireBuildx(builderEnvironment({}))}`);
      }
      const files = reportFiles(stage.tempDir('build-push-'));
      await buildAndPush(stage, inputs, buildPlan(inputs, files), files, deadline);
      if (!inputs.push) {
        outputTheLocalBuild(stage, inputs);
        return;
      }
      const manifest = await resolvePushedDigest(stage, inputs, files, deadline);
      outputThePushedImage(stage, inputs, manifest);
    },
  });
}

/**
 * What the context would send into the image: cloud credentials are refused; `.env*` files
 * (often secrets) and `.git` (the whole history, and a context that changes with every commit)
 * are warned about, each with the `.dockerignore` line that leaves them out.
 */
async function checkContext(stage: Stage, inputs: BuildInputs): Promise<void> {
  const scan = await scanContext(inputs.context, { matching: CREDENTIALS_FILE });
  const dockerignore = relative(process.cwd(), join(inputs.context, '.dockerignore')) || '.dockerignore';
  const listed = (paths: readonly string[]): string => paths.map((path) => shown(path)).join(', ');
  if (scan.matching.length > 0) {
    throw new ConfigurationError(
      `the build context would carry cloud credentials (${scan.matching.join(', ')}): add "gha-creds-*.json" to ${dockerignore}, or build from a context without them`,
    );
  }
  if (scan.envFiles.length > 0) {
    const line = envIgnoreLine(scan.envFiles);
    stage.warning(
      `the build context sends ${listed(scan.envFiles)}, which .dockerignore does not exclude: .env files often hold secrets, and a COPY of the context puts them into the image. Add the line "${line}" to ${dockerignore} (and "!<file>" after it for one the image needs)`,
    );
  }
  if (scan.git) {
    stage.warning(
      `the build context sends .git, which .dockerignore does not exclude: the repository's history goes into the image with any COPY of the context, and every commit changes the context, so cached layers are rebuilt. Add the line ".git" to ${dockerignore}`,
    );
  }
}

/** A reference from the Dockerfile, as written when it is plain, escaped otherwise. */
const reference = (text: string): string => (/^[\w.:/@${}+-]+$/.test(text) ? text : shown(text));

/**
 * A base image named by a tag can change under the same commit: each FROM without a digest is
 * a warning on its line, with the pinned form to write.
 */
async function warnAboutUnpinnedBaseImages(stage: Stage, inputs: BuildInputs): Promise<void> {
  const text = await readFile(inputs.file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const inWorkspace = relative(workspaceOf(), inputs.file).split('\\').join('/');
  // An annotation's file is a path in the repository: a Dockerfile outside it has none.
  const annotated = inWorkspace !== '' && !inWorkspace.startsWith('../') && !isAbsolute(inWorkspace);
  const file = annotated ? inWorkspace : inputs.file;
  for (const finding of unpinnedBaseImages(text, inputs.buildArgs, inputs.platform)) {
    if (finding.kind === 'unknown') {
      stage.note(
        `${file}:${finding.line}: FROM ${reference(finding.written)} depends on ${finding.unresolved.join(', ')}, which has no value here (no default, no build-arg): whether its base image is pinned cannot be checked`,
      );
      continue;
    }
    const image = reference(finding.resolved);
    const viaArg = finding.written.includes('$');
    const message = `${file}:${finding.line}: FROM ${reference(finding.written)}${viaArg ? ` (${image})` : ''} names its base image by a tag without a digest: a tag moves, so the same commit can build on another base. Pin it${viaArg ? ' where the value is set (the ARG default or the build-arg)' : ''} as ${image}@sha256:<digest>, the digest from "docker buildx imagetools inspect ${image}" or "skopeo inspect --format {{.Digest}} docker://${image}"`;
    core.warning(`${STAGE}: ${message}`, {
      title: 'Base image without a digest',
      ...(annotated ? { file, startLine: finding.line } : {}),
    });
    stage.note(`warning: ${message}`);
  }
}

/** A secret file that the build context would send could end up in a layer by any `COPY .`. */
async function refuseSecretFilesInContext(inputs: BuildInputs): Promise<void> {
  for (const { id, path } of inputs.secretFiles) {
    const sent = await sentByContext(inputs.context, path);
    if (sent !== undefined) {
      throw new ConfigurationError(
        `input "${Inputs.SecretFiles}": the file of "${id}" (${shown(sent)}) is inside the build context and .dockerignore does not exclude it, so a COPY could put it into the image: write it outside the context (e.g. under $RUNNER_TEMP) or add it to .dockerignore`,
      );
    }
  }
}

/**
 * The builder's environment: this process's, without the raw `secrets` input (the runner hands
 * every input to the action as INPUT_*), plus the variables that carry the secret values.
 */
function builderEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const raw = `INPUT_${Inputs.Secrets.toUpperCase()}`;
  const inherited = Object.entries(process.env).filter(([name]) => name !== raw);
  return { ...Object.fromEntries(inherited), ...extra };
}

function reportFiles(dir: string): ReportFiles {
  return {
    metadata: join(dir, 'metadata.json'),
    digest: (tag) => join(dir, `digest-${tag}`),
    imageId: join(dir, 'image-id'),
  };
}

/** The build, then (buildah, podman) one push per tag, in one log group, output streamed. */
async function buildAndPush(
  stage: Stage,
  inputs: BuildInputs,
  plan: BuildPlan,
  files: ReportFiles,
  deadline: number,
): Promise<void> {
  const started = Date.now();
  const verb = plan.command === 'docker' ? 'buildx build' : 'build';
  await stage.group(`${plan.command} ${verb} ${inputs.imageName}:${inputs.tag}`, async () => {
    const options = (env: Record<string, string>) => ({
      timeoutMs: Math.max(1, deadline - Date.now()),
      live: true,
      env: builderEnvironment(env),
    });
    let retries = 0;
    const retry = {
      deadline,
      signal: stage.cancelled,
      onRetry: (text: string) => {
        retries++;
        core.info(`${STAGE}: ${text}`);
      },
    };
    // Only the build gets the secret values: a push needs none of them.
    if (plan.command === 'docker' && inputs.push) {
      // buildx builds and pushes in one command: a push that failed for a moment is retried by
      // running it again (BuildKit's cache makes that a push); a failed build is final.
      await pushWithRetry(
        (timeoutMs) => runTool(plan.command, plan.build, { ...options(plan.env), timeoutMs }),
        {
          ...retry,
          what: `${inputs.imageName}:${inputs.tag}`,
          onlyIfPushing: true,
        },
      );
    } else {
      await runTool(plan.command, plan.build, options(plan.env));
    }
    if (inputs.builder !== 'docker') await requireFinishedBuild(plan, files);
    // Each tag is pushed by the builder itself, one after another (they share layers).
    for (const push of plan.pushes) {
      await pushWithRetry((timeoutMs) => runTool(plan.command, push.args, { ...options({}), timeoutMs }), {
        ...retry,
        what: `${inputs.imageName}:${push.tag}`,
      });
    }
    if (retries > 0) {
      stage.note(
        `the registry failed ${retries === 1 ? 'a push once' : `pushes ${retries} times`} for a moment; ${retries === 1 ? 'it was' : 'they were'} retried and succeeded`,
      );
    }
  });
  stage.row('Build and push', formatMs(Date.now() - started));
}

/**
 * buildah and podman write the image ID file when the build finished. podman exits 0 when a
 * SIGTERM (a cancellation) stops it halfway: pushing then would push nothing, or a stale image.
 */
async function requireFinishedBuild(plan: BuildPlan, files: ReportFiles): Promise<void> {
  const id = await readFile(files.imageId, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (id === '') {
    throw new Error(`${plan.command} build ended without writing the image ID: the build did not finish`);
  }
}

/** push: false. Nothing reached a registry, so there is no digest to output. */
function outputTheLocalBuild(stage: Stage, inputs: BuildInputs): void {
  const taggedImage = `${inputs.imageName}:${inputs.tag}`;
  stage.headline(`built ${taggedImage}, not pushed`);
  stage.note(
    'push is false: nothing was pushed, so there is no registry digest (outputs digest and image are empty)',
  );
  setCheckedOutput(Outputs.Digest, '', { kind: 'digest' });
  setCheckedOutput(Outputs.Image, '', { kind: 'image' });
  setCheckedOutput(Outputs.Tag, inputs.tag, { kind: 'line', pattern: SHA_TAG });
  setCheckedOutput(Outputs.TaggedImage, taggedImage, { kind: 'image' });
}

/**
 * The digest the registry holds for every pushed tag, cross-checked with the builder's own
 * report: a difference means something else pushed in between.
 */
async function resolvePushedDigest(
  stage: Stage,
  inputs: BuildInputs,
  files: ReportFiles,
  deadline: number,
): Promise<ResolvedManifest> {
  const taggedImage = `${inputs.imageName}:${inputs.tag}`;
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
    stage.warning(`${inputs.builder} reported no digest; the registry's answer is used unchecked`);
  }
  others.forEach((other, index) => {
    if (other.digest !== manifest.digest) {
      throw new Error(
        `tag ${inputs.tags[index] ?? '?'} resolves to ${other.digest}, not ${manifest.digest}: another push moved it`,
      );
    }
  });
  return manifest;
}

/** The digest the builder says it pushed: buildx's metadata file, or buildah's and podman's digest file. */
async function reportedDigest(inputs: BuildInputs, files: ReportFiles): Promise<string | undefined> {
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

/** The outputs and summary rows of a pushed image: what later stages deploy is `<image>@<digest>`. */
function outputThePushedImage(stage: Stage, inputs: BuildInputs, manifest: ResolvedManifest): void {
  const taggedImage = `${inputs.imageName}:${inputs.tag}`;
  if (manifest.manifests !== undefined) {
    stage.note(
      `the registry holds an index of ${manifest.manifests} manifests (${manifest.mediaType}); its digest is the one to deploy. Provenance or multi-platform builds make an index.`,
    );
  }
  const pinned = `${inputs.imageName}@${manifest.digest}`;
  setCheckedOutput(Outputs.Digest, manifest.digest, { kind: 'digest' });
  setCheckedOutput(Outputs.Image, pinned, { kind: 'image' });
  setCheckedOutput(Outputs.Tag, inputs.tag, { kind: 'line', pattern: SHA_TAG });
  setCheckedOutput(Outputs.TaggedImage, taggedImage, { kind: 'image' });
  stage.row('Digest', manifest.digest);
  stage.row('Size', `${(manifest.size / 1024 / 1024).toFixed(1)} MiB`);
  stage.row('Deploy', pinned);
  stage.headline(`pushed ${taggedImage}`);
  core.info(`${STAGE}: ${pinned}`);
}

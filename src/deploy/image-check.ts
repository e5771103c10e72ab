// The image check, before any plan: the digest to deploy exists in the repository it must come
// from (input image-repository). inputs.ts has already refused a digest reference outside that
// repository; this asks the registry itself (Registry HTTP API v2, with the runner's registry
// credentials, as build-push reads them), so that a digest that was never pushed there, or was
// deleted, stops the run before Terraform plans a revision that could not start.
import * as core from '@actions/core';
import { DeadlineError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { logLine } from '../lib/names.js';
import {
  findCredentials,
  ManifestError,
  resolveManifest,
  type Credentials,
  type ImageName,
  type ResolvedManifest,
} from '../lib/registry.js';
import type { Stage } from '../lib/stage.js';
import { Inputs } from './constants.js';
import type { DeployInputs } from './inputs.js';

/** The registry's whole budget, retries included (the `timeout` input caps it). */
export const IMAGE_CHECK_DEADLINE_MS = 60_000;

/** `REGISTRY/PATH@sha256:…` (checked by inputs.ts) → its registry, repository path and digest. */
export function splitDigestReference(image: string): ImageName & { digest: string } {
  const at = image.lastIndexOf('@');
  const name = image.slice(0, at);
  const slash = name.indexOf('/');
  return { registry: name.slice(0, slash), repository: name.slice(slash + 1), digest: image.slice(at + 1) };
}

/** Artifact Registry (`REGION-docker.pkg.dev`) and Container Registry hosts: they take a Google access token. */
export function isGoogleRegistry(registry: string): boolean {
  return /^(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z]+\.)?gcr\.io)$/.test(registry);
}

const LOGIN_HINT =
  'log in to the registry in this job with an identity that can read the repository (docker/login-action; for Artifact Registry with the access token of google-github-actions/auth, user oauth2accesstoken)';

/**
 * Why the registry did not confirm the digest, as a message that says what to do. Only the
 * registry's answer and our own names: no credential reaches it (a found password is registered).
 */
function explain(
  error: unknown,
  image: string,
  reference: ImageName & { digest: string },
  found: boolean,
): string {
  const where = `${reference.registry}/${reference.repository}`;
  if (error instanceof ManifestError) {
    if (error.status === 404) {
      return `the image ${image} does not exist: ${reference.registry} has no manifest ${reference.digest} in repository ${reference.repository} (HTTP 404). Deploy the digest build-push pushed to ${where} (its output "image"), or correct input "${Inputs.ImageRepository}"; nothing was planned`;
    }
    if (error.status === 401 || error.status === 403) {
      return `${reference.registry} refused to show ${where}@${reference.digest} (HTTP ${error.status}) ${found ? 'with the registry credentials this job has' : 'without credentials (none found in the Docker config or the containers auth file)'}: ${LOGIN_HINT}; nothing was planned`;
    }
    return `${reference.registry} answered HTTP ${error.status} for ${where}@${reference.digest}, so the image could not be checked: ${error.message}; nothing was planned`;
  }
  if (error instanceof DeadlineError) {
    return `could not check that ${image} exists in ${where}: ${error.message}. Re-run when the registry answers; nothing was planned`;
  }
  return `could not check that ${image} exists in ${where}: ${messageOf(error)}${/credentials/.test(messageOf(error)) ? `; ${LOGIN_HINT}` : ''}; nothing was planned`;
}

/**
 * Asks the registry for the manifest of the digest (a GET with the OCI and Docker Accept list;
 * 408, 429, 5xx and connection errors retried with backoff until the deadline) and checks that
 * what it served hashes to that digest.
 */
export async function confirmDigest(
  image: string,
  options: {
    deadline: number;
    signal?: AbortSignal;
    env?: NodeJS.ProcessEnv;
    /** The run's Google access token, for a Google registry that this job has not logged in to. */
    googleToken?: () => Promise<string>;
  },
): Promise<ResolvedManifest> {
  const reference = splitDigestReference(image);
  // The same stores build-push reads (Docker's config first: docker/login-action writes there).
  let credentials: Credentials | undefined = await findCredentials(reference.registry, 'docker', options.env);
  if (
    credentials === undefined &&
    options.googleToken !== undefined &&
    isGoogleRegistry(reference.registry)
  ) {
    // No login, and Artifact Registry: the access token of the auth action's credentials (direct
    // Workload Identity Federation included), as gcloud's credential helper would give it.
    credentials = { username: 'oauth2accesstoken', password: await options.googleToken() };
  }
  let manifest: ResolvedManifest;
  try {
    manifest = await resolveManifest(
      reference,
      reference.digest,
      credentials,
      options.deadline,
      options.signal,
    );
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new Error(explain(error, image, reference, credentials !== undefined), { cause: error });
  }
  if (manifest.digest !== reference.digest) {
    throw new Error(
      `${reference.registry} served a manifest for ${reference.repository}@${reference.digest} that hashes to ${manifest.digest}: the registry is not to be trusted with this image; nothing was planned`,
    );
  }
  return manifest;
}

/**
 * The image check in its own log group, with its result as a summary row. Runs only when the
 * run deploys an image and names its repository: without `image-repository` the row says so.
 */
export async function checkImage(
  stage: Stage,
  inputs: DeployInputs,
  googleToken?: () => Promise<string>,
): Promise<void> {
  if (inputs.image === '') return;
  if (inputs.imageRepository === '') {
    stage.row('Image check', `not checked (input ${Inputs.ImageRepository} is empty)`);
    return;
  }
  const started = Date.now();
  let row = 'failed';
  try {
    const manifest = await stage.group('Image check', async () => {
      const found = await confirmDigest(inputs.image, {
        deadline: started + Math.min(IMAGE_CHECK_DEADLINE_MS, inputs.timeoutMs),
        signal: stage.cancelled,
        ...(googleToken === undefined ? {} : { googleToken }),
      });
      core.info(
        logLine(
          `${inputs.image}: found in ${inputs.imageRepository} (${found.mediaType || 'manifest'}) in ${formatMs(Date.now() - started)}`,
        ),
      );
      return found;
    });
    row = `✅ found in ${inputs.imageRepository} (${manifest.mediaType || 'manifest'})`;
  } finally {
    stage.row('Image check', row);
  }
}

// `image: running` (plan-only): the digest the Cloud Run service runs now, so that a plan shows
// only what the configuration changes, not a new image. Read from the service's template
// (Cloud Run Admin API v2), which must name the image by digest: a tag could point anywhere.
import type { CloudRun, ServiceRef } from '../lib/cloud-run.js';
import { GoogleApiError } from '../lib/google-api.js';
import { shown } from '../lib/names.js';
import { checkAnswer } from '../lib/run-service.js';
import { Inputs, RUNNING_IMAGE } from './constants.js';
import { isDigestReference } from './inputs.js';

/** The note of a run whose service does not exist yet (the report's `note`). */
export const NO_REVISION_YET = 'no revision runs yet: the service stack is planned by its first deploy';

/**
 * The image of the service's first container, or undefined when the service does not exist
 * (404). Anything but a digest reference is an error that says what the service runs.
 */
export async function readRunningImage(
  cloudRun: CloudRun,
  ref: ServiceRef,
  deadline: number,
): Promise<string | undefined> {
  let service;
  try {
    service = await cloudRun.getService(ref, deadline);
  } catch (error) {
    if (error instanceof GoogleApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
  checkAnswer(service);
  const image = service.template?.containers?.[0]?.image;
  const where = `service ${ref.service} (${ref.region}, project ${ref.project})`;
  if (typeof image !== 'string' || image === '') {
    throw new Error(
      `${Inputs.Image}: ${RUNNING_IMAGE}: ${where} names no container image in its template; pass the digest to plan with in input "${Inputs.Image}" (REGISTRY/PATH@sha256:…)`,
    );
  }
  if (!isDigestReference(image)) {
    throw new Error(
      `${Inputs.Image}: ${RUNNING_IMAGE}: ${where} runs ${shown(image)}, which is not a digest reference (REGISTRY/PATH@sha256:<64 hex>): the running image cannot be planned with exactly; deploy it by digest once (this pipeline does), or pass a digest in input "${Inputs.Image}"`,
    );
  }
  return image;
}

// The secret preflight: every Secret Manager secret the planned services read exists and has an
// enabled version (the pinned one, or the newest for `latest`, which is what Cloud Run resolves),
// asked of the Secret Manager API directly, all secrets at once, within the stage's deadline.
import { messageOf } from '../lib/errors.js';
import { excerpt } from '../lib/format.js';
import { GoogleApiError } from '../lib/google-api.js';
import { isName, NameRules, shown } from '../lib/names.js';
import { SECRET_VERSION, type SecretManager, type SecretVersion } from '../lib/secret-manager.js';
import type { PlanSummary } from './terraform-plan.js';

export interface SecretReference {
  secret: string;
  version: string;
  /** The environment variables that read it. */
  usedBy: string[];
}

export interface PreflightResult {
  secret: string;
  version: string;
  ok: boolean;
  /** The enabled version that `latest` resolves to, or the pinned one. */
  resolved?: string;
  problem?: string;
}

/** Each distinct secret (and version) the planned services read. */
export function secretReferences(plan: PlanSummary): SecretReference[] {
  const byKey = new Map<string, SecretReference>();
  for (const service of plan.services) {
    for (const entry of service.env) {
      if (entry.source !== 'secret' || entry.secret === undefined) continue;
      const version = entry.version ?? 'latest';
      const key = `${entry.secret}:${version}`;
      const found = byKey.get(key) ?? { secret: entry.secret, version, usedBy: [] };
      if (!found.usedBy.includes(entry.name)) found.usedBy.push(entry.name);
      byKey.set(key, found);
    }
  }
  return [...byKey.values()].sort((a, b) => a.secret.localeCompare(b.secret));
}

function addVersionHint(secret: string, project: string): string {
  return `store one with: printf '%s' "$VALUE" | gcloud secrets versions add ${secret} --project=${project} --data-file=-`;
}

/**
 * Why a reference the plan holds cannot become a request path as it is (a secret id or
 * version outside Google's rules), or undefined when it can.
 */
function referenceProblem(secret: string, version: string): string | undefined {
  if (!isName('secret', secret)) {
    return `the plan reads secret ${shown(secret)}, which is not ${NameRules.secret.what} (${NameRules.secret.rule}): check its secret_key_ref in the stack`;
  }
  if (!SECRET_VERSION.test(version)) {
    return `the plan reads secret ${secret} at version ${shown(version)}, which is not a version (a number, latest or an alias): check its secret_key_ref in the stack`;
  }
  return undefined;
}

const PLATFORM_FIRST = 'The platform stack creates the secrets and must be applied before the service stack.';

const isNotFound = (error: unknown): boolean =>
  error instanceof GoogleApiError && (error.httpStatus === 404 || error.status === 'NOT_FOUND');

/** The number of a version from its name (`projects/123/secrets/S/versions/7` → `7`). */
function versionNumber(version: SecretVersion): string {
  const last = version.name?.split('/').pop() ?? '';
  return /^[1-9][0-9]{0,18}$/.test(last) ? last : '?';
}

/** Checks that one secret exists and has an enabled version (the pinned one, or the newest for latest). */
async function checkSecret(
  secrets: SecretManager,
  reference: SecretReference,
  project: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<PreflightResult> {
  const { secret, version } = reference;
  const base = { secret, version };
  const invalid = referenceProblem(secret, version);
  if (invalid !== undefined) return { ...base, ok: false, problem: invalid };
  const missing = (what: string): PreflightResult => ({
    ...base,
    ok: false,
    problem: `${what} in project ${project}. ${PLATFORM_FIRST} Then ${addVersionHint(secret, project)}`,
  });
  try {
    let found: SecretVersion;
    try {
      found = await secrets.getVersion(project, secret, version, deadline);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Which is missing: the secret, or (for latest) any version of it?
      try {
        await secrets.getSecret(project, secret, deadline);
      } catch (inner) {
        if (isNotFound(inner)) return missing(`secret ${secret} does not exist`);
        throw inner;
      }
      return version === 'latest'
        ? missing(`secret ${secret} has no version`)
        : missing(`secret ${secret} has no version ${version}`);
    }
    const number = versionNumber(found);
    if (found.state === 'ENABLED') {
      return { ...base, ok: true, resolved: version === 'latest' ? number : version };
    }
    const state =
      typeof found.state === 'string' && /^[A-Z_]{1,40}$/.test(found.state)
        ? found.state
        : 'in an unknown state';
    if (version !== 'latest') {
      return {
        ...base,
        ok: false,
        problem: `secret ${secret} version ${version} is ${state}, not ENABLED; enable it (gcloud secrets versions enable ${version} --secret=${secret} --project=${project}) or pin another version`,
      };
    }
    // latest resolves to the newest version whatever its state: Cloud Run cannot read a disabled one.
    const enabled = await secrets.listVersions(project, secret, {
      filter: 'state:ENABLED',
      deadline,
      maxPages: 1,
    });
    const other = enabled[0] === undefined ? undefined : versionNumber(enabled[0]);
    return {
      ...base,
      ok: false,
      problem:
        other === undefined
          ? `secret ${secret} has no enabled version (the newest, ${number}, is ${state}); ${addVersionHint(secret, project)}. ${PLATFORM_FIRST}`
          : `secret ${secret} at latest is version ${number}, which is ${state}: enable it (gcloud secrets versions enable ${number} --secret=${secret} --project=${project}), add a new version, or pin version ${other}`,
    };
  } catch (error) {
    if (signal?.aborted === true) throw error;
    return {
      ...base,
      ok: false,
      problem: `could not check secret ${secret}: ${excerpt(messageOf(error), 600)}`,
    };
  }
}

/** Checks every referenced secret concurrently, each within the preflight's deadline. */
export async function preflightSecrets(
  secrets: SecretManager,
  references: readonly SecretReference[],
  project: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<PreflightResult[]> {
  return Promise.all(
    references.map((reference) => checkSecret(secrets, reference, project, deadline, signal)),
  );
}

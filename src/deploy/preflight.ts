import { runTool, ToolError } from '../lib/exec.js';
import { excerpt } from '../lib/format.js';
import { isName, NameRules, shown } from '../lib/names.js';
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

const PER_SECRET_TIMEOUT_MS = 60_000;

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

export function listVersionsArgs(secret: string, project: string): string[] {
  return [
    'secrets',
    'versions',
    'list',
    secret,
    `--project=${project}`,
    '--filter=state:ENABLED',
    '--format=json',
    '--quiet',
  ];
}

export function describeVersionArgs(secret: string, version: string, project: string): string[] {
  return [
    'secrets',
    'versions',
    'describe',
    version,
    `--secret=${secret}`,
    `--project=${project}`,
    '--format=json',
    '--quiet',
  ];
}

function addVersionHint(secret: string, project: string): string {
  return `store one with: printf '%s' "$VALUE" | gcloud secrets versions add ${secret} --project=${project} --data-file=-`;
}

/** A Secret Manager version: a number, `latest`, or an alias (letters, digits, `_`, `-`; not a number). */
const SECRET_VERSION = /^(?:latest|[1-9][0-9]{0,18}|[A-Za-z_][A-Za-z0-9_-]{0,62})$/;

/**
 * Why a reference the plan holds cannot go to gcloud as it is (a secret id or version that
 * starts with `-` would be an option), or undefined when it can.
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

/** Checks that one secret exists and has an enabled version (the pinned one, or any for latest). */
async function checkSecret(reference: SecretReference, project: string): Promise<PreflightResult> {
  const { secret, version } = reference;
  const base = { secret, version };
  const invalid = referenceProblem(secret, version);
  if (invalid !== undefined) return { ...base, ok: false, problem: invalid };
  try {
    if (version === 'latest') {
      const { stdout } = await runTool('gcloud', listVersionsArgs(secret, project), {
        timeoutMs: PER_SECRET_TIMEOUT_MS,
      });
      const versions = JSON.parse(stdout) as { name?: string }[];
      if (!Array.isArray(versions) || versions.length === 0) {
        return {
          ...base,
          ok: false,
          problem: `secret ${secret} has no enabled version; ${addVersionHint(secret, project)}. ${PLATFORM_FIRST}`,
        };
      }
      return { ...base, ok: true, resolved: versions[0]?.name?.split('/').pop() ?? '?' };
    }
    const { stdout } = await runTool('gcloud', describeVersionArgs(secret, version, project), {
      timeoutMs: PER_SECRET_TIMEOUT_MS,
    });
    const described = JSON.parse(stdout) as { state?: string };
    if (described.state !== 'ENABLED') {
      return {
        ...base,
        ok: false,
        problem: `secret ${secret} version ${version} is ${described.state ?? 'in an unknown state'}, not ENABLED; enable it (gcloud secrets versions enable ${version} --secret=${secret} --project=${project}) or pin another version`,
      };
    }
    return { ...base, ok: true, resolved: version };
  } catch (error) {
    const stderr = error instanceof ToolError ? (error.result?.stderr ?? '') : '';
    if (/NOT_FOUND/.test(stderr)) {
      return {
        ...base,
        ok: false,
        problem: `secret ${secret}${version === 'latest' ? '' : ` version ${version}`} does not exist in project ${project}. ${PLATFORM_FIRST} Then ${addVersionHint(secret, project)}`,
      };
    }
    if (error instanceof SyntaxError) {
      return { ...base, ok: false, problem: `gcloud printed no JSON for secret ${secret}` };
    }
    return {
      ...base,
      ok: false,
      problem: `could not check secret ${secret}: ${excerpt(error instanceof Error ? error.message : String(error), 400)}`,
    };
  }
}

/** Checks every referenced secret concurrently; each check has its own deadline. */
export async function preflightSecrets(
  references: readonly SecretReference[],
  project: string,
): Promise<PreflightResult[]> {
  return Promise.all(references.map((reference) => checkSecret(reference, project)));
}

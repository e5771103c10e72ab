import { allKnownNames, devOnlyNames, secretIdFor, type RuntimeContract } from '../lib/contract.js';
import { shown } from '../lib/names.js';
import { Inputs } from './constants.js';
import type { Finding } from './findings.js';
import { REPLACE_BECAUSE_TAINTED, type PlannedEnv, type PlanSummary } from './terraform-plan.js';

export interface ContractCheckContext {
  contract: RuntimeContract;
  /** Whether the contract came from a file: without one only the production guard applies. */
  hasContract: boolean;
  environment: string;
  production: boolean;
  allowDevAuthBypass: boolean;
  bypassVariable: string;
  allowDestroy: boolean;
  /** The deploy's project (input `project`): a secret reference must not name another; '' or unset: unknown. */
  project?: string | undefined;
  /** The binary deploy runs (`terraform` or `tofu`), for the commands a message suggests. */
  tool?: string | undefined;
}

/**
 * A name as the contract checks compare it: trimmed and in upper case, so that neither a stray
 * space (`"ALLOW_DEV_AUTH_BYPASS "`) nor a lower-case letter slips a name past a rule.
 */
const upper = (name: string): string => name.trim().toUpperCase();

/** A planned name in a message: as it is when plain, escaped and quoted when it holds white space. */
const nameOf = (name: string): string => (/^[\x21-\x7e]+$/.test(name) ? name : shown(name));

/** A project number (`projects/123456789012/secrets/…`): it cannot be compared with the project id. */
const PROJECT_NUMBER = /^[0-9]+$/;

/**
 * Why a secret reference's project part is not the deploy's project, or undefined when it is
 * (or when the reference is a bare id: the service's own project).
 */
function foreignProject(entry: PlannedEnv, project = ''): string | undefined {
  const named = entry.secretProject;
  if (named === undefined || project === '') return undefined;
  const reference = `projects/${named}/secrets/${entry.secret ?? '?'}`;
  if (PROJECT_NUMBER.test(named)) {
    return `${nameOf(entry.name)} reads secret ${shown(reference)}, by project number, which cannot be tied to project ${project}: reference the secret by its id alone (${entry.secret ?? 'ID'}, the service's project) or as projects/${project}/secrets/${entry.secret ?? 'ID'}`;
  }
  if (named.toLowerCase() === project.toLowerCase()) return undefined;
  return `${nameOf(entry.name)} reads secret ${shown(reference)}, which is in project ${shown(named)}, not in this deploy's project ${project} (input ${Inputs.Project}): a service reads only its own environment's secrets; reference ${entry.secret ?? 'the secret'} in ${project}`;
}

function describeSource(entry: PlannedEnv): string {
  if (entry.source === 'secret') {
    return `secret ${entry.secret ?? '(known after apply)'}:${entry.version ?? 'latest'}`;
  }
  return entry.source === 'plain' ? 'a plain value' : 'a source known only after apply';
}

/** A Terraform variable value counts as "on" unless it is false, "false", null or empty. */
function isOn(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '' && value.trim().toLowerCase() !== 'false';
  return true;
}

/**
 * Every check of the runtime contract on the planned Cloud Run services, and the destroy
 * guard over all resources. Errors stop the deploy before apply; warnings are shown.
 */
export function checkPlanAgainstContract(plan: PlanSummary, context: ContractCheckContext): Finding[] {
  const findings: Finding[] = [];
  const error = (message: string): void => void findings.push({ level: 'error', message });
  const warning = (message: string): void => void findings.push({ level: 'warning', message });
  const devOnly = new Set(devOnlyNames(context.contract).map(upper));
  const envName = context.environment;

  if (context.production && isOn(plan.variables[context.bypassVariable])) {
    error(
      `the plan sets variable ${context.bypassVariable} = ${String(plan.variables[context.bypassVariable])} for ${envName}: ` +
        `the dev auth bypass never reaches production; remove it from TF_VAR_*, *.auto.tfvars, ${Inputs.VarFiles} and ${Inputs.Vars}`,
    );
  }
  if (
    !context.production &&
    context.bypassVariable in plan.variables &&
    isOn(plan.variables[context.bypassVariable]) !== context.allowDevAuthBypass
  ) {
    error(
      `the plan's ${context.bypassVariable} (${String(plan.variables[context.bypassVariable])}) differs from input ${Inputs.AllowDevAuthBypass} (${context.allowDevAuthBypass}): ` +
        `another route (TF_VAR_*, *.auto.tfvars, ${Inputs.VarFiles}) overrides it; set it in one place, the input`,
    );
  }

  for (const service of plan.services) {
    const where = service.address;
    if (service.envUnknown) {
      const message = `${where}: its environment is known only after apply, so the runtime contract cannot be checked`;
      if (context.production) error(`${message}; a production deploy needs a plan that shows it`);
      else warning(message);
      continue;
    }
    const byName = new Map(service.env.map((entry) => [upper(entry.name), entry]));

    // The app reads a variable by its exact name: one with white space around it reads as unset.
    for (const entry of service.env.filter((e) => e.name !== e.name.trim())) {
      error(
        `${where}: the variable ${shown(entry.name)} has white space around its name, so the service would not read it as ${entry.name.trim()}: correct the name in the stack`,
      );
    }
    for (const entry of service.env) {
      const problem = entry.source === 'secret' ? foreignProject(entry, context.project) : undefined;
      if (problem !== undefined) error(`${where}: ${problem}`);
    }

    // The production guard holds with or without a contract file.
    const presentDevOnly = service.env.filter((entry) => devOnly.has(upper(entry.name)));
    if (context.production) {
      for (const entry of presentDevOnly) {
        error(
          `${where}: the dev-only variable ${nameOf(entry.name)} (${describeSource(entry)}) is planned for ${envName}: ` +
            `it must never reach production; make the stack add it only when var.${context.bypassVariable} is true, and keep that false`,
        );
      }
    } else if (context.allowDevAuthBypass) {
      for (const name of [...devOnly].filter((dev) => !byName.has(dev))) {
        error(
          `${where}: ${Inputs.AllowDevAuthBypass} is true but the plan injects no ${name}: the service stack must add the dev-only variables when var.${context.bypassVariable} is true (and the platform stack must create their secrets)`,
        );
      }
    } else {
      for (const { name } of presentDevOnly) {
        error(
          `${where}: ${nameOf(name)} is planned although ${Inputs.AllowDevAuthBypass} is false: the stack must add the dev-only variables only when var.${context.bypassVariable} is true`,
        );
      }
    }

    if (!context.hasContract) continue;
    const env = context.contract.env;
    const secrets = new Set(
      [...env.requiredSecrets, ...env.optionalSecrets, ...env.devOnlySecrets].map(upper),
    );
    const known = new Set([...allKnownNames(context.contract)].map(upper));
    for (const name of env.requiredSecrets) {
      if (!byName.has(upper(name))) {
        error(
          `${where}: the required secret ${name} is not in the planned environment; add it as value_source.secret_key_ref`,
        );
      }
    }
    for (const name of env.requiredPlain) {
      if (!byName.has(upper(name))) {
        error(`${where}: the required variable ${name} is not in the planned environment`);
      }
    }
    for (const entry of service.env) {
      const name = upper(entry.name);
      if (!known.has(name)) {
        warning(
          `${where}: ${entry.name} is not in the runtime contract; add it to a category of env in ${context.contract.file || 'runtime-contract.yml'}`,
        );
        continue;
      }
      if (secrets.has(name) && entry.source === 'plain') {
        error(
          `${where}: ${entry.name} is a secret but the plan sets it as a plain value: inject it from Secret Manager (value_source.secret_key_ref, secret ${secretIdFor(context.contract, entry.name.trim(), envName)})`,
        );
      }
      if (entry.source === 'secret' && entry.secret !== undefined && secrets.has(name)) {
        const expected = secretIdFor(context.contract, entry.name.trim(), envName);
        if (entry.secret !== expected) {
          error(
            `${where}: ${entry.name} reads secret ${entry.secret}, but in ${envName} it must be ${expected} (naming ${context.contract.secrets.naming})`,
          );
        }
      }
    }
  }

  if (!context.allowDestroy) {
    for (const change of plan.changes.filter((c) => c.kind === 'delete' || c.kind === 'replace')) {
      if (change.reason === REPLACE_BECAUSE_TAINTED) {
        error(taintedReplacement(change.address, context.tool ?? 'terraform'));
        continue;
      }
      error(
        `${change.address} would be ${change.kind === 'delete' ? 'destroyed' : 'replaced (destroyed, then created)'}: ` +
          `refused unless input ${Inputs.AllowDestroy} is true; check the plan for an unintended change first`,
      );
    }
  }
  return findings;
}

/**
 * A replacement Terraform plans because the object is tainted: a create or an apply that did
 * not finish (a cancelled run, a failed provisioner) left it marked as half-made.
 */
function taintedReplacement(address: string, tool: string): string {
  return (
    `${address} is tainted (a create or apply that did not finish, e.g. a cancelled run, left it marked), so the plan replaces it (destroys, then creates it): ` +
    `refused unless input ${Inputs.AllowDestroy} is true. If the object is sound, keep it: run ${tool} untaint ${address} in this stack (with its backend), then re-run; ` +
    `to let Terraform replace it, re-run with ${Inputs.AllowDestroy}: true`
  );
}

/**
 * The `vars` names the plan does not list among its variables (Terraform lists every root
 * module variable, set or defaulted): a value for an undeclared variable in a variables file
 * is only a warning to Terraform, and it would be dropped without a word.
 */
export function undeclaredVars(names: readonly string[], plan: Pick<PlanSummary, 'variables'>): string[] {
  return [...new Set(names.filter((name) => !Object.hasOwn(plan.variables, name)))];
}

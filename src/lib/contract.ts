import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigurationError, messageOf } from './errors.js';

/** One `imports.forbidden` rule: files matching `paths` must not import `modules`. */
export interface ForbiddenImportRule {
  paths: string[];
  modules: string[];
  reason: string;
  /** 1-based line of the rule in the contract, for annotations. */
  line: number;
}

/** `runtime-contract.yml`: what Terraform injects into the service and what the app consumes. */
export interface RuntimeContract {
  /** The path it was loaded from; `''` for the default. */
  file: string;
  version: 1;
  environments: Record<string, { production: boolean }>;
  env: {
    requiredSecrets: string[];
    optionalSecrets: string[];
    requiredPlain: string[];
    optionalPlain: string[];
    codeDefaults: string[];
    devOnlyPlain: string[];
    devOnlySecrets: string[];
  };
  secrets: { naming: string };
  imports: { forbidden: ForbiddenImportRule[] };
}

/** A malformed or missing runtime contract; the message starts with `file:line: ` when the line is known. */
export class ContractError extends ConfigurationError {
  override name = 'ContractError';

  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
  ) {
    super(`${locationOf(file, line)}${message}`);
  }
}

function locationOf(file: string, line: number | undefined): string {
  if (file === '') return line === undefined ? '' : `line ${line}: `;
  return line === undefined ? `${file}: ` : `${file}:${line}: `;
}

export const DEFAULT_SECRET_NAMING = '{name}-{environment}';
/** Production whatever a contract says: a contract cannot turn the production guard off for them. */
export const ALWAYS_PRODUCTION = ['prod', 'production'];
const contractInputFix = (input: string): string =>
  `set input "${input}" to the path of runtime-contract.yml`;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The contract used when none is given: the production guard still holds (the dev-only names
 * of the reference service, and `prod`/`production` are production). Frozen: it is shared.
 */
export const DEFAULT_CONTRACT: RuntimeContract = deepFreeze({
  file: '',
  version: 1,
  environments: {
    dev: { production: false },
    prod: { production: true },
    production: { production: true },
  },
  env: {
    requiredSecrets: [],
    optionalSecrets: [],
    requiredPlain: [],
    optionalPlain: [],
    codeDefaults: [],
    devOnlyPlain: ['ALLOW_DEV_AUTH_BYPASS'],
    devOnlySecrets: ['DEV_BYPASS_SECRET'],
  },
  secrets: { naming: DEFAULT_SECRET_NAMING },
  imports: { forbidden: [] },
});

/**
 * Whether a deploy to `environment` gets the production checks. `prod` and `production` are
 * production in any case; other names are looked up case-insensitively (a capital letter must
 * not slip past the guard), and a name the contract does not declare is not production.
 */
export function isProduction(contract: RuntimeContract, environment: string): boolean {
  const name = environment.trim().toLowerCase();
  if (ALWAYS_PRODUCTION.includes(name)) return true;
  return Object.entries(contract.environments).some(
    ([declared, settings]) => declared.toLowerCase() === name && settings.production,
  );
}

/** `dev`, `prod`, or a name the contract declares (exactly as written: names are lower-case). */
export function knownEnvironment(contract: RuntimeContract, environment: string): boolean {
  return environment === 'dev' || environment === 'prod' || Object.hasOwn(contract.environments, environment);
}

/** The Secret Manager id of a variable: DATABASE_URL in dev → `database-url-dev` with the default naming. */
export function secretIdFor(contract: RuntimeContract, envName: string, environment: string): string {
  const name = envName.toLowerCase().replaceAll('_', '-');
  // One pass, so that a value holding a placeholder's text is not substituted again.
  return contract.secrets.naming.replace(/\{(name|environment)\}/g, (_match, placeholder) =>
    placeholder === 'name' ? name : environment,
  );
}

/** The variables that must never reach a production service. */
export function devOnlyNames(contract: RuntimeContract): string[] {
  return [...contract.env.devOnlyPlain, ...contract.env.devOnlySecrets];
}

/** Every variable name the contract knows, whatever its category. */
export function allKnownNames(contract: RuntimeContract): Set<string> {
  return new Set(Object.values(contract.env).flat());
}

/**
 * Reads and validates a contract file; a missing file names the path and `input`, the stage's
 * input that names the file, as the thing to fix.
 */
export async function loadContract(file: string, input: string): Promise<RuntimeContract> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = resolve(file) === file ? '' : ` (looked for ${resolve(file)})`;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ContractError(
        `the runtime contract does not exist${where}; ${contractInputFix(input)}`,
        file,
        undefined,
      );
    }
    if (code === 'EISDIR') {
      throw new ContractError(
        `is a directory, not the runtime contract; ${contractInputFix(input)}`,
        file,
        undefined,
      );
    }
    throw new ContractError(`the runtime contract cannot be read: ${messageOf(error)}`, file, undefined);
  }
  // The YAML parser is loaded only when a contract is read: most starts never need it.
  const { parseContract } = await import('./contract-parse.js');
  return parseContract(text, file);
}

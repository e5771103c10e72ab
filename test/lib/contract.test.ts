import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allKnownNames,
  ContractError,
  DEFAULT_CONTRACT,
  devOnlyNames,
  isProduction,
  knownEnvironment,
  loadContract,
  secretIdFor,
} from '../../src/lib/contract.js';
import { parseContract } from '../../src/lib/contract-parse.js';
import type { RuntimeContract } from '../../src/lib/contract.js';
import { ConfigurationError } from '../../src/lib/errors.js';

const FILE = 'runtime-contract.yml';

/** The example of DESIGN.md, verbatim. */
const DESIGN_EXAMPLE = [
  'version: 1',
  'environments:',
  '  dev: {}',
  '  prod: {production: true}',
  'env:',
  '  required-secrets: [DATABASE_URL, CLERK_SECRET_KEY, ADMIN_API_KEY]',
  '  optional-secrets: [RESEND_API_KEY]',
  '  required-plain: [ENV, BASE_URL]',
  '  optional-plain: [RESEND_FROM_EMAIL]',
  '  code-defaults: [SHOPIFY_API_VERSION, SHOPIFY_SCOPES]',
  '  dev-only-plain: [ALLOW_DEV_AUTH_BYPASS]',
  '  dev-only-secrets: [DEV_BYPASS_SECRET]',
  'secrets:',
  '  naming: "{name}-{environment}"   # DATABASE_URL in dev -> database-url-dev',
  'imports:',
  '  forbidden:',
  '    - paths: ["src/**"]',
  '      modules: [google.cloud.secretmanager]',
  '      reason: secrets arrive as environment variables',
  '    - paths: ["src/domain/**", "src/application/**"]',
  '      modules: [google.auth, google.oauth2, google.cloud.iam]',
  '      reason: domain and application layers know no cloud identity',
].join('\n');

/** The same, as Prettier formats it (the repository checks the formatting of YAML files). */
const EXAMPLE = join(import.meta.dirname, '..', 'fixtures', 'contracts', 'runtime-contract.yml');

const EXAMPLE_CONTRACT: RuntimeContract = {
  file: FILE,
  version: 1,
  environments: { dev: { production: false }, prod: { production: true } },
  env: {
    requiredSecrets: ['DATABASE_URL', 'CLERK_SECRET_KEY', 'ADMIN_API_KEY'],
    optionalSecrets: ['RESEND_API_KEY'],
    requiredPlain: ['ENV', 'BASE_URL'],
    optionalPlain: ['RESEND_FROM_EMAIL'],
    codeDefaults: ['SHOPIFY_API_VERSION', 'SHOPIFY_SCOPES'],
    devOnlyPlain: ['ALLOW_DEV_AUTH_BYPASS'],
    devOnlySecrets: ['DEV_BYPASS_SECRET'],
  },
  secrets: { naming: '{name}-{environment}' },
  imports: {
    forbidden: [
      {
        paths: ['src/**'],
        modules: ['google.cloud.secretmanager'],
        reason: 'secrets arrive as environment variables',
        line: 17,
      },
      {
        paths: ['src/domain/**', 'src/application/**'],
        modules: ['google.auth', 'google.oauth2', 'google.cloud.iam'],
        reason: 'domain and application layers know no cloud identity',
        line: 20,
      },
    ],
  },
};

/** A contract with nothing but the version: every category empty, dev and prod implied. */
const MINIMAL_CONTRACT: RuntimeContract = {
  file: FILE,
  version: 1,
  environments: { dev: { production: false }, prod: { production: true } },
  env: {
    requiredSecrets: [],
    optionalSecrets: [],
    requiredPlain: [],
    optionalPlain: [],
    codeDefaults: [],
    devOnlyPlain: [],
    devOnlySecrets: [],
  },
  secrets: { naming: '{name}-{environment}' },
  imports: { forbidden: [] },
};

/** Lines joined with newlines, so that each case reads as the file it stands for. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Parses `text`, expects a ContractError, and returns it. */
function contractErrorOf(text: string, file = FILE): ContractError {
  try {
    parseContract(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).name).toBe('ContractError');
    return error as ContractError;
  }
  throw new Error('expected a ContractError, the contract was accepted');
}

/** A one-rule `imports.forbidden` list whose rule body is `ruleLines` (rule at line 4). */
function withRule(...ruleLines: string[]): string {
  return yaml('version: 1', 'imports:', '  forbidden:', ...ruleLines);
}

describe('parseContract', () => {
  it('reads the example contract of DESIGN.md to the exact object', () => {
    expect(parseContract(DESIGN_EXAMPLE, FILE)).toEqual(EXAMPLE_CONTRACT);
  });

  it('reads the formatted fixture of the example to the same object', async () => {
    expect(parseContract(await readFile(EXAMPLE, 'utf8'), FILE)).toEqual(EXAMPLE_CONTRACT);
  });

  it('fills every optional section with its default and implies dev and prod', () => {
    expect(parseContract('version: 1\n', FILE)).toEqual(MINIMAL_CONTRACT);
  });

  it('takes empty sections and empty lists as absent', () => {
    const text = yaml(
      'version: 1',
      'environments:',
      'env:',
      '  required-secrets:',
      '  optional-plain: []',
      'secrets:',
      'imports:',
      '  forbidden:',
    );
    expect(parseContract(text, FILE)).toEqual(MINIMAL_CONTRACT);
  });

  it('reads declared environments, their production flag defaulting to false', () => {
    const text = yaml(
      'version: 1',
      'environments:',
      '  staging:',
      '  preview: {}',
      '  prod-eu: {production: true}',
      '  dev: {production: true}',
      '  production: {production: true}',
    );
    expect(parseContract(text, FILE).environments).toEqual({
      dev: { production: true },
      prod: { production: true },
      staging: { production: false },
      preview: { production: false },
      'prod-eu': { production: true },
      production: { production: true },
    });
  });

  it('makes a declared prod or production without a flag production', () => {
    const text = yaml('version: 1', 'environments:', '  prod: {}', '  production:', '  staging: {}');
    expect(parseContract(text, FILE).environments).toEqual({
      dev: { production: false },
      prod: { production: true },
      production: { production: true },
      staging: { production: false },
    });
  });

  it('accepts Python modules and JavaScript packages, trims globs, modules and reasons', () => {
    const text = withRule(
      '    - paths: [" src/** ", "web/**/*.ts"]',
      '      modules: [boto3, "@aws-sdk/client-secrets-manager", firebase-admin/auth, node:child_process]',
      '      reason: >',
      '        the app reads secrets',
      '        from its environment',
    );
    expect(parseContract(text, FILE).imports.forbidden).toEqual([
      {
        paths: ['src/**', 'web/**/*.ts'],
        modules: ['boto3', '@aws-sdk/client-secrets-manager', 'firebase-admin/auth', 'node:child_process'],
        reason: 'the app reads secrets from its environment',
        line: 4,
      },
    ]);
  });

  it('records the line of each rule, flow-style rules too, after comments', () => {
    const text = yaml(
      '# runtime contract',
      'version: 1',
      'imports:',
      '  forbidden:',
      '',
      '    - {paths: [a/**], modules: [x], reason: one}',
      '    # the domain layer',
      '    - paths: [b/**]',
      '      modules: [y]',
      '      reason: two',
    );
    expect(parseContract(text, FILE).imports.forbidden.map((rule) => rule.line)).toEqual([6, 8]);
  });

  it('accepts a custom naming, with or without {environment}', () => {
    const custom = parseContract(yaml('version: 1', 'secrets:', '  naming: "{environment}-{name}"'), FILE);
    expect(custom.secrets.naming).toBe('{environment}-{name}');
    const shared = parseContract(yaml('version: 1', 'secrets:', '  naming: app_{name}'), FILE);
    expect(shared.secrets.naming).toBe('app_{name}');
  });

  it('reads Windows line endings and a byte order mark', () => {
    const text = `\uFEFFversion: 1\r\nenv:\r\n  required-secrets: [DATABASE_URL]\r\n  optional-plain: [bad]\r\n`;
    expect(contractErrorOf(text).message).toBe(
      'runtime-contract.yml:4: env.optional-plain[0]: "bad" is not an environment variable name; use capital letters, digits and _, not starting with a digit',
    );
  });

  it('prefixes the bare line when the contract has no file name', () => {
    const error = contractErrorOf('version: 2\n', '');
    expect(error.message).toBe('line 1: version: expected 1, found the number 2');
    expect(error.file).toBe('');
    expect(error.line).toBe(1);
  });

  it('keeps the file and the line on the error for annotations', () => {
    const error = contractErrorOf(
      yaml('version: 1', 'env:', '  required-secrets: [A, a]'),
      'svc/contract.yml',
    );
    expect(error.file).toBe('svc/contract.yml');
    expect(error.line).toBe(3);
  });

  it.each<[string, string, string]>([
    // YAML syntax and document shape.
    [
      'a syntax error',
      yaml('version: 1', 'env:', '  required-secrets: [A', 'secrets: {}'),
      '4: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a tab as indentation',
      yaml('version: 1', 'env:', '\trequired-secrets: [A]'),
      '3: invalid YAML: Tabs are not allowed as indentation',
    ],
    [
      'a duplicate key',
      yaml('version: 1', 'env: {}', 'version: 1'),
      '3: invalid YAML: Map keys must be unique',
    ],
    [
      'two documents',
      yaml('version: 1', '---', 'version: 1'),
      '2: invalid YAML: the contract is one YAML document; remove the second one',
    ],
    [
      'a list as the document',
      yaml('# contract', '- version: 1'),
      '2: the contract: expected a mapping that starts with "version: 1", found a list',
    ],
    [
      'a string as the document',
      'version 1\n',
      '1: the contract: expected a mapping that starts with "version: 1", found the string "version 1"',
    ],
    ['a missing version', yaml('# contract', 'env: {}'), '2: version: missing; add "version: 1"'],
    ['version 2', yaml('version: 2'), '1: version: expected 1, found the number 2'],
    ['version as a string', yaml('version: "1"'), '1: version: expected 1, found the string "1"'],
    ['an empty version', yaml('env: {}', 'version:'), '2: version: expected 1, found an empty value'],
    [
      'an unknown top-level key',
      yaml('version: 1', 'envs: {}'),
      '2: envs: unknown key (did you mean env?); use version, environments, env, secrets or imports',
    ],
    [
      'an unknown top-level key with no near match',
      yaml('version: 1', 'terraform: {}'),
      '2: terraform: unknown key; use version, environments, env, secrets or imports',
    ],
    ['a complex key', yaml('version: 1', '[env]: {}'), '2: the contract: expected a plain key, found a list'],
    [
      'an alias',
      yaml('version: 1', 'env:', '  required-secrets: &names [A]', '  optional-secrets: *names'),
      '4: env.optional-secrets: the alias *names is not supported here; write the value out',
    ],
    // environments
    [
      'environments as a list',
      yaml('version: 1', 'environments: [dev, prod]'),
      '2: environments: expected a mapping of environment names, found a list',
    ],
    [
      'an environment name with capitals',
      yaml('version: 1', 'environments:', '  dev: {}', '  Staging: {}'),
      '4: environments.Staging: "Staging" is not an environment name; use lower-case letters, digits and -, starting with a letter',
    ],
    [
      'an environment name with an underscore',
      yaml('version: 1', 'environments:', '  prod_eu: {}'),
      '3: environments.prod_eu: "prod_eu" is not an environment name; use lower-case letters, digits and -, starting with a letter',
    ],
    [
      'an environment as a string',
      yaml('version: 1', 'environments:', '  staging: production'),
      '3: environments.staging: expected a mapping such as {production: true}, found the string "production"',
    ],
    [
      'an unknown key of an environment',
      yaml('version: 1', 'environments:', '  staging:', '    prod: true'),
      '4: environments.staging.prod: unknown key; use production',
    ],
    [
      'a typo in production',
      yaml('version: 1', 'environments:', '  prod:', '    produciton: true'),
      '4: environments.prod.produciton: unknown key (did you mean production?); use production',
    ],
    [
      'production as "yes"',
      yaml('version: 1', 'environments:', '  staging: {production: yes}'),
      '3: environments.staging.production: expected true or false, found the string "yes"',
    ],
    [
      'production empty',
      yaml('version: 1', 'environments:', '  staging:', '    production:'),
      '4: environments.staging.production: expected true or false, found an empty value',
    ],
    [
      'prod declared not production',
      yaml('version: 1', 'environments:', '  prod:', '    production: false'),
      '4: environments.prod.production: prod and production are always production environments; remove "production: false"',
    ],
    [
      'production declared not production',
      yaml('version: 1', 'environments:', '  production: {production: false}'),
      '3: environments.production.production: prod and production are always production environments; remove "production: false"',
    ],
    // env
    [
      'env as a list',
      yaml('version: 1', 'env: [DATABASE_URL]'),
      '2: env: expected a mapping of name lists such as required-secrets, found a list',
    ],
    [
      'an unknown env category',
      yaml('version: 1', 'env:', '  required-secrets: [A]', '  required-secret: [B]'),
      '4: env.required-secret: unknown key (did you mean required-secrets?); use required-secrets, optional-secrets, required-plain, optional-plain, code-defaults, dev-only-plain or dev-only-secrets',
    ],
    [
      'an env category as a string',
      yaml('version: 1', 'env:', '  required-plain: ENV'),
      '3: env.required-plain: expected a list of environment variable names, found the string "ENV"',
    ],
    [
      'a lower-case name',
      yaml('version: 1', 'env:', '  required-secrets: [DATABASE_URL, CLERK_SECRET_KEY, admin_api_key]'),
      '3: env.required-secrets[2]: "admin_api_key" is not an environment variable name; use capital letters, digits and _, not starting with a digit',
    ],
    [
      'a name starting with a digit',
      yaml('version: 1', 'env:', '  code-defaults:', '    - SHOPIFY_SCOPES', '    - 2FA_SECRET'),
      '5: env.code-defaults[1]: "2FA_SECRET" is not an environment variable name; use capital letters, digits and _, not starting with a digit',
    ],
    [
      'a number as a name',
      yaml('version: 1', 'env:', '  optional-plain:', '    - 42'),
      '4: env.optional-plain[0]: expected an environment variable name such as DATABASE_URL, found the number 42',
    ],
    [
      'an empty name',
      yaml('version: 1', 'env:', '  optional-plain:', '    - A', '    -'),
      '5: env.optional-plain[1]: expected an environment variable name such as DATABASE_URL, found an empty value',
    ],
    [
      'a name twice in one list',
      yaml(
        'version: 1',
        'env:',
        '  required-secrets:',
        '    - DATABASE_URL',
        '    - ADMIN_API_KEY',
        '    - DATABASE_URL',
      ),
      '6: env.required-secrets[2]: DATABASE_URL is already listed as env.required-secrets[0]; list each name once',
    ],
    [
      'a name in two categories',
      yaml(
        'version: 1',
        'env:',
        '  required-secrets: [DATABASE_URL, ENV]',
        '  optional-plain: [RESEND_FROM_EMAIL]',
        '  required-plain:',
        '    - BASE_URL',
        '    - ENV',
      ),
      '7: env.required-plain[1]: ENV is already listed as env.required-secrets[1]; a name belongs to exactly one category',
    ],
    [
      'a dev-only name also required',
      yaml(
        'version: 1',
        'env:',
        '  dev-only-plain: [ALLOW_DEV_AUTH_BYPASS]',
        '  required-plain: [ALLOW_DEV_AUTH_BYPASS]',
      ),
      '4: env.required-plain[0]: ALLOW_DEV_AUTH_BYPASS is already listed as env.dev-only-plain[0]; a name belongs to exactly one category',
    ],
    // secrets
    [
      'secrets as a string',
      yaml('version: 1', 'secrets: "{name}-{environment}"'),
      '2: secrets: expected a mapping such as {naming: "{name}-{environment}"}, found the string "{name}-{environment}"',
    ],
    [
      'an unknown key under secrets',
      yaml('version: 1', 'secrets:', '  name: "{name}"'),
      '3: secrets.name: unknown key; use naming',
    ],
    [
      'naming without {name}',
      yaml('version: 1', 'secrets:', '  naming: "{environment}"'),
      '3: secrets.naming: "{environment}" has no {name}; use a template such as "{name}-{environment}"',
    ],
    [
      'an unknown placeholder',
      yaml('version: 1', 'secrets:', '  naming: "{name}-{env}"'),
      '3: secrets.naming: "{name}-{env}" has the unknown placeholder {env}; use {name} and {environment}',
    ],
    [
      'a placeholder in capitals',
      yaml('version: 1', 'secrets:', '  naming: "{NAME}-{environment}"'),
      '3: secrets.naming: "{NAME}-{environment}" has the unknown placeholder {NAME}; use {name} and {environment}',
    ],
    [
      'an unclosed placeholder',
      yaml('version: 1', 'secrets:', '  naming: "{name}-{environment"'),
      '3: secrets.naming: "{name}-{environment" makes invalid secret ids; outside {name} and {environment} use letters, digits, - and _',
    ],
    [
      'a slash in the naming',
      yaml('version: 1', 'secrets:', '  naming: "{name}/{environment}"'),
      '3: secrets.naming: "{name}/{environment}" makes invalid secret ids; outside {name} and {environment} use letters, digits, - and _',
    ],
    [
      'naming as a number',
      yaml('version: 1', 'secrets:', '  naming: 7'),
      '3: secrets.naming: expected a string such as "{name}-{environment}", found the number 7',
    ],
    [
      'an empty naming',
      yaml('version: 1', 'secrets:', '  naming:'),
      '3: secrets.naming: expected a string such as "{name}-{environment}", found an empty value',
    ],
    // imports
    [
      'imports as a list',
      yaml('version: 1', 'imports:', '  - forbidden: []'),
      '3: imports: expected a mapping such as {forbidden: [...]}, found a list',
    ],
    [
      'a typo under imports',
      yaml('version: 1', 'imports:', '  forbiden: []'),
      '3: imports.forbiden: unknown key (did you mean forbidden?); use forbidden',
    ],
    [
      'forbidden as a mapping',
      yaml('version: 1', 'imports:', '  forbidden:', '    paths: [src/**]'),
      '4: imports.forbidden: expected a list of rules with paths, modules and reason, found a mapping',
    ],
    [
      'a rule as a string',
      withRule('    - src/**'),
      '4: imports.forbidden[0]: expected a mapping with paths, modules and reason, found the string "src/**"',
    ],
    [
      'an empty rule',
      withRule('    - {paths: [a], modules: [b], reason: c}', '    -'),
      '5: imports.forbidden[1]: expected a mapping with paths, modules and reason, found an empty value',
    ],
    [
      'an unknown key of a rule',
      withRule('    - paths: [src/**]', '      module: [google.auth]', '      reason: no cloud identity'),
      '5: imports.forbidden[0].module: unknown key (did you mean modules?); use paths, modules or reason',
    ],
    [
      'a rule without paths',
      withRule('    - modules: [google.auth]', '      reason: no cloud identity'),
      '4: imports.forbidden[0].paths: missing; add a list of path globs such as ["src/**"]',
    ],
    [
      'a rule with empty paths',
      withRule('    - paths: []', '      modules: [google.auth]', '      reason: no cloud identity'),
      '4: imports.forbidden[0].paths: the list is empty; add a list of path globs such as ["src/**"]',
    ],
    [
      'paths as a string',
      withRule('    - paths: src/**', '      modules: [google.auth]', '      reason: no cloud identity'),
      '4: imports.forbidden[0].paths: expected a list of path globs, found the string "src/**"',
    ],
    [
      'a blank glob',
      withRule(
        '    - paths: [src/**, " "]',
        '      modules: [google.auth]',
        '      reason: no cloud identity',
      ),
      '4: imports.forbidden[0].paths[1]: expected a path glob such as "src/**", found the string " "',
    ],
    [
      'an absolute glob',
      withRule(
        '    - paths:',
        '        - src/**',
        '        - /app/src/**',
        '      modules: [google.auth]',
        '      reason: no cloud identity',
      ),
      '6: imports.forbidden[0].paths[1]: "/app/src/**" is absolute; use a relative glob such as "src/**"',
    ],
    [
      'a glob twice',
      withRule(
        '    - paths: [src/**, src/**]',
        '      modules: [google.auth]',
        '      reason: no cloud identity',
      ),
      '4: imports.forbidden[0].paths[1]: src/** is already listed as imports.forbidden[0].paths[0]; list each once',
    ],
    [
      'a rule without modules',
      withRule('    - paths: [src/**]', '      reason: no cloud identity'),
      '4: imports.forbidden[0].modules: missing; add a list of module names such as [google.cloud.secretmanager]',
    ],
    [
      'a rule with empty modules',
      withRule('    - paths: [src/**]', '      modules:', '      reason: no cloud identity'),
      '5: imports.forbidden[0].modules: the list is empty; add a list of module names such as [google.cloud.secretmanager]',
    ],
    [
      'a module with a space',
      withRule(
        '    - paths: [src/**]',
        '      modules: [google.auth, google cloud]',
        '      reason: no cloud identity',
      ),
      '5: imports.forbidden[0].modules[1]: "google cloud" is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)',
    ],
    [
      'a module with a trailing dot',
      withRule('    - paths: [src/**]', '      modules: [google.]', '      reason: no cloud identity'),
      '5: imports.forbidden[0].modules[0]: "google." is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)',
    ],
    [
      'a relative module path',
      withRule('    - paths: [src/**]', '      modules: [./secrets]', '      reason: no cloud identity'),
      '5: imports.forbidden[0].modules[0]: "./secrets" is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)',
    ],
    [
      'a wildcard module',
      withRule('    - paths: [src/**]', '      modules: ["google.*"]', '      reason: no cloud identity'),
      '5: imports.forbidden[0].modules[0]: "google.*" is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)',
    ],
    [
      'a module as a number',
      withRule('    - paths: [src/**]', '      modules:', '        - 3', '      reason: no cloud identity'),
      '6: imports.forbidden[0].modules[0]: expected a module name such as google.cloud.secretmanager, found the number 3',
    ],
    [
      'a module twice',
      withRule(
        '    - paths: [src/**]',
        '      modules:',
        '        - google.auth',
        '        - google.oauth2',
        '        - google.auth',
        '      reason: no cloud identity',
      ),
      '8: imports.forbidden[0].modules[2]: google.auth is already listed as imports.forbidden[0].modules[0]; list each once',
    ],
    [
      'a rule without reason',
      withRule('    - paths: [src/**]', '      modules: [google.auth]'),
      '4: imports.forbidden[0].reason: missing; say why these imports are forbidden',
    ],
    [
      'a blank reason',
      withRule('    - paths: [src/**]', '      modules: [google.auth]', '      reason: "  "'),
      '6: imports.forbidden[0].reason: expected a sentence saying why, found the string "  "',
    ],
    [
      'a reason as a list',
      withRule('    - paths: [src/**]', '      modules: [google.auth]', '      reason: [no, cloud]'),
      '6: imports.forbidden[0].reason: expected a sentence saying why, found a list',
    ],
    [
      'an error in the second rule',
      withRule(
        '    - paths: [src/**]',
        '      modules: [google.auth]',
        '      reason: one',
        '    - paths: [src/domain/**]',
        '      modules: [google..iam]',
        '      reason: two',
      ),
      '8: imports.forbidden[1].modules[0]: "google..iam" is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)',
    ],
  ])('refuses %s, naming the key and the line', (_name, text, expected) => {
    const error = contractErrorOf(text);
    expect(error.message).toBe(`${FILE}:${expected}`);
    expect(error.line).toBe(Number(expected.slice(0, expected.indexOf(':'))));
    expect(error.file).toBe(FILE);
  });

  it.each(['', '# nothing yet\n', '~\n'])('refuses the empty contract %j without a line', (text) => {
    const error = contractErrorOf(text);
    expect(error.message).toBe(
      'runtime-contract.yml: the contract is empty; it must be a mapping that starts with "version: 1"',
    );
    expect(error.line).toBeUndefined();
  });

  it('shortens a long value in the message', () => {
    const long = `A${'b'.repeat(99)}`;
    expect(contractErrorOf(yaml('version: 1', 'env:', `  optional-plain: [${long}]`)).message).toBe(
      `runtime-contract.yml:3: env.optional-plain[0]: "A${'b'.repeat(59)}…" is not an environment variable name; use capital letters, digits and _, not starting with a digit`,
    );
  });
});

describe('loadContract', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'contract-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the example and records its path', async () => {
    expect(await loadContract(EXAMPLE, 'contract')).toEqual({ ...EXAMPLE_CONTRACT, file: EXAMPLE });
  });

  it('names the missing path and the input that fixes it', async () => {
    const missing = join(dir, 'runtime-contract.yml');
    const error = await loadContract(missing, 'contract').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).message).toBe(
      `${missing}: the runtime contract does not exist; set input "contract" to the path of runtime-contract.yml`,
    );
    expect((error as ContractError).file).toBe(missing);
    expect((error as ContractError).line).toBeUndefined();
  });

  it('says where a relative path was looked for', async () => {
    await expect(loadContract('no-such-dir/runtime-contract.yml', 'contract')).rejects.toThrow(
      `no-such-dir/runtime-contract.yml: the runtime contract does not exist (looked for ${resolve('no-such-dir/runtime-contract.yml')}); set input "contract" to the path of runtime-contract.yml`,
    );
  });

  it('refuses a directory with the same fix', async () => {
    await expect(loadContract(dir, 'contract')).rejects.toThrow(
      `${dir}: is a directory, not the runtime contract; set input "contract" to the path of runtime-contract.yml`,
    );
  });
});

describe('DEFAULT_CONTRACT', () => {
  it('keeps the production guard without a contract file', () => {
    expect(DEFAULT_CONTRACT).toEqual({
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
      secrets: { naming: '{name}-{environment}' },
      imports: { forbidden: [] },
    });
  });

  it('is frozen, so that no stage can change it for another', () => {
    expect(Object.isFrozen(DEFAULT_CONTRACT)).toBe(true);
    expect(() => DEFAULT_CONTRACT.env.devOnlyPlain.push('X')).toThrow(TypeError);
    expect(() => {
      DEFAULT_CONTRACT.environments['prod']!.production = false;
    }).toThrow(TypeError);
  });
});

describe('secretIdFor', () => {
  const withNaming = (naming: string): RuntimeContract => ({ ...DEFAULT_CONTRACT, secrets: { naming } });
  const custom = withNaming('{environment}-{name}');

  it.each([
    ['{name}-{environment}', 'DATABASE_URL', 'dev', 'database-url-dev'],
    ['{name}-{environment}', 'CLERK_SECRET_KEY', 'prod', 'clerk-secret-key-prod'],
    ['{name}-{environment}', 'DEV_BYPASS_SECRET', 'dev', 'dev-bypass-secret-dev'],
    ['{name}-{environment}', 'ENV', 'staging', 'env-staging'],
    ['{environment}-{name}', 'DATABASE_URL', 'dev', 'dev-database-url'],
    ['{environment}-{name}', 'CLERK_SECRET_KEY', 'prod', 'prod-clerk-secret-key'],
    ['app_{name}', 'ADMIN_API_KEY', 'prod', 'app_admin-api-key'],
  ])('naming %s: %s in %s is %s', (naming, name, environment, expected) => {
    expect(secretIdFor(withNaming(naming), name, environment)).toBe(expected);
  });

  it('uses the default naming of DEFAULT_CONTRACT', () => {
    expect(secretIdFor(DEFAULT_CONTRACT, 'DATABASE_URL', 'dev')).toBe('database-url-dev');
  });

  it('substitutes once: an environment holding "{name}" stays as given', () => {
    expect(secretIdFor(custom, 'A_B', '{name}')).toBe('{name}-a-b');
  });

  it('follows the naming of a parsed contract', () => {
    const contract = parseContract(yaml('version: 1', 'secrets:', '  naming: "{name}--{environment}"'), FILE);
    expect(secretIdFor(contract, 'RESEND_API_KEY', 'prod')).toBe('resend-api-key--prod');
  });
});

describe('isProduction and knownEnvironment', () => {
  const contract = parseContract(
    yaml(
      'version: 1',
      'environments:',
      '  staging: {}',
      '  prod-eu: {production: true}',
      '  constructor: {}',
    ),
    FILE,
  );

  const contracts: Record<string, RuntimeContract> = {
    declared: contract,
    minimal: MINIMAL_CONTRACT,
    default: DEFAULT_CONTRACT,
  };

  it.each<[string, string, boolean, boolean]>([
    ['declared', 'dev', false, true],
    ['declared', 'prod', true, true],
    ['declared', 'staging', false, true],
    ['declared', 'prod-eu', true, true],
    ['declared', 'PROD-EU', true, false],
    ['declared', 'constructor', false, true],
    ['declared', 'production', true, false],
    ['declared', 'PRODUCTION', true, false],
    ['declared', 'Prod', true, false],
    ['declared', ' prod ', true, false],
    ['declared', 'qa', false, false],
    ['declared', 'toString', false, false],
    ['declared', 'hasOwnProperty', false, false],
    ['minimal', 'dev', false, true],
    ['minimal', 'prod', true, true],
    ['minimal', 'production', true, false],
    ['minimal', 'staging', false, false],
    ['default', 'dev', false, true],
    ['default', 'prod', true, true],
    ['default', 'production', true, true],
    ['default', 'Production', true, false],
    ['default', 'staging', false, false],
    ['default', '', false, false],
  ])('%s contract: %j is production %s, known %s', (kind, environment, production, known) => {
    expect(isProduction(contracts[kind]!, environment)).toBe(production);
    expect(knownEnvironment(contracts[kind]!, environment)).toBe(known);
  });

  it('keeps prod and production production even in a contract built by hand', () => {
    const handMade: RuntimeContract = {
      ...MINIMAL_CONTRACT,
      environments: { prod: { production: false }, production: { production: false } },
    };
    expect(isProduction(handMade, 'prod')).toBe(true);
    expect(isProduction(handMade, 'production')).toBe(true);
    expect(knownEnvironment(handMade, 'dev')).toBe(true);
  });
});

describe('devOnlyNames and allKnownNames', () => {
  it('lists the dev-only names, plain first', () => {
    expect(devOnlyNames(DEFAULT_CONTRACT)).toEqual(['ALLOW_DEV_AUTH_BYPASS', 'DEV_BYPASS_SECRET']);
    const contract = parseContract(
      yaml('version: 1', 'env:', '  dev-only-secrets: [B_SECRET, A_SECRET]', '  dev-only-plain: [Z_FLAG]'),
      FILE,
    );
    expect(devOnlyNames(contract)).toEqual(['Z_FLAG', 'B_SECRET', 'A_SECRET']);
    expect(devOnlyNames(MINIMAL_CONTRACT)).toEqual([]);
  });

  it('knows every name of every category', () => {
    expect([...allKnownNames(EXAMPLE_CONTRACT)].sort()).toEqual([
      'ADMIN_API_KEY',
      'ALLOW_DEV_AUTH_BYPASS',
      'BASE_URL',
      'CLERK_SECRET_KEY',
      'DATABASE_URL',
      'DEV_BYPASS_SECRET',
      'ENV',
      'RESEND_API_KEY',
      'RESEND_FROM_EMAIL',
      'SHOPIFY_API_VERSION',
      'SHOPIFY_SCOPES',
    ]);
    expect(allKnownNames(DEFAULT_CONTRACT)).toEqual(new Set(['ALLOW_DEV_AUTH_BYPASS', 'DEV_BYPASS_SECRET']));
    expect(allKnownNames(MINIMAL_CONTRACT).size).toBe(0);
  });
});

// The access token for Google's APIs, from Application Default Credentials: the credentials file
// that google-github-actions/auth writes (Workload Identity Federation, with or without a service
// account to impersonate), a service-account key, or the metadata server of a runner on Google
// Cloud. `google-auth-library` does the exchanges; it is loaded on first use (its own chunk of
// the bundle), so a run that asks Google nothing never loads it. Every token is registered as a
// secret before it is returned: no log line, message or summary can hold it.
import { readFileSync } from 'node:fs';
import type { IdentityPoolClientOptions } from 'google-auth-library';
import { ConfigurationError } from './errors.js';
import { excerpt } from './format.js';
import { checkEndpoint, GoogleApi } from './google-api.js';
import { shown } from './names.js';
import { redact, registerSecret } from './secrets.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Where the credentials file is named: Google's variable, then gcloud's (both set by the auth action). */
export const CREDENTIAL_FILE_VARIABLES = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
] as const;

/** gcloud's variables for the token exchange's endpoints, applied to a Workload Identity file. */
const EXCHANGE_OVERRIDES = {
  token_url: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_STS',
  service_account_impersonation_url: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS',
} as const;

/** A token's own deadline, whatever the stage's: one exchange is a few requests. */
const TOKEN_TIMEOUT_MS = 60_000;

interface CredentialFile {
  type?: unknown;
  token_url?: unknown;
  service_account_impersonation_url?: unknown;
  [key: string]: unknown;
}

/**
 * The credentials file as the library should read it: where gcloud's STS or IAM credentials
 * override is set, the exchange URLs of a Workload Identity file point at it (path kept).
 */
export function readCredentialFile(path: string, variable: string, env: NodeJS.ProcessEnv): CredentialFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new ConfigurationError(
      `${variable} names ${shown(path)}, which cannot be read as a credentials file (${why}): run google-github-actions/auth in this job before this step`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigurationError(`${variable} names ${shown(path)}, which holds no credentials object`);
  }
  const file = { ...(parsed as CredentialFile) };
  if (file.type !== 'external_account') return file;
  const source = file['credential_source'];
  if (typeof source !== 'object' || source === null || 'executable' in source || 'environment_id' in source) {
    // An executable source would start a command named by the file; an AWS one reads AWS's
    // metadata. google-github-actions/auth writes a URL (GitHub's OIDC token) or a file source.
    throw new ConfigurationError(
      `${variable} names a Workload Identity file whose credential_source is not a URL or a file: write it with google-github-actions/auth`,
    );
  }
  for (const [field, overrideVariable] of Object.entries(EXCHANGE_OVERRIDES)) {
    const override = env[overrideVariable]?.trim() ?? '';
    const current = file[field];
    if (override === '' || typeof current !== 'string') continue;
    const base = checkEndpoint(overrideVariable, override);
    const original = new URL(current);
    // Keep the API's path (`v1/token`, `v1/projects/-/serviceAccounts/…`) under the new base.
    file[field] = new URL(original.pathname.replace(/^\//, '') + original.search, base).href;
  }
  return file;
}

interface TokenClient {
  getAccessToken(): Promise<{ token?: string | null }>;
}

/**
 * One token source per stage run. The library's client caches the token and fetches a new one
 * shortly before it expires; each new one is registered as a secret.
 */
export class GoogleTokenSource {
  private client: Promise<TokenClient> | undefined;
  private library: Promise<typeof import('google-auth-library')> | undefined;
  private readonly seen = new Set<string>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly signal?: AbortSignal,
  ) {}

  /** Which credentials are used, for a log line (never their content). */
  describe(): string {
    for (const variable of CREDENTIAL_FILE_VARIABLES) {
      const path = this.env[variable]?.trim();
      if (path) return `the credentials file in ${variable}`;
    }
    return 'Application Default Credentials (the metadata server)';
  }

  /**
   * Starts loading google-auth-library (about 45 ms of CPU) when the run has a credentials file,
   * so that it overlaps work the stage waits on; reads no file and sends no request.
   */
  preload(): void {
    if (!CREDENTIAL_FILE_VARIABLES.some((variable) => (this.env[variable]?.trim() ?? '') !== '')) return;
    this.importLibrary().catch(() => undefined);
  }

  private importLibrary(): Promise<typeof import('google-auth-library')> {
    this.library ??= import('google-auth-library');
    // A failed import is not kept either.
    this.library.catch(() => (this.library = undefined));
    return this.library;
  }

  private async load(): Promise<TokenClient> {
    const library = await this.importLibrary();
    for (const variable of CREDENTIAL_FILE_VARIABLES) {
      const path = this.env[variable]?.trim() ?? '';
      if (path === '') continue;
      const file = readCredentialFile(path, variable, this.env);
      if (file.type === 'external_account') {
        // The class itself, not `fromJSON` (which prints a warning on every run): the source was
        // checked above to be a URL or a file, never a command.
        return new library.IdentityPoolClient({
          ...(file as unknown as IdentityPoolClientOptions),
          scopes: [CLOUD_PLATFORM_SCOPE],
        });
      }
      if (file.type === 'service_account' && typeof file['client_email'] === 'string') {
        return new library.JWT({
          email: file['client_email'],
          key: typeof file['private_key'] === 'string' ? file['private_key'] : '',
          scopes: [CLOUD_PLATFORM_SCOPE],
        });
      }
      throw new ConfigurationError(
        `${variable} names a credentials file of type ${shown(String(file.type))}: use google-github-actions/auth with Workload Identity Federation (external_account) or a service-account key`,
      );
    }
    // A runner on Google Cloud: the metadata server's account. The project is given to every
    // request, so the library never looks it up (that would start `gcloud config config-helper`).
    return new library.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId: 'unused' }).getClient();
  }

  /** The current access token (fetched on first use, renewed before it expires). */
  async token(): Promise<string> {
    this.client ??= this.load();
    // A failed load is not kept: the next call tries again.
    this.client.catch(() => (this.client = undefined));
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => undefined;
    const bounded = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no access token within ${TOKEN_TIMEOUT_MS / 1000}s from ${this.describe()}`)),
        TOKEN_TIMEOUT_MS,
      );
      onAbort = () => reject(this.signal?.reason as Error);
      if (this.signal?.aborted === true) onAbort();
      else this.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const client = await Promise.race([this.client, bounded]);
      const { token } = await Promise.race([client.getAccessToken(), bounded]);
      if (typeof token !== 'string' || token === '') {
        throw new Error(`${this.describe()} gave no access token`);
      }
      if (!this.seen.has(token)) {
        registerSecret(token);
        this.seen.add(token);
      }
      return token;
    } catch (error) {
      if (error instanceof ConfigurationError || this.signal?.aborted === true) throw error;
      // The library's messages may quote an answer: secrets out, one bounded line.
      const message = excerpt(redact(error instanceof Error ? error.message : String(error)), 400);
      throw new Error(
        `could not get a Google access token from ${this.describe()}: ${shown(message, 400)}. Run google-github-actions/auth (Workload Identity Federation) in this job before this step`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The client of one stage run: one token source, Google's endpoints (or their overrides). */
export function googleApi(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  onRetry?: (reason: string, waitMs: number) => void,
): GoogleApi {
  const tokens = new GoogleTokenSource(env, signal);
  return new GoogleApi({
    env,
    token: () => tokens.token(),
    prepare: () => tokens.preload(),
    ...(signal === undefined ? {} : { signal }),
    ...(onRetry === undefined ? {} : { onRetry }),
  });
}

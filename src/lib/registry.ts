// The Registry HTTP API v2, as much as build-push and deploy need: the digest the registry holds
// for a tag or a digest, read from its own answer (Docker-Content-Digest, checked against the
// SHA-256 of the manifest it served), with the runner's registry credentials (Docker's config,
// the containers auth file), the token handshake and retries inside a deadline.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './exec.js';
import { excerpt } from './format.js';
import { isLoopbackHost } from './names.js';
import { httpGet, parseRetryAfter, RequestError, type GetResponse } from './http.js';
import { poll } from './poll.js';
import { registerSecret } from './secrets.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;
const INDEX_TYPES = new Set<string>([MANIFEST_TYPES[0], MANIFEST_TYPES[1]]);

/** `registry/repository`: the image name without tag or digest. */
export interface ImageName {
  /** `host[:port]` */
  registry: string;
  repository: string;
}

export interface Credentials {
  username: string;
  password: string;
}

/** Plain HTTP is allowed only for a registry on this machine. */
export const isLoopback = (registry: string): boolean => isLoopbackHost(registry);
export const registryUrl = (registry: string): string =>
  `${isLoopback(registry) ? 'http' : 'https'}://${registry}`;

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

async function readJson(file: string): Promise<DockerConfig | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
}

function fromAuths(config: DockerConfig | undefined, registry: string): Credentials | undefined {
  const entry = Object.entries(config?.auths ?? {}).find(
    ([key]) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registry,
  )?.[1];
  if (entry === undefined) return undefined;
  if (entry.auth !== undefined) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) return { username: decoded.slice(0, at), password: decoded.slice(at + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

async function fromHelper(helper: string, registry: string): Promise<Credentials | undefined> {
  try {
    const { stdout } = await runTool(`docker-credential-${helper}`, ['get'], {
      stdin: registry,
      timeoutMs: 30_000,
    });
    const parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
    return parsed.Username !== undefined && parsed.Secret !== undefined
      ? { username: parsed.Username, password: parsed.Secret }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The credentials the builder pushed with: Docker's config (`auths`, `credHelpers`,
 * `credsStore`) for docker, the containers auth file for buildah and podman. Each secret found
 * is registered before use.
 */
export async function findCredentials(
  registry: string,
  builder: 'docker' | 'buildah' | 'podman',
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const home = env['HOME'] ?? homedir();
  const dockerConfig = await readJson(join(env['DOCKER_CONFIG'] ?? join(home, '.docker'), 'config.json'));
  const containerFiles = [
    env['REGISTRY_AUTH_FILE'],
    env['XDG_RUNTIME_DIR'] ? join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json') : undefined,
    join(home, '.config', 'containers', 'auth.json'),
  ].filter((file): file is string => file !== undefined);
  const candidates: (() => Promise<Credentials | undefined>)[] = [];
  const containers = async (): Promise<Credentials | undefined> => {
    for (const file of containerFiles) {
      const found = fromAuths(await readJson(file), registry);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const docker = async (): Promise<Credentials | undefined> => {
    const helper = dockerConfig?.credHelpers?.[registry];
    if (helper !== undefined) return fromHelper(helper, registry);
    const found = fromAuths(dockerConfig, registry);
    if (found !== undefined) return found;
    return dockerConfig?.credsStore === undefined ? undefined : fromHelper(dockerConfig.credsStore, registry);
  };
  // Each builder's own store first; buildah and podman also read Docker's config.
  candidates.push(...(builder === 'docker' ? [docker, containers] : [containers, docker]));
  for (const candidate of candidates) {
    const found = await candidate();
    if (found !== undefined) {
      registerSecret(found.password);
      return found;
    }
  }
  return undefined;
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1] ?? ''] = match[2] ?? '';
  return { scheme: scheme.toLowerCase(), params };
}

export interface ResolvedManifest {
  digest: string;
  mediaType: string;
  /** Layers and config, for an image manifest; the sum over the index's manifests otherwise. */
  size: number;
  /** For an index: how many manifests it holds. */
  manifests?: number;
}

class Session {
  private authorization: string | undefined;
  constructor(
    private readonly image: ImageName,
    private readonly credentials: Credentials | undefined,
  ) {}

  private basic(): string | undefined {
    return this.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  /** Answers a 401 challenge: a bearer token from the realm, or Basic credentials. */
  async authenticate(challenge: string, timeoutMs: number): Promise<void> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === 'basic') {
      this.authorization = this.basic();
      if (this.authorization === undefined) {
        throw new Error(
          `${this.image.registry} wants credentials and none were found (docker login, or the builder's auth file)`,
        );
      }
      return;
    }
    if (scheme !== 'bearer' || params['realm'] === undefined) {
      throw new Error(`${this.image.registry} sent an unsupported challenge: ${excerpt(challenge)}`);
    }
    const url = new URL(params['realm']);
    if (params['service'] !== undefined) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', params['scope'] ?? `repository:${this.image.repository}:pull`);
    const basic = this.basic();
    const response = await httpGet(url, {
      timeoutMs,
      headers: basic === undefined ? {} : { authorization: basic },
    });
    if (response.status !== 200) {
      throw new Error(
        `the token endpoint ${url.origin}${url.pathname} answered ${response.status}: check the registry credentials`,
      );
    }
    const body = JSON.parse(response.body) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) {
      throw new Error(`the token endpoint ${url.origin}${url.pathname} returned no token`);
    }
    registerSecret(token);
    this.authorization = `Bearer ${token}`;
  }

  get(url: URL, timeoutMs: number): Promise<GetResponse> {
    return httpGet(url, {
      timeoutMs,
      maxBodyBytes: 4 * 1024 * 1024,
      headers: {
        accept: MANIFEST_TYPES.join(', '),
        ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
      },
    });
  }
}

/** A registry's final answer to a manifest request that is not the manifest (404, 401, 403, …). */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A manifest digest, which goes into the path as it is (a tag is encoded). */
const DIGEST = /^sha256:[a-f0-9]{64}$/;

const RETRYABLE = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * The digest the registry holds for `tag` (a tag, or a digest `sha256:…`): a GET of the manifest
 * with the OCI and Docker Accept list, its `Docker-Content-Digest` checked against the SHA-256
 * of the body it served. 408, 429, 5xx and connection errors are retried with backoff until the
 * deadline (a `DeadlineError`); any other status is a `ManifestError` at once.
 */
export async function resolveManifest(
  image: ImageName,
  tag: string,
  credentials: Credentials | undefined,
  deadline: number,
  signal?: AbortSignal,
): Promise<ResolvedManifest> {
  const session = new Session(image, credentials);
  const url = new URL(
    `${registryUrl(image.registry)}/v2/${image.repository}/manifests/${DIGEST.test(tag) ? tag : encodeURIComponent(tag)}`,
  );
  let authenticated = false;
  const { value } = await poll(
    async ({ remainingMs }) => {
      let response: GetResponse;
      try {
        response = await session.get(url, Math.min(30_000, remainingMs));
        if (response.status === 401 && !authenticated) {
          // The token handshake, then the same request again at once.
          const challenge = response.headers['www-authenticate'];
          if (challenge === undefined) throw new Error(`${image.registry} answered 401 without a challenge`);
          await session.authenticate(challenge, Math.min(30_000, remainingMs));
          authenticated = true;
          response = await session.get(url, Math.min(30_000, remainingMs));
        }
      } catch (error) {
        if (error instanceof RequestError) return { done: false, reason: `${error.code}: ${error.message}` };
        throw error;
      }
      if (RETRYABLE(response.status)) {
        const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        return {
          done: false,
          reason: `${response.status} from ${image.registry}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      if (response.status !== 200) {
        throw new ManifestError(
          `GET ${url.href} answered ${response.status}: ${excerpt(response.body)}${response.status === 401 ? ' (the credentials were refused)' : ''}`,
          response.status,
        );
      }
      const header = response.headers['docker-content-digest'];
      const computed = `sha256:${createHash('sha256').update(response.body, 'utf8').digest('hex')}`;
      if (typeof header === 'string' && header !== computed) {
        throw new Error(
          `${image.registry} says the manifest of ${tag} is ${header}, but what it served hashes to ${computed}`,
        );
      }
      const manifest = JSON.parse(response.body) as {
        mediaType?: string;
        layers?: { size?: number }[];
        config?: { size?: number };
        manifests?: { size?: number }[];
      };
      const mediaType = manifest.mediaType ?? response.headers['content-type'] ?? '';
      const sum = (items: { size?: number }[] | undefined): number =>
        (items ?? []).reduce((total, item) => total + (item.size ?? 0), 0);
      const isIndex = INDEX_TYPES.has(mediaType);
      return {
        done: true,
        value: {
          digest: computed,
          mediaType,
          size: isIndex ? sum(manifest.manifests) : sum(manifest.layers) + (manifest.config?.size ?? 0),
          ...(isIndex ? { manifests: manifest.manifests?.length ?? 0 } : {}),
        },
      };
    },
    {
      deadline,
      what: `${image.registry} to serve the manifest of ${image.repository}${tag.startsWith('sha256:') ? '@' : ':'}${tag}`,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  return value;
}

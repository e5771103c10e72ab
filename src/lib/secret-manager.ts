// Secret Manager API v1, the parts the stages use: secrets get, versions list and get. A
// version's name carries the project number (`projects/123456789012/secrets/S/versions/3`).
import type { GoogleApi } from './google-api.js';
import { checkName } from './names.js';

export interface SecretVersion {
  name?: string;
  createTime?: string;
  destroyTime?: string;
  /** ENABLED, DISABLED, DESTROYED. */
  state?: string;
  etag?: string;
}

export interface Secret {
  name?: string;
  createTime?: string;
  etag?: string;
}

/** A Secret Manager version: a number, `latest`, or an alias (letters, digits, `_`, `-`; not a number). */
export const SECRET_VERSION = /^(?:latest|[1-9][0-9]{0,18}|[A-Za-z_][A-Za-z0-9_-]{0,62})$/;

const secretPath = (project: string, secret: string): string[] => [
  'v1',
  'projects',
  checkName('project', 'project', project),
  'secrets',
  checkName('secret', 'secret', secret),
];

export class SecretManager {
  constructor(private readonly api: GoogleApi) {}

  getSecret(project: string, secret: string, deadline: number): Promise<Secret> {
    return this.api.call<Secret>('secretmanager', {
      method: 'GET',
      path: secretPath(project, secret),
      what: `get secret ${secret} of project ${project}`,
      deadline,
    });
  }

  /** The versions of a secret, newest first (all pages, at most `maxPages` of 100). */
  async listVersions(
    project: string,
    secret: string,
    options: { filter?: string; deadline: number; maxPages?: number },
  ): Promise<SecretVersion[]> {
    const versions: SecretVersion[] = [];
    let pageToken = '';
    for (let page = 0; page < (options.maxPages ?? 10); page++) {
      const answer = await this.api.call<{ versions?: SecretVersion[]; nextPageToken?: string }>(
        'secretmanager',
        {
          method: 'GET',
          path: [...secretPath(project, secret), 'versions'],
          query: {
            pageSize: '100',
            ...(options.filter === undefined ? {} : { filter: options.filter }),
            ...(pageToken === '' ? {} : { pageToken }),
          },
          what: `list the versions of secret ${secret} of project ${project}`,
          deadline: options.deadline,
        },
      );
      versions.push(...(Array.isArray(answer.versions) ? answer.versions : []));
      pageToken = typeof answer.nextPageToken === 'string' ? answer.nextPageToken : '';
      if (pageToken === '') break;
    }
    return versions;
  }

  getVersion(project: string, secret: string, version: string, deadline: number): Promise<SecretVersion> {
    if (!SECRET_VERSION.test(version)) throw new Error(`secret version ${version} is not a version`);
    return this.api.call<SecretVersion>('secretmanager', {
      method: 'GET',
      path: [...secretPath(project, secret), 'versions', version],
      what: `get version ${version} of secret ${secret} of project ${project}`,
      deadline,
    });
  }
}

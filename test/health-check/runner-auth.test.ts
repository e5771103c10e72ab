// actions/health-check as the runner runs it, against a service that wants invoker
// authentication (Cloud Run without an allUsers binding answers 401 or 403): the failure says
// what is missing and how to get it, and, with a token sent, what is wrong with the token.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../../testkit/local-runner.mjs';
import { json, startServer } from '../../testkit/servers.js';
import { authenticationHint } from '../../src/lib/probe.js';

const standins = join(repoRoot, 'test', 'standins', 'bin');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function refusingService(status: number) {
  const started = await startServer((_req, res) =>
    json(res, status, { error: status === 401 ? 'Unauthorized' : 'Forbidden' }),
  );
  cleanups.push(() => started.close());
  return started;
}

async function healthCheck(inputs: Record<string, string>, secrets: string[] = []) {
  const result = await runAction({ stage: 'health-check', pathPrepend: [standins], inputs, secrets });
  cleanups.push(result.cleanup);
  return result;
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.an-id-token-for-the-test.c2lnbmF0dXJl';

describe('health-check bundle: a service that wants invoker authentication', () => {
  it.each([401, 403])('%i without a token: says the service needs an ID token, and how', async (status) => {
    const api = await refusingService(status);
    const result = await healthCheck({ url: api.url, timeout: '60s' });
    expect(result.code).toBe(1);
    expect(api.requests).toHaveLength(1);
    expect(result.durationMs).toBeLessThan(10_000);
    const error = result.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain(`answered ${status}, expected 200`);
    expect(error).toContain(
      'The service requires invoker authentication: pass input "bearer-token" with an ID token (not an access token) whose audience is the service URL',
    );
    expect(error).toContain('google-github-actions/auth with token_format: id_token and id_token_audience');
    expect(error).toContain('roles/run.invoker');
    expect(result.summary).toContain('The service requires invoker authentication');
    expect(result.outputs).toEqual({});
  });

  it('403 with a token: the identity lacks run.invoker or the audience is wrong', async () => {
    const api = await refusingService(403);
    const result = await healthCheck({ url: api.url, 'bearer-token': TOKEN }, [TOKEN]);
    expect(result.code).toBe(1);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.log).toContain(
      "The bearer token was sent and refused: the token's identity lacks roles/run.invoker on the service, or the token's audience is not the service URL",
    );
    expect(result.log).not.toContain('pass input "bearer-token"');
    const printed = result.log.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(TOKEN);
  });

  it('401 with a token: the token is not one Cloud Run accepts', async () => {
    const api = await refusingService(401);
    const result = await healthCheck({ url: api.url, 'bearer-token': TOKEN }, [TOKEN]);
    expect(result.code).toBe(1);
    expect(result.log).toContain('The bearer token was sent and not accepted: it must be an ID token');
    expect(result.log).toContain('an access token, another audience or an expired token is refused');
  });

  it('a 401 that is the expected status passes, with no hint', async () => {
    const api = await refusingService(401);
    const result = await healthCheck({ url: api.url, 'expected-status': '401' });
    expect(result.code, result.log).toBe(0);
    expect(result.log).not.toContain('invoker');
  });

  it('other statuses get no hint', () => {
    expect(authenticationHint(404, false)).toBe('');
    expect(authenticationHint(500, true)).toBe('');
    expect(authenticationHint(401, false)).not.toBe('');
  });
});

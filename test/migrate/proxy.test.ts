// The proxy's command line for the inputs, and the one platform mapping of its release files.
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import { freePort, proxyArgs, proxyDeath, startProxy } from '../../src/migrate/proxy.js';
import { startServer } from '../../testkit/servers.js';
import { PROXY_SHA256, proxyPlatformKey } from '../../src/migrate/proxy-release.js';

const INSTANCE = 'acme-prod:europe-west1:main';
const base = { port: 5432, privateIp: false, autoIamAuthn: false, instance: INSTANCE };
const listen = (port: number, httpPort: number): string[] => [
  '--address',
  '127.0.0.1',
  '--port',
  String(port),
  '--health-check',
  '--http-address',
  '127.0.0.1',
  '--http-port',
  String(httpPort),
];

describe('proxyArgs', () => {
  it.each<[string, Partial<typeof base>, number, string[]]>([
    ['the defaults', {}, 41000, [...listen(5432, 41000), INSTANCE]],
    ['another port', { port: 6543 }, 41001, [...listen(6543, 41001), INSTANCE]],
    ['private-ip', { privateIp: true }, 41000, [...listen(5432, 41000), '--private-ip', INSTANCE]],
    ['auto-iam-authn', { autoIamAuthn: true }, 41000, [...listen(5432, 41000), '--auto-iam-authn', INSTANCE]],
    [
      'private-ip and auto-iam-authn',
      { privateIp: true, autoIamAuthn: true, port: 15432 },
      9090,
      [...listen(15432, 9090), '--private-ip', '--auto-iam-authn', INSTANCE],
    ],
    [
      'a domain-scoped project',
      { instance: 'example.com:acme:us-central1:pg' },
      41000,
      [...listen(5432, 41000), 'example.com:acme:us-central1:pg'],
    ],
  ])('%s', (_name, inputs, httpPort, args) => {
    expect(proxyArgs({ ...base, ...inputs }, httpPort)).toEqual(args);
  });
});

describe('proxyPlatformKey', () => {
  it.each<[string, string, string]>([
    ['linux', 'x64', 'linux.amd64'],
    ['linux', 'arm64', 'linux.arm64'],
    ['darwin', 'x64', 'darwin.amd64'],
    ['darwin', 'arm64', 'darwin.arm64'],
    ['win32', 'x64', 'x64.exe'],
  ])('%s/%s → %s, with a pinned SHA-256', (platform, arch, key) => {
    expect(proxyPlatformKey(platform, arch)).toBe(key);
    expect(PROXY_SHA256[key]).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, string]>([
    ['win32', 'ia32'],
    ['win32', 'arm64'],
    ['linux', 'ia32'],
    ['linux', 'arm'],
    ['linux', 's390x'],
    ['freebsd', 'x64'],
    ['aix', 'ppc64'],
  ])('refuses %s/%s, naming it and the way out (proxy-path)', (platform, arch) => {
    const refused = (): string => proxyPlatformKey(platform, arch);
    expect(refused).toThrow(ConfigurationError);
    expect(refused).toThrow(`not for this runner's ${platform}/${arch}`);
    expect(refused).toThrow('set input "proxy-path" to its path');
  });

  it("defaults to this runner's platform", () => {
    expect(proxyPlatformKey()).toBe(proxyPlatformKey(process.platform, process.arch));
  });
});

describe('proxyDeath: after a failed command, did the proxy die under it?', () => {
  /** A "proxy": Node running `script`, started as the action starts the real one. */
  const start = (script: string) => startProxy(process.execPath, ['-e', script]);

  it('an exited proxy: its exit code, at once', async () => {
    const proxy = start('process.exit(3)');
    await new Promise((resolve) => proxy.child.once('exit', resolve));
    expect(await proxyDeath(proxy, await freePort())).toBe('code 3');
  });

  it('a proxy killed at the same moment, not yet reaped: waited for, named by its signal', async () => {
    const proxy = start('setInterval(() => {}, 1000)');
    await new Promise((resolve) => proxy.child.once('spawn', resolve));
    // Its liveness port answers nothing; the exit arrives while proxyDeath looks.
    const death = proxyDeath(proxy, await freePort());
    process.kill(proxy.pid, 'SIGKILL');
    expect(await death).toBe('SIGKILL');
  });

  it('a proxy that answers its liveness endpoint: alive, nothing to report', async () => {
    const health = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const proxy = start('setInterval(() => {}, 1000)');
    try {
      const port = Number(new URL(health.url).port);
      expect(await proxyDeath(proxy, port)).toBeUndefined();
      expect(health.requests.map((request) => request.url)).toEqual(['/liveness']);
    } finally {
      await proxy.stop();
      await health.close();
    }
  });

  it('a proxy the step stopped itself is no death', async () => {
    const proxy = start('setInterval(() => {}, 1000)');
    await proxy.stop();
    expect(proxy.exitStatus()).toBeUndefined();
  });
});

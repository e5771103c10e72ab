// actions/build-push: the action's own overhead above the builder's time (goal ≤ 150 ms): the
// same buildah build and push, through the action and directly, alternating, against a real
// registry (Debian's docker-registry) on 127.0.0.1, with isolated vfs storage.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../testkit/local-runner.mjs';

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** @returns {Promise<number>} */
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** @param {number} runs */
export async function benchBuildPush(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-build-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'registry.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const registry = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('curl', ['-sf', `http://127.0.0.1:${port}/v2/`]).status !== 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  writeFileSync(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'graph')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  const env = {
    STORAGE_DRIVER: 'vfs',
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    HOME: dir,
    PATH: process.env.PATH ?? '',
  };
  const context = join(dir, 'context');
  mkdirSync(context);
  writeFileSync(join(context, 'hello.txt'), 'hello\n');
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  const image = `127.0.0.1:${port}/bench/api`;

  const direct = () => {
    const started = performance.now();
    const ok =
      spawnSync(
        'buildah',
        [
          'build',
          '--file',
          join(context, 'Dockerfile'),
          '--platform',
          'linux/amd64',
          '--tag',
          `${image}:sha-1234567`,
          '--layers',
          '--tls-verify=false',
          context,
        ],
        { env, stdio: 'ignore' },
      ).status === 0 &&
      spawnSync(
        'buildah',
        [
          'push',
          '--digestfile',
          join(dir, 'digest'),
          '--tls-verify=false',
          `${image}:sha-1234567`,
          `docker://${image}:sha-1234567`,
        ],
        { env, stdio: 'ignore' },
      ).status === 0;
    if (!ok) throw new Error('buildah failed in the benchmark');
    return performance.now() - started;
  };
  /** @type {number[]} */
  const action = [];
  /** @type {number[]} */
  const tools = [];
  direct(); // warm the layer cache: both sides then rebuild from it
  for (let i = 0; i < runs; i++) {
    const result = await runAction({
      stage: 'build-push',
      inputs: { image, builder: 'buildah', sha: '1234567abc', context },
      env,
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`build-push failed in the benchmark:\n${result.log}`);
    action.push(result.durationMs);
    tools.push(direct());
  }
  registry.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  const overhead = action.map((value, i) => value - (tools[i] ?? 0));
  console.log(
    `\nBuild-push (buildah, cached layers): the action's overhead above the builder, ${runs} runs (goal ≤ 150 ms)`,
  );
  console.log('| measure | median ms | max ms |');
  console.log('| --- | ---: | ---: |');
  console.log(`| action wall time | ${median(action).toFixed(0)} | ${Math.max(...action).toFixed(0)} |`);
  console.log(
    `| buildah build + push alone | ${median(tools).toFixed(0)} | ${Math.max(...tools).toFixed(0)} |`,
  );
  console.log(`| overhead | ${median(overhead).toFixed(0)} | ${Math.max(...overhead).toFixed(0)} |`);
}

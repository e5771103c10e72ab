// Units behind the build-push fault handling: which push failures are retried, the retry loop's
// bounds, the FROM reader, and the .dockerignore lines suggested for .env files.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolError } from '../../src/lib/exec.js';
import { fromLines, parseInstructions, unpinnedBaseImages } from '../../src/build-push/dockerfile.js';
import { envIgnoreLine, scanContext } from '../../src/build-push/dockerignore.js';
import { classifyPushFailure, pushWithRetry } from '../../src/build-push/push-retry.js';

const BUILDAH_503 =
  'Getting image source signatures\nCopying blob sha256:ce09\nError: pushing image "r/a:t" to "docker://r/a:t": writing blob: initiating layer upload to /v2/a/blobs/uploads/ in r: received unexpected HTTP status: 503 Service Unavailable\n';

describe('classifyPushFailure', () => {
  it.each([
    [BUILDAH_503, true],
    [
      'Error: writing blob: Patch "http://r/v2/a/blobs/uploads/x": read tcp 1->2: read: connection reset by peer',
      true,
    ],
    ['Error: trying to reuse blob: Head "https://r/v2/": dial tcp 10.0.0.1:443: i/o timeout', true],
    [
      'Error: writing manifest: uploading manifest t to r/a: received unexpected HTTP status: 502 Bad Gateway',
      true,
    ],
    [
      'ERROR: failed to push r/a:t: unexpected status from PUT request to https://r/v2/a/manifests/t: 504 Gateway Timeout',
      true,
    ],
    [
      'Error: writing blob: initiating layer upload to /v2/a/blobs/uploads/ in r: 429 Too Many Requests',
      true,
    ],
    [
      'Error: writing blob: initiating layer upload to /v2/a/blobs/uploads/ in r: denied: requested access to the resource is denied',
      false,
    ],
    ['Error: writing blob: initiating layer upload: unauthorized: authentication required', false],
    ['Error: writing manifest: received unexpected HTTP status: 403 Forbidden', false],
    ['Error: checking whether a blob exists: 401 Unauthorized', false],
    [
      'Error: building at STEP "COPY missing.txt /x": checking on sources under "/ctx": copier: stat: "/missing.txt": no such file or directory',
      false,
    ],
    ['', false],
  ])('%s → transient %s', (stderr, transient) => {
    expect(classifyPushFailure(stderr).transient).toBe(transient);
  });

  it('for docker, only a failure that says it was pushing is retried', () => {
    const pull =
      'ERROR: failed to solve: python:3.12: failed to resolve source metadata for docker.io/library/python:3.12: unexpected status from HEAD request: 503 Service Unavailable';
    expect(classifyPushFailure(pull, true).transient).toBe(false);
    expect(
      classifyPushFailure('ERROR: failed to push r/a:t: unexpected status: 503 Service Unavailable', true)
        .transient,
    ).toBe(true);
  });

  it('keeps the end of a long line, where the fault is named', () => {
    const long = `Error: pushing image "${'x'.repeat(400)}": received unexpected HTTP status: 503 Service Unavailable`;
    const failure = classifyPushFailure(long);
    expect(failure.transient && failure.reason.endsWith('503 Service Unavailable')).toBe(true);
    expect(failure.transient && failure.reason.length).toBeLessThanOrEqual(161);
  });
});

const failed = (stderr: string, code = 125): ToolError =>
  new ToolError(`buildah push failed with exit code ${code}:\n${stderr}`, {
    code,
    stdout: '',
    stderr,
    durationMs: 1,
  });

describe('pushWithRetry', () => {
  const noSleep = (waits: number[]) => (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };

  it('retries a transient failure with growing waits and succeeds', async () => {
    const waits: number[] = [];
    const logged: string[] = [];
    let calls = 0;
    const retries = await pushWithRetry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(failed(BUILDAH_503)) : Promise.resolve();
      },
      {
        deadline: Date.now() + 60_000,
        what: 'r/a:t',
        onRetry: (text) => logged.push(text),
        sleep: noSleep(waits),
        random: () => 0.5,
      },
    );
    expect(retries).toBe(2);
    expect(waits).toEqual([1_000, 2_000]);
    expect(logged[0]).toMatch(
      /^the push of r\/a:t failed \(.*503 Service Unavailable\): a push is idempotent, so it is retried in 1s \(attempt 2 of 4\)$/,
    );
  });

  it('gives up after the last attempt, counting them', async () => {
    let calls = 0;
    const attempt = pushWithRetry(
      () => {
        calls++;
        return Promise.reject(failed(BUILDAH_503));
      },
      { deadline: Date.now() + 60_000, what: 'r/a:t', onRetry: () => undefined, sleep: noSleep([]) },
    );
    await expect(attempt).rejects.toThrow(/^the push of r\/a:t failed 4 times \(the registry kept failing: /);
    expect(calls).toBe(4);
  });

  it('does not retry a refusal, a deadline stop or another error', async () => {
    for (const error of [
      failed('Error: denied: requested access to the resource is denied'),
      failed(BUILDAH_503, -1),
      new Error('not a tool'),
    ]) {
      let calls = 0;
      await expect(
        pushWithRetry(
          () => {
            calls++;
            return Promise.reject(error);
          },
          { deadline: Date.now() + 60_000, what: 'r/a:t', onRetry: () => undefined, sleep: noSleep([]) },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('does not start a retry that the deadline leaves no room for', async () => {
    let calls = 0;
    const attempt = pushWithRetry(
      () => {
        calls++;
        return Promise.reject(failed(BUILDAH_503));
      },
      {
        deadline: Date.now() + 2_500,
        what: 'r/a:t',
        onRetry: () => undefined,
        sleep: noSleep([]),
        random: () => 0.5,
      },
    );
    await expect(attempt).rejects.toThrow(/with too little of the deadline left to try again/);
    expect(calls).toBe(1);
  });

  it('a cancellation ends the wait', async () => {
    const controller = new AbortController();
    const attempt = pushWithRetry(() => Promise.reject(failed(BUILDAH_503)), {
      deadline: Date.now() + 60_000,
      what: 'r/a:t',
      onRetry: () => controller.abort(new Error('SIGINT')),
      signal: controller.signal,
    });
    await expect(attempt).rejects.toThrow('SIGINT');
  });
});

describe('the FROM reader', () => {
  it('joins continuations, drops comments, honours the escape directive', () => {
    const text =
      '# escape=`\nFROM `\n  --platform=linux/amd64 `\n  # a comment inside\n  python:3.12 AS base\nRUN echo \\\n';
    expect(parseInstructions(text).map(({ line, keyword }) => [line, keyword])).toEqual([
      [2, 'FROM'],
      [6, 'RUN'],
    ]);
    expect(fromLines(text, [])[0]).toMatchObject({
      line: 2,
      written: 'python:3.12',
      resolved: 'python:3.12',
    });
  });

  it('skips here-documents: a script line that starts with FROM is no instruction', () => {
    const text =
      'FROM scratch AS a\nRUN <<EOF\npsql -c "SELECT *\nFROM users"\nEOF\nCOPY <<-"END" /x\n\tFROM nothing\n\tEND\nFROM node:22\n';
    expect(fromLines(text, []).map(({ line, written }) => [line, written])).toEqual([
      [1, 'scratch'],
      [9, 'node:22'],
    ]);
  });

  it('substitutes global ARGs: build-args first, then defaults, ${A:-b} and ${A:+b}', () => {
    const text =
      'ARG REG=docker.io TAG="3.12-slim"\nARG UNSET\nFROM ${REG}/python:$TAG\nFROM ${UNSET:-alpine:3}\nFROM ${UNSET}\n';
    const lines = fromLines(text, [['REG', 'ghcr.io']]);
    expect(lines.map((from) => from.resolved)).toEqual(['ghcr.io/python:3.12-slim', 'alpine:3', undefined]);
    expect(lines[2]?.unresolved).toEqual(['UNSET']);
  });

  it('finds the FROMs without a digest; scratch, earlier stages (any case) and digests are fine', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const text = [
      `ARG BASE=python:3.12-slim@${digest}`,
      'ARG OTHER',
      'FROM node:22 AS Build',
      'FROM ${BASE} AS runtime',
      'from build AS again',
      'FROM scratch',
      'FROM ${OTHER}',
      `FROM gcr.io/distroless/base@${digest}`,
      'FROM later-stage',
      'FROM python AS later-stage',
    ].join('\n');
    expect(unpinnedBaseImages(text, [])).toEqual([
      { kind: 'unpinned', line: 3, written: 'node:22', resolved: 'node:22' },
      { kind: 'unknown', line: 7, written: '${OTHER}', unresolved: ['OTHER'] },
      // A stage named only later is an image, as BuildKit reads it.
      { kind: 'unpinned', line: 9, written: 'later-stage', resolved: 'later-stage' },
      { kind: 'unpinned', line: 10, written: 'python', resolved: 'python' },
    ]);
    // A build-arg without a digest overrides a pinned default.
    expect(unpinnedBaseImages(text, [['BASE', 'python:3.13']])).toContainEqual({
      kind: 'unpinned',
      line: 4,
      written: '${BASE}',
      resolved: 'python:3.13',
    });
  });

  it('knows the platform arguments BuildKit defines without an ARG', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM ${TARGETARCH}/alpine:3.20\n';
    expect(
      unpinnedBaseImages(text, [], 'linux/arm64/v8').map((f) => f.kind === 'unpinned' && f.resolved),
    ).toEqual(['golang:1.22', 'arm64/alpine:3.20']);
    expect(unpinnedBaseImages(text, [])[1]).toMatchObject({ kind: 'unknown', unresolved: ['TARGETARCH'] });
  });

  it('the example service pins its base image', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(
      join(import.meta.dirname, '..', '..', 'examples', 'fastapi-service', 'Dockerfile'),
      'utf8',
    );
    expect(unpinnedBaseImages(text, [])).toEqual([]);
    expect(unpinnedBaseImages(text, [['BASE_IMAGE', 'scratch']])).toEqual([]);
  });
});

describe('.env files and .git in the context', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function contextWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  it('lists what .dockerignore lets through, nothing inside .git', async () => {
    const dir = contextWith({
      '.env': '',
      'sub/.env.local': '',
      'keep/.env.example': '',
      '.git/.env': '',
      '.dockerignore': 'keep/\n',
      'app.py': '',
    });
    expect(await scanContext(dir, { matching: /^gha-creds-.*\.json$/ })).toEqual({
      matching: [],
      envFiles: ['.env', 'sub/.env.local'],
      git: true,
    });
    writeFileSync(join(dir, '.dockerignore'), '.git/\n**/.env*\n!sub/.env.local\n');
    expect(await scanContext(dir, { matching: /^gha-creds-.*\.json$/ })).toEqual({
      matching: [],
      envFiles: ['sub/.env.local'],
      git: false,
    });
  });

  it('suggests the root pattern only when every file is at the root', () => {
    expect(envIgnoreLine(['.env', '.env.local'])).toBe('.env*');
    expect(envIgnoreLine(['.env', 'config/.env'])).toBe('**/.env*');
  });
});

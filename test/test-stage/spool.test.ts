import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runChecks } from '../../src/test-stage/commands.js';
import { relaySpool, shellQuote, spooledCommand } from '../../src/test-stage/spool.js';
import { MAX_PENDING_LINE } from '../../src/lib/relay.js';
import { registerSecret } from '../../src/lib/secrets.js';

vi.mock('@actions/core', () => ({
  setSecret: vi.fn(),
  info: vi.fn(),
  warning: vi.fn(),
  debug: vi.fn(),
}));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix = 'spool-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** What a relay wrote, fences taken out (each block is `::stop-commands::T\n…::T::\n`). */
function unfenced(blocks: readonly string[]): string {
  return blocks
    .map((block) => {
      const match = /^::stop-commands::(\w+)\n([\s\S]*)::\1::\n$/.exec(block);
      if (match === null) throw new Error(`not one fenced block: ${block.slice(0, 80)}`);
      return match[2];
    })
    .join('');
}

describe('relaySpool', () => {
  it('prints a file in fenced pieces of whole lines, a character cut between two reads kept whole', async () => {
    const file = join(tempDir(), 'out.log');
    const text = `first\n${'é€😀'.repeat(50)}\nlast without newline`;
    writeFileSync(file, text);
    const blocks: string[] = [];
    await relaySpool(file, { write: (block) => void blocks.push(block), chunkSize: 7 });
    expect(blocks.length).toBeGreaterThan(1);
    expect(unfenced(blocks)).toBe(`${text}\n`);
    // Every block ends a line: nothing printed later continues a line of an earlier one.
    for (const block of blocks) expect(block).toMatch(/\n::\w+::\n$/);
  });

  it('cuts a line without end into bounded pieces and keeps every byte', async () => {
    const file = join(tempDir(), 'out.log');
    const chunkSize = 16 * 1024;
    writeFileSync(file, 'y'.repeat(1_000_000));
    const blocks: string[] = [];
    await relaySpool(file, { write: (block) => void blocks.push(block), chunkSize });
    const pieces = unfenced(blocks).split('\n').slice(0, -1);
    expect(pieces.join('')).toBe('y'.repeat(1_000_000));
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(
      MAX_PENDING_LINE + chunkSize,
    );
  });

  it('removes a secret written across two reads', async () => {
    registerSecret('s3cr3t-spool-value');
    const file = join(tempDir(), 'out.log');
    writeFileSync(file, 'token=s3cr3t-spool-value here\n');
    const blocks: string[] = [];
    await relaySpool(file, { write: (block) => void blocks.push(block), chunkSize: 10 });
    expect(unfenced(blocks)).toBe('token=*** here\n');
  });

  it('follows a file that grows until the command ends, then prints what is left', async () => {
    const file = join(tempDir(), 'out.log');
    writeFileSync(file, '');
    const blocks: string[] = [];
    let end!: () => void;
    const until = new Promise<void>((resolve) => (end = resolve));
    const relayed = relaySpool(file, { write: (block) => void blocks.push(block), until });
    appendFileSync(file, 'one\n');
    await vi.waitFor(() => expect(unfenced(blocks)).toBe('one\n'), { timeout: 5_000, interval: 20 });
    appendFileSync(file, 'two\nthree');
    end();
    await relayed;
    expect(unfenced(blocks)).toBe('one\ntwo\nthree\n');
  });

  it('waits for the log to take each piece before it reads the next', async () => {
    const file = join(tempDir(), 'out.log');
    writeFileSync(file, 'a\nb\nc\n');
    const order: string[] = [];
    await relaySpool(file, {
      chunkSize: 2,
      write: async (block) => {
        order.push(`start ${unfenced([block]).trim()}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('end');
      },
    });
    expect(order).toEqual(['start a', 'end', 'start b', 'end', 'start c', 'end']);
  });
});

describe('spooledCommand', () => {
  it('sends stdout and stderr, in order, to a file whose path may hold quotes and spaces', () => {
    const dir = join(tempDir(), `it's a "dir" $HOME`);
    mkdirSync(dir);
    const spool = join(dir, 'out.log');
    const run = spawnSync(
      'bash',
      [
        '--noprofile',
        '--norc',
        '-eo',
        'pipefail',
        '-c',
        spooledCommand('echo out; echo err >&2; echo $0', spool),
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
    expect(readFileSync(spool, 'utf8')).toBe('out\nerr\nbash\n');
  });

  it('quotes for bash', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('runChecks', () => {
  const stage = (dir: string) => ({
    group: async <T>(_title: string, step: () => Promise<T>) => step(),
    row: vi.fn(),
    warning: vi.fn(),
    cancelled: new AbortController().signal,
    tempDir: (prefix: string) => mkdtempSync(join(dir, prefix)),
  });

  it.each([true, false])(
    'parallel %s: keeps every result when the log cannot take the output',
    async (parallel) => {
      const dir = tempDir();
      const fake = stage(dir);
      const results = await runChecks(
        [
          { name: 'lint', command: 'echo lint' },
          { name: 'test', command: 'exit 3' },
        ],
        {
          cwd: dir,
          timeoutMs: 10_000,
          parallel,
          write: () => Promise.reject(new Error('EPIPE: the log is gone')),
        },
        fake,
      );
      expect(results.map((result) => [result.name, result.ok, result.detail])).toEqual([
        ['lint', true, 'passed'],
        ['test', false, 'exit code 3'],
      ]);
      expect(fake.warning).toHaveBeenCalledWith(
        'the output of lint could not be printed whole: EPIPE: the log is gone',
      );
      // The spools are gone once printed (or not): disk is given back group by group.
      const [spools] = readdirSync(dir).filter((name) => name.startsWith('test-output-'));
      expect(spools).toBeDefined();
      expect(readdirSync(join(dir, spools ?? ''))).toEqual([]);
      expect(existsSync(join(dir, spools ?? '', 'lint.log'))).toBe(false);
    },
  );
});

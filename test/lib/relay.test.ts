import { describe, expect, it, vi } from 'vitest';
import { runTool } from '../../src/lib/exec.js';
import { LineBuffer, MAX_PENDING_LINE, writeFenced } from '../../src/lib/relay.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { workflowCommands } from '../../testkit/local-runner.mjs';

const SECRET = 'relay-secret-Zq8w1Lp0';
vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
registerSecret(SECRET);

function buffered(): { buffer: LineBuffer; out: string[] } {
  const out: string[] = [];
  return { buffer: new LineBuffer((lines) => out.push(lines)), out };
}

describe('LineBuffer', () => {
  it('hands on whole lines only, and a secret written in two pieces is removed', () => {
    const { buffer, out } = buffered();
    buffer.push(`a\ntoken=${SECRET.slice(0, 9)}`);
    expect(out).toEqual(['a\n']);
    buffer.push(`${SECRET.slice(9)} end\nrest`);
    buffer.end();
    expect(out).toEqual(['a\n', 'token=*** end\n', 'rest\n']);
    expect(out.join('')).not.toContain(SECRET.slice(0, 9));
  });

  it('keeps memory bounded on a line without end, never cutting a secret in two', () => {
    const { buffer, out } = buffered();
    const filler = 'x'.repeat(MAX_PENDING_LINE - 5);
    buffer.push(filler);
    buffer.push(SECRET);
    buffer.push('y'.repeat(10));
    buffer.end();
    const text = out.join('');
    expect(text).not.toContain(SECRET.slice(0, 8));
    expect(text.replace(/\n/g, '')).toBe(`${filler}***${'y'.repeat(10)}`);
    expect(out.length).toBeGreaterThan(1);
  });
});

describe('writeFenced', () => {
  it('puts the text inside a stop-commands fence that is resumed after it', () => {
    const written: string[] = [];
    writeFenced('::error::forged\n::add-mask::main', (text) => written.push(text));
    const [block = ''] = written;
    expect(block).toMatch(
      /^::stop-commands::[0-9a-f]{32}\n::error::forged\n::add-mask::main\n::[0-9a-f]{32}::\n$/,
    );
    expect(workflowCommands(block)).toEqual([]);
    // What follows the fence is a command again.
    expect(workflowCommands(`${block}::warning::own`)).toEqual(['::warning::own']);
  });

  it('writes nothing for no text', () => {
    const written: string[] = [];
    writeFenced('', (text) => written.push(text));
    expect(written).toEqual([]);
  });
});

describe('runTool relays whole lines', () => {
  it('removes a secret the tool writes in two pieces, with a pause between', async () => {
    const lines: string[] = [];
    const script = `process.stdout.write(${JSON.stringify(SECRET.slice(0, 7))}); setTimeout(() => process.stdout.write(${JSON.stringify(`${SECRET.slice(7)}\n`)}), 100)`;
    const result = await runTool(process.execPath, ['-e', script], {
      timeoutMs: 10_000,
      onOutput: (text) => lines.push(text),
    });
    expect(lines).toEqual(['***\n']);
    expect(result.code).toBe(0);
  });
});

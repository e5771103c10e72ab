// runTool's captureLimit: a caller that reads a long output through onOutput keeps the result's
// own copy small (its tail), while onOutput still sees every line.
import { describe, expect, it } from 'vitest';
import { runTool } from '../../src/lib/exec.js';

describe('runTool captureLimit', () => {
  it('keeps only the tail in the result; onOutput gets every line', async () => {
    const lines = 50_000;
    let seen = 0;
    const result = await runTool(
      process.execPath,
      [
        '-e',
        `for (let i = 0; i < ${lines}; i++) process.stdout.write('line ' + i + ' of the plan text\\n');`,
      ],
      {
        timeoutMs: 30_000,
        captureLimit: 1024,
        onOutput: (text, stream) => {
          if (stream === 'stdout') seen += text.split('\n').length - 1;
        },
      },
    );
    expect(seen).toBe(lines);
    const total = Array.from({ length: lines }, (_, i) => `line ${i} of the plan text\n`).join('').length;
    // At most the last chunk the pipe delivered (64 KiB) is kept, not the whole output.
    expect(result.stdout.length).toBeLessThanOrEqual(64 * 1024 + 1024);
    expect(result.stdout.length).toBeLessThan(total / 10);
    expect(result.stdout.endsWith(`line ${lines - 1} of the plan text\n`)).toBe(true);
  });

  it('without it the whole output is kept', async () => {
    const result = await runTool(process.execPath, ['-e', `process.stdout.write('x'.repeat(300000))`], {
      timeoutMs: 30_000,
    });
    expect(result.stdout).toHaveLength(300_000);
  });
});

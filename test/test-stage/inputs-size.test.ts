import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import { parseByteSize } from '../../src/test-stage/inputs.js';

const NAME = 'import-guard-max-file-size';

describe('parseByteSize', () => {
  it.each([
    ['4MB', 4 * 1024 * 1024],
    ['4mb', 4 * 1024 * 1024],
    ['4 MB', 4 * 1024 * 1024],
    ['4MiB', 4 * 1024 * 1024],
    [' 512KB ', 512 * 1024],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['1048576', 1048576],
    ['100B', 100],
    ['1', 1],
    ['256MB', 256 * 1024 * 1024],
  ])('%j is %d bytes', (raw, bytes) => {
    expect(parseByteSize(NAME, raw)).toBe(bytes);
  });

  it.each([
    '',
    '0',
    '0KB',
    '-1',
    '1TB',
    '257MB',
    '1GB',
    '4 potatoes',
    '4MBB',
    '1e6',
    '4  MB',
    'MB',
    '0x10',
    '4M B',
  ])('refuses %j, naming the input and the accepted forms', (raw) => {
    expect(() => parseByteSize(NAME, raw)).toThrow(ConfigurationError);
    expect(() => parseByteSize(NAME, raw)).toThrow(
      `input "${NAME}" is ${JSON.stringify(raw.trim())}: use a size from 1 byte to 256MB, such as 4MB, 512KB or 1048576 (bytes)`,
    );
  });
});

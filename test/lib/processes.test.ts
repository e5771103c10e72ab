import { describe, expect, it } from 'vitest';
import { foundAgain, type ToolProcess } from '../../src/lib/processes.js';

const sleeping: ToolProcess = {
  pid: 4242,
  startTime: '9001',
  command: '"sleep 30"',
  shortName: false,
  escaped: true,
  holdsOutput: true,
};

describe('foundAgain: a process seen by an earlier scan', () => {
  it('keeps the command line seen before when a later scan reads only the short name of an exiting process', () => {
    const exiting: ToolProcess = { ...sleeping, command: '"sleep"', shortName: true, holdsOutput: false };
    expect(foundAgain(sleeping, exiting)).toEqual(sleeping);
  });

  it('takes the newer command line once the process exec-ed (setsid sleep 30 → sleep 30)', () => {
    const before = { ...sleeping, command: '"setsid sleep 30"', holdsOutput: false };
    expect(foundAgain(before, sleeping)).toEqual(sleeping);
  });

  it('keeps saying a process held the output after it closed it', () => {
    expect(foundAgain(sleeping, { ...sleeping, holdsOutput: false }).holdsOutput).toBe(true);
  });

  it('treats a reused pid (another start time) as another process', () => {
    const other: ToolProcess = {
      ...sleeping,
      startTime: '9500',
      command: '"bash"',
      shortName: true,
      holdsOutput: false,
    };
    expect(foundAgain(sleeping, other)).toEqual(other);
    expect(foundAgain(undefined, other)).toEqual(other);
  });
});

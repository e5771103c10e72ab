import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import {
  parseBoolean,
  parseChoice,
  splitCommand,
  parseDuration,
  parseInteger,
  parseKeyValueLines,
  parseList,
  workspaceFolder,
  workspaceOf,
  workspacePath,
} from '../../src/lib/parse.js';
import { registerSecret } from '../../src/lib/secrets.js';

/** Runs `fn`, expects a ConfigurationError, and returns its message. */
function configurationErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).name).toBe('ConfigurationError');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError, nothing was thrown');
}

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    [' true\n', true],
    ['false', false],
    [' false ', false],
    ['FALSE', false],
  ])('reads %j as %s', (raw, expected) => {
    expect(parseBoolean('push', raw, !expected)).toBe(expected);
  });

  it.each([
    ['', true],
    ['', false],
    ['   ', true],
    ['\t\n', false],
  ])('takes the default for the empty value %j (default %s)', (raw, fallback) => {
    expect(parseBoolean('push', raw, fallback)).toBe(fallback);
  });

  it.each(['yes', 'no', '1', '0', 'on', 'truee', 't'])('refuses %j and names the input', (raw) => {
    const message = configurationErrorOf(() => parseBoolean('allow-dev-auth-bypass', raw, false));
    expect(message).toBe(`input "allow-dev-auth-bypass" is "${raw}": use true or false`);
  });

  it('quotes the trimmed value in the error', () => {
    expect(configurationErrorOf(() => parseBoolean('push', '  yes  ', true))).toBe(
      'input "push" is "yes": use true or false',
    );
  });
});

describe('parseDuration', () => {
  it('accepts up to 72h and refuses longer, which would also overflow Node timers', () => {
    expect(parseDuration('timeout', '72h')).toBe(72 * 3_600_000);
    expect(() => parseDuration('timeout', '73h')).toThrow(
      'input "timeout" is "73h": the longest accepted duration is 72h',
    );
    expect(() => parseDuration('timeout', '1000h')).toThrow(ConfigurationError);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['30', 30_000],
    ['1.5m', 90_000],
    ['0.5s', 500],
    ['2H', 7_200_000],
    ['10M', 600_000],
    ['100MS', 100],
    [' 15m ', 900_000],
    ['10 s', 10_000],
  ])('reads %j as %i ms', (raw, expected) => {
    expect(parseDuration('timeout', raw)).toBe(expected);
  });

  it.each(['soon', '', '5 minutes', '1d', '-5', '-5s', '+5s', '1e3', 's', '.5s', '5.m', '1h30m'])(
    'refuses %j as not a duration and names the input',
    (raw) => {
      const message = configurationErrorOf(() => parseDuration('request-timeout', raw));
      expect(message).toBe(
        `input "request-timeout" is "${raw.trim()}": not a duration; use a number with s, m or h (90s, 5m, 1h) or plain seconds`,
      );
    },
  );

  it.each(['0s', '0', '0ms', '0.0h', '0.4ms'])('refuses %j as not above zero', (raw) => {
    expect(configurationErrorOf(() => parseDuration('timeout', raw))).toBe(
      `input "timeout" is "${raw}": the duration must be above zero`,
    );
  });
});

describe('parseInteger', () => {
  it.each([
    ['5432', 5432],
    [' 1 ', 1],
    ['65535', 65535],
    ['007', 7],
  ])('reads %j as %i within 1..65535', (raw, expected) => {
    expect(parseInteger('port', raw, 1, 65535)).toBe(expected);
  });

  it('accepts both bounds', () => {
    expect(parseInteger('expected-status', '100', 100, 599)).toBe(100);
    expect(parseInteger('expected-status', '599', 100, 599)).toBe(599);
  });

  it.each(['0', '65536', '-1', '1.5', 'abc', '', '1e3', '0x10', '99999999999999999999'])(
    'refuses %j with the input name and the range',
    (raw) => {
      expect(configurationErrorOf(() => parseInteger('port', raw, 1, 65535))).toBe(
        `input "port" is "${raw.trim()}": use a whole number from 1 to 65535`,
      );
    },
  );

  it('refuses one below the lower and one above the upper bound', () => {
    expect(configurationErrorOf(() => parseInteger('expected-status', '99', 100, 599))).toContain(
      'from 100 to 599',
    );
    expect(configurationErrorOf(() => parseInteger('expected-status', '600', 100, 599))).toContain(
      'from 100 to 599',
    );
  });
});

describe('parseList', () => {
  it('returns nothing for blank input', () => {
    expect(parseList('')).toEqual([]);
    expect(parseList('  \n\n \t \n')).toEqual([]);
  });

  it('trims entries and skips blank lines and comments', () => {
    const raw = [
      '# tags for the release',
      '  latest  ',
      '',
      'v1.2.3',
      '   # indented comment',
      'stable # kept',
    ].join('\n');
    expect(parseList(raw)).toEqual(['latest', 'v1.2.3', 'stable # kept']);
  });

  it('splits CRLF lines without leaving carriage returns', () => {
    expect(parseList('a\r\nb\r\n\r\nc\r\n')).toEqual(['a', 'b', 'c']);
  });

  it('keeps the order and duplicates', () => {
    expect(parseList('b\na\nb')).toEqual(['b', 'a', 'b']);
  });
});

describe('parseKeyValueLines', () => {
  it('reads ordered pairs, keeping "=" in the value', () => {
    const raw = 'NODE_ENV=production\nQUERY=a=1&b=2\n# comment\n\nEMPTY=\n';
    expect(parseKeyValueLines('build-args', raw)).toEqual([
      ['NODE_ENV', 'production'],
      ['QUERY', 'a=1&b=2'],
      ['EMPTY', ''],
    ]);
  });

  it('trims the key but keeps inner spaces of the value', () => {
    expect(parseKeyValueLines('vars', '  region = europe-west1 \r\nname=a b')).toEqual([
      ['region', ' europe-west1'],
      ['name', 'a b'],
    ]);
  });

  it('returns nothing for blank input', () => {
    expect(parseKeyValueLines('vars', '\n  \n')).toEqual([]);
  });

  it.each(['JUST_A_KEY', '=value', '  =x'])('refuses the line %j and names the input', (line) => {
    const message = configurationErrorOf(() => parseKeyValueLines('build-args', `GOOD=1\n${line}\n`));
    expect(message).toBe(`input "build-args": the line "${line.trim()}" is not KEY=VALUE`);
  });

  it('cuts a long bad line to 40 characters in the message', () => {
    const line = 'X'.repeat(100);
    expect(configurationErrorOf(() => parseKeyValueLines('vars', line))).toBe(
      `input "vars": the line "${'X'.repeat(40)}…" is not KEY=VALUE`,
    );
  });

  it('shows a bad line escaped, one line, the secret removed before the cut', () => {
    registerSecret('line-secret-0123456789');
    expect(
      configurationErrorOf(() =>
        parseKeyValueLines('vars', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa line-secret-0123456789'),
      ),
    ).toBe('input "vars": the line "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ***" is not KEY=VALUE');
    expect(configurationErrorOf(() => parseBoolean('push', 'yes\n::add-mask::main', true))).toBe(
      'input "push" is "yes\\n::add-mask::main": use true or false',
    );
  });
});

describe('parseChoice', () => {
  it('matches allowed values written with capitals', () => {
    expect(parseChoice('method', 'get', ['GET', 'HEAD'], 'HEAD')).toBe('GET');
  });

  const builders = ['docker', 'buildah', 'podman'] as const;

  it('returns the allowed value, case-insensitively and trimmed', () => {
    expect(parseChoice('builder', 'buildah', builders, 'docker')).toBe('buildah');
    expect(parseChoice('builder', ' PODMAN ', builders, 'docker')).toBe('podman');
  });

  it('takes the default for an empty value', () => {
    expect(parseChoice('builder', '', builders, 'docker')).toBe('docker');
    expect(parseChoice('on-stale', '  ', ['fail', 'skip'], 'skip')).toBe('skip');
  });

  it('refuses anything else, naming the input and the choices', () => {
    expect(configurationErrorOf(() => parseChoice('builder', ' Kaniko ', builders, 'docker'))).toBe(
      'input "builder" is "Kaniko": use one of docker, buildah, podman',
    );
  });
});

describe('splitCommand', () => {
  it.each([
    ['alembic upgrade head', ['alembic', 'upgrade', 'head']],
    [
      '  /usr/bin/python3 -m alembic  -c "my config.ini" upgrade head ',
      ['/usr/bin/python3', '-m', 'alembic', '-c', 'my config.ini', 'upgrade', 'head'],
    ],
    ["alembic -x 'tenant=a b' upgrade +1", ['alembic', '-x', 'tenant=a b', 'upgrade', '+1']],
    ['python manage.py migrate --db\\ name', ['python', 'manage.py', 'migrate', '--db name']],
    ['echo "a \\"quoted\\" word" \'\'', ['echo', 'a "quoted" word', '']],
  ])('%s', (raw, words) => {
    expect(splitCommand('command', raw)).toEqual(words);
  });

  it.each([
    [
      'alembic upgrade head && rm -rf /',
      'input "command" uses the shell character &, but it is run without a shell',
    ],
    ['alembic upgrade head | tee log', 'uses the shell character |'],
    ['echo $HOME', 'uses the shell character $'],
    [
      'alembic -x "db=$DB" upgrade head',
      'uses $ inside double quotes, but nothing is expanded without a shell',
    ],
    ['alembic "upgrade', 'input "command" has an unclosed " quote'],
    ['   ', 'input "command" is empty'],
  ])('refuses %s', (raw, message) => {
    expect(() => splitCommand('command', raw)).toThrow(message);
  });
});

describe('workspace paths', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  mkdirSync(join(workspace, 'infra', 'service'), { recursive: true });
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
  const env = { GITHUB_WORKSPACE: workspace };

  it('starts relative paths in the workspace, or the current folder outside a runner', () => {
    expect(workspaceOf(env)).toBe(workspace);
    expect(workspaceOf({})).toBe(process.cwd());
    expect(workspaceOf({ GITHUB_WORKSPACE: '' })).toBe(process.cwd());
    expect(workspacePath('infra/service', env)).toBe(join(workspace, 'infra', 'service'));
    expect(workspacePath('/etc', env)).toBe('/etc');
  });

  it('accepts an existing folder and names the input for anything else', () => {
    expect(workspaceFolder('working-directory', 'infra/service', env)).toBe(
      join(workspace, 'infra', 'service'),
    );
    expect(() => workspaceFolder('working-directory', 'infra/missing', env)).toThrow(
      new ConfigurationError(
        'input "working-directory" is "infra/missing", which is not a folder in the workspace',
      ),
    );
    expect(() => workspaceFolder('context', 'Dockerfile', env)).toThrow(/input "context" is "Dockerfile"/);
  });
});

import { describe, expect, test } from 'vitest';
import { parseArgs, parseDuration, parseEnv } from '../../../src/cli/args.js';
import { sessionDir } from '../../../src/cli/state.js';

describe('the CLI argument parser', () => {
  const spec = { values: ['name', 'timeout'], repeated: ['env'], switches: ['json'] };

  test('takes values in both spellings, repeated flags in order, switches and positionals', () => {
    const parsed = parseArgs('say', ['hello', '--name', 'a', '--timeout=5s', '--env', 'A=1', '--env=B=2', '--json', 'there'], spec);
    expect(parsed.positionals).toEqual(['hello', 'there']);
    expect(parsed.values).toEqual(
      new Map([
        ['name', 'a'],
        ['timeout', '5s'],
      ]),
    );
    expect(parsed.repeated.get('env')).toEqual(['A=1', 'B=2']);
    expect(parsed.switches.has('json')).toBe(true);
    expect(parseArgs('say', ['--', '--json'], spec).positionals).toEqual(['--json']);
  });

  test('an unknown option, a missing value or a value on a switch is a usage error', () => {
    expect(() => parseArgs('say', ['--colour'], spec)).toThrow(
      expect.objectContaining({ code: 'CLI_USAGE', message: expect.stringMatching(/Unknown option --colour for `say`/) }),
    );
    expect(() => parseArgs('say', ['--name'], spec)).toThrow(/--name needs a value/);
    expect(() => parseArgs('say', ['--json=yes'], spec)).toThrow(/--json takes no value/);
  });

  test('durations and environment pairs', () => {
    expect([parseDuration('t', '250'), parseDuration('t', '2s'), parseDuration('t', '1.5m'), parseDuration('t', '1h')]).toEqual([
      250, 2000, 90_000, 3_600_000,
    ]);
    expect(() => parseDuration('idle-timeout', 'soon')).toThrow(/--idle-timeout must be a duration/);
    expect(parseEnv(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(() => parseEnv(['=1'])).toThrow(/KEY=VALUE/);
  });

  test('a session name cannot leave the state folder', () => {
    expect(sessionDir('py-1', '/p')).toBe('/p/.agent-session-test/cli/py-1');
    for (const name of ['..', '../x', 'a/b', '.hidden', '']) expect(() => sessionDir(name, '/p')).toThrow(/--name must be/);
  });
});

import { describe, expect, test } from 'vitest';
import { DEFAULTS, shutdownGraceFor } from '../../../src/session/options.js';

describe('the grace an agent gets after SIGINT', () => {
  test('none for a Node agent launched as detected: console mode ignores SIGINT', () => {
    expect(shutdownGraceFor('node', {})).toBe(0);
  });

  test('the default for Python, and for any command of the user', () => {
    expect(shutdownGraceFor('python', {})).toBe(DEFAULTS.shutdownGrace);
    expect(shutdownGraceFor('node', { command: ['node', '{file}', 'console'] })).toBe(DEFAULTS.shutdownGrace);
  });

  test('the option wins, including for Node', () => {
    expect(shutdownGraceFor('node', { shutdownGrace: 2500 })).toBe(2500);
    expect(shutdownGraceFor('python', { shutdownGrace: 0 })).toBe(0);
  });
});

import { describe, expect, test } from 'vitest';
import { HOOK_SLACK_MS, startAndCloseAround, type RunnerHooks } from '../../../src/core/hooks.js';

describe('startAndCloseAround', () => {
  test("starts before and closes after, each within the session's own budget plus the slack", async () => {
    const registered: { hook: string; fn: () => Promise<void>; timeout: number }[] = [];
    const hooks: RunnerHooks = {
      beforeAll: (fn, timeout) => registered.push({ hook: 'beforeAll', fn, timeout }),
      afterAll: (fn, timeout) => registered.push({ hook: 'afterAll', fn, timeout }),
    };
    const calls: string[] = [];
    startAndCloseAround(
      hooks,
      { start: async () => calls.push('start'), close: async () => void calls.push('close') },
      { startMs: 60_000, closeMs: 2_000 },
    );
    expect(registered.map(({ hook, timeout }) => [hook, timeout])).toEqual([
      ['beforeAll', 60_000 + HOOK_SLACK_MS],
      ['afterAll', 2_000 + HOOK_SLACK_MS],
    ]);
    expect(calls).toEqual([]);
    for (const { fn } of registered) await fn();
    expect(calls).toEqual(['start', 'close']);
  });

  test("a failed start fails the hook with the session's error", async () => {
    let before: (() => Promise<void>) | undefined;
    startAndCloseAround(
      { beforeAll: (fn) => (before = fn), afterAll: () => {} },
      { start: () => Promise.reject(new Error('AGENT_EXITED')), close: async () => {} },
      { startMs: 1, closeMs: 1 },
    );
    await expect(before!()).rejects.toThrow('AGENT_EXITED');
  });
});

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { race } from '../../../src/core/race.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('race', () => {
  test('the work wins when it settles first, and nothing is left armed', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const outcome = race(Promise.resolve(42), { ms: 1000, signal: controller.signal });
    await expect(outcome).resolves.toEqual({ kind: 'done', value: 42 });
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('the timer wins when the work takes longer than ms', async () => {
    vi.useFakeTimers();
    const outcome = race(new Promise(() => {}), { ms: 50 });
    await vi.advanceTimersByTimeAsync(49);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toEqual({ kind: 'timeout' });
  });

  test('a negative ms times out at once', async () => {
    await expect(race(new Promise(() => {}), { ms: -5 })).resolves.toEqual({ kind: 'timeout' });
  });

  test("an abort wins with the signal's reason, and the timer is cleared", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const outcome = race(new Promise(() => {}), { ms: 1000, signal: controller.signal });
    const reason = new Error('Test timed out');
    controller.abort(reason);
    await expect(outcome).resolves.toEqual({ kind: 'aborted', reason });
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('an already aborted signal wins over work that is already done', async () => {
    const controller = new AbortController();
    controller.abort('gone');
    await expect(race(Promise.resolve(1), { ms: 1000, signal: controller.signal })).resolves.toEqual({ kind: 'aborted', reason: 'gone' });
  });

  test('a rejection of the work rejects the race', async () => {
    vi.useFakeTimers();
    await expect(race(Promise.reject(new Error('closed')), { ms: 1000 })).rejects.toThrow('closed');
    expect(vi.getTimerCount()).toBe(0);
  });
});

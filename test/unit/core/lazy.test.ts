import { expect, test } from 'vitest';
import { AgentSessionError } from '../../../src/errors/index.js';
import { lazySession, withHandleBase } from '../../../src/core/lazy.js';

function fakeSession() {
  let opened = 0;
  let closed = 0;
  const lazy = lazySession('agent.py', async () => {
    opened += 1;
    return { close: async () => void (closed += 1) };
  });
  return { lazy, opened: () => opened, closed: () => closed };
}

test('starts once however often it is asked, and closes what it started', async () => {
  const { lazy, opened, closed } = fakeSession();
  const [a, b] = await Promise.all([lazy.start(), lazy.start()]);
  expect(a).toBe(b);
  expect(lazy.current()).toBe(a);
  expect(opened()).toBe(1);
  await lazy.close();
  await lazy.close();
  expect(closed()).toBe(1);
});

test('a closed handle refuses to start again, with a session-closed error', async () => {
  const { lazy, opened } = fakeSession();
  await lazy.close();
  const error = await lazy.start().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AgentSessionError);
  expect((error as AgentSessionError).code).toBe('SESSION_CLOSED');
  expect((error as Error).message).toMatch(/The session for agent\.py was closed; it cannot be started again/);
  expect(opened()).toBe(0);
});

test("fills in the current test's signal unless the call brings its own", () => {
  const testSignal = new AbortController().signal;
  const own = new AbortController().signal;
  const lazy = lazySession(
    'x',
    async () => ({ close: async () => {} }),
    () => testSignal,
  );
  expect(lazy.withSignal<{ signal?: AbortSignal; timeout?: number }>({ timeout: 5 })).toEqual({ timeout: 5, signal: testSignal });
  expect(lazy.withSignal({ signal: own }).signal).toBe(own);
  expect(lazySession('x', async () => ({ close: async () => {} })).withSignal(undefined)).toEqual({});
});

test("a handle's turns and output read the running session live, and its own calls stay", async () => {
  const turns: { index: number }[] = [];
  const session = { turns, output: () => 'printed', close: async () => {} };
  const lazy = lazySession('x', async () => session);
  const handle = withHandleBase<typeof session, { index: number }, { ping(): string }>(lazy, { ping: () => 'pong' });
  expect(handle.turns).toEqual([]);
  expect(handle.output()).toBe('');
  expect(await handle.start()).toBe(session);
  turns.push({ index: 0 });
  expect(handle.turns).toEqual([{ index: 0 }]);
  expect(handle.output()).toBe('printed');
  expect(handle.ping()).toBe('pong');
  await handle.close();
  await expect(handle.start()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
});

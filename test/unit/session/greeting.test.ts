import { describe, expect, test } from 'vitest';
import { greetingItems, settleGreeting, type GreetingSource } from '../../../src/session/greeting.js';
import type { AgentState, SessionState, TurnItem } from '../../../src/turn/types.js';

const base = { id: 'x', createdAt: 0 };
const handoff: TurnItem = { ...base, type: 'agent_handoff', newAgentId: 'greeter' };
const call: TurnItem = { ...base, type: 'function_call', name: 'lookup_user', callId: 'c1', arguments: '{}' };
const output: TurnItem = { ...base, type: 'function_call_output', name: 'lookup_user', callId: 'c1', output: 'Ada', isError: false };
const message = (role: 'assistant' | 'user', text: string): TurnItem => ({
  ...base,
  type: 'message',
  role,
  text,
  content: [text],
  interrupted: false,
});

/** An agent that moves through the given steps, one per poll; each step is its state, its history, and whether the model was asked. */
function scripted(
  steps: { state: AgentState; history: TurnItem[]; modelAsked?: boolean; modelFailed?: boolean; quietMs?: number; startedAt?: number }[],
) {
  let at = 0;
  const waits: number[] = [];
  const step = () => steps[Math.min(at, steps.length - 1)]!;
  const source: GreetingSource = {
    state: async () =>
      ({
        agentState: step().state,
        userState: 'listening',
        agentId: 'greeter',
        options: {},
        createdAt: step().startedAt ?? 0,
      }) as SessionState,
    history: async () => step().history,
    nextEvent: async (ms) => {
      waits.push(ms);
      at++;
    },
    quietFor: () => step().quietMs ?? 0,
    modelAsked: () => step().modelAsked ?? false,
    modelFailed: () => step().modelFailed ?? false,
  };
  return { source, polls: () => at, waits };
}

describe('the greeting', () => {
  test("its items are the agent's before the first user message, without the session's first handoff", () => {
    const later: TurnItem = { ...base, type: 'agent_handoff', oldAgentId: 'greeter', newAgentId: 'desk' };
    expect(
      greetingItems([handoff, call, output, message('assistant', 'Hi'), later, message('user', 'yo'), message('assistant', 'after')]),
    ).toEqual([call, output, message('assistant', 'Hi'), later]);
  });

  test("Node's 'listening' during the greeting's first model call is not taken for the end of it", async () => {
    const { source, polls } = scripted([
      { state: 'listening', history: [handoff], modelAsked: true },
      { state: 'thinking', history: [handoff, call, output], modelAsked: true },
      { state: 'listening', history: [handoff, call, output, message('assistant', 'Hello Ada')], modelAsked: true },
    ]);
    const progress = await settleGreeting(source, { deadline: Date.now() + 5000, expect: false });
    expect(progress).toEqual({ state: 'done', items: [call, output, message('assistant', 'Hello Ada')] });
    expect(polls()).toBe(2);
  });

  test("Python's 'listening' between a tool's output and the next model call is not the end either", async () => {
    const { source } = scripted([
      { state: 'listening', history: [handoff, call, output], quietMs: 10 },
      { state: 'listening', history: [handoff, call, output, message('assistant', 'Hello Ada')] },
    ]);
    expect((await settleGreeting(source, { deadline: Date.now() + 5000, expect: false })).state).toBe('done');
  });

  test('an agent listening with nothing said and no model call has no greeting under way', async () => {
    const { source, polls } = scripted([{ state: 'listening', history: [handoff], quietMs: 1000 }]);
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: false })).toEqual({ state: 'none' });
    expect(polls()).toBe(0);
  });

  test('an agent that has only just started is given a moment to begin its greeting (Node calls onEnter after the first events)', async () => {
    const { source, polls } = scripted([
      { state: 'listening', history: [handoff], quietMs: 20 },
      { state: 'thinking', history: [handoff], modelAsked: true },
      { state: 'listening', history: [handoff, message('assistant', 'Hello Ada')], modelAsked: true, quietMs: 1000 },
    ]);
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: false })).toEqual({
      state: 'done',
      items: [message('assistant', 'Hello Ada')],
    });
    expect(polls()).toBe(2);
  });

  test("a spare's session that began long ago is not waited for, though its events have only just reached the test", async () => {
    const { source, polls } = scripted([{ state: 'listening', history: [handoff], quietMs: 5, startedAt: Date.now() - 4000 }]);
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: false })).toEqual({ state: 'none' });
    expect(polls()).toBe(0);
  });

  test('the start-up moment is waited out to its end, not to the next poll', async () => {
    const { source, waits } = scripted([
      { state: 'listening', history: [handoff], quietMs: 200 },
      { state: 'listening', history: [handoff], quietMs: 300 },
    ]);
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: false })).toEqual({ state: 'none' });
    expect(waits).toEqual([100]);
  });

  test('waiting for one that never comes ends at the deadline; one still running is unfinished', async () => {
    const quiet = scripted([{ state: 'listening', history: [handoff] }]);
    expect(await settleGreeting(quiet.source, { deadline: Date.now() + 50, expect: true })).toEqual({ state: 'none' });
    const stuck = scripted([{ state: 'thinking', history: [handoff, call] }]);
    expect(await settleGreeting(stuck.source, { deadline: Date.now() + 50, expect: true })).toEqual({ state: 'unfinished', items: [call] });
  });

  test('a greeting whose model call failed is not waited for', async () => {
    const { source, polls } = scripted([{ state: 'listening', history: [handoff], modelFailed: true }]);
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: true })).toEqual({ state: 'none' });
    expect(polls()).toBe(0);
  });

  test('a greeting whose model call the agent gave up on (after its retries) is not waited for', async () => {
    const { source, polls } = scripted([{ state: 'listening', history: [handoff] }]);
    source.modelGaveUp = () => true;
    const started = Date.now();
    expect(await settleGreeting(source, { deadline: Date.now() + 5000, expect: true })).toEqual({ state: 'none' });
    expect(polls()).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    // Still running (a retry under way): waited for as before.
    const busy = scripted([{ state: 'thinking', history: [handoff] }]);
    busy.source.modelGaveUp = () => true;
    expect(await settleGreeting(busy.source, { deadline: Date.now() + 50, expect: true })).toEqual({ state: 'unfinished', items: [] });
  });
});

import { describe, expect, test } from 'vitest';
import { startAgentSession } from '../../src/session/agent-session.js';
import { weatherLlm } from '../../examples/weather-llm.js';
import { alive, failure, nodeAgent, pythonAgent } from './helpers.js';

describe.each([
  { sdk: 'python', file: pythonAgent },
  { sdk: 'js', file: nodeAgent },
])('driving the $sdk example agent', ({ sdk, file }) => {
  test('runs turns strictly one after another, records them, and tears the agent down', async () => {
    const llm = weatherLlm();
    const session = await startAgentSession(file, { llm });
    const pid = session.pid;
    try {
      expect(alive(pid)).toBe(true);
      // The agent announces itself before the first turn.
      expect(session.preamble).toContainEqual(expect.objectContaining({ type: 'agent_state_changed', newState: 'listening' }));
      expect(await session.framework()).toEqual({ sdk, sdkVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });

      // Overlapping RunInputs would make the agent fail one of them; say() queues instead.
      const [paris, london, tokyo] = await Promise.all([
        session.say('weather in Paris?'),
        session.say('weather in London?'),
        session.say('weather in Tokyo?'),
      ]);
      expect([paris!.index, london!.index, tokyo!.index]).toEqual([0, 1, 2]);
      expect(paris!.reply).toBe('Right now it is sunny, 21°C in Paris.');
      expect(london!.reply).toBe('Right now it is rainy, 14°C in London.');
      expect(tokyo!.reply).toBe('Right now it is cloudy, 18°C in Tokyo.');
      for (const turn of [paris!, london!, tokyo!]) {
        expect(turn.errors).toEqual([]);
        expect(turn.timing.durationMs).toBeGreaterThan(0);
        expect(turn.timing.startedAt).toBeGreaterThan(Date.now() - 60_000);
        // The user line is an event, never an item; the items are the agent's own.
        expect(turn.items.some((i) => i.type === 'message' && i.role === 'user')).toBe(false);
        expect(turn.events).toContainEqual(
          expect.objectContaining({ type: 'conversation_item_added', item: expect.objectContaining({ role: 'user', text: turn.input }) }),
        );
        expect(turn.toolCalls[0]).toMatchObject({ name: 'lookup_weather', callId: expect.any(String), isError: false });
        expect(turn.items.map((i) => i.type)).toEqual(['function_call', 'function_call_output', 'message']);
        expect(turn.items.every((i) => i.id !== '' && i.createdAt > 0)).toBe(true);
      }
      expect(session.turns.map((t) => t.input)).toEqual(['weather in Paris?', 'weather in London?', 'weather in Tokyo?']);
      // Every LLM call the agent made is on record, in order.
      expect(llm.requests.map((r) => r.rule)).toEqual(['weather', 'weather reply', 'weather', 'weather reply', 'weather', 'weather reply']);

      const history = await session.history();
      expect(history.filter((i) => i.type === 'function_call')).toHaveLength(3);
      const state = await session.state();
      expect(state).toMatchObject({ agentState: 'listening', agentId: 'weather_agent' });
      expect(Object.keys(state.options)).toContain('max_tool_steps');
    } finally {
      await session.close();
    }
    expect(alive(pid)).toBe(false);
    await session.close();
    const { error } = await failure(() => session.say('still there?'));
    expect(error.code).toBe('SESSION_CLOSED');
  });

  test('rejects a non-string turn without sending it', async () => {
    const session = await startAgentSession(file, { llm: weatherLlm() });
    try {
      await expect(session.say(42 as unknown as string)).rejects.toThrow(/say\(\) takes the user's text as a string, got number/);
      expect((await session.say('hello')).reply).toMatch(/Hello!/);
    } finally {
      await session.close();
    }
  });
});

/**
 * The LiveKit session's turn logic over an in-process socket pair: the queue, the timeout and
 * abort of a turn (with its partial record), and the model server's misses in the turn.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { AgentSessionError } from '../../../src/errors/index.js';
import type { LlmServerLike } from '../../../src/core/model-server.js';
import { sessionWithScriptedAgent } from './fake-agent.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function started(options: Parameters<typeof sessionWithScriptedAgent>[0] = {}) {
  const pair = await sessionWithScriptedAgent(options);
  cleanups.push(pair.close);
  return pair;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('AgentSession turns', () => {
  test('run one at a time: the second is sent only once the first is answered', async () => {
    const { session, agent } = await started();
    const first = session.say('one');
    const second = session.say('two');
    const asked = await agent.received('runInput');
    await settle();
    expect(agent.inputs).toEqual(['one']);
    agent.reply(asked, 'first answer');
    expect((await first).items).toMatchObject([{ type: 'message', role: 'assistant', content: ['first answer'] }]);
    agent.reply(await agent.received('runInput', 2), 'second answer');
    const record = await second;
    expect(agent.inputs).toEqual(['one', 'two']);
    expect([record.input, record.index]).toEqual(['two', 1]);
    expect(session.turns.map((turn) => turn.input)).toEqual(['one', 'two']);
  });

  test('a turn that times out fails with TURN_TIMEOUT, its partial record naming the running tool, and the next turn still runs', async () => {
    const { session, agent } = await started();
    const first = session.say('look it up', { timeout: 200 }).catch((error: unknown) => error);
    await agent.received('runInput');
    agent.event({
      functionToolsStarted: { functionCalls: [{ id: 'fc1', callId: 'c1', name: 'lookup_weather', arguments: '{"city":"Paris"}' }] },
    });
    const error = await first;
    expect(error).toBeInstanceOf(AgentSessionError);
    expect(error).toMatchObject({ code: 'TURN_TIMEOUT' });
    expect((error as AgentSessionError).shortMessage).toBe(
      'The agent did not finish the turn within 200 ms; it was still running lookup_weather({"city":"Paris"}).',
    );
    expect((error as AgentSessionError).turn?.items).toMatchObject([{ type: 'function_call', name: 'lookup_weather' }]);
    expect(session.turns).toEqual([]);
    const next = session.say('again');
    agent.reply(await agent.received('runInput', 2), 'done');
    expect((await next).index).toBe(0);
  });

  test("an aborted turn fails with ABORTED and the signal's reason", async () => {
    const { session, agent } = await started();
    const controller = new AbortController();
    const turn = session.say('hi', { signal: controller.signal }).catch((error: unknown) => error);
    await agent.received('runInput');
    controller.abort(new Error('Test timed out in 5000ms'));
    const error = (await turn) as AgentSessionError;
    expect(error.code).toBe('ABORTED');
    expect(error.shortMessage).toBe('Waiting for the turn was aborted (Test timed out in 5000ms).');
    expect(error.turn).toBeDefined();
  });

  test("the model server's misses during a turn become its llm errors, once each, and explain a label-only error event", async () => {
    const unmatched: { response?: { error?: string } }[] = [{ response: { error: 'before the session' } }];
    const requests: { response?: { error?: string } }[] = [];
    const llm: LlmServerLike = { listen: () => Promise.reject(new Error('unused')), unmatched, requests };
    const { session, agent } = await started({ llm });
    const turn = session.say('hi');
    const asked = await agent.received('runInput');
    const miss = { response: { error: 'no rule matched the request "hi"' } };
    requests.push(miss, miss);
    unmatched.push(miss, miss);
    agent.event({ error: { message: 'openai.LLM' } });
    agent.respond(asked.requestId, { runInput: { items: [] } });
    const record = await turn;
    expect(record.errors.filter((error) => error.source === 'llm')).toEqual([
      { source: 'llm', message: 'no rule matched the request "hi"' },
    ]);
    expect(record.events).toContainEqual(
      expect.objectContaining({ type: 'error', message: 'openai.LLM: no rule matched the request "hi"' }),
    );
  });

  test('a closed session refuses turns with SESSION_CLOSED', async () => {
    const { session, process } = await started();
    await session.close();
    expect(process.terminated).toBe(true);
    await expect(session.say('hi')).rejects.toMatchObject({ code: 'SESSION_CLOSED', shortMessage: 'Cannot say: the session was closed.' });
  });
});

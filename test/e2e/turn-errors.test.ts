import { afterEach, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { alive, failure, fixture, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function start(file: string, llm: ReturnType<typeof scriptedLlm>) {
  const session = await startAgentSession(fixture(file), { env: pythonEnv, llm });
  sessions.push(session);
  return session;
}

describe('failures during a turn', () => {
  test('a tool that hangs ends in a turn timeout that shows the stuck call, and the session goes on', async () => {
    const llm = scriptedLlm([
      { when: { user: /wait/ }, reply: { toolCalls: [{ name: 'wait_forever' }] } },
      { when: { user: /hello/ }, reply: { text: 'hi again' } },
    ]);
    const session = await start('python/hanging_tool.py', llm);

    const { error, ms } = await failure(() => session.say('please wait', { timeout: 1500 }));
    expect(error.code).toBe('TURN_TIMEOUT');
    expect(error.message).toMatch(/did not finish the turn within 1500 ms/);
    expect(error.hint).toMatch(/tool may be hanging/);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(4000);
    // The partial record shows what the agent was doing when time ran out.
    expect(error.turn?.events.some((e) => e.type === 'tool_execution_updated' && e.update.kind === 'started')).toBe(true);
    expect(error.message).toMatch(/The turn so far:[\s\S]*wait_forever/);

    // The next input interrupts the stuck turn (livekit-agents waits about 5 s for the tool to
    // cancel); the session is still usable.
    const next = await session.say('hello');
    expect(next.reply).toBe('hi again');
    expect(next.index).toBe(0);
  });

  test('an agent that dies mid-turn is reported with its exit code and output', async () => {
    const llm = scriptedLlm([{ when: { user: /boom/ }, reply: { toolCalls: [{ name: 'self_destruct' }] } }]);
    const session = await start('python/crash_in_tool.py', llm);

    const { error, ms } = await failure(() => session.say('boom'));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.message).toMatch(/The agent exited with code 3 during the turn/);
    expect(error.exitCode).toBe(3);
    expect(error.output).toMatch(/self_destruct: exiting with code 3/);
    expect(ms).toBeLessThan(5000);
    expect(alive(error.pid)).toBe(false);

    const after = await failure(() => session.say('anyone there?'));
    expect(after.error.code).toBe('AGENT_DISCONNECTED');
    expect(after.error.message).toMatch(/Cannot say: the agent has gone away/);
  });

  test('an LLM call no rule answers is recorded in the turn, with the scripted server explaining it', async () => {
    const llm = scriptedLlm([{ name: 'only waits', when: { user: /wait/ }, reply: { toolCalls: [{ name: 'wait_forever' }] } }]);
    const session = await start('python/hanging_tool.py', llm);

    const turn = await session.say('tell me a joke');
    const llmErrors = turn.errors.filter((e) => e.source === 'llm');
    expect(llmErrors).toHaveLength(1);
    expect(llmErrors[0]!.message).toMatch(/no scripted LLM rule matched[\s\S]*tell me a joke/);
    // The agent reports the failed LLM call itself too: as error events and/or the response's error.
    expect(turn.errors.some((e) => e.source === 'event' || e.source === 'response')).toBe(true);
    expect(turn.reply).toBe('');
  });
});

import { afterEach, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { renderTurn } from '../../src/render/render-turn.js';
import { alive, failure, fixture, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

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
  test.each([
    ['Python', 'python/hanging_tool.py'],
    ['Node', 'node/hanging_tool.ts'],
  ])('%s: a tool that hangs ends in a turn timeout that shows the stuck call, and the session goes on', async (sdk, file) => {
    const llm = scriptedLlm([
      { when: { user: /wait/ }, reply: { toolCalls: [{ name: 'wait_forever' }] } },
      { when: { user: /hello/ }, reply: { text: 'hi again' } },
    ]);
    const session = await start(file, llm);

    const { error, ms } = await failure(() => session.say('please wait', { timeout: 1500 }));
    expect(error.code).toBe('TURN_TIMEOUT');
    expect(error.shortMessage).toBe('The agent did not finish the turn within 1500 ms; it was still running wait_forever({}).');
    expect(error.hint).toMatch(/tool may be hanging/);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(4000);
    // The partial record shows what the agent was doing when time ran out (a Node agent reports
    // no tool call while it runs: the call comes from the scripted model's last answer).
    expect(error.turn?.toolCalls.map((call) => [call.name, call.output])).toEqual([['wait_forever', undefined]]);
    expect(error.message).toMatch(/The turn so far:\n.*\n.*wait_forever\(\{\}\) \(no output\)/);
    if (sdk === 'Python')
      expect(error.turn?.events.some((e) => e.type === 'tool_execution_updated' && e.update.kind === 'started')).toBe(true);

    // The next input interrupts the stuck turn: livekit-agents waits about 5 s for the tool to
    // cancel; @livekit/agents refuses the new run until the old one has wound down, and the
    // harness sends it again then. Either way the session is still usable.
    const next = await session.say('hello');
    expect(next.errors).toEqual([]);
    expect(next.reply).toBe('hi again');
    expect(next.index).toBe(0);
    expect((await session.say('hello')).reply).toBe('hi again');
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

describe('a call of a tool the agent does not have', () => {
  test.each([
    ['Python', pythonAgent],
    ['Node', nodeAgent],
  ])("%s: the record and transcript keep the arguments the model sent, with the SDK's refusal", async (_, file) => {
    const llm = scriptedLlm([
      // The booking desk's tool, called while the weather agent is in charge.
      { when: { user: /book/ }, reply: { toolCalls: [{ name: 'book_trip', args: { city: 'Rome', date: '2027-01-01' } }] } },
      { when: { toolOutput: /./ }, reply: { text: 'I cannot book from here.' } },
    ]);
    const session = await startAgentSession(file, { env: pythonEnv, llm });
    sessions.push(session);
    const turn = await session.say('book Rome');
    expect(turn).toHaveToolError('book_trip', /Unknown function: book_trip/);
    expect(turn).toHaveCalledTool('book_trip', { city: 'Rome', date: '2027-01-01' });
    const transcript = renderTurn(turn);
    expect(transcript).toMatch(/✗ book_trip\(\{"city": ?"Rome", ?"date": ?"2027-01-01"\}\) → Unknown function: book_trip/);
    expect(transcript).not.toContain('earlier turn');
  });
});

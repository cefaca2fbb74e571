import { afterEach, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { alive, failure, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

/** A model that refuses every request with a status clients do not retry. */
const refusingLlm = () =>
  scriptedLlm([{ name: 'refuse', when: () => true, reply: { error: { status: 400, message: 'model refused the request' } } }]);

describe('LLM failures the agent reports are recorded in the turn', () => {
  test.each([
    ['Python', pythonAgent],
    ['Node', nodeAgent],
  ])('%s: the error event and the failed response are both in the turn', async (_, file) => {
    const session = await startAgentSession(file, { env: pythonEnv, llm: refusingLlm() });
    sessions.push(session);

    const turn = await session.say('hello');
    expect(turn.events.some((e) => e.type === 'error')).toBe(true);
    expect(turn.errors.some((e) => e.source === 'event')).toBe(true);
    expect(turn.errors.some((e) => e.source === 'response')).toBe(true);
    expect(turn.reply).toBe('');
    expect(session.closed).toBe(false);
  });

  test('Python: the error event carries the status and the server message', async () => {
    const session = await startAgentSession(pythonAgent, { env: pythonEnv, llm: refusingLlm() });
    sessions.push(session);
    const turn = await session.say('hello');
    expect(turn.errors.find((e) => e.source === 'event')?.message).toMatch(/400[\s\S]*model refused the request/);
  });
});

describe('a scripted rule that fails is reported in the turn, with its error', () => {
  const throwingLlm = () =>
    scriptedLlm([
      {
        name: 'thrower',
        when: { user: /boom/ },
        reply: () => {
          throw new Error('boom');
        },
      },
    ]);

  test.each([
    ['Python', pythonAgent],
    ['Node', nodeAgent],
  ])('%s: the rule, its number and its error are in turn.errors', async (_, file) => {
    const llm = throwingLlm();
    const session = await startAgentSession(file, { env: pythonEnv, llm });
    sessions.push(session);

    const turn = await session.say('boom');
    expect(turn.errors).toContainEqual({ source: 'llm', message: expect.stringMatching(/scripted LLM rule #0 "thrower" failed: boom/) });
    expect(llm.unmatched.map((request) => request.rule)).toContain('thrower');
    // The agent's own error events say why too (a Node agent's name only the model; the harness adds the reason).
    const events = turn.events.filter((e) => e.type === 'error');
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.message).toMatch(/rule #0 "thrower" failed: boom/);
  });

  test('Node: an error the rule answers on purpose is named in the error event too', async () => {
    const session = await startAgentSession(nodeAgent, { llm: refusingLlm() });
    sessions.push(session);
    const turn = await session.say('hello');
    expect(turn.errors.find((e) => e.source === 'event')?.message).toMatch(/^openai\.LLM: model refused the request$/);
  });
});

describe('the agent ends its own session after repeated errors', () => {
  test('Python: the socket closes while the process lives on; the harness reports it and kills the agent', async () => {
    const session = await startAgentSession(pythonAgent, { env: pythonEnv, llm: refusingLlm() });
    sessions.push(session);
    const pid = session.pid;

    // livekit-agents closes the session after more than three unrecoverable errors. The turns
    // before that resolve with their errors; the one the session closes under, or the next,
    // fails with a disconnect.
    let caught: unknown;
    const turns = [];
    for (let i = 0; i < 8 && caught === undefined; i++) {
      try {
        turns.push(await session.say(`attempt ${i}`));
      } catch (error) {
        caught = error;
      }
    }
    expect(turns.length).toBeGreaterThanOrEqual(3);
    expect(turns.every((t) => t.errors.length > 0)).toBe(true);
    const { error } = await failure(() => Promise.reject(caught));
    expect(error.code).toBe('AGENT_DISCONNECTED');
    expect(error.message).toMatch(/closed the connection during the turn but kept running; it was stopped/);
    expect(error.hint).toMatch(/repeated unrecoverable errors/);
    // It is killed without waiting for close().
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
    expect(session.closed).toBe(true);

    const after = await failure(() => session.say('still there?'));
    expect(after.error.code).toBe('AGENT_DISCONNECTED');
  });
});

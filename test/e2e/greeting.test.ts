import { afterEach, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { failure, fixture, nodeAgent, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function start(file: string, llm: ReturnType<typeof scriptedLlm>) {
  const session = await startAgentSession(file, { env: pythonEnv, llm });
  sessions.push(session);
  return session;
}

/**
 * The greeting asks the model with no user message: a tool call first, then the words. The delays
 * keep it running well past the moment the session is ready, as a real model would.
 */
const greeterLlm = () =>
  scriptedLlm([
    {
      name: 'greet: look up',
      when: (req) => !req.messages.some((m) => m.role === 'user' || m.role === 'tool'),
      reply: { toolCalls: [{ name: 'lookup_user' }], delayMs: 600 },
    },
    { name: 'greet: words', when: { tool: 'lookup_user' }, reply: { text: 'Hello Ada, how can I help?', delayMs: 600 } },
    { when: { user: /hi/ }, reply: { text: 'Glad to hear from you.' } },
  ]);

const greeters = [
  ['Node', fixture('node/greeting_agent.ts')],
  ['Python', fixture('python/greeting_agent.py')],
] as const;

describe.each(greeters)('a %s agent that greets from on_enter', (_, agentFile) => {
  test('greeting() resolves to the greeting as a turn record, tool calls included', async () => {
    const session = await start(agentFile, greeterLlm());
    const greeting = await session.greeting();
    expect(greeting).toMatchObject({ input: '', index: -1, reply: 'Hello Ada, how can I help?' });
    expect(greeting).toHaveCalledTool('lookup_user');
    expect(greeting).toHaveReplied(/Hello Ada/);
    expect(greeting).toHaveNoErrors();
    expect(greeting.toolCalls[0]?.output).toBe('Ada');
    // The session's first handoff (to its first agent) is not something the greeting did.
    expect(greeting.handoffs).toEqual([]);
    expect(session.turns).toHaveLength(0);
    // A second call gives the same record.
    expect(await session.greeting()).toBe(greeting);
  });

  test('a say() sent while the greeting runs waits for it instead of interrupting it', async () => {
    const session = await start(agentFile, greeterLlm());
    const turn = await session.say('hi');
    expect(turn.reply).toBe('Glad to hear from you.');
    expect(turn.index).toBe(0);
    const history = await session.history();
    const greetingMessage = history.find((item) => item.type === 'message' && item.role === 'assistant');
    expect(greetingMessage).toMatchObject({ text: 'Hello Ada, how can I help?', interrupted: false });
    // The greeting comes before the user's message, and has its record.
    const userAt = history.findIndex((item) => item.type === 'message' && item.role === 'user');
    expect(history.indexOf(greetingMessage!)).toBeLessThan(userAt);
    expect((await session.greeting()).reply).toBe('Hello Ada, how can I help?');
  });
});

describe('an agent without a greeting', () => {
  test('greeting() fails after its timeout, and at once after the first turn; the first turn does not wait', async () => {
    const session = await start(nodeAgent, scriptedLlm([{ reply: { text: 'sure' } }]));
    const { error, ms } = await failure(() => session.greeting({ timeout: 1500 }));
    expect(error.code).toBe('NO_GREETING');
    expect(error.shortMessage).toBe('The agent did not greet within 1500 ms.');
    expect(error.hint).toMatch(/on_enter\/onEnter[\s\S]*generate_reply/);
    expect(ms).toBeGreaterThanOrEqual(1400);

    const started = performance.now();
    expect((await session.say('hello')).reply).toBe('sure');
    // Checking for a greeting costs two requests, not a wait.
    expect(performance.now() - started).toBeLessThan(5000);
    const after = await failure(() => session.greeting());
    expect(after.error.code).toBe('NO_GREETING');
    expect(after.ms).toBeLessThan(1000);
  });

  test('a greeting the scripted model has no rule for fails at once, naming the missing rule', async () => {
    const session = await start(fixture('node/greeting_agent.ts'), scriptedLlm([{ when: { user: /.+/ }, reply: { text: 'sure' } }]));
    const { error, ms } = await failure(() => session.greeting({ timeout: 20_000 }));
    expect(error.code).toBe('NO_GREETING');
    expect(error.shortMessage).toMatch(/^The agent's greeting got no answer from the model: .*no scripted LLM rule matched/);
    expect(error.hint).toMatch(/Add a scripted rule for the greeting's model request/);
    expect(ms).toBeLessThan(10_000);
  });
});

test('an agent that dies during its greeting: the error says the greeting was awaited and quotes the cause', async () => {
  const session = await startAgentSession(fixture('node/greeting_agent.ts'), {
    llm: greeterLlm(),
    env: { GREETER_WAITS_FOR_PARTICIPANT: '1' },
  });
  sessions.push(session);
  const { error } = await failure(() => session.greeting({ timeout: 20_000 }));
  expect(error.code).toBe('AGENT_EXITED');
  expect(error.shortMessage).toMatch(/wait for the greeting/);
  expect(error.shortMessage).not.toMatch(/^Cannot getSessionState|^Cannot getChatHistory|while idle/);
  expect(error.message).toMatch(/console mode failed: room is not connected/);
});

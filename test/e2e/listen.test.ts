// listen(): what an agent says on its own. Real agents whose tool sets a timer; when it fires the
// agent asks the model for a reminder between turns, with no user message to answer.
import { afterEach, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { fixture, pythonAgent, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

const reminderLlm = () =>
  scriptedLlm([
    // The timer's request: no new user message, the reminder instructions in the system prompt.
    { name: 'remind', when: { system: /Remind the user about: (.+)/ }, reply: ({ match }) => ({ text: `Reminder: ${match![1]!}!` }) },
    {
      name: 'set',
      when: { user: /remind me about (.+) in (\d+) seconds?/ },
      reply: ({ match }) => ({ toolCalls: [{ name: 'set_reminder', args: { about: match![1]!, seconds: Number(match![2]) } }] }),
    },
    { name: 'confirm', when: { tool: 'set_reminder' }, reply: { text: 'Reminder set.' } },
    { name: 'chat', when: { user: /hello/ }, reply: { text: 'Hi there.' } },
  ]);

describe.each([
  ['Python', fixture('python/reminder_agent.py')],
  ['Node', fixture('node/reminder_agent.ts')],
])('a %s agent that speaks on a timer', (_, agentFile) => {
  test('listen() gives what it said unprompted, once, and nothing when it is silent', { timeout: 90_000 }, async () => {
    const session = await startAgentSession(agentFile, { env: pythonEnv, llm: reminderLlm() });
    sessions.push(session);
    // No greeting: nothing within the timeout.
    expect(await session.listen({ timeout: 1_000 })).toBeUndefined();

    const set = await session.say('remind me about the tea in 1 second');
    expect(set).toHaveCalledTool('set_reminder', { about: 'the tea', seconds: 1 });
    expect(set).toHaveReplied('Reminder set.');

    const heard = await session.listen({ timeout: 20_000 });
    expect(heard).toMatchObject({ input: '', index: -1, reply: 'Reminder: the tea!' });
    expect(heard).toHaveNoErrors();
    // Its events are the heard record's, not the turn's that set the timer.
    expect(JSON.stringify(heard!.events)).toContain('Reminder: the tea!');
    expect(JSON.stringify(set.events)).not.toContain('Reminder: the tea!');
    // Heard once: the same speech is not reported again.
    expect(await session.listen({ timeout: 1_500 })).toBeUndefined();

    // The conversation goes on, and the next turn does not hold the reminder.
    const next = await session.say('hello');
    expect(next).toHaveReplied('Hi there.');
    expect(next.reply).not.toMatch(/Reminder/);
  });
});

test('before the first turn, listen() gives the greeting, as greeting() does', { timeout: 60_000 }, async () => {
  const llm = scriptedLlm([
    { when: (req) => !req.messages.some((m) => m.role === 'user' || m.role === 'tool'), reply: { toolCalls: [{ name: 'lookup_user' }] } },
    { when: { tool: 'lookup_user' }, reply: { text: 'Hello Ada.' } },
  ]);
  const session = await startAgentSession(fixture('python/greeting_agent.py'), { env: pythonEnv, llm });
  sessions.push(session);
  const heard = await session.listen();
  expect(heard).toHaveReplied('Hello Ada.');
  expect(heard).toHaveCalledTool('lookup_user');
  expect(await session.greeting()).toBe(heard);
});

test('an agent that never speaks on its own: listen() resolves undefined after its timeout, not before', { timeout: 60_000 }, async () => {
  const session = await startAgentSession(pythonAgent, { llm: scriptedLlm([{ when: { user: /hi/ }, reply: { text: 'hello' } }]) });
  sessions.push(session);
  await session.say('hi');
  const started = performance.now();
  expect(await session.listen({ timeout: 1_200 })).toBeUndefined();
  expect(performance.now() - started).toBeGreaterThanOrEqual(1_100);
});

/**
 * The stream-json driver against the real Letta Code CLI (local backend) talking to the
 * scripted LLM: turns, tool calls with results, permissions, external tools, error results.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lettaCode } from 'agent-session-test';
import { useStreamJsonSession } from 'agent-session-test/vitest';
import { scriptedLlm } from 'agent-session-test/llm';
import { lettaBin } from '../fixtures/streamjson/peers.js';

// A secret of the test process's own environment, which the session must keep out of its records.
const TOKEN = `svc-${randomBytes(12).toString('hex')}`;
process.env['RUNNER_SERVICE_TOKEN'] = TOKEN;
afterAll(() => void delete process.env['RUNNER_SERVICE_TOKEN']);

const llm = scriptedLlm([
  { name: 'repeat', when: { user: /my token/ }, reply: ({ request }) => ({ text: `You said: ${request.lastUserText ?? ''}` }) },
  { name: 'greet', when: { user: /hello/i }, reply: { text: 'Hello from the scripted model.' } },
  {
    name: 'write file',
    when: { user: /create the marker/ },
    reply: {
      toolCalls: [{ name: 'Bash', args: { command: 'echo made-by-bash > marker.txt && cat marker.txt', description: 'write a marker' } }],
    },
  },
  {
    name: 'delete file',
    when: { user: /delete everything/ },
    reply: { toolCalls: [{ name: 'Bash', args: { command: 'rm -rf ./*', description: 'delete' } }] },
  },
  { name: 'after tool', when: { toolOutput: /.*/ }, reply: ({ request }) => ({ text: `The tool said: ${request.lastToolOutput ?? ''}` }) },
  { name: 'weather', when: { user: /weather/ }, reply: { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] } },
  { name: 'slow', when: { user: /take your time/ }, reply: { text: 'finally done', delayMs: 2_000 } },
  { name: 'broken', when: { user: /break/ }, reply: { error: { status: 400, message: 'scripted bad request' } } },
]);

describe('Letta Code', () => {
  const agent = useStreamJsonSession({
    ...lettaCode({ bin: lettaBin() }),
    llm,
    permissions: { allow: ['Bash'], deny: [] },
    tools: [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        execute: ({ city }) => `Sunny, 21 C in ${String(city)}`,
      },
    ],
  });

  test('multi-turn: replies and records', async () => {
    const first = await agent.say('hello there');
    expect(first).toHaveReplied('Hello from the scripted model.');
    expect(first.status).toBe('success');
    expect(first).toHaveNoErrors();
    expect(first.usage?.models[0]).toMatchObject({ kind: 'llm', provider: 'letta-code' });
    const second = await agent.say('hello again');
    expect(second.index).toBe(1);
    expect(second).toHaveReplied(/scripted model/);
    expect(agent.init?.tools).toContain('Bash');
  });

  test("the test process's secrets never show in the records", async () => {
    const turn = await agent.say(`my token is ${TOKEN}`);
    expect(turn).toHaveReplied('my token is [redacted $RUNNER_SERVICE_TOKEN]');
    expect(turn.input).toBe('my token is [redacted $RUNNER_SERVICE_TOKEN]');
    expect(JSON.stringify(turn)).not.toContain(TOKEN);
  });

  test('a tool call, allowed by the policy, with its result', async () => {
    const turn = await agent.say('please create the marker');
    expect(turn.permissions).toEqual([expect.objectContaining({ toolName: 'Bash', behavior: 'allow' })]);
    expect(turn).toHaveCalledTool('Bash', { command: expect.stringContaining('marker.txt') });
    expect(turn.toolCalls[0]?.output).toContain('made-by-bash');
    expect(turn).toHaveReplied(/The tool said: .*made-by-bash/);
  });

  test('an external tool implemented in the test', async () => {
    const turn = await agent.say("what's the weather in Paris?");
    expect(turn).toHaveCalledTool('get_weather', { city: 'Paris' });
    expect(turn).toHaveToolOutput('get_weather', 'Sunny, 21 C in Paris');
    expect(turn.externalTools).toEqual([expect.objectContaining({ toolName: 'get_weather', isError: false })]);
    expect(turn).toHaveReplied('The tool said: Sunny, 21 C in Paris');
  });

  test('an error result from the model', async () => {
    const turn = await agent.say('please break');
    expect(turn.status).toBe('error');
    expect(turn.errors.length).toBeGreaterThan(0);
    expect(() => expect(turn).toHaveNoErrors()).toThrow();
    // The session goes on after an error turn.
    expect(await agent.say('hello after the error')).toHaveReplied(/scripted model/);
  });
});

describe('Letta Code interrupt', () => {
  const agent = useStreamJsonSession({ ...lettaCode({ bin: lettaBin() }), llm });

  // Letta Code 0.25.9 reads stdin only between turns: the interrupt is answered after the running
  // turn's result, so that turn completes. (Claude Code stops mid-turn; see its suite.)
  test('is acknowledged after the running turn, which completes', async () => {
    const before = llm.requests.length;
    const running = agent.say('take your time');
    await expect.poll(() => llm.requests.length, { timeout: 15_000 }).toBeGreaterThan(before);
    const acknowledged = agent.interrupt();
    const turn = await running;
    expect(turn.status).toBe('success');
    expect(turn).toHaveReplied('finally done');
    await expect(acknowledged).resolves.toBeTypeOf('object');
    expect(await agent.say('hello after the interrupt')).toHaveReplied(/scripted model/);
  });
});

describe('Letta Code with a denying policy', () => {
  const denied: string[] = [];
  const agent = useStreamJsonSession({
    ...lettaCode({ bin: lettaBin() }),
    llm,
    permissions: (request) => {
      denied.push(request.toolName);
      return { behavior: 'deny', message: 'not in a test' };
    },
  });

  test('a denied permission is recorded and the tool does not run', async () => {
    const session = await agent.start();
    const cwd = String(session.init?.cwd);
    writeFileSync(path.join(cwd, 'keep.txt'), 'still here');
    const turn = await agent.say('delete everything please');
    expect(denied).toEqual(['Bash']);
    expect(turn.permissions).toEqual([expect.objectContaining({ toolName: 'Bash', behavior: 'deny', message: 'not in a test' })]);
    expect(turn).toHaveCalledTool('Bash');
    expect(turn).toHaveToolError('Bash');
    expect(turn.toolCalls[0]?.output).toContain('not in a test');
    expect(turn).toHaveReplied(/The tool said: .*not in a test/);
    // The denied `rm -rf` never ran.
    expect(readFileSync(path.join(cwd, 'keep.txt'), 'utf8')).toBe('still here');
  });
});

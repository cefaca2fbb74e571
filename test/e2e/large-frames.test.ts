import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { alive, failure, fixture, pythonEnv } from './helpers.js';

/** 1.1 MiB: above the 1 MiB the agents accept, which they do not apply to what they send. */
const KIB = 1127;
const OUTPUT_CHARS = KIB * 1024;

const llm = () =>
  scriptedLlm([
    { when: { user: /dump (\d+)/ }, reply: ({ match }) => ({ toolCalls: [{ name: 'big_output', args: { kib: Number(match![1]) } }] }) },
    { when: { tool: 'big_output' }, reply: ({ request }) => ({ text: `received ${String(request.lastToolOutput).length} characters` }) },
    { when: { user: /hello/ }, reply: { text: 'hello back' } },
  ]);

describe.each([
  ['Python', 'python/hanging_tool.py'],
  ['Node', 'node/hanging_tool.ts'],
])('%s agent sending frames above 1 MiB', (_sdk, file) => {
  let session: AgentSession;
  beforeAll(async () => {
    session = await startAgentSession(fixture(file), { env: pythonEnv, llm: llm() });
  });
  afterAll(() => session?.close());

  test('a tool output of 1.1 MiB comes back whole, and the session goes on', async () => {
    const turn = await session.say(`dump ${KIB}`);
    expect(turn.errors).toEqual([]);
    const output = turn.toolCalls[0]?.output;
    expect(typeof output === 'string' && output.length).toBe(OUTPUT_CHARS);
    expect(turn.reply).toMatch(/^received \d+ characters$/);

    expect((await session.say('hello')).reply).toBe('hello back');
    expect((await session.say(`dump ${KIB}`)).toolCalls[0]?.output).toHaveLength(OUTPUT_CHARS);
    expect((await session.say('hello again')).reply).toBe('hello back');
  });

  test('history() holding several large outputs (one frame of over 2 MiB) is read', async () => {
    const history = await session.history();
    const outputs = history.filter((item) => item.type === 'function_call_output');
    expect(outputs).toHaveLength(2);
    expect(history.filter((item) => item.type === 'message' && item.role === 'assistant')).toHaveLength(4);
    expect((await session.say('hello')).reply).toBe('hello back');
  });
});

describe.each([
  ['Python', 'python/hanging_tool.py'],
  ['Node', 'node/hanging_tool.ts'],
])('%s agent sending a frame above maxFrameBytes', (_sdk, file) => {
  test('fails the turn with a PROTOCOL_ERROR that names the size, the cap and the option', async () => {
    const session = await startAgentSession(fixture(file), { env: pythonEnv, llm: llm(), maxFrameBytes: 512 * 1024 });
    try {
      const { error } = await failure(() => session.say(`dump ${KIB}`));
      expect(error.code).toBe('PROTOCOL_ERROR');
      expect(error.shortMessage).toMatch(/the agent sent a frame of \d+ bytes, above the 524288-byte limit \(maxFrameBytes\)/);
      expect(error.hint).toMatch(/raise \{ maxFrameBytes \}/);
      await expect.poll(() => alive(error.pid), { timeout: 5000 }).toBe(false);
    } finally {
      await session.close();
    }
  });
});

test('a user text above the 1 MiB the agent accepts fails alone; the session goes on', async () => {
  const session = await startAgentSession(fixture('node/hanging_tool.ts'), { llm: llm() });
  try {
    const { error } = await failure(() => session.say('x'.repeat(1 << 20)));
    expect(error.code).toBe('REQUEST_FAILED');
    expect(error.message).toMatch(/refusing to send a \d+-byte frame: the agent accepts at most 1048576 bytes/);
    expect(error.hint).toMatch(/Nothing was sent; the session goes on/);
    expect((await session.say('hello')).reply).toBe('hello back');
  } finally {
    await session.close();
  }
});

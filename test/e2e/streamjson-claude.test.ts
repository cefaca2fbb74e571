/**
 * The stream-json driver against the real Claude Code CLI, its model served by the scripted LLM
 * through the Anthropic Messages front. Claude Code is an opt-in peer (a ~380 MB binary):
 * `node scripts/setup-stream-json.mjs --claude` installs it; with STREAM_JSON_PEERS=claude a
 * missing install fails the run instead of skipping.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { claudeCode } from 'agent-session-test';
import { useStreamJsonSession } from 'agent-session-test/vitest';
import { anthropicMessages, scriptedLlm } from 'agent-session-test/llm';
import { claudeBin } from '../fixtures/streamjson/peers.js';

const required = (process.env['STREAM_JSON_PEERS'] ?? '').split(',').includes('claude');
const bin = claudeBin();
if (required && bin === undefined)
  throw new Error('STREAM_JSON_PEERS asks for Claude Code but it is not installed: run `node scripts/setup-stream-json.mjs --claude`.');

const model = scriptedLlm([
  { name: 'greet', when: { user: /hello/i }, reply: { text: 'Hello from the scripted model.' } },
  {
    name: 'make file',
    when: { user: /make the marker/ },
    reply: { toolCalls: [{ name: 'Bash', args: { command: 'touch marker.txt && echo made-marker', description: 'make a marker' } }] },
  },
  {
    name: 'remove file',
    when: { user: /remove the keeper/ },
    reply: { toolCalls: [{ name: 'Bash', args: { command: 'rm keep.txt', description: 'remove' } }] },
  },
  { name: 'after tool', when: { toolOutput: /.*/ }, reply: ({ request }) => ({ text: `The tool said: ${request.lastToolOutput ?? ''}` }) },
  { name: 'slow', when: { user: /take your time/ }, reply: { text: 'finally', delayMs: 20_000 } },
  { name: 'broken', when: { user: /break/ }, reply: { error: { status: 400, message: 'scripted bad request' } } },
]);

describe.skipIf(bin === undefined)('Claude Code', () => {
  const agent = useStreamJsonSession({
    ...claudeCode({ bin: bin ?? 'claude' }),
    llm: anthropicMessages(model),
    permissions: (request) =>
      String(request.input['command']).startsWith('rm ') ? { behavior: 'deny', message: 'no deleting in tests' } : 'allow',
  });

  test('multi-turn: replies, init per turn, usage from the result', async () => {
    const first = await agent.say('hello there');
    expect(first).toHaveReplied('Hello from the scripted model.');
    expect(first.status).toBe('success');
    expect(first).toHaveNoErrors();
    expect(first.usage?.models[0]).toMatchObject({ kind: 'llm', provider: 'claude-code', inputTokens: expect.any(Number) });
    const second = await agent.say('hello again');
    expect(second.index).toBe(1);
    expect(second).toHaveReplied(/scripted model/);
    expect(agent.init?.tools).toContain('Bash');
  });

  test('a permission request allowed: the tool runs and its result is paired', async () => {
    const turn = await agent.say('please make the marker');
    expect(turn.permissions).toEqual([expect.objectContaining({ toolName: 'Bash', behavior: 'allow' })]);
    expect(turn).toHaveCalledTool('Bash', { command: expect.stringContaining('marker.txt') });
    expect(turn).toHaveToolOutput('Bash', 'made-marker');
    expect(existsSync(path.join(String(agent.init?.cwd), 'marker.txt'))).toBe(true);
    expect(turn).toHaveReplied('The tool said: made-marker');
  });

  test('a permission request denied: the tool does not run', async () => {
    const keeper = path.join(String(agent.init?.cwd), 'keep.txt');
    (await import('node:fs')).writeFileSync(keeper, 'still here');
    const turn = await agent.say('please remove the keeper');
    expect(turn.permissions).toEqual([expect.objectContaining({ toolName: 'Bash', behavior: 'deny', message: 'no deleting in tests' })]);
    expect(turn).toHaveToolError('Bash', /no deleting in tests/);
    expect(readFileSync(keeper, 'utf8')).toBe('still here');
  });

  test('an interrupt ends the running turn as interrupted', async () => {
    const before = model.requests.length;
    const running = agent.say('take your time');
    await expect.poll(() => model.requests.length, { timeout: 15_000 }).toBeGreaterThan(before);
    await agent.interrupt();
    const turn = await running;
    expect(turn.status).toBe('interrupted');
    expect(turn).toHaveNoErrors();
    expect(turn.reply).not.toContain('finally');
    expect(await agent.say('hello after the interrupt')).toHaveReplied(/scripted model/);
  });

  test('an API error gives an error result', async () => {
    const turn = await agent.say('please break');
    expect(turn.status).toBe('error');
    expect(turn.result.is_error).toBe(true);
    expect(turn.errors.map((e) => e.message).join('\n')).toContain('scripted bad request');
  });
});

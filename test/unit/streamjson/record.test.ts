/** The turn record built from Claude Code's vocabulary (Letta's is covered end to end). */
import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { decide } from '../../../src/streamjson/policy.js';
import { classify, TurnAssembler } from '../../../src/streamjson/record.js';
import type { ResultMessage } from '../../../src/streamjson/messages.js';

const result = (fields: Partial<ResultMessage>): ResultMessage => ({ type: 'result', subtype: 'success', ...fields });

describe('Claude Code lines', () => {
  test('tool_use blocks pair with tool_result blocks by id; text blocks of one message join', () => {
    const turn = new TurnAssembler('list files', 0, 'claude-code', 'claude-x');
    const at = Date.now();
    turn.add({ type: 'assistant', message: { id: 'msg_1', content: [{ type: 'text', text: 'Let me look.' }] } }, at);
    turn.add(
      {
        type: 'assistant',
        message: { id: 'msg_1', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
      },
      at,
    );
    turn.add(
      {
        type: 'user',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt', is_error: false }] },
      },
      at,
    );
    turn.add({ type: 'assistant', message: { id: 'msg_2', content: [{ type: 'text', text: 'There is a.txt.' }] } }, at);
    const record = turn.finish(result({ result: 'There is a.txt.', usage: { input_tokens: 10, output_tokens: 4 } }), {
      permissions: [],
      externalTools: [],
    });
    expect(record).toHaveCalledTool('Bash', { command: 'ls' });
    expect(record).toHaveToolOutput('Bash', 'a.txt');
    expect(record.reply).toBe('Let me look.\nThere is a.txt.');
    expect(record.status).toBe('success');
    expect(record.usage?.models[0]).toMatchObject({ provider: 'claude-code', model: 'claude-x', inputTokens: 10, outputTokens: 4 });
  });

  test('an API error is `success` with is_error: the flag decides', () => {
    const turn = new TurnAssembler('hi', 0, 'claude-code', undefined);
    const record = turn.finish(result({ is_error: true, result: 'API Error: 400 bad' }), { permissions: [], externalTools: [] });
    expect(record.status).toBe('error');
    expect(record.errors).toEqual([{ source: 'response', message: 'API Error: 400 bad' }]);
  });

  test('an interrupted turn is interrupted, not an error, once the harness asked for it', () => {
    const aborted = result({ subtype: 'error_during_execution', is_error: true, terminal_reason: 'aborted_streaming' });
    expect(classify(aborted, true)).toBe('interrupted');
    expect(classify(aborted, false)).toBe('error');
    expect(classify(result({ subtype: 'interrupted' }), false)).toBe('interrupted');
  });

  test('a call with no output of its own takes what the harness answered', () => {
    const turn = new TurnAssembler('rm', 0, 'letta-code', undefined);
    turn.add(
      {
        type: 'message',
        message_type: 'approval_request_message',
        id: 'm1',
        tool_call: { tool_call_id: 'c1', name: 'Bash', arguments: '{"command":"rm x"}' },
      },
      Date.now(),
    );
    const denial = {
      requestId: 'perm-c1',
      toolName: 'Bash',
      toolCallId: 'c1',
      input: {},
      behavior: 'deny' as const,
      message: 'no',
      at: Date.now(),
    };
    const record = turn.finish(result({}), { permissions: [denial], externalTools: [] });
    expect(record).toHaveToolError('Bash', 'no');
  });
});

describe('Letta Code lines', () => {
  test('errors, retries and recoveries become events; usage sums the steps', () => {
    const turn = new TurnAssembler('hi', 0, 'letta-code', 'lmstudio/x');
    const at = Date.now();
    turn.add({ type: 'retry', reason: 'llm_api_error', attempt: 1, max_attempts: 3, delay_ms: 500 }, at);
    turn.add({ type: 'recovery', recovery_type: 'approval_pending', message: 'resent' }, at);
    turn.add({ type: 'message', message_type: 'usage_statistics', prompt_tokens: 10, completion_tokens: 2 }, at);
    turn.add({ type: 'message', message_type: 'usage_statistics', prompt_tokens: 12, completion_tokens: 3 }, at);
    turn.add({ type: 'error', message: 'LLM failed', api_error: { detail: 'HTTP 500' } }, at);
    const record = turn.finish(result({ subtype: 'error', stop_reason: 'llm_api_error' }), { permissions: [], externalTools: [] });
    expect(record.status).toBe('error');
    expect(record.notices).toEqual([
      { at, type: 'retry', reason: 'llm_api_error', attempt: 1, maxAttempts: 3, delayMs: 500 },
      { at, type: 'recovery', recoveryType: 'approval_pending', message: 'resent' },
    ]);
    expect(record.events.map((e) => e.type)).toEqual(['other', 'other', 'error']);
    expect(record.errors).toEqual([
      { source: 'event', message: 'LLM failed: HTTP 500' },
      { source: 'response', message: 'the turn ended with error (llm_api_error)' },
    ]);
    expect(record.usage?.models[0]).toMatchObject({ inputTokens: 22, outputTokens: 5, model: 'lmstudio/x' });
  });

  test('tool call argument deltas without an id join the call before them', () => {
    const turn = new TurnAssembler('go', 0, 'letta-code', undefined);
    const at = Date.now();
    turn.add(
      {
        type: 'message',
        message_type: 'tool_call_message',
        id: 'm',
        tool_call: { tool_call_id: 'c1', name: 'Read', arguments: '{"file_path":' },
      },
      at,
    );
    turn.add({ type: 'message', message_type: 'tool_call_message', id: 'm', tool_call: { arguments: '"a.txt"}' } }, at);
    turn.add(
      { type: 'message', message_type: 'tool_return_message', id: 'r', tool_call_id: 'c1', status: 'error', tool_return: 'no such file' },
      at,
    );
    const record = turn.finish(result({}), { permissions: [], externalTools: [] });
    expect(record).toHaveCalledTool('Read', { file_path: 'a.txt' });
    expect(record).toHaveToolError('Read', 'no such file');
  });
});

describe('permission policy', () => {
  const request = (toolName: string) => ({ toolName, input: {}, requestId: 'r', raw: {} });
  test('deny wins over allow; nothing allowed is denied; own tools are allowed', async () => {
    expect(await decide({ allow: ['*'], deny: [/^Ba/] }, request('Bash'))).toMatchObject({ behavior: 'deny' });
    expect(await decide({ allow: ['Read'] }, request('Read'))).toEqual({ behavior: 'allow' });
    expect(await decide(undefined, request('Write'))).toMatchObject({
      behavior: 'deny',
      message: expect.stringContaining('No rule allowed Write'),
    });
    expect(await decide(undefined, request('get_weather'), new Set(['get_weather']))).toEqual({ behavior: 'allow' });
    expect(await decide({ otherwise: 'allow' }, request('Edit'))).toEqual({ behavior: 'allow' });
  });
  test('a function decides, with booleans or answers', async () => {
    expect(await decide(() => true, request('X'))).toEqual({ behavior: 'allow' });
    expect(await decide(async () => ({ behavior: 'deny', message: 'why' }), request('X'))).toEqual({ behavior: 'deny', message: 'why' });
    await expect(decide(() => 42 as never, request('X'))).rejects.toThrow(/returned 42/);
  });
  test("the test's own tools: a deny list or a function can refuse them (docs/stream-json.md)", async () => {
    const own = new Set(['get_weather']);
    expect(await decide({ deny: ['get_weather'] }, request('get_weather'), own)).toMatchObject({ behavior: 'deny' });
    expect(await decide(() => 'deny', request('get_weather'), own)).toMatchObject({ behavior: 'deny' });
  });
});

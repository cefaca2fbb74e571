/** The Anthropic Messages front of the scripted LLM (Claude Code's API), without Claude Code. */
import { afterAll, expect, test } from 'vitest';
import { anthropicMessages, scriptedLlm } from 'agent-session-test/llm';

const model = scriptedLlm([
  { when: { toolOutput: /.*/ }, reply: ({ request }) => ({ text: `got ${request.lastToolOutput}` }) },
  { when: { user: /files/ }, reply: { text: 'Looking.', toolCalls: [{ name: 'Bash', args: { command: 'ls' }, id: 'toolu_1' }] } },
  { when: { user: /fail/ }, reply: { error: { status: 400, message: 'scripted bad request' } } },
]);
const front = anthropicMessages(model);
const server = await front.listen();
afterAll(() => server.close());

const post = (body: object) =>
  fetch(`${server.env['ANTHROPIC_BASE_URL']}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.env['ANTHROPIC_API_KEY']! },
    body: JSON.stringify(body),
  });
const tools = [{ name: 'Bash', description: 'run', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }];

test('a JSON answer with text and tool_use blocks, from OpenAI-shaped rules', async () => {
  const response = await post({
    model: 'claude-x',
    system: [{ type: 'text', text: 'be brief' }],
    tools,
    messages: [{ role: 'user', content: 'list files' }],
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    type: 'message',
    model: 'claude-x',
    stop_reason: 'tool_use',
    content: [
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
    ],
  });
  expect(model.requests.at(-1)).toMatchObject({
    tools: ['Bash'],
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'list files' },
    ],
  });
});

test('a tool_result comes to the rules as a role "tool" message; SSE when streamed', async () => {
  const response = await post({
    model: 'claude-x',
    stream: true,
    tools,
    messages: [
      { role: 'user', content: 'list files' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a.txt' }] }] },
    ],
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const events = (await response.text())
    .split('\n')
    .filter((l) => l.startsWith('event: '))
    .map((l) => l.slice(7));
  expect(events).toEqual([
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  expect(model.requests.at(-1)?.response?.text).toBe('got a.txt');
});

test('an error reply keeps its status, in Anthropic form', async () => {
  const response = await post({ model: 'claude-x', messages: [{ role: 'user', content: 'please fail' }] });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'scripted bad request' } });
});

test('the connectivity probe is answered; other paths are 404 with what is served', async () => {
  expect((await fetch(`${server.env['ANTHROPIC_BASE_URL']}/api/hello`, { method: 'HEAD' })).status).toBe(200);
  const other = await fetch(`${server.env['ANTHROPIC_BASE_URL']}/v1/complete`, {
    method: 'POST',
    headers: { 'x-api-key': server.env['ANTHROPIC_API_KEY']! },
    body: '{}',
  });
  expect(other.status).toBe(404);
  expect(JSON.stringify(await other.json())).toContain('POST /v1/messages');
});

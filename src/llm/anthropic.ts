/**
 * The Anthropic Messages API (`POST /v1/messages`, JSON or SSE) in front of a scripted LLM, for
 * clients such as Claude Code. Each request is translated to an OpenAI chat request, answered
 * by the same rules (a tool result arrives as a `role: 'tool'` message, so `toolOutput` rules
 * work unchanged) and translated back.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCredential, isAuthorized, unauthorizedBody } from './auth.js';
import type { LlmRecordedRequest } from './types.js';

/** The part of a scripted LLM this front needs (a `ScriptedLlm` has it). */
export interface OpenAiBackendLike {
  /** Must take requests with `credential` as their Bearer key (a `ScriptedLlm` does). */
  listen(options?: { port?: number; credential?: string }): Promise<{ env: Record<string, string>; close(): Promise<void> }>;
  readonly unmatched?: readonly { response?: { error?: string } }[];
  readonly requests?: readonly LlmRecordedRequest[];
}

/** A scripted LLM that also speaks the Anthropic Messages API; pass it as a session's `llm`. */
export interface AnthropicFront {
  /**
   * Starts both servers, sharing one per-session credential (default: a new random one);
   * `env` carries `ANTHROPIC_BASE_URL` and the credential as `ANTHROPIC_API_KEY` besides the
   * OpenAI ones. `port` is the OpenAI server's.
   */
  listen(options?: {
    port?: number;
    credential?: string;
  }): Promise<{ env: Record<string, string>; credential: string; close(): Promise<void> }>;
  readonly unmatched: readonly { response?: { error?: string } }[];
  /** The requests the rules saw, in OpenAI form. */
  readonly requests: readonly LlmRecordedRequest[];
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Serves the Messages API from the rules of `llm` (e.g. `anthropicMessages(scriptedLlm([...]))`). */
export function anthropicMessages(llm: OpenAiBackendLike): AnthropicFront {
  return {
    get unmatched() {
      return llm.unmatched ?? [];
    },
    get requests() {
      return llm.requests ?? [];
    },
    async listen(options?: { port?: number; credential?: string }) {
      const credential = options?.credential ?? createCredential();
      const backend = await llm.listen({ ...options, credential });
      const openAiUrl = backend.env['OPENAI_BASE_URL'];
      if (!openAiUrl) throw new Error('anthropicMessages() needs an LLM whose env has OPENAI_BASE_URL');
      let counter = 0;
      const sockets = new Set<import('node:net').Socket>();
      const server = createServer((req, res) => {
        void handle(req, res, openAiUrl, credential, () => ++counter).catch((error: unknown) => {
          if (!res.headersSent) sendError(res, 500, 'api_error', `agent-session-test: ${String(error)}`);
          else res.destroy();
        });
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      return {
        env: { ...backend.env, ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, ANTHROPIC_API_KEY: credential },
        credential,
        close: () =>
          (closing ??= (async () => {
            for (const socket of sockets) socket.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            await backend.close();
          })()),
      };
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  openAiUrl: string,
  credential: string,
  nextId: () => number,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  // Claude Code's connectivity probe, which may come without a key: an empty answer that serves nothing.
  if (path === '/api/hello' || (req.method === 'HEAD' && path === '/')) {
    res.writeHead(200).end();
    return;
  }
  if (!isAuthorized(req, credential)) {
    sendError(res, 401, 'authentication_error', unauthorizedBody().error.message);
    return;
  }
  if (req.method !== 'POST' || (path !== '/v1/messages' && path !== '/messages')) {
    sendError(res, 404, 'not_found_error', `agent-session-test: the scripted LLM serves POST /v1/messages here; got ${req.method} ${path}`);
    return;
  }
  let body: Obj;
  try {
    const parsed: unknown = JSON.parse(await readBody(req));
    if (!isObj(parsed)) throw new Error('the body is not a JSON object');
    body = parsed;
  } catch (error) {
    sendError(res, 400, 'invalid_request_error', `agent-session-test: ${(error as Error).message}`);
    return;
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let upstream: Response;
  try {
    upstream = await fetch(`${openAiUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
      body: JSON.stringify(toOpenAi(body)),
      signal: abort.signal,
    });
  } catch {
    // The client went away (an interrupt): nothing to answer.
    return;
  }
  const answer = (await upstream.json().catch(() => ({}))) as Obj;
  if (!upstream.ok) {
    const error = isObj(answer['error']) ? answer['error'] : {};
    sendError(
      res,
      upstream.status,
      String(error['type'] ?? 'invalid_request_error'),
      String(error['message'] ?? `status ${upstream.status}`),
    );
    return;
  }
  const message = toAnthropic(answer, String(body['model'] ?? 'scripted'), `msg_scripted_${nextId()}`);
  if (body['stream'] === true) writeStream(res, message);
  else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(message));
  }
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (isObj(block) && typeof block['text'] === 'string' ? block['text'] : '')).join('\n');
}

/** Anthropic request → OpenAI chat request (non-streamed). */
export function toOpenAi(body: Obj): Obj {
  const messages: Obj[] = [];
  const system = text(body['system']);
  if (system !== '') messages.push({ role: 'system', content: system });
  for (const message of Array.isArray(body['messages']) ? body['messages'].filter(isObj) : []) {
    const content = message['content'];
    if (message['role'] === 'assistant') {
      const blocks = Array.isArray(content) ? content.filter(isObj) : [{ type: 'text', text: String(content ?? '') }];
      const toolCalls = blocks
        .filter((b) => b['type'] === 'tool_use')
        .map((b) => ({
          id: String(b['id']),
          type: 'function',
          function: { name: String(b['name']), arguments: JSON.stringify(b['input'] ?? {}) },
        }));
      messages.push({
        role: 'assistant',
        content: text(blocks.filter((b) => b['type'] === 'text')) || null,
        ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
      });
      continue;
    }
    if (typeof content === 'string') {
      messages.push({ role: 'user', content });
      continue;
    }
    const blocks = Array.isArray(content) ? content.filter(isObj) : [];
    for (const block of blocks.filter((b) => b['type'] === 'tool_result')) {
      messages.push({ role: 'tool', tool_call_id: String(block['tool_use_id']), content: text(block['content']) });
    }
    const userText = text(blocks.filter((b) => b['type'] === 'text'));
    if (userText !== '') messages.push({ role: 'user', content: userText });
  }
  const tools = (Array.isArray(body['tools']) ? body['tools'].filter(isObj) : [])
    .filter((tool) => typeof tool['name'] === 'string')
    .map((tool) => ({
      type: 'function',
      function: { name: tool['name'], description: tool['description'] ?? '', parameters: tool['input_schema'] ?? { type: 'object' } },
    }));
  return { model: body['model'] ?? 'scripted', messages, ...(tools.length > 0 && { tools }), stream: false };
}

/** OpenAI chat completion → Anthropic message. */
export function toAnthropic(completion: Obj, model: string, id: string): Obj {
  const choice = Array.isArray(completion['choices']) && isObj(completion['choices'][0]) ? completion['choices'][0] : {};
  const message = isObj(choice['message']) ? choice['message'] : {};
  const content: Obj[] = [];
  if (typeof message['content'] === 'string' && message['content'] !== '') content.push({ type: 'text', text: message['content'] });
  for (const call of Array.isArray(message['tool_calls']) ? message['tool_calls'].filter(isObj) : []) {
    const fn = isObj(call['function']) ? call['function'] : {};
    let input: unknown = {};
    try {
      input = JSON.parse(String(fn['arguments'] ?? '{}'));
    } catch {
      input = { raw: fn['arguments'] };
    }
    content.push({ type: 'tool_use', id: String(call['id']), name: String(fn['name']), input });
  }
  const usage = isObj(completion['usage']) ? completion['usage'] : {};
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: content.some((b) => b['type'] === 'tool_use')
      ? 'tool_use'
      : choice['finish_reason'] === 'length'
        ? 'max_tokens'
        : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: Number(usage['prompt_tokens'] ?? 0), output_tokens: Number(usage['completion_tokens'] ?? 0) },
  };
}

function writeStream(res: ServerResponse, message: Obj): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: Obj) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = message['usage'] as Obj;
  event('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens: usage['input_tokens'], output_tokens: 0 } },
  });
  (message['content'] as Obj[]).forEach((block, index) => {
    if (block['type'] === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block['text'] } });
    } else {
      event('content_block_start', { index, content_block: { type: 'tool_use', id: block['id'], name: block['name'], input: {} } });
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block['input']) } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', {
    delta: { stop_reason: message['stop_reason'], stop_sequence: null },
    usage: { output_tokens: usage['output_tokens'] },
  });
  event('message_stop', {});
  res.end();
}

/**
 * The HTTP layer: routes, body parsing, JSON and SSE writing, and a prompt shutdown. It knows
 * nothing about rules; a backend turns each chat request into an outcome.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { errorBody, modelList, modelObject, streamChunks, completionObject } from './openai-format.js';
import type { CompletionHeader, ResolvedReply } from './openai-format.js';
import { acceptRequest, MAX_BODY_BYTES, promptCloser, readBody, sendJson, sleep } from './http.js';
import { isAuthorized } from './auth.js';
import { isAudioPath, serveAudio } from './speech/openai-audio.js';
import { speechUpgrades } from './speech/upgrade.js';

/** What the backend decided to answer to one chat request. */
export type ChatOutcome =
  | {
      kind: 'completion';
      stream: boolean;
      /** Whether to send the trailing usage chunk (`stream_options.include_usage`). */
      includeUsage: boolean;
      header: CompletionHeader;
      reply: ResolvedReply;
      delayMs: number;
      chunkDelayMs: number;
    }
  | { kind: 'error'; status: number; message: string; type: string; code: string | null; delayMs: number };

/** What the HTTP layer needs from the scripted model. */
export interface ChatBackend {
  /** Decides the answer to a chat request whose body parsed as JSON. */
  chat(path: string, body: unknown, receivedAt: number): Promise<ChatOutcome>;
  /** The model ids to list. */
  models(): string[];
}

/** A listening HTTP server. */
export interface ListeningServer {
  /** The bound port. */
  port: number;
  /** `http://host:port`, without a path. */
  origin: string;
  /** Stops listening and drops every open connection, including idle keep-alive ones. */
  close(): Promise<void>;
}

const CHAT_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);
const MODELS_PATHS = new Set(['/v1/models', '/models']);
const MODEL_PATH = /^\/(?:v1\/)?models\/(.+)$/;

/** Chat histories with images inlined can be large, but nothing a test sends comes near this. */

const PREFIX = 'agent-session-test:';

function sendError(res: ServerResponse, status: number, message: string, type: string, headers?: Record<string, string>): void {
  sendJson(res, status, errorBody(message, type), headers);
}

async function writeOutcome(res: ServerResponse, outcome: ChatOutcome, signal: AbortSignal, requestId: string): Promise<void> {
  if (!(await sleep(outcome.delayMs, signal))) return;
  const idHeader = { 'x-request-id': requestId };
  if (outcome.kind === 'error') {
    sendJson(res, outcome.status, errorBody(outcome.message, outcome.type, outcome.code), idHeader);
    return;
  }
  if (!outcome.stream) {
    sendJson(res, 200, completionObject(outcome.header, outcome.reply), idHeader);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...idHeader });
  const chunks = streamChunks(outcome.header, outcome.reply, outcome.includeUsage);
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && !(await sleep(outcome.chunkDelayMs, signal))) return;
    if (signal.aborted) return;
    res.write(`data: ${JSON.stringify(chunks[i])}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

/** Starts the server on `host:port` (port 0 picks a free one), serving only requests that carry `credential`. */
export async function startServer(backend: ChatBackend, host: string, port: number, credential: string): Promise<ListeningServer> {
  const inFlight = new Set<AbortController>();
  let requestCount = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The signal stops delays and streaming as soon as the client goes away or the server closes.
    const accepted = acceptRequest(req, res, credential, inFlight);
    if (accepted === undefined) return;
    const { method, path, signal } = accepted;

    if (CHAT_PATHS.has(path)) {
      if (method !== 'POST') {
        sendError(res, 405, `${PREFIX} ${path} accepts POST only, got ${method}`, 'invalid_request_error', { allow: 'POST' });
        return;
      }
      const receivedAt = Date.now();
      const text = await readBody(req);
      if (text === undefined) {
        sendError(res, 413, `${PREFIX} the request body is larger than ${MAX_BODY_BYTES} bytes`, 'invalid_request_error');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        sendError(res, 400, `${PREFIX} the request body is not valid JSON (${reason})`, 'invalid_request_error');
        return;
      }
      const outcome = await backend.chat(path, body, receivedAt);
      await writeOutcome(res, outcome, signal, `req_${++requestCount}`);
      return;
    }

    const modelId = MODEL_PATH.exec(path)?.[1];
    if (MODELS_PATHS.has(path) || modelId !== undefined) {
      if (method !== 'GET') {
        sendError(res, 405, `${PREFIX} ${path} accepts GET only, got ${method}`, 'invalid_request_error', { allow: 'GET' });
        return;
      }
      const created = Math.floor(Date.now() / 1000);
      const body = modelId === undefined ? modelList(backend.models(), created) : modelObject(decodeURIComponent(modelId), created);
      sendJson(res, 200, body);
      return;
    }

    if (isAudioPath(path) && method === 'POST') {
      await serveAudio(req, res, path);
      return;
    }

    sendError(
      res,
      404,
      `${PREFIX} the scripted LLM serves POST /v1/chat/completions, GET /v1/models and POST /v1/audio/speech|transcriptions (also without /v1); got ${method} ${path}`,
      'not_found_error',
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must cost one request, never the server.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, 500, `${PREFIX} internal error in the scripted LLM: ${message}`, 'server_error');
    });
  });

  const upgrades = speechUpgrades({ serverName: 'the scripted LLM', authorize: (req) => isAuthorized(req, credential) });
  server.on('upgrade', upgrades.handleUpgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    origin: `http://${hostPart}:${address.port}`,
    close: promptCloser(server, inFlight, upgrades.closeAll),
  };
}

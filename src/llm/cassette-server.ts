/**
 * The HTTP side of the cassette LLM: receives the agent's model calls, forwards them upstream
 * (passing streamed bytes through as they arrive, so the agent sees real latency while the
 * events are collected) or writes a recorded response back. What to do with each request is
 * the backend's decision.
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { CassetteEvent, CassetteResponse } from './cassette-format.js';
import { formatEvent, SseCollector } from './cassette-sse.js';
import { errorBody, modelList } from './openai-format.js';
import { acceptRequest, MAX_BODY_BYTES, promptCloser, readBody, sendJson, sleep } from './http.js';
import { isAuthorized } from './auth.js';
import { isAudioPath, serveAudio } from './speech/openai-audio.js';
import { speechUpgrades } from './speech/upgrade.js';

/** One model call as received. */
export interface Exchange {
  path: string;
  body: unknown;
  receivedAt: number;
}

/** How a forwarded request ended. */
export type Forwarded =
  | { kind: 'ok'; response: CassetteResponse }
  | { kind: 'failed'; status: number; body: string }
  | { kind: 'unreachable'; status: number; reason: string };

/** Where to forward a request. */
export interface ForwardTarget {
  url: string;
  /** Sent as `Authorization: Bearer`; the agent's own authorization (the session credential) never goes upstream. */
  apiKey?: string | undefined;
  headers: Record<string, string>;
}

/** The backend's decision for one request. */
export type ExchangeResult =
  | { kind: 'replay'; response: CassetteResponse }
  | { kind: 'error'; status: number; message: string; code: string }
  | { kind: 'forward'; target: ForwardTarget; done(outcome: Forwarded): void };

export interface CassetteBackend {
  exchange(exchange: Exchange): Promise<ExchangeResult>;
  models(): string[];
  /** Record event times, and replay at the recorded pace. */
  timing: boolean;
}

const PREFIX = 'agent-session-test:';
/** Model-call paths: chat completions and the Responses API, with or without `/v1`, also under `/inference`. */
const CALL_PATH = /^(?:\/inference)?(?:\/v1)?\/(?:chat\/completions|responses)$/;
const MODELS_PATH = /^(?:\/inference)?(?:\/v1)?\/models$/;
/** Request headers never forwarded: hop-by-hop, replaced, or not ours to pass on (the agent's keys are the session credential). */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'accept-encoding',
  'cookie',
  'authorization',
  'x-api-key',
]);

async function replay(res: ServerResponse, response: CassetteResponse, timing: boolean, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  if (!response.stream) {
    if (timing && response.ms !== undefined) await sleep(response.ms, signal);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, { 'content-type': response.contentType, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    return;
  }
  res.writeHead(response.status, { 'content-type': response.contentType, 'cache-control': 'no-cache' });
  for (const event of response.events as CassetteEvent[]) {
    if (timing && event.ms !== undefined) await sleep(started + event.ms - Date.now(), signal);
    if (signal.aborted) return;
    res.write(formatEvent(event));
  }
  res.end();
}

function forwardHeaders(incoming: IncomingHttpHeaders, target: ForwardTarget): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  return { ...headers, ...target.headers };
}

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  raw: string,
  target: ForwardTarget,
  timing: boolean,
  signal: AbortSignal,
): Promise<Forwarded | undefined> {
  const started = Date.now();
  let upstream: Response;
  try {
    upstream = await fetch(target.url, { method: 'POST', headers: forwardHeaders(req.headers, target), body: raw, signal });
  } catch (error) {
    if (signal.aborted) return undefined;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    // 400, not 502: clients retry 5xx, and an unreachable upstream stays unreachable.
    const message = `${PREFIX} could not reach the upstream LLM at ${target.url} (${reason})`;
    sendJson(res, 400, errorBody(message, 'invalid_request_error', 'upstream_unreachable'));
    return { kind: 'unreachable', status: 400, reason };
  }
  const contentType = upstream.headers.get('content-type') ?? 'application/json';
  if (!upstream.ok) {
    // Passed on as is (so clients react to rate limits as they would), never recorded.
    const text = await upstream.text().catch(() => '');
    res.writeHead(upstream.status, { 'content-type': contentType });
    res.end(text);
    return { kind: 'failed', status: upstream.status, body: text };
  }
  if (contentType.includes('text/event-stream') && upstream.body) {
    res.writeHead(upstream.status, { 'content-type': contentType, 'cache-control': 'no-cache' });
    const collector = new SseCollector(started, timing);
    for await (const chunk of upstream.body as AsyncIterable<Uint8Array>) {
      if (signal.aborted) return undefined;
      res.write(chunk);
      collector.push(chunk);
    }
    res.end();
    return { kind: 'ok', response: { status: upstream.status, contentType, stream: true, events: collector.finish() } };
  }
  const text = await upstream.text();
  const ms = Date.now() - started;
  res.writeHead(upstream.status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text.
  }
  return { kind: 'ok', response: { status: upstream.status, contentType, stream: false, body, ...(timing && { ms }) } };
}

/** A listening cassette server. */
export interface ListeningCassetteServer {
  port: number;
  origin: string;
  close(): Promise<void>;
}

/** Starts the server on a loopback port (`port`, or a free one), serving only requests that carry `credential`. */
export async function startCassetteServer(
  backend: CassetteBackend,
  port: number | undefined,
  credential: string,
): Promise<ListeningCassetteServer> {
  const inFlight = new Set<AbortController>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A stranger's request is never forwarded with the real key, recorded or replayed. The signal
    // stops forwarding and replay when the client goes away (the exchange is then not recorded).
    const accepted = acceptRequest(req, res, credential, inFlight);
    if (accepted === undefined) return;
    const { method, path, signal } = accepted;

    if (MODELS_PATH.test(path) && method === 'GET') {
      sendJson(res, 200, modelList(backend.models(), Math.floor(Date.now() / 1000)));
      return;
    }
    // Speech is answered here in every mode, never recorded: text mode has none to record.
    if (isAudioPath(path) && method === 'POST') return serveAudio(req, res, path);
    if (!CALL_PATH.test(path) || method !== 'POST') {
      sendJson(
        res,
        404,
        errorBody(
          `${PREFIX} the cassette LLM serves POST /v1/chat/completions, POST /v1/responses and GET /v1/models; got ${method} ${path}`,
          'not_found_error',
        ),
      );
      return;
    }
    const receivedAt = Date.now();
    const raw = await readBody(req);
    if (raw === undefined) {
      sendJson(res, 413, errorBody(`${PREFIX} the request body is larger than ${MAX_BODY_BYTES} bytes`, 'invalid_request_error'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (error) {
      sendJson(
        res,
        400,
        errorBody(
          `${PREFIX} the request body is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
          'invalid_request_error',
        ),
      );
      return;
    }
    const result = await backend.exchange({ path, body, receivedAt });
    if (result.kind === 'replay') return replay(res, result.response, backend.timing, signal);
    if (result.kind === 'error') return sendJson(res, result.status, errorBody(result.message, 'invalid_request_error', result.code));
    const outcome = await forward(req, res, raw, result.target, backend.timing, signal);
    if (outcome) result.done(outcome);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(
        res,
        500,
        errorBody(
          `${PREFIX} internal error in the cassette LLM: ${error instanceof Error ? error.message : String(error)}`,
          'server_error',
        ),
      );
    });
  });
  const upgrades = speechUpgrades({ serverName: 'the cassette LLM', authorize: (req) => isAuthorized(req, credential) });
  server.on('upgrade', upgrades.handleUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    origin: `http://127.0.0.1:${address.port}`,
    close: promptCloser(server, inFlight, upgrades.closeAll),
  };
}

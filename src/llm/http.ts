/** HTTP plumbing shared by the scripted and the cassette servers. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isAuthorized, unauthorizedBody } from './auth.js';

/** Request bodies above this are refused: a chat request this large is a client bug, not a prompt. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Waits `ms`; resolves false when `signal` aborts first (the client went away). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Reads the whole body; `undefined` when it is larger than allowed. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Closes `server` at once: `close` alone waits for keep-alive sockets to time out, so they are
 * dropped, answers still being written are aborted, and `closeUpgraded` drops websockets. Idempotent through the returned closer.
 */
export function promptCloser(
  server: Server,
  inFlight: Iterable<AbortController>,
  closeUpgraded: () => void = () => {},
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
      // Upgraded (websocket) connections are no longer the HTTP server's to close.
      closeUpgraded();
      for (const abort of inFlight) abort.abort();
    });
    return closing;
  };
}

/** A request a server has accepted: its method, its path without trailing slashes, and its abort signal. */
export interface AcceptedRequest {
  method: string;
  path: string;
  /** Aborts when the client goes away, or the server closes, before the response is finished. */
  signal: AbortSignal;
}

/**
 * The first step of both model servers. A request without the session's credential gets 401
 * before anything else, so it is never matched, forwarded, recorded or counted. Any other is
 * tracked in `inFlight` until its response closes; a response finished before that is not
 * aborted, so what follows it (a cassette saving the exchange) still runs.
 */
export function acceptRequest(
  req: IncomingMessage,
  res: ServerResponse,
  credential: string,
  inFlight: Set<AbortController>,
): AcceptedRequest | undefined {
  if (!isAuthorized(req, credential)) {
    sendJson(res, 401, unauthorizedBody());
    return undefined;
  }
  const abort = new AbortController();
  inFlight.add(abort);
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
    inFlight.delete(abort);
  });
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  return { method, path, signal: abort.signal };
}

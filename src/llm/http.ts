/** HTTP plumbing shared by the scripted and the cassette servers. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

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
export function promptCloser(server: Server, inFlight: Iterable<AbortController>, closeUpgraded: () => void = () => {}): () => Promise<void> {
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

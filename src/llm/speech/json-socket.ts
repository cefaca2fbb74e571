/** JSON messages over a websocket, as every speech protocol served here uses them. */
import type { WebSocket } from 'ws';

/** A parsed client message: an object with a string `type`. */
export interface ClientEvent {
  type: string;
  [key: string]: unknown;
}

/** Sends `event` as one text frame, unless the socket is no longer open. */
export function sendEvent(ws: WebSocket, event: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
}

/**
 * Calls `handler` with each text frame that parses as an object with a `type`. Anything else
 * (binary frames, malformed JSON) is ignored: these servers only ever stay silent, so there is
 * nothing a bad frame could change.
 */
export function onEvent(ws: WebSocket, handler: (event: ClientEvent) => void): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { type?: unknown }).type === 'string') {
      handler(parsed as ClientEvent);
    }
  });
}

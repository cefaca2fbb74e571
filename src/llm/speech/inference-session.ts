/**
 * What LiveKit inference's STT and TTS sockets share: one session id per connection, JSON client
 * events dispatched by type (unknown ones ignored), and `session.close` answered with
 * `session.closed` and a clean close.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';

import { onEvent, sendEvent, type ClientEvent } from './json-socket.js';

/** Handlers by client event type; each gets the event and the session id. */
export type SessionHandlers = Readonly<Record<string, (event: ClientEvent, sessionId: string) => void>>;

export function serveInferenceSession(ws: WebSocket, kind: 'stt' | 'tts', handlers: SessionHandlers): void {
  const sessionId = `${kind}_${randomUUID()}`;
  onEvent(ws, (event) => {
    if (event.type === 'session.close') {
      sendEvent(ws, { type: 'session.closed', session_id: sessionId });
      ws.close(1000);
      return;
    }
    if (Object.hasOwn(handlers, event.type)) handlers[event.type]!(event, sessionId);
  });
}

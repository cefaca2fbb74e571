/**
 * LiveKit inference speech-to-text (`<inference url>/stt?model=...`), as both SDKs speak it:
 * the client sends `session.create`, then `input_audio` frames, `session.finalize` (at the end
 * of input, and from its VAD at each end of speech) and `session.close`. Text mode has no
 * speech, so the session acknowledges and never transcribes. It never closes the socket on its
 * own: both clients treat a close before their input ends as a failure.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';

import { onEvent, sendEvent } from './json-socket.js';

export function serveInferenceStt(ws: WebSocket): void {
  const sessionId = `stt_${randomUUID()}`;
  onEvent(ws, (event) => {
    switch (event.type) {
      case 'session.create':
        sendEvent(ws, { type: 'session.created', session_id: sessionId });
        break;
      case 'session.finalize':
        // An acknowledgement only: a `session.closed` here would fail a Python client whose VAD
        // sent the finalize while its input is still open.
        sendEvent(ws, { type: 'session.finalized', session_id: sessionId });
        break;
      case 'session.close':
        sendEvent(ws, { type: 'session.closed', session_id: sessionId });
        ws.close(1000);
        break;
      default:
        // input_audio, session.update: nothing to say about silence.
        break;
    }
  });
}

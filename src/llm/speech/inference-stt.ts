/**
 * LiveKit inference speech-to-text (`<inference url>/stt?model=...`), as both SDKs speak it:
 * the client sends `session.create`, then `input_audio` frames, `session.finalize` (at the end
 * of input, and from its VAD at each end of speech) and `session.close`. Text mode has no
 * speech, so the session acknowledges and never transcribes. It never closes the socket on its
 * own: both clients treat a close before their input ends as a failure.
 */
import type { WebSocket } from 'ws';

import { serveInferenceSession } from './inference-session.js';
import { sendEvent } from './json-socket.js';

export function serveInferenceStt(ws: WebSocket): void {
  // input_audio and session.update need no answer: there is nothing to say about silence.
  serveInferenceSession(ws, 'stt', {
    'session.create': (_, sessionId) => sendEvent(ws, { type: 'session.created', session_id: sessionId }),
    // An acknowledgement only: a `session.closed` here would fail a Python client whose VAD sent
    // the finalize while its input is still open.
    'session.finalize': (_, sessionId) => sendEvent(ws, { type: 'session.finalized', session_id: sessionId }),
  });
}

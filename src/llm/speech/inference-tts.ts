/**
 * LiveKit inference text-to-speech (`<inference url>/tts?model=...`), as both SDKs speak it:
 * the client sends `session.create` once per connection (connections are pooled and reused),
 * then per utterance `input_transcript` messages and a `session.flush`, and waits for `done`.
 * Each utterance is answered with a few milliseconds of silence, so the client's audio stream is
 * well formed and ends at once. `session_id` is on every message: the clients key their audio
 * segments on it (and Node's parser requires it).
 */
import type { WebSocket } from 'ws';

import { serveInferenceSession } from './inference-session.js';
import { sendEvent } from './json-socket.js';
import { sampleRateOf, silentPcm } from './silence.js';

/** Both SDKs default to 24 kHz 16-bit PCM. */
const DEFAULT_SAMPLE_RATE = 24_000;
const SILENCE_MS = 20;

export function serveInferenceTts(ws: WebSocket): void {
  let sampleRate = DEFAULT_SAMPLE_RATE;
  // input_transcript needs no answer: the text is not spoken, only answered with silence at the flush.
  serveInferenceSession(ws, 'tts', {
    'session.create': (event, sessionId) => {
      sampleRate = sampleRateOf(event['sample_rate'], DEFAULT_SAMPLE_RATE);
      sendEvent(ws, { type: 'session.created', session_id: sessionId });
    },
    'session.flush': (_, sessionId) => {
      sendEvent(ws, { type: 'output_audio', session_id: sessionId, audio: silentPcm(sampleRate, SILENCE_MS).toString('base64') });
      sendEvent(ws, { type: 'done', session_id: sessionId });
    },
  });
}

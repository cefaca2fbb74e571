/**
 * The OpenAI realtime transcription socket (`<openai base url>/realtime?intent=transcription`),
 * which the OpenAI plugins' STT opens for streaming models. The client sends `session.update`
 * with its transcription settings, then `input_audio_buffer.append` (and `.commit` after its
 * VAD's end of speech). The session confirms its settings and never transcribes: text mode has
 * no speech. The socket stays open until the client closes it, which the clients expect.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';

import { onEvent, sendEvent } from './json-socket.js';

export function serveRealtimeTranscription(ws: WebSocket): void {
  const id = `sess_${randomUUID()}`;
  let eventCount = 0;
  const eventId = () => `event_${++eventCount}`;
  let session: Record<string, unknown> = { id, object: 'realtime.transcription_session', type: 'transcription' };
  sendEvent(ws, { type: 'session.created', event_id: eventId(), session });
  onEvent(ws, (event) => {
    if (event.type === 'session.update' || event.type === 'transcription_session.update') {
      const update = typeof event['session'] === 'object' && event['session'] !== null ? (event['session'] as Record<string, unknown>) : {};
      session = { ...session, ...update, id };
      sendEvent(ws, { type: event.type.replace(/update$/, 'updated'), event_id: eventId(), session });
    } else if (event.type === 'input_audio_buffer.clear') {
      sendEvent(ws, { type: 'input_audio_buffer.cleared', event_id: eventId() });
    }
    // input_audio_buffer.append / .commit: silence is not transcribed.
  });
}

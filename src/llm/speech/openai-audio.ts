/**
 * The OpenAI audio routes the OpenAI plugins' STT and TTS call over HTTP:
 * `POST /v1/audio/speech` answers a short silence (raw PCM when `pcm` is asked for, which the
 * Node plugin always does; WAV otherwise, which the Python plugin decodes by its content type)
 * and `POST /v1/audio/transcriptions` an empty transcript. Text mode has no speech to hear or
 * to say; these answers only keep the plugins' calls from failing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readBody, sendJson } from '../http.js';
import { silentPcm, silentWav } from './silence.js';

/** OpenAI's speech endpoint always produces 24 kHz mono 16-bit audio. */
const SPEECH_SAMPLE_RATE = 24_000;
const SILENCE_MS = 20;
const SPEECH_PATH = /^(?:\/inference)?(?:\/v1)?\/audio\/speech$/;
const TRANSCRIPTIONS_PATH = /^(?:\/inference)?(?:\/v1)?\/audio\/(?:transcriptions|translations)$/;

/** Whether `path` is one of the audio routes. */
export function isAudioPath(path: string): boolean {
  return SPEECH_PATH.test(path) || TRANSCRIPTIONS_PATH.test(path);
}

function field(body: string, name: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A multipart form's text field (the transcription request is multipart/form-data). */
function formField(body: string, name: string): string | undefined {
  return new RegExp(`name="${name}"\\r?\\n\\r?\\n([^\\r\\n]*)`).exec(body)?.[1];
}

/** Answers an audio route; the caller checked {@link isAudioPath} and the method. */
export async function serveAudio(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  // Read whole (and bounded) before answering, so the client never sees its upload cut off.
  const body = (await readBody(req)) ?? '';
  if (SPEECH_PATH.test(path)) {
    const pcm = field(body, 'response_format') === 'pcm';
    const audio = pcm ? silentPcm(SPEECH_SAMPLE_RATE, SILENCE_MS) : silentWav(SPEECH_SAMPLE_RATE, SILENCE_MS);
    res.writeHead(200, { 'content-type': pcm ? 'audio/pcm' : 'audio/wav', 'content-length': String(audio.length) });
    res.end(audio);
    return;
  }
  const format = formField(body, 'response_format') ?? 'json';
  if (format === 'text' || format === 'srt' || format === 'vtt') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0' });
    res.end();
    return;
  }
  const verbose = format === 'verbose_json';
  sendJson(res, 200, verbose ? { task: 'transcribe', language: 'english', duration: 0, text: '', segments: [] } : { text: '' });
}

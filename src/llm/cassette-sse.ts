/**
 * Server-sent events in and out: splitting an upstream stream into events as its bytes pass
 * through, and writing recorded events back in the same framing.
 */

import type { CassetteEvent } from './cassette-format.js';

/** A JSON object or array stays structured in the cassette; anything else (`[DONE]`) stays text. */
function parseData(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Collects the events of an SSE stream fed in arbitrary byte chunks. */
export class SseCollector {
  readonly events: CassetteEvent[] = [];
  readonly #decoder = new TextDecoder();
  readonly #started: number;
  readonly #timing: boolean;
  #buffer = '';

  constructor(started: number, timing: boolean) {
    this.#started = started;
    this.#timing = timing;
  }

  push(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    this.#drain();
  }

  /** Takes any last event not followed by a blank line. */
  finish(): CassetteEvent[] {
    this.#buffer += this.#decoder.decode();
    this.#drain();
    if (this.#buffer.trim() !== '') this.#take(this.#buffer);
    this.#buffer = '';
    return this.events;
  }

  #drain(): void {
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.#buffer);
      if (!match) return;
      this.#take(this.#buffer.slice(0, match.index));
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
    }
  }

  #take(block: string): void {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event === undefined && data.length === 0) return;
    this.events.push({
      ...(event !== undefined && { event }),
      data: parseData(data.join('\n')),
      ...(this.#timing && { ms: Date.now() - this.#started }),
    });
  }
}

/** One recorded event in SSE framing. */
export function formatEvent(event: CassetteEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  const lines = data.split('\n').map((line) => `data: ${line}`);
  return `${event.event !== undefined ? `event: ${event.event}\n` : ''}${lines.join('\n')}\n\n`;
}

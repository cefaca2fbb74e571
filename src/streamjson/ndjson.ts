/**
 * Newline-delimited JSON framing for the stream-json CLIs: one JSON object per line in both
 * directions. Lines are bounded so a runaway peer cannot grow our memory without limit.
 */

/** Why a line could not be read as a message. */
export class NdjsonError extends Error {
  override name = 'NdjsonError';
  /** The offending line, cut to a readable length. */
  readonly line: string;
  constructor(message: string, line: string) {
    super(message);
    this.line = excerpt(line);
  }
}

const EXCERPT_CHARS = 300;

/** The start of a line, marked when cut, for error messages. */
export function excerpt(line: string): string {
  return line.length <= EXCERPT_CHARS ? line : `${line.slice(0, EXCERPT_CHARS)}… (${line.length} chars)`;
}

export interface NdjsonReaderOptions {
  /** Called with each parsed object. */
  onMessage: (message: Record<string, unknown>) => void;
  /** Called once per malformed or oversized line; reading goes on after it. */
  onError: (error: NdjsonError) => void;
  /** The longest accepted line, in characters. Default 16 MiB. */
  maxLineLength?: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** Splits decoded text into lines and parses each as one JSON object. */
export class NdjsonReader {
  readonly #options: NdjsonReaderOptions;
  readonly #max: number;
  #buffer = '';
  /** True while skipping the rest of an oversized line. */
  #skipping = false;

  constructor(options: NdjsonReaderOptions) {
    this.#options = options;
    this.#max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  push(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.#skipping) {
        this.#skipping = false;
        this.#buffer = '';
        continue;
      }
      const line = this.#buffer + piece;
      this.#buffer = '';
      this.#line(line);
    }
    if (this.#skipping) return;
    this.#buffer += text.slice(start);
    if (this.#buffer.length > this.#max) {
      this.#options.onError(new NdjsonError(`a line exceeded ${this.#max} characters without a newline`, this.#buffer));
      this.#buffer = '';
      this.#skipping = true;
    }
  }

  /** Flushes a last line that had no newline (the peer exited mid-line). */
  end(): void {
    const rest = this.#buffer;
    this.#buffer = '';
    if (!this.#skipping && rest.trim() !== '') this.#line(rest);
  }

  #line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (line.length > this.#max) {
      this.#options.onError(new NdjsonError(`a line exceeded ${this.#max} characters`, line));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      this.#options.onError(new NdjsonError(`a line is not JSON (${(error as Error).message})`, line));
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.#options.onError(new NdjsonError('a line is JSON but not an object', line));
      return;
    }
    if (typeof (value as { type?: unknown }).type !== 'string') {
      this.#options.onError(new NdjsonError('a message has no string "type" field', line));
      return;
    }
    this.#options.onMessage(value as Record<string, unknown>);
  }
}

/** One message as a line to write. */
export function encodeLine(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Keeps the last few KiB an agent printed. Agents log at DEBUG and never stop, so the pipes
 * must always be drained, yet only the tail matters for an error message.
 */
// CSI sequences (colours, cursor moves) as terminals and logging libraries emit them.
// eslint-disable-next-line no-control-regex -- a CSI sequence starts with the ESC control character
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export class OutputTail {
  readonly #limit: number;
  #chunks: string[] = [];
  #size = 0;
  #dropped = false;

  constructor(limitBytes = 64 * 1024) {
    this.#limit = limitBytes;
  }

  push(text: string): void {
    // Agents colour their logs even into a pipe; error messages should read as plain text.
    if (text.includes('\u001b[')) text = text.replace(ANSI, '');
    this.#chunks.push(text);
    this.#size += text.length;
    // Trim in bulk rather than per chunk so a chatty agent costs one splice now and then.
    if (this.#size > this.#limit * 2) this.#trim();
  }

  #trim(): void {
    const joined = this.#chunks.join('');
    const cut = joined.length - this.#limit;
    if (cut <= 0) return;
    const lineStart = joined.indexOf('\n', cut);
    this.#chunks = [joined.slice(lineStart === -1 ? cut : lineStart + 1)];
    this.#size = this.#chunks[0]!.length;
    this.#dropped = true;
  }

  /** The retained output; starts with a marker line when older output was dropped. */
  text(): string {
    this.#trim();
    const body = this.#chunks.join('');
    return this.#dropped ? `[earlier output dropped]\n${body}` : body;
  }
}

/**
 * The cassette file format: JSON Lines, a header line then one line per recorded exchange, so a
 * re-recorded prompt shows up in a diff as one changed line. Also the request normalisation and
 * the key that replay matches on.
 */

import { createHash } from 'node:crypto';

/** The first line of every cassette; the version guards against reading a future format. */
export interface CassetteHeader {
  cassette: 'agent-session-test';
  version: 1;
}

export const CASSETTE_HEADER: CassetteHeader = { cassette: 'agent-session-test', version: 1 };

/** A request as stored and matched: the path and the JSON body with volatile fields removed. */
export interface CassetteRequest {
  /** The path the agent posted to, e.g. `/v1/chat/completions` or `/v1/responses`. */
  path: string;
  /** The parsed body, with keys sorted and volatile fields (see {@link VOLATILE_FIELDS}) removed. */
  body: unknown;
}

/** One server-sent event of a streamed response. */
export interface CassetteEvent {
  /** The SSE `event:` name (the Responses API names its events; chat completions do not). */
  event?: string;
  /** The `data:` payload: parsed JSON, or the raw text when it is not JSON (e.g. `[DONE]`). */
  data: unknown;
  /** Milliseconds from the request to this event, kept when recording with `timing`. */
  ms?: number;
}

/** A successful response, streamed or not. */
export type CassetteResponse =
  | { status: number; contentType: string; stream: true; events: CassetteEvent[]; ms?: number }
  | { status: number; contentType: string; stream: false; body: unknown; ms?: number };

/** One recorded exchange, one line of the file. */
export interface CassetteEntry {
  /** The full name of the test that made the request (`''` outside any test, e.g. in `beforeAll`). */
  test: string;
  /** A hash of the normalised request. */
  key: string;
  /** The occurrence of this key within the test: identical requests replay in the order recorded. */
  n: number;
  request: CassetteRequest;
  response: CassetteResponse;
}

/**
 * Body fields left out of the stored request and the key: they identify the caller or the run,
 * not what is asked, and would make every run a miss.
 */
export const VOLATILE_FIELDS: readonly string[] = ['user', 'metadata', 'prompt_cache_key', 'safety_identifier', 'service_tier'];

/** A copy of `value` with object keys sorted at every depth, so key order never changes the hash. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The stored form of a request body: volatile top-level fields removed, keys sorted. */
export function normaliseBody(body: unknown, volatile: readonly string[] = VOLATILE_FIELDS): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return sortKeys(body);
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!volatile.includes(key)) kept[key] = value;
  return sortKeys(kept);
}

/** The replay key of a normalised request: 16 hex digits of its SHA-256. */
export function requestKey(request: CassetteRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.path, request.body]))
    .digest('hex')
    .slice(0, 16);
}

/** Thrown for a cassette file that cannot be read; names the file and the line. */
export class CassetteFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CassetteFormatError';
  }
}

function isEntry(value: unknown): value is CassetteEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const response = entry['response'] as Record<string, unknown> | undefined;
  return (
    typeof entry['test'] === 'string' &&
    typeof entry['key'] === 'string' &&
    Number.isInteger(entry['n']) &&
    typeof (entry['request'] as Record<string, unknown> | undefined)?.['path'] === 'string' &&
    typeof response === 'object' &&
    response !== null &&
    typeof response['status'] === 'number' &&
    (response['stream'] === true ? Array.isArray(response['events']) : response['stream'] === false)
  );
}

/** Parses a cassette file's text. Throws {@link CassetteFormatError} naming `file` and the line. */
export function parseCassette(text: string, file: string): CassetteEntry[] {
  const lines = text.split('\n');
  const entries: CassetteEntry[] = [];
  let sawHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CassetteFormatError(
        `agent-session-test: cassette ${file} line ${i + 1} is not valid JSON (${reason}); fix the line or delete the file and record again`,
      );
    }
    if (!sawHeader) {
      const header = value as Partial<CassetteHeader>;
      if (header?.cassette !== CASSETTE_HEADER.cassette) {
        throw new CassetteFormatError(
          `agent-session-test: ${file} is not a cassette (its first line must be ${JSON.stringify(CASSETTE_HEADER)})`,
        );
      }
      if (header.version !== CASSETTE_HEADER.version) {
        throw new CassetteFormatError(
          `agent-session-test: cassette ${file} has format version ${String(header.version)}; this version reads ${CASSETTE_HEADER.version}. Upgrade agent-session-test or record again`,
        );
      }
      sawHeader = true;
      continue;
    }
    if (!isEntry(value)) {
      throw new CassetteFormatError(
        `agent-session-test: cassette ${file} line ${i + 1} is not a recorded exchange (it needs test, key, n, request.path and response)`,
      );
    }
    entries.push(value);
  }
  return entries;
}

/** The text of a cassette: the header, then one entry a line, ending with a newline. */
export function serialiseCassette(entries: readonly CassetteEntry[]): string {
  return [CASSETTE_HEADER, ...entries].map((line) => JSON.stringify(line)).join('\n') + '\n';
}

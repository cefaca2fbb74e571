/**
 * The cassette an exported test replays: the session's recorded model calls, filed under the
 * exported test's name (replay looks calls up by the running test's name and each call's
 * occurrence within it), wherever and under whatever name they were recorded.
 */
import { readFile } from 'node:fs/promises';

import { parseCassette, serialiseCassette, type CassetteEntry } from '../llm/cassette-format.js';

/** True when the request carries a user message (chat completions and the Responses API alike). */
function hasUserMessage(entry: CassetteEntry): boolean {
  return JSON.stringify(entry.request.body).includes('"role":"user"');
}

/**
 * The entries of a session's cassette, in the order recorded, moved to `testName` with their
 * occurrences counted again. Calls made before the first user message (a greeting) are also filed
 * under `''`: the agent may make them while the test file's `beforeAll` starts it, before any test
 * runs, or after the test began, and replay must find them either way.
 */
export function cassetteForTest(entries: readonly CassetteEntry[], testName: string): CassetteEntry[] {
  const counts = new Map<string, number>();
  const next = (test: string, key: string) => {
    const slot = JSON.stringify([test, key]);
    const n = counts.get(slot) ?? 0;
    counts.set(slot, n + 1);
    return n;
  };
  const out: CassetteEntry[] = [];
  let greeting = true;
  for (const entry of entries) {
    if (greeting && hasUserMessage(entry)) greeting = false;
    out.push({ ...entry, test: testName, n: next(testName, entry.key) });
    if (greeting) out.push({ ...entry, test: '', n: next('', entry.key) });
  }
  return out;
}

/** The text of the exported test's cassette, from the session's cassette file. */
export async function exportedCassetteText(sessionCassette: string, testName: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(sessionCassette, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TypeError(
        `agent-session-test: export: the session's cassette ${sessionCassette} does not exist; was the session started with --record (and has it made a model call)?`,
      );
    }
    throw error;
  }
  const entries = parseCassette(text, sessionCassette);
  if (entries.length === 0) {
    throw new TypeError(
      `agent-session-test: export: the session's cassette ${sessionCassette} holds no model calls, so there is nothing to replay`,
    );
  }
  return serialiseCassette(cassetteForTest(entries, testName));
}

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { cassetteLlm, scriptedLlm, type CassetteEntry, type ScriptedLlmServer } from 'agent-session-test/llm';
import { parseCassette } from '../../../src/llm/cassette-format.js';
import { mergeCassette } from '../../../src/llm/cassette-store.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const writer = path.join(import.meta.dirname, 'cassette-writer.ts');

let dir: string;
let upstream: ScriptedLlmServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cassette-store-'));
  upstream = await scriptedLlm([{ reply: ({ request }) => ({ text: `answer to ${request.lastUserText?.slice(0, 12)}` }) }]).listen();
});
afterEach(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer script in its own Node process. */
function writerProcess(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', writer], {
    cwd: root,
    env: { ...process.env, UPSTREAM: upstream.url, UPSTREAM_KEY: upstream.credential, ...env },
    timeout: 60_000,
  });
}

const entry = (test: string, key: string, n: number): CassetteEntry => ({
  test,
  key,
  n,
  request: { path: '/v1/chat/completions', body: { key } },
  response: { status: 200, contentType: 'application/json', stream: false, body: {} },
});

// The process tests start TypeScript children; on a loaded two-core machine that takes seconds.
describe('cassette files', { timeout: 60_000 }, () => {
  test('merging keeps other writers’ entries and replaces a re-recorded slot', () => {
    const onDisk = [entry('a', 'k1', 0), entry('b', 'k2', 0)];
    const merged = mergeCassette(onDisk, {
      replaceTests: new Set(),
      added: [{ ...entry('b', 'k2', 0), response: { ...entry('b', 'k2', 0).response, status: 201 } }, entry('c', 'k3', 0)],
    });
    expect(merged.map((e) => [e.test, e.response.status])).toEqual([
      ['a', 200],
      ['b', 201],
      ['c', 200],
    ]);
  });

  test('two processes recording into one cassette at once lose nothing', async () => {
    const file = path.join(dir, 'shared.jsonl');
    await Promise.all([
      writerProcess({ CASSETTE: file, NAME: 'left', COUNT: '15', SAVE_EACH: '1' }),
      writerProcess({ CASSETTE: file, NAME: 'right', COUNT: '15', SAVE_EACH: '1' }),
    ]);
    const entries = parseCassette(await readFile(file, 'utf8'), file);
    const prompts = entries.map((e) => ((e.request.body as any).messages[0].content as string).split(' ').slice(0, 2).join(' '));
    expect(prompts.filter((p) => p.startsWith('left')).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `left ${i}`).sort());
    expect(prompts.filter((p) => p.startsWith('right')).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `right ${i}`).sort());
    expect(entries).toHaveLength(30);
    // No lock or temporary file is left behind.
    expect(await readdir(dir)).toEqual(['shared.jsonl']);
  });

  test('a writer killed in the middle of a save leaves the cassette as it was, and the next save recovers', async () => {
    const file = path.join(dir, 'crash.jsonl');
    await writerProcess({ CASSETTE: file, NAME: 'kept', COUNT: '3' });
    const before = await readFile(file, 'utf8');
    expect(parseCassette(before, file)).toHaveLength(3);

    // 200 entries of 2 KB are written a line per write; the process SIGKILLs itself at the 50th.
    const crashed = await writerProcess({ CASSETTE: file, NAME: 'lost', COUNT: '200', CRASH_AT_WRITE: '50' }).then(
      () => undefined,
      (error: { signal?: string }) => error,
    );
    expect(crashed?.signal).toBe('SIGKILL');
    expect(await readFile(file, 'utf8')).toBe(before);
    // Its lock and half-written temporary file are still there...
    const leftovers = (await readdir(dir)).sort();
    expect(leftovers).toEqual(expect.arrayContaining(['crash.jsonl', 'crash.jsonl.lock']));
    expect(leftovers.some((name) => name.endsWith('.tmp'))).toBe(true);

    // ...and the next writer breaks the dead process's lock, cleans up and saves.
    const next = cassetteLlm({ cassette: file, mode: 'record', upstream: { baseUrl: upstream.url, apiKey: upstream.credential } });
    const server = await next.listen();
    await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.credential}` },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'after the crash' }] }),
    });
    await server.close();
    expect(parseCassette(await readFile(file, 'utf8'), file)).toHaveLength(4);
    expect(await readdir(dir)).toEqual(['crash.jsonl']);
  });

  test('a cassette from a newer format version is refused with what to do', async () => {
    const file = path.join(dir, 'future.jsonl');
    await writeFile(file, '{"cassette":"agent-session-test","version":2}\n');
    await expect(cassetteLlm({ cassette: file, mode: 'replay' }).listen()).rejects.toThrow(
      /format version 2; this version reads 1\. Upgrade agent-session-test or record again/,
    );
  });
});

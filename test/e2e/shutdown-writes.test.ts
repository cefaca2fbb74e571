/**
 * An agent's shutdown is its own to finish within its grace: a file's teardown signals the agent
 * and returns, Vitest then ends the file's worker at once, and the agent (whose shutdown callback
 * saves the conversation, as LiveKit's examples do) must still get to write its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { pythonEnv } from './helpers.js';
import { runFixtureVitest, tempDir } from './runner-helpers.js';

const root = fileURLToPath(new URL('../fixtures/shutdown-writes/', import.meta.url));

describe("an agent's shutdown callback runs to its end when the file's worker goes", () => {
  test.each([
    ['started by each file', '0'],
    ['forked spares', '1'],
  ])('%s', { timeout: 240_000 }, async (_, prespawn) => {
    const transcripts = tempDir();
    const { exitCode, output } = await runFixtureVitest([], tempDir(), {
      root,
      env: { ...pythonEnv, TRANSCRIPT_DIR: transcripts, FIXTURE_PRESPAWN: prespawn },
    });
    expect(exitCode, output).toBe(0);
    const saved = readdirSync(transcripts).map((name) => readFileSync(path.join(transcripts, name), 'utf8'));
    expect(saved, output).toHaveLength(2);
    expect(saved.join('\n')).toContain('Where are the hinges?');
    expect(saved.join('\n')).toContain('Where is the wood glue?');
  });
});

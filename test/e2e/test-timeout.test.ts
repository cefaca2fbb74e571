/**
 * Vitest ends a test after 5 s unless told otherwise, before a hanging turn reaches the harness's
 * own turn timeout, whose error says what was still running and shows the transcript. The plugin
 * raises Vitest's default, so a hanging tool is reported as such.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { pythonEnv } from './helpers.js';
import { runFixtureVitest, tempDir } from './runner-helpers.js';

const root = fileURLToPath(new URL('../fixtures/test-timeout/', import.meta.url));

test("a hanging tool fails with the turn's timeout, not Vitest's 5 s test timeout", { timeout: 180_000 }, async () => {
  const { exitCode, output } = await runFixtureVitest([], tempDir(), { root, env: pythonEnv });
  expect(exitCode, output).toBe(1);
  expect(output).not.toMatch(/timed out in 5000ms/);
  expect(output).toMatch(/did not finish the turn within 7000 ms; it was still running wait_forever/);
  // The explicit setting wins.
  const explicit = await runFixtureVitest(['--test-timeout', '3000'], tempDir(), { root, env: pythonEnv });
  expect(explicit.output).toMatch(/timed out in 3000ms/);
});

// Conversation snapshots through Vitest's own snapshot machinery, in child Vitest runs: written
// with -u, matched on the next run, a readable diff when the conversation changes, updated by -u.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runFixtureVitest, tempDir } from './runner-helpers.js';

const root = fileURLToPath(new URL('../fixtures/runner/snapshots', import.meta.url));

test('a conversation snapshot: written, matched, a diff on a change, updated with -u', { timeout: 300_000 }, async () => {
  const snapshots = tempDir();
  const run = (args: string[], city: string) => runFixtureVitest(args, tempDir(), { root, env: { SNAPSHOT_DIR: snapshots, CITY: city } });
  const file = path.join(snapshots, 'weather.test.ts.snap');

  const written = await run(['-u'], 'Paris');
  expect(written.exitCode, written.output).toBe(0);
  const stored = readFileSync(file, 'utf8');
  // Stable text: the tool calls with arguments and outputs, no ids or timings.
  expect(stored).toContain(`tool: lookup_weather({"city":"Paris"}) -> output: "sunny, 21°C in Paris"`);
  expect(stored).toContain('tool: get_forecast({"city":"Tokyo","days":2}) -> output: ');
  expect(stored).not.toMatch(/call_|item_|\d+ ms/);

  const again = await run([], 'Paris');
  expect(again.exitCode, again.output).toBe(0);

  const changed = await run([], 'London');
  expect(changed.exitCode).toBe(1);
  expect(changed.output).toMatch(/Snapshot .*asks for the weather, then a forecast 1.* mismatched/);
  expect(changed.output).toMatch(/- user: what's the weather in Paris\?/);
  expect(changed.output).toMatch(/\+ user: what's the weather in London\?/);

  const updated = await run(['-u'], 'London');
  expect(updated.exitCode, updated.output).toBe(0);
  expect(readFileSync(file, 'utf8')).toContain('tool: lookup_weather({"city":"London"})');
});

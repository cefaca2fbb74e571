import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runFixtureVitest, tempDir } from './runner-helpers.js';

const root = fileURLToPath(new URL('../fixtures/background-reap/', import.meta.url));

describe("agents still exiting when the run ends are the teardown's to wait for, not leftovers", () => {
  test.each([
    ['forks', '1'],
    ['threads', '1'],
    ['threads', '0'],
  ])('pool %s, isolate %s', async (pool, isolate) => {
    const { exitCode, output } = await runFixtureVitest([], tempDir(), {
      root,
      env: { FIXTURE_POOL: pool, FIXTURE_ISOLATE: isolate },
    });
    expect(output).toMatch(/2 passed/);
    expect(output).not.toMatch(/still running at teardown/);
    expect(exitCode, output).toBe(0);
  });
});

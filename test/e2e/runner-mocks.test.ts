// The file's tool mocks under Vitest: checked when the file's agent stops, against the agents that
// took charge, only when the whole file ran (a name filter may leave out the test that reaches an agent).
import { expect, test } from 'vitest';
import { runFixtureVitest, tempDir } from './runner-helpers.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/runner/mocks', import.meta.url));
const run = (args: string[], mockedTool: string) => runFixtureVitest(args, tempDir(), { root, env: { MOCKED_TOOL: mockedTool } });

test('a misspelt file-wide mock fails the file when it ends, naming the agents and their tools', { timeout: 180_000 }, async () => {
  const { exitCode, output } = await run([], 'book_tirp');
  expect(exitCode).toBe(1);
  expect(output).toContain('The `tools` option could not be used by any agent in charge during the session:');
  expect(output).toContain('- book_tirp: no agent in charge had a tool of that name');
  expect(output).toMatch(/- booking_agent: book_trip, transfer_to_weather/);
  // The tests themselves passed: the failure is the file's teardown.
  expect(output).toMatch(/Tests\s+2 passed/);
});

test('a run filtered to the test that never reaches the booking desk does not fail its mock', { timeout: 180_000 }, async () => {
  const whole = await run([], 'book_trip');
  expect(whole.exitCode, whole.output).toBe(0);
  const filtered = await run(['-t', 'weather only'], 'book_trip');
  expect(filtered.exitCode, filtered.output).toBe(0);
  expect(filtered.output).toMatch(/1 passed \| 1 skipped/);
});

test(
  'a test that fails before it reaches the booking desk fails alone, without a second failure of the mock',
  { timeout: 180_000 },
  async () => {
    const { exitCode, output } = await runFixtureVitest([], tempDir(), {
      root,
      env: { MOCKED_TOOL: 'book_trip', FAIL_BEFORE_BOOKING: '1' },
    });
    expect(exitCode).toBe(1);
    expect(output).toMatch(/Tests\s+1 failed \| 1 passed/);
    expect(output).toContain('failed on purpose before the booking desk');
    expect(output).not.toContain('TOOL_MOCK_UNKNOWN');
    expect(output).not.toContain('could not be used by any agent');
  },
);

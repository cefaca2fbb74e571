// What jest.config.mjs wires up, seen from a test file that imports nothing of the package: the
// matchers on both spellings of `expect`, and the run id every agent of this run inherits.
import { expect, test } from '@jest/globals';

test('the matchers are registered on the expect of @jest/globals and on the global one', () => {
  expect(() => expect({}).toHaveReplied('x')).toThrow(/expected a turn record/);
  const injected = (globalThis as { expect?: typeof expect }).expect;
  expect(injected).toBeDefined();
  expect(() => injected!({}).toHaveReplied('x')).toThrow(/expected a turn record/);
});

test('the global setup tagged the run before the workers started', () => {
  expect(process.env['AGENT_SESSION_TEST_RUN']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

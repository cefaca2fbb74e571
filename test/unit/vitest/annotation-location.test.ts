import { describe, expect, test } from 'vitest';
import type { RunnerTestCase } from 'vitest';
import { failureFrames, stackFrames, withExtraFrames } from '../../../src/vitest/worker/annotation-location.js';

const file = '/project/weather.test.ts';
const failedTest = (errors: { stack?: string }[], location?: { line: number; column: number }) =>
  ({ file: { filepath: file }, result: { state: 'fail', errors }, location }) as unknown as RunnerTestCase;

describe('stackFrames', () => {
  test('keeps the frame lines and drops the message, even one that spans lines', () => {
    const stack = [
      'AssertionError: expected a\nb',
      '  at line two of the message',
      `    at Object.fn (${file}:17:22)`,
      '    at node:internal/process/task_queues:105:5',
      `    at ${file}:3:1`,
    ].join('\n');
    expect(stackFrames(stack)).toEqual([
      `    at Object.fn (${file}:17:22)`,
      '    at node:internal/process/task_queues:105:5',
      `    at ${file}:3:1`,
    ]);
    expect(stackFrames(undefined)).toEqual([]);
  });
});

describe('failureFrames', () => {
  test('orders the failure, the last call, the test line, then the first line of the file', () => {
    const lastCall = new Error('say');
    lastCall.stack = `Error: say\n    at wrapped.say (/src/t.ts:1:1)\n    at ${file}:9:3`;
    const frames = failureFrames(failedTest([{ stack: `Error: x\n    at ${file}:17:22` }], { line: 5, column: 1 }), lastCall);
    expect(frames).toEqual([
      `    at ${file}:17:22`,
      '    at wrapped.say (/src/t.ts:1:1)',
      `    at ${file}:9:3`,
      `    at ${file}:5:1`,
      `    at ${file}:1:1`,
    ]);
  });

  test('falls back to the first line of the test file when nothing else is known', () => {
    expect(failureFrames(failedTest([{}]))).toEqual([`    at ${file}:1:1`]);
  });
});

describe('withExtraFrames', () => {
  test('appends the frames to stacks made during the call, then restores the formatter', () => {
    const before = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
    const stack = withExtraFrames([`    at ${file}:17:22`], () => new Error('inside').stack);
    expect(stack).toMatch(/^Error: inside\n {4}at /);
    expect(stack?.endsWith(`\n    at ${file}:17:22`)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')).toEqual(before);
    expect(new Error('after').stack).not.toContain(file);
  });

  test('restores the formatter when the call throws', () => {
    const before = Error.prepareStackTrace;
    expect(() =>
      withExtraFrames(['    at /x.ts:1:1'], () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Error.prepareStackTrace).toBe(before);
  });
});

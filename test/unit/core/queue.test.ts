import { describe, expect, test } from 'vitest';
import { SerialQueue } from '../../../src/core/queue.js';

/** A job that runs until released, recording when it starts. */
function gate(log: string[], name: string) {
  let release!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  return {
    job: () => {
      log.push(`start ${name}`);
      return done;
    },
    release: () => release(name),
    fail: (error: Error) => fail(error),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialQueue', () => {
  test('runs one job at a time, in the order they were queued', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = queue.run(a.job);
    const second = queue.run(b.job);
    await tick();
    expect(log).toEqual(['start a']);
    a.release();
    await expect(first).resolves.toBe('a');
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.release();
    await expect(second).resolves.toBe('b');
  });

  test('a job that fails rejects its own caller and does not hold up the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const first = queue.run(a.job);
    const second = queue.run(async () => 'b');
    a.fail(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('b');
  });

  test('a job that throws synchronously is a rejection, not a throw from run()', async () => {
    const queue = new SerialQueue();
    const run = queue.run(() => {
      throw new TypeError('bad input');
    });
    await expect(run).rejects.toThrow(TypeError);
    await expect(queue.run(async () => 1)).resolves.toBe(1);
  });
});

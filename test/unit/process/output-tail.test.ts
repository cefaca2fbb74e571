import { expect, test } from 'vitest';
import { OutputTail } from '../../../src/process/output-tail.js';

test('keeps everything while under the limit', () => {
  const tail = new OutputTail(100);
  tail.push('a\n');
  tail.push('b\n');
  expect(tail.text()).toBe('a\nb\n');
});

test('keeps the last whole lines within the limit and marks the cut', () => {
  const tail = new OutputTail(20);
  for (let i = 0; i < 100; i++) tail.push(`line ${i}\n`);
  const text = tail.text();
  expect(text.startsWith('[earlier output dropped]\n')).toBe(true);
  const kept = text.split('\n').slice(1, -1);
  expect(kept.at(-1)).toBe('line 99');
  expect(kept.every((line) => /^line \d+$/.test(line))).toBe(true);
  expect(kept.join('\n').length).toBeLessThanOrEqual(20);
});

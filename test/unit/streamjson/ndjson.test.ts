import { describe, expect, test } from 'vitest';
import { NdjsonReader, type NdjsonError } from '../../../src/streamjson/ndjson.js';

function collect(maxLineLength?: number) {
  const messages: Record<string, unknown>[] = [];
  const errors: NdjsonError[] = [];
  const reader = new NdjsonReader({
    onMessage: (m) => messages.push(m),
    onError: (e) => errors.push(e),
    ...(maxLineLength && { maxLineLength }),
  });
  return { reader, messages, errors };
}

describe('NdjsonReader', () => {
  test('joins lines split across chunks and accepts CRLF', () => {
    const { reader, messages, errors } = collect();
    reader.push('{"type":"a","n":1}\n{"type":');
    reader.push('"b"}\r\n\n');
    expect(messages).toEqual([{ type: 'a', n: 1 }, { type: 'b' }]);
    expect(errors).toEqual([]);
  });

  test('reports non-JSON, non-object and untyped lines, and keeps reading', () => {
    const { reader, messages, errors } = collect();
    reader.push('Loading plugins...\n[1,2]\n{"no":"type"}\n{"type":"ok"}\n');
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^a line is not JSON/),
      'a line is JSON but not an object',
      'a message has no string "type" field',
    ]);
    expect(errors[0]?.line).toBe('Loading plugins...');
    expect(messages).toEqual([{ type: 'ok' }]);
  });

  test('caps the line length, skipping the rest of an oversized line', () => {
    const { reader, messages, errors } = collect(32);
    reader.push(`{"type":"big","x":"${'y'.repeat(40)}`);
    reader.push(`${'y'.repeat(40)}"}\n{"type":"next"}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/exceeded 32 characters/);
    expect(messages).toEqual([{ type: 'next' }]);
  });

  test('flushes a last line without a newline at the end', () => {
    const { reader, messages } = collect();
    reader.push('{"type":"last"}');
    expect(messages).toEqual([]);
    reader.end();
    expect(messages).toEqual([{ type: 'last' }]);
  });
});

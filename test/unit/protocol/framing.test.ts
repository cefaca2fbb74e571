import { describe, expect, test } from 'vitest';
import { DEFAULT_MAX_RECEIVED_FRAME_BYTES, encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from '../../../src/protocol/framing.js';
import { ProtocolError } from '../../../src/protocol/errors.js';

const payload = (n: number, fill = 7) => Buffer.alloc(n, fill);

describe('encodeFrame', () => {
  test('prefixes the payload with its big-endian length', () => {
    const frame = encodeFrame(Buffer.from('abc'));
    expect([...frame]).toEqual([0, 0, 0, 3, 97, 98, 99]);
  });

  test('accepts exactly the cap and refuses one byte more', () => {
    expect(encodeFrame(payload(MAX_FRAME_BYTES)).byteLength).toBe(MAX_FRAME_BYTES + 4);
    expect(() => encodeFrame(payload(MAX_FRAME_BYTES + 1))).toThrow(/at most 1048576 bytes/);
  });
});

describe('FrameDecoder', () => {
  test('returns every frame of a chunk, in order, including empty ones', () => {
    const decoder = new FrameDecoder();
    const stream = Buffer.concat([encodeFrame(Buffer.from('one')), encodeFrame(Buffer.alloc(0)), encodeFrame(Buffer.from('three'))]);
    expect(decoder.push(stream).map(String)).toEqual(['one', '', 'three']);
    expect(decoder.pendingBytes).toBe(0);
  });

  test('reassembles frames split at every possible byte boundary', () => {
    const stream = Buffer.concat([encodeFrame(Buffer.from('hello')), encodeFrame(Buffer.from('world!'))]);
    for (let cut = 1; cut < stream.byteLength; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(frames.map(String), `cut at ${cut}`).toEqual(['hello', 'world!']);
    }
  });

  test('assembles a 1 MiB frame fed one 1000-byte chunk at a time', () => {
    const body = Buffer.alloc(MAX_FRAME_BYTES);
    for (let i = 0; i < body.byteLength; i++) body[i] = i % 251;
    const stream = encodeFrame(body);
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    for (let offset = 0; offset < stream.byteLength; offset += 1000) frames.push(...decoder.push(stream.subarray(offset, offset + 1000)));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(body)).toBe(true);
  });

  test('accepts frames above the 1 MiB the agents accept, as the agents send them', () => {
    const body = Buffer.alloc(MAX_FRAME_BYTES + 100_000, 7);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.byteLength);
    const frames = new FrameDecoder().push(Buffer.concat([header, body]));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(body)).toBe(true);
  });

  test('rejects a length above the cap as a protocol violation naming the option', () => {
    const decoder = new FrameDecoder(2 * MAX_FRAME_BYTES);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(2 * MAX_FRAME_BYTES + 1);
    let caught: unknown;
    try {
      decoder.push(header);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).fault).toBe('oversized-frame');
    expect((caught as Error).message).toMatch(/2097153 bytes, above the 2097152-byte limit \(maxFrameBytes\)/);
  });

  test('the default cap is 64 MiB', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(DEFAULT_MAX_RECEIVED_FRAME_BYTES + 1);
    expect(() => new FrameDecoder().push(header)).toThrow(/67108865 bytes, above the 67108864-byte limit/);
    expect(() => new FrameDecoder(0)).toThrow(RangeError);
  });

  test('keeps a partial frame pending until the rest arrives', () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame(Buffer.from('partial'));
    expect(decoder.push(frame.subarray(0, 6))).toEqual([]);
    expect(decoder.pendingBytes).toBe(6);
    expect(decoder.push(frame.subarray(6)).map(String)).toEqual(['partial']);
  });
});

test('counts a frame whose header arrived but no payload yet as pending', () => {
  const decoder = new FrameDecoder();
  expect(decoder.push(encodeFrame(Buffer.from('abc')).subarray(0, 4))).toEqual([]);
  expect(decoder.pendingBytes).toBe(4);
});

test('a bad maxFrameBytes fails startAgentSession before anything is spawned', async () => {
  const { startAgentSession } = await import('../../../src/session/agent-session.js');
  // The file does not exist either: the option is checked first, so nothing is looked up or started.
  for (const bad of [0, -1, 1.5, 2 ** 32]) {
    await expect(startAgentSession('/no/such/agent.py', { maxFrameBytes: bad })).rejects.toThrow(
      /^maxFrameBytes must be an integer from 1 to 4294967295, got /,
    );
  }
});

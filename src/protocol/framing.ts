/**
 * Length-prefixed framing of the agent session protocol: a 4-byte big-endian length, then that
 * many bytes of protobuf. Both SDKs cap what they receive at 1 MiB and stop reading for good on a
 * larger frame, but send larger frames themselves (a big tool output, a long chat history). So
 * what we send keeps to 1 MiB, and what we receive has a cap of its own, far above that.
 */
import { ProtocolError } from './errors.js';

/** The largest payload the agents accept: the cap on what we send. */
export const MAX_FRAME_BYTES = 1 << 20;

/**
 * The default cap on a frame from the agent. Only there to tell a garbage length prefix from a
 * real frame before buffering it; real frames (a whole chat history) stay far below it.
 */
export const DEFAULT_MAX_RECEIVED_FRAME_BYTES = 64 << 20;

const HEADER_BYTES = 4;

/** Prefixes `payload` with its length. Throws ProtocolError when it exceeds the cap. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.byteLength > MAX_FRAME_BYTES) {
    throw new ProtocolError(
      `refusing to send a ${payload.byteLength}-byte frame: the agent accepts at most ${MAX_FRAME_BYTES} bytes`,
      'oversized-frame',
    );
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

/** Returns `maxFrameBytes` when it is a usable cap; throws a RangeError saying what is allowed otherwise. */
export function checkFrameCap(maxFrameBytes: number): number {
  // The length prefix is a uint32, so a larger cap would be no cap.
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > 0xffffffff) {
    throw new RangeError(`maxFrameBytes must be an integer from 1 to ${0xffffffff}, got ${maxFrameBytes}`);
  }
  return maxFrameBytes;
}

/**
 * Splits a byte stream into frame payloads. Chunks are kept as a list and only copied when a
 * frame straddles chunk boundaries, so a large frame arriving in many pieces is assembled once
 * instead of being re-concatenated on every chunk.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Payload length of the frame being assembled, once its header is complete. */
  #expected = -1;

  constructor(maxFrameBytes = DEFAULT_MAX_RECEIVED_FRAME_BYTES) {
    this.#maxFrameBytes = checkFrameCap(maxFrameBytes);
  }

  /** Bytes of an incomplete frame received so far, header included (0 between frames). */
  get pendingBytes(): number {
    return this.#buffered + (this.#expected >= 0 ? HEADER_BYTES : 0);
  }

  /**
   * Feeds a chunk; returns every payload it completed, in order. Throws ProtocolError on a
   * length above the cap (the stream cannot be resynchronised after that).
   */
  push(chunk: Buffer): Buffer[] {
    if (chunk.byteLength === 0) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#expected < 0) {
        if (this.#buffered < HEADER_BYTES) break;
        const length = this.#take(HEADER_BYTES).readUInt32BE(0);
        if (length > this.#maxFrameBytes) {
          throw new ProtocolError(
            `the agent sent a frame of ${length} bytes, above the ${this.#maxFrameBytes}-byte limit (maxFrameBytes); ` +
              'a real message that large means raising maxFrameBytes, otherwise the length is garbage on the connection',
            'oversized-frame',
          );
        }
        this.#expected = length;
      }
      if (this.#buffered < this.#expected) break;
      frames.push(this.#take(this.#expected));
      this.#expected = -1;
    }
    return frames;
  }

  /** Removes `n` buffered bytes from the front; copies only when they span chunks. */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (first === undefined || n === 0) return Buffer.alloc(0);
    if (first.byteLength === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.byteLength > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.#chunks[0]!;
      const wanted = n - offset;
      if (chunk.byteLength <= wanted) {
        out.set(chunk, offset);
        offset += chunk.byteLength;
        this.#chunks.shift();
      } else {
        out.set(chunk.subarray(0, wanted), offset);
        this.#chunks[0] = chunk.subarray(wanted);
        offset = n;
      }
    }
    return out;
  }
}

/**
 * Protocol throughput, in process: a turn's response carrying large tool outputs (up to the
 * 1 MiB frame cap) encoded, split into socket-sized chunks, reassembled, decoded and converted
 * into turn items. The reassembly is compared with the naive approach (concatenating the
 * buffered bytes with every chunk), which is quadratic in the frame size.
 */
import { chatItems } from '../src/turn/convert.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from '../src/protocol/framing.js';
import { decodeEnvelope, encodeEnvelope } from '../src/protocol/schema.js';
import { median, progress, reps, table } from './lib/stats.js';

/** A socket read on Linux loopback delivers at most 64 KiB. */
const CHUNK = 64 * 1024;
const ROUNDS = reps(5);

/** A runInput response: user message, a tool call, its output of `outputBytes`, the reply. */
function responsePayload(outputBytes: number): Uint8Array {
  const at = { seconds: 1_700_000_000, nanos: 0 };
  const items = [
    { message: { id: 'item_1', role: 2, content: [{ text: 'What is the weather in Paris?' }], createdAt: at } },
    { functionCall: { id: 'item_2', callId: 'call_1', name: 'lookup_weather', arguments: '{"city":"Paris"}', createdAt: at } },
    {
      functionCallOutput: {
        id: 'item_3',
        callId: 'call_1',
        name: 'lookup_weather',
        output: 'x'.repeat(outputBytes),
        isError: false,
        createdAt: at,
      },
    },
    { message: { id: 'item_4', role: 3, content: [{ text: 'Right now it is sunny.' }], createdAt: at, metrics: { llmNodeTtft: 0.01 } } },
  ];
  return encodeEnvelope({ response: { requestId: 'ast-1', runInput: { items } } });
}

const chunked = (frame: Buffer): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < frame.byteLength; offset += CHUNK) chunks.push(frame.subarray(offset, offset + CHUNK));
  return chunks;
};

/** The naive reassembly: one buffer, re-concatenated on every chunk. */
function naiveSplit(chunks: readonly Buffer[], onFrame: (payload: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  for (const chunk of chunks) {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (buffered.length < 4 + length) break;
      onFrame(buffered.subarray(4, 4 + length));
      buffered = buffered.subarray(4 + length);
    }
  }
}

/** Runs `fn` repeatedly for about `budgetMs` and returns operations per second (median of rounds). */
function opsPerSecond(fn: () => void, budgetMs = 300): number {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let ops = 0;
    const started = performance.now();
    let elapsed = 0;
    do {
      fn();
      ops++;
      elapsed = performance.now() - started;
    } while (elapsed < budgetMs);
    rates.push((ops / elapsed) * 1000);
  }
  return median(rates);
}

const fmt = (rate: number) => (rate >= 1000 ? `${(rate / 1000).toFixed(1)}k/s` : `${rate.toFixed(0)}/s`);
const mbs = (rate: number, bytes: number) => `${((rate * bytes) / 1048576).toFixed(0)} MiB/s`;

const rows = [];
// The largest output that still fits a frame with the rest of the response.
for (const size of [1024, 64 * 1024, 512 * 1024, MAX_FRAME_BYTES - 1024]) {
  const payload = responsePayload(size);
  const frame = encodeFrame(payload);
  const chunks = chunked(frame);
  const encode = opsPerSecond(() => encodeFrame(responsePayload(size)));
  const decoder = new FrameDecoder();
  const split = opsPerSecond(() => {
    for (const chunk of chunks) decoder.push(chunk);
  });
  const naive = opsPerSecond(() => naiveSplit(chunks, () => {}));
  const full = opsPerSecond(() => {
    for (const chunk of chunks) for (const f of decoder.push(chunk)) chatItems(decodeEnvelope(f).response!.runInput!.items);
  });
  rows.push([
    `${(frame.byteLength / 1024).toFixed(0)} KiB (${chunks.length} chunks)`,
    fmt(encode),
    fmt(split),
    fmt(naive),
    `${(split / naive).toFixed(1)}x`,
    fmt(full),
    mbs(full, frame.byteLength),
  ]);
  progress();
}
process.stderr.write('\n');
table(
  'Protocol throughput: one runInput response with a large tool output (frames per second, in process)',
  ['frame', 'encode', 'reassemble', 'naive concat', 'vs naive', 'reassemble+decode+convert', 'bytes'],
  rows,
  `Chunks of ${CHUNK / 1024} KiB, as a loopback socket delivers them. "encode" builds the envelope and frames it;\n` +
    '"naive concat" re-concatenates the buffered bytes on every chunk.',
);

/**
 * Well-formed silent audio for the speech endpoints: the harness runs agents in text mode, so
 * synthesised speech is never heard, but a TTS client still expects a valid stream to end.
 */

/** 16-bit little-endian mono PCM of `ms` milliseconds of silence at `sampleRate`. */
export function silentPcm(sampleRate: number, ms: number): Buffer {
  const samples = Math.max(1, Math.round((sampleRate * ms) / 1000));
  return Buffer.alloc(samples * 2);
}

/** The same silence in a WAV container (RIFF header + PCM data). */
export function silentWav(sampleRate: number, ms: number): Buffer {
  const data = silentPcm(sampleRate, ms);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A sample rate from a client's settings (sent as a string or a number), else `fallback`. */
export function sampleRateOf(value: unknown, fallback: number): number {
  const rate = typeof value === 'string' ? Number.parseInt(value, 10) : typeof value === 'number' ? value : Number.NaN;
  return Number.isInteger(rate) && rate >= 8000 && rate <= 192_000 ? rate : fallback;
}

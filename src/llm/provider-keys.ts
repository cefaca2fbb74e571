/**
 * Placeholder keys for speech providers' LiveKit plugins. Their constructors refuse to build
 * without a key (Deepgram, AssemblyAI, Cartesia, ElevenLabs...), which would stop an agent from
 * starting at all under test. None of these plugins reads a base-URL variable, so the harness
 * cannot point them at its servers: a placeholder only gets the agent built, and a real key the
 * user set is left alone.
 */

/** The key variables the speech plugins of both SDKs read, per provider. */
export const SPEECH_PROVIDER_KEYS: readonly string[] = [
  'ASSEMBLYAI_API_KEY',
  'CARTESIA_API_KEY',
  'DEEPGRAM_API_KEY',
  'ELEVEN_API_KEY',
  'FISH_API_KEY',
  'GLADIA_API_KEY',
  'HUME_API_KEY',
  'INWORLD_API_KEY',
  'LMNT_API_KEY',
  'MURF_API_KEY',
  'NEUPHONIC_API_KEY',
  'RESEMBLE_API_KEY',
  'RIME_API_KEY',
  'SARVAM_API_KEY',
  'SMALLEST_API_KEY',
  'SONIOX_API_KEY',
  'SPEECHIFY_API_KEY',
  'SPEECHMATICS_API_KEY',
];

/** `dummy-deepgram-api-key` for each variable in {@link SPEECH_PROVIDER_KEYS} that `env` leaves unset or empty. */
export function speechProviderPlaceholders(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SPEECH_PROVIDER_KEYS) {
    if (!env[name]) out[name] = `dummy-${name.toLowerCase().replaceAll('_', '-')}`;
  }
  return out;
}

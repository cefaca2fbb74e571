/**
 * Environment defaults for the agent's plugins, applied only where the test process sets nothing.
 *
 * Placeholder keys for speech providers' LiveKit plugins: their constructors refuse to build
 * without a key (Deepgram, AssemblyAI, Cartesia, ElevenLabs...), which would stop an agent from
 * starting at all under test. None of these plugins reads a base-URL variable, so the harness
 * cannot point them at its servers: a placeholder only gets the agent built.
 *
 * `HF_HUB_OFFLINE=1`: plugins that load models from the Hugging Face hub (the turn-detector
 * plugin) use the local cache only, so a test never downloads a model, and an empty cache fails
 * at once instead of after the hub's retries.
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

/** Every default for the agent's environment: {@link speechProviderPlaceholders} and `HF_HUB_OFFLINE=1`, each only where `env` has no value. */
export function agentEnvDefaults(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  return { ...speechProviderPlaceholders(env), ...(!env['HF_HUB_OFFLINE'] && { HF_HUB_OFFLINE: '1' }) };
}

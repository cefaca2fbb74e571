/** The plugin's settings as a test worker reads them, and the defaults `useAgentSession` takes from them. */
import { inject } from 'vitest';
import type { AgentSessionOptions } from '../../session/options.js';
import { PROVIDE_KEY, type ProvidedAgentSessionConfig } from '../provided.js';

/** The plugin's settings in this worker, or undefined without the plugin. */
export function providedConfig(): ProvidedAgentSessionConfig | undefined {
  try {
    return inject(PROVIDE_KEY);
  } catch {
    // Outside a Vitest worker.
    return undefined;
  }
}

/** Options given to `useAgentSession` over the project's defaults; `env` is merged key by key. */
export function withProjectDefaults(options: AgentSessionOptions): AgentSessionOptions {
  const defaults = providedConfig()?.defaults;
  if (!defaults) return options;
  const env = defaults.env || options.env ? { ...defaults.env, ...options.env } : undefined;
  return { ...defaults, ...options, ...(env && { env }) };
}

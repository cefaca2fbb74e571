/**
 * What the plugin (in the runner's main process) hands to test workers through Vitest's
 * `provide`/`inject`: the key and the shape, shared by both sides.
 */
import type {} from 'vitest';
import type { BrokerAddress } from '../prespawn/messages.js';
import type { AgentSessionOptions } from '../session/options.js';

/** Session options that can be set once for a whole project: plain data only, as they cross to the workers. */
export type AgentSessionDefaults = Pick<
  AgentSessionOptions,
  | 'startupTimeout'
  | 'turnTimeout'
  | 'requestTimeout'
  | 'shutdownGrace'
  | 'outputLimit'
  | 'interpreter'
  | 'compile'
  | 'env'
  | 'keepRunnerEnv'
  | 'maxFrameBytes'
>;

/** The plugin's settings as the workers and the global setup see them. */
export interface ProvidedAgentSessionConfig {
  defaults: AgentSessionDefaults;
  failOnLeftovers: boolean;
  /** Where the pre-spawn broker of the runner's main process listens, when `prespawn` is on. */
  broker?: BrokerAddress;
}

/** The key under which the plugin provides its settings. */
export const PROVIDE_KEY = 'agentSession';

declare module 'vitest' {
  interface ProvidedContext {
    /** Set by the `agentSession()` plugin of agent-session-test. */
    agentSession?: ProvidedAgentSessionConfig;
  }
}

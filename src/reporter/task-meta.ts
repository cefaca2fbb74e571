/**
 * What a test carries about its conversation in Vitest's task metadata. Declared here, below the
 * Vitest integration that writes it, so that the report which reads it does not import upward.
 */
import type { TurnRecord } from '../turn/types.js';

/** One turn a test took, with the agent that answered it. */
export interface AgentTurnEntry {
  /** The agent file, relative to the working directory of the run. */
  agent: string;
  turn: TurnRecord;
}

declare module 'vitest' {
  interface TaskMeta {
    /** The turns this test took, in order (set by agent-session-test). */
    agentTurns?: AgentTurnEntry[];
  }
}

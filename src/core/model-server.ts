/** The shape of a model server a session starts for its agent, whichever kind of session it is. */
import type { Secret } from '../process/redact.js';

/** A scripted LLM (or anything with the same shape) the harness starts and points the agent at. */
export interface LlmServerLike {
  /**
   * Starts serving; `port` and `credential`, when given, are the port to listen on and the
   * credential to require. A session that takes an agent started ahead of time passes the
   * credential that agent was given; a server that ignores it still works (the session then
   * starts its own agent).
   */
  listen(options?: { port?: number; credential?: string }): Promise<LlmListening>;
  /** Requests the server could not answer from its script (no rule matched, a rule failed); new entries during a turn become turn errors. */
  readonly unmatched?: readonly { response?: { error?: string } }[];
  /** Every request served and how it was answered: the error sent, or the tool calls asked for. */
  readonly requests?: readonly { response?: { error?: string; toolCalls?: readonly ModelToolCall[] } }[];
}

/** A tool call as the model server sent it. */
export interface ModelToolCall {
  id: string;
  name: string;
  /** The arguments as sent, usually a JSON string. */
  arguments: string;
}

/** A model server the session started. */
export interface LlmListening {
  /** Given to the agent over the test process's own environment. */
  env: Record<string, string>;
  /** The credential the server requires, which `env` gives the agent as its keys. */
  credential?: string;
  /** More values to redact everywhere (e.g. an upstream key that is in no environment variable). */
  secrets?: readonly Secret[];
  close(): Promise<void>;
}

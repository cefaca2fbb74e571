/**
 * Errors the harness raises. Each names the cause, the agent file, the command that ran and,
 * where the agent's output helps, its tail; `hint` says what to do. Modelled on execa's errors:
 * everything needed to act on a failure is on the error object, not only in the message.
 */

import { renderTurn } from './render/render-turn.js';
import type { TurnRecord } from './turn/types.js';

export type AgentErrorCode =
  | 'AGENT_FILE_NOT_FOUND'
  | 'RUNTIME_NOT_FOUND'
  | 'AGENT_SPAWN_FAILED'
  | 'AGENT_EXITED'
  | 'AGENT_CRASHED'
  | 'AGENT_KILLED'
  | 'AGENT_STARTUP_TIMEOUT'
  | 'AGENT_DISCONNECTED'
  | 'TURN_TIMEOUT'
  | 'NO_GREETING'
  | 'REQUEST_TIMEOUT'
  | 'REQUEST_FAILED'
  | 'SESSION_CLOSED'
  | 'ABORTED'
  | 'PROTOCOL_ERROR';

export interface AgentErrorDetails {
  /** The agent file as the user gave it, resolved to an absolute path. */
  agentFile?: string;
  /** The argv that started the agent. */
  command?: readonly string[];
  /** The agent's process id (also its process group id). */
  pid?: number | undefined;
  /** The agent's exit code, when it exited. */
  exitCode?: number | null;
  /** The signal that ended the agent, when one did. */
  signal?: string | null;
  /** The last lines the agent printed (stdout and stderr interleaved). */
  output?: string;
  /** What to do about it. */
  hint?: string;
  /** For a failed turn: what the agent did before it failed. */
  turn?: TurnRecord;
  cause?: unknown;
}

const OUTPUT_LINES_IN_MESSAGE = 40;

/** Quotes argv for display so it can be pasted into a shell. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.length <= count ? lines.join('\n') : ['…', ...lines.slice(-count)].join('\n');
}

export class AgentSessionError extends Error {
  override name = 'AgentSessionError';
  readonly code: AgentErrorCode;
  readonly agentFile: string | undefined;
  readonly command: readonly string[] | undefined;
  readonly pid: number | undefined;
  readonly exitCode: number | null | undefined;
  readonly signal: string | null | undefined;
  readonly output: string | undefined;
  readonly hint: string | undefined;
  /** For a failed turn: the partial record of what happened before the failure. */
  readonly turn: TurnRecord | undefined;
  /** The first line of the message, without the details appended below it. */
  readonly shortMessage: string;

  constructor(code: AgentErrorCode, message: string, details: AgentErrorDetails = {}) {
    const parts = [message];
    if (details.agentFile) parts.push(`Agent: ${details.agentFile}`);
    if (details.command) parts.push(`Command: ${formatCommand(details.command)}`);
    if (details.exitCode != null || details.signal) {
      parts.push(`Exit: ${details.signal ? `signal ${details.signal}` : `code ${details.exitCode}`}`);
    }
    if (details.hint) parts.push(`What to do: ${details.hint}`);
    if (details.turn) parts.push(`The turn so far:\n${renderTurn(details.turn, { color: false, indent: '  ' })}`);
    if (details.output && details.output.trim() !== '') {
      parts.push(`Agent output (last lines):\n${lastLines(details.output, OUTPUT_LINES_IN_MESSAGE)}`);
    }
    super(parts.join('\n'), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.shortMessage = message;
    this.agentFile = details.agentFile;
    this.command = details.command;
    this.pid = details.pid;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.output = details.output;
    this.hint = details.hint;
    this.turn = details.turn;
  }
}

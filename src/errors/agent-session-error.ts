/**
 * The error the harness raises. Each names the cause, the agent file, the command that ran and,
 * where the agent's output helps, its tail; `hint` says what to do. Everything needed to act on a
 * failure is on the error object, not only in the message. Its texts come from ./messages.ts.
 */

import { renderTurn } from '../render/render-turn.js';
import type { TurnRecord } from '../turn/types.js';

/** Every code, in the order the codes table of docs/troubleshooting.md lists them; a unit test holds the two together. */
export const ERROR_CODES = [
  'AGENT_FILE_NOT_FOUND',
  'RUNTIME_NOT_FOUND',
  'AGENT_SPAWN_FAILED',
  'AGENT_EXITED',
  'AGENT_KILLED',
  'AGENT_CRASHED',
  'AGENT_STARTUP_TIMEOUT',
  'TURN_TIMEOUT',
  'NO_GREETING',
  'REQUEST_TIMEOUT',
  'AGENT_DISCONNECTED',
  'PROTOCOL_ERROR',
  'REQUEST_FAILED',
  'SESSION_CLOSED',
  'ABORTED',
  'CLI_USAGE',
  'CLI_NO_SESSION',
  'CLI_SESSION_RUNNING',
  'TOOL_MOCKS_UNSUPPORTED',
  'TOOL_MOCK_UNKNOWN',
  'JUDGE_FAILED',
] as const;

export type AgentErrorCode = (typeof ERROR_CODES)[number];

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
    ({ agentFile: this.agentFile, command: this.command, pid: this.pid, exitCode: this.exitCode } = details);
    ({ signal: this.signal, output: this.output, hint: this.hint, turn: this.turn } = details);
  }
}

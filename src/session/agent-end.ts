/**
 * How an agent that went away after it was ready is reported: killed by a signal, exited on its
 * own, or closed the connection while still running; with the line of its output that says why.
 * The wording is the errors module's (agentEnded); this reads the exit and the output.
 */
import { describeAgentEnd, type AgentEnd as EndFacts, type AgentErrorCode } from '../errors/index.js';
import type { ExitStatus } from '../process/agent-process.js';
import { diagnose } from '../process/diagnose.js';
import type { Launch } from '../process/runtime.js';

export interface AgentEnd {
  /** The exit status, when the agent exited by itself (not after the harness stopped it). */
  status: ExitStatus | undefined;
  output: string;
  launch: Launch;
}

export interface EndReport {
  code: AgentErrorCode;
  /** What happened, as a clause: "the agent was killed by signal SIGKILL". */
  what: string;
  /** The decisive line of the agent's output, quoted, or ''. */
  quoted: string;
  hint: string;
}

/** The facts for agentEnded(): the exit, and the output line that explains it (if one does). */
export function endFacts({ status, output, launch }: AgentEnd): EndFacts {
  if (status?.signal) return { status };
  const diagnosis = diagnose(output, launch, { phase: 'running', exitCode: status?.exitCode ?? null });
  // A running agent may have logged errors it survived: only its fatal line or a known message explains the disconnect.
  const explains = status !== undefined || diagnosis.basis === 'known' || diagnosis.basis === 'fatal';
  return explains && diagnosis.cause ? { status, cause: diagnosis.cause, causeHint: diagnosis.hint } : { status };
}

/** Describes how the agent ended; `fallbackHint` is used when neither the exit nor the output tells more. */
export function describeEnd(end: AgentEnd, fallbackHint: string): EndReport {
  const report = describeAgentEnd(endFacts(end));
  return { ...report, hint: report.hint ?? fallbackHint };
}

/**
 * How an agent that went away after it was ready is reported: killed by a signal, exited on its
 * own, or closed the connection while still running; with the line of its output that says why.
 * The wording is the errors module's (agentEnded); this reads the exit and the output.
 */
import type { AgentEnd as EndFacts } from '../errors/index.js';
import type { ExitStatus } from '../process/agent-process.js';
import { diagnose } from '../process/diagnose.js';
import type { Launch } from '../process/runtime.js';

export interface AgentEnd {
  /** The exit status, when the agent exited by itself (not after the harness stopped it). */
  status: ExitStatus | undefined;
  output: string;
  launch: Launch;
}

/** The facts for agentEnded(): the exit, and the output line that explains it (if one does). */
export function endFacts({ status, output, launch }: AgentEnd): EndFacts {
  if (status?.signal) return { status };
  const diagnosis = diagnose(output, launch, { phase: 'running', exitCode: status?.exitCode ?? null });
  // A running agent may have logged errors it survived: only its fatal line or a known message explains the disconnect.
  const explains = status !== undefined || diagnosis.basis === 'known' || diagnosis.basis === 'fatal';
  return explains && diagnosis.cause ? { status, cause: diagnosis.cause, causeHint: diagnosis.hint } : { status };
}

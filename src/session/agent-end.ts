/**
 * How an agent that went away after it was ready is reported: killed by a signal, exited on its
 * own, or closed the connection while still running; with the line of its output that says why.
 */
import type { AgentErrorCode } from '../errors.js';
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

/** Describes how the agent ended; `fallbackHint` is used when neither the exit nor the output tells more. */
export function describeEnd({ status, output, launch }: AgentEnd, fallbackHint: string): EndReport {
  if (status?.signal) {
    return {
      code: 'AGENT_KILLED',
      what: `the agent was killed by signal ${status.signal}`,
      quoted: '',
      hint:
        status.signal === 'SIGKILL'
          ? 'Something outside the harness killed it: the kernel (out of memory), a container limit, or a process or test that sent SIGKILL; the harness only sends signals when it closes the session. Its output below shows what it was doing.'
          : `It received ${status.signal} from outside the harness (the harness only signals an agent when it closes the session); its output below shows what it was doing.`,
    };
  }
  const diagnosis = diagnose(output, launch, { phase: 'running', exitCode: status?.exitCode ?? null });
  const quoted = diagnosis.cause ? `: "${diagnosis.cause}"` : '';
  if (status) {
    return {
      code: 'AGENT_EXITED',
      what: `the agent exited with code ${status.exitCode}`,
      quoted,
      hint: diagnosis.cause ? diagnosis.hint : 'It crashed; the output below shows why.',
    };
  }
  // A running agent may have logged errors it survived: only its fatal line or a known message explains the disconnect.
  const explains = diagnosis.basis === 'known' || diagnosis.basis === 'fatal';
  return { code: 'AGENT_DISCONNECTED', what: 'the agent closed the connection', quoted: explains ? quoted : '', hint: explains ? diagnosis.hint : fallbackHint };
}

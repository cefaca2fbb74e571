/**
 * Sends a turn's RunInput, clearing the way when an earlier turn we stopped waiting for (a
 * timeout, an abort) may still be running in the agent. Every RunInput force-interrupts the
 * running turn, but a Node agent then refuses the new run at once ("nested runs are not
 * supported", answered as `internal error`) while the interrupted one winds down; a Python agent
 * waits for it itself (up to 5 s for a tool to cancel). So on that answer we wait for the
 * interrupted turn's own late answer, which the agent sends once it has ended, and send again.
 */
import type { WireResponse } from '../protocol/wire.js';
import type { AgentConnection } from '../protocol/connection.js';
import { race } from '../core/race.js';

/** What a Node agent answers when a request handler throws, as run() does during another run. */
const REFUSED = 'internal error';

export async function sendTurn(
  connection: AgentConnection,
  text: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  const deadline = Date.now() + timeoutMs;
  const earlier = connection.abandoned('runInput');
  const response = await connection.request('runInput', { text }, { timeoutMs, signal });
  if (earlier === undefined || response.error !== REFUSED || (response.runInput?.items.length ?? 0) > 0) return response;
  await within(earlier, deadline - Date.now(), signal);
  // Past the deadline this times out at once, as the turn has.
  return connection.request('runInput', { text }, { timeoutMs: Math.max(1, deadline - Date.now()), signal });
}

/** Waits for `promise`, at most `ms`; rejects with the signal's reason on abort. */
async function within(promise: Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const outcome = await race(promise, { ms, signal });
  if (outcome.kind === 'aborted') throw signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Reaching a running session's daemon from a short command: its state, a request to it, and the
 * detection of a dead daemon, whose stale state is cleared on the way (`CLI_NO_SESSION`).
 */
import { cliNoSession } from '../errors/messages.js';
import { ControlUnreachable, request, type ControlAnswer, type ControlRequest } from './control.js';
import { clearDir, pidAlive, readState, sessionDir, type DaemonState } from './state.js';

/** The daemon starts listening within moments of `start`; a state without a port is that moment. */
const PORT_WAIT_MS = 5_000;

/** The state of the running session `name`, or CLI_NO_SESSION (clearing the state of a dead daemon). */
export async function liveState(name: string): Promise<{ dir: string; state: DaemonState & { port: number; credential: string } }> {
  const dir = sessionDir(name);
  const deadline = Date.now() + PORT_WAIT_MS;
  for (;;) {
    const state = readState(dir);
    if (state === undefined) throw cliNoSession({ name });
    // Kept, with the folder, until the next start or stop: `logs` still shows what the agent printed.
    if (state.ended !== undefined) throw cliNoSession({ name, ended: state.ended });
    if (!pidAlive(state.pid)) {
      clearDir(dir);
      throw cliNoSession({ name, stale: { pid: state.pid } });
    }
    if (state.port !== undefined && state.credential !== undefined)
      return { dir, state: { ...state, port: state.port, credential: state.credential } };
    if (Date.now() > deadline) throw cliNoSession({ name });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends one request to the session `name`; a daemon that cannot be reached is stale and cleared. */
export async function ask(name: string, body: ControlRequest, timeout: number): Promise<ControlAnswer> {
  const { dir, state } = await liveState(name);
  try {
    return await request(state.port, state.credential, body, timeout);
  } catch (error) {
    if (!(error instanceof ControlUnreachable)) throw error;
    // Refused while the pid lives: the pid was reused by another process after the daemon died.
    if (!pidAlive(state.pid) || /ECONNREFUSED/.test(error.message)) {
      clearDir(dir);
      throw cliNoSession({ name, stale: { pid: state.pid } });
    }
    throw error;
  }
}

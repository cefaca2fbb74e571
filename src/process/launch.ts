/**
 * The one way an agent that connects back is launched, by a session or by the pre-spawn broker:
 * listen on a guarded loopback port (only the spawned agent's process group may connect), spawn
 * the agent with that address, and track it so nothing outlives the run. The agent never retries
 * its connect, so the port is bound before the spawn.
 */
import { AgentProcess, type AgentProcessLike, type SpawnOptions } from './agent-process.js';
import { listenForAgent, peerInProcessGroup, type AgentListener } from './listener.js';
import { trackAgent } from './registry.js';

/** An agent process we started, by spawning or by forking. */
export interface StartedAgent extends AgentProcessLike {
  /** Settles once its output has ended. */
  readonly outputClosed: Promise<void>;
}

export interface LaunchedAgent {
  agent: StartedAgent;
  listener: AgentListener;
  /** `host:port` the agent was told to connect to. */
  connectAddr: string;
}

export interface GuardedLaunch {
  /** The spawn options for an agent that connects to `connectAddr`; may throw to give up (the listener is closed). */
  spawnOptions(connectAddr: string): SpawnOptions;
  /** Called once listening, before the spawn, so the caller can close the listener meanwhile. */
  onListening?: (listener: AgentListener) => void;
  /** For the spawn error's message. */
  agentFile?: string;
  /** Starts the agent another way than spawning it (a fork server's fork). */
  start?: (options: SpawnOptions) => Promise<StartedAgent>;
}

/** Listens, spawns and tracks the agent; on failure nothing is left listening or running. */
export async function launchGuarded(launch: GuardedLaunch): Promise<LaunchedAgent> {
  // Only the agent we spawn may drive the session: a connection from any other process is refused.
  let spawned!: (pid: number | undefined) => void;
  const agentPid = new Promise<number | undefined>((resolve) => (spawned = resolve));
  const listener = await listenForAgent({
    isAgent: async (socket) => {
      const pid = await agentPid;
      return pid !== undefined && (peerInProcessGroup(socket, pid) ?? true);
    },
  });
  launch.onListening?.(listener);
  const connectAddr = `${listener.host}:${listener.port}`;
  let agent: StartedAgent;
  try {
    const options = launch.spawnOptions(connectAddr);
    agent = launch.start ? await launch.start(options) : await AgentProcess.spawn(options, launch.agentFile);
  } catch (error) {
    spawned(undefined);
    listener.close();
    throw error;
  }
  spawned(agent.pid);
  if (agent.pid !== undefined) trackAgent(agent.pid);
  return { agent, listener, connectAddr };
}

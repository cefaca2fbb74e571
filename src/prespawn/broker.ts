/**
 * The pre-spawn broker. It lives in the test runner's main process, learns from workers how they
 * launch each agent, keeps a few agents of each launch started ahead of time (spares), and hands
 * one to the worker whose test file asks for it. A spare connects back to the broker (an agent
 * connects once and never reconnects, and a socket cannot be passed to an unrelated worker), so
 * the broker relays the session's bytes between the spare and the worker's data connection, and
 * its output and exit status over the worker's control connection. One class over ~300 lines:
 * the spares' states, the relay and the control protocol all act on the same spare records.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AgentProcess } from '../process/agent-process.js';
import { launchGuarded } from '../process/launch.js';
import { untrackAgent } from '../process/registry.js';
import { agentTag } from '../process/run-tag.js';
import type { AgentListener } from '../process/listener.js';
import { readLines, send, type BrokerAddress, type BrokerMessage, type ClientMessage } from './messages.js';
import { createCredential } from '../process/credential.js';
import { fillSpec, specDifference, type SpawnSpec } from './spec.js';

export interface BrokerOptions {
  /** Spares kept ready at most, over all launches. */
  spares: number;
  /** Startup timeout of a spare when the worker that taught its launch gave none. Default 60 s. */
  startupTimeout?: number;
}

/** What the broker has done, for tests and benchmarks. */
export interface BrokerStats {
  learned: number;
  spawned: number;
  claimed: number;
  mismatched: number;
  /** Launches that no longer get spares because one failed to start. */
  failed: number;
}

interface Launch {
  spec: SpawnSpec;
  startupTimeout: number;
  failed: boolean;
}

type SpareState = 'starting' | 'offered' | 'claimed' | 'dead';

interface Spare {
  id: number;
  launch: Launch;
  llmPort: number;
  /** The model server credential the spare was given; the claiming session's server takes it. */
  llmCredential: string;
  state: SpareState;
  connectAddr?: string;
  agent?: AgentProcess;
  listener?: AgentListener;
  /** The agent's connection, paused until a worker's data connection is there to take it. */
  socket?: net.Socket;
  /** The claiming worker's control connection. */
  owner?: net.Socket;
  data?: net.Socket;
  /** Settles once the spawn has gone through (or failed). */
  spawning?: Promise<void>;
  /** Set when the broker itself ends the spare: its exit is then no failure of the launch. */
  stopping?: boolean;
  terminated?: boolean;
}

/** A free loopback port, for the model server the claiming worker will start. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const keyOf = (spec: SpawnSpec) => JSON.stringify(spec);

/** How long an exit waits for the output pipes to close. */
const OUTPUT_SETTLE_MS = 300;

export class SpareBroker {
  readonly address: BrokerAddress;
  readonly #server: net.Server;
  readonly #options: BrokerOptions;
  readonly #launches = new Map<string, Launch>();
  readonly #spares = new Map<number, Spare>();
  readonly #pending = new Set<string>();
  readonly #stats: BrokerStats = { learned: 0, spawned: 0, claimed: 0, mismatched: 0, failed: 0 };
  #nextId = 0;
  #stopped = false;
  #closed = false;

  private constructor(server: net.Server, address: BrokerAddress, options: BrokerOptions) {
    this.#server = server;
    this.address = address;
    this.#options = options;
  }

  /** Starts listening on a loopback port. */
  static async start(options: BrokerOptions): Promise<SpareBroker> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve);
    });
    const { port } = server.address() as net.AddressInfo;
    const broker = new SpareBroker(server, { host: '127.0.0.1', port, token: randomBytes(16).toString('hex') }, options);
    server.on('connection', (socket) => broker.#accept(socket));
    // Never keep the runner alive for the broker's sake.
    server.unref();
    return broker;
  }

  get stats(): BrokerStats {
    return { ...this.#stats };
  }

  /** A new run: these test files are still to come. Starts spares again after {@link stopSpares}. */
  expect(files: Iterable<string>): void {
    this.#pending.clear();
    for (const file of files) this.#pending.add(file);
    this.#stopped = false;
    this.#refill();
  }

  /** A test file was handed to a worker: one file fewer still to come. */
  queued(file: string): void {
    this.#pending.delete(file);
  }

  /** Ends every spare no worker has taken (the run is over); claimed agents stay with their workers. */
  async stopSpares(): Promise<void> {
    this.#stopped = true;
    const spares = [...this.#spares.values()].filter((spare) => spare.state !== 'claimed');
    await Promise.all(spares.map((spare) => this.#kill(spare)));
    // One still spawning is killed as soon as its spawn returns.
    await Promise.all(spares.flatMap((spare) => spare.spawning ?? []));
  }

  /** Ends every agent the broker started, taken or not, and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopped = true;
    if (this.#server.listening) this.#server.close();
    const spares = [...this.#spares.values()];
    await Promise.all(spares.map((spare) => this.#kill(spare)));
    await Promise.all(spares.flatMap((spare) => spare.spawning ?? []));
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    readLines<ClientMessage>(
      socket,
      (first) => {
        if (!('token' in first) || first.token !== this.address.token) {
          socket.destroy();
          return;
        }
        if (first.t === 'data') this.#attachData(socket, first.id);
        else this.#control(socket, first);
      },
      (rest) => {
        // A data connection's bytes after its header belong to the agent; hold them for the relay.
        if (rest.length > 0) socket.unshift(rest);
      },
    );
  }

  #control(socket: net.Socket, first: ClientMessage): void {
    let mine: Spare | undefined;
    const onMessage = (message: ClientMessage) => {
      switch (message.t) {
        case 'learn':
          this.#learn(message.spec, message.startupTimeout);
          break;
        case 'want':
          void this.#offer(socket, message.agentFile).then((spare) => (mine = spare));
          break;
        case 'claim':
          if (mine && mine.id === message.id) this.#claim(mine, message.spec);
          break;
        case 'terminate':
          if (mine?.state === 'claimed') {
            mine.terminated = true;
            void this.#end(mine, message.signal, message.graceMs);
          }
          break;
      }
    };
    onMessage(first);
    readLines<ClientMessage>(socket, onMessage);
    socket.on('close', () => {
      if (!mine) return;
      // A worker that goes away without ending its agent (it died): end the agent at once.
      if (mine.state === 'claimed' && !mine.terminated) void this.#end(mine, 'SIGKILL', 0);
      else if (mine.state === 'offered') this.#release(mine);
    });
  }

  #learn(spec: SpawnSpec, startupTimeout: number): void {
    const key = keyOf(spec);
    if (this.#launches.has(key)) return;
    this.#launches.set(key, { spec, startupTimeout: startupTimeout || (this.#options.startupTimeout ?? 60_000), failed: false });
    this.#stats.learned += 1;
    this.#refill();
  }

  async #offer(socket: net.Socket, agentFile: string): Promise<Spare | undefined> {
    const candidates = [...this.#spares.values()].filter((s) => s.state === 'starting' && s.launch.spec.agentFile === agentFile);
    // One that has connected already is further along.
    const spare = candidates.find((s) => s.socket) ?? candidates.find((s) => s.agent) ?? candidates[0];
    if (!spare) {
      send(socket, { t: 'none' });
      return undefined;
    }
    spare.state = 'offered';
    spare.owner = socket;
    this.#refill();
    // One still being spawned is a few milliseconds away from having a pid.
    await spare.spawning;
    const pid = spare.agent?.pid;
    if (socket.destroyed || (spare.state as SpareState) !== 'offered' || pid === undefined) {
      this.#release(spare);
      send(socket, { t: 'none' });
      return undefined;
    }
    send(socket, {
      t: 'offer',
      id: spare.id,
      llmPort: spare.llmPort,
      llmCredential: spare.llmCredential,
      pid,
      connectAddr: spare.connectAddr!,
    });
    return spare;
  }

  #release(spare: Spare): void {
    if (spare.state !== 'offered') return;
    spare.state = 'starting';
    spare.owner = undefined;
  }

  #claim(spare: Spare, spec: SpawnSpec): void {
    const owner = spare.owner!;
    if (spare.state !== 'offered') {
      // Ended meanwhile (the run is over, or it failed to start).
      send(owner, { t: 'mismatch', reason: 'the spare is gone' });
      return;
    }
    const difference = specDifference(spare.launch.spec, spec);
    if (difference !== undefined) {
      this.#stats.mismatched += 1;
      this.#release(spare);
      send(owner, { t: 'mismatch', reason: difference });
      return;
    }
    this.#stats.claimed += 1;
    spare.state = 'claimed';
    send(owner, { t: 'claimed', output: spare.agent!.output() });
    if (spare.agent!.status) send(owner, { t: 'exit', status: exitStatus(spare.agent!.status) });
  }

  #attachData(data: net.Socket, id: number): void {
    const spare = this.#spares.get(id);
    if (!spare || spare.state !== 'claimed' || spare.data) {
      data.destroy();
      return;
    }
    spare.data = data;
    data.pause();
    data.on('close', () => spare.socket?.destroy());
    this.#relay(spare);
  }

  /** Joins the agent's connection and the worker's data connection, once both are there. */
  #relay(spare: Spare): void {
    const { socket, data } = spare;
    if (!socket || !data) return;
    socket.pipe(data);
    data.pipe(socket);
    socket.resume();
    data.resume();
    if (spare.owner) send(spare.owner, { t: 'connected' });
  }

  #refill(): void {
    if (this.#stopped || this.#closed) return;
    const waiting = () => [...this.#spares.values()].filter((s) => s.state === 'starting').length;
    const wanted = Math.min(this.#options.spares, this.#pending.size);
    const launches = [...this.#launches.values()].filter((launch) => !launch.failed);
    // Round-robin over the launches, so one agent does not take every slot.
    for (let progress = true; progress && waiting() < wanted;) {
      progress = false;
      for (const launch of launches) {
        if (waiting() >= wanted) break;
        const spare: Spare = { id: ++this.#nextId, launch, llmPort: 0, llmCredential: createCredential(), state: 'starting' };
        this.#spares.set(spare.id, spare);
        spare.spawning = this.#spawn(spare);
        progress = true;
      }
    }
  }

  async #spawn(spare: Spare): Promise<void> {
    const { launch } = spare;
    this.#stats.spawned += 1;
    try {
      spare.llmPort = await freePort();
      // Guarded like a session's own launch: only the spare itself may connect to its port.
      const launched = await launchGuarded({
        onListening: (listener) => (spare.listener = listener),
        spawnOptions: (connectAddr) => {
          spare.connectAddr = connectAddr;
          const { argv, env } = fillSpec(launch.spec, connectAddr, spare.llmPort, spare.llmCredential);
          if ((spare.state as SpareState) === 'dead') throw new Error('stopped');
          return {
            argv,
            cwd: launch.spec.cwd,
            // Tagged with this run, so the run's teardown finds it should the runner die.
            env: { ...env, ...agentTag() },
            onOutput: (text, stream) => {
              if (spare.state === 'claimed' && spare.owner) send(spare.owner, { t: 'output', text, stream });
            },
          };
        },
      });
      spare.agent = launched.agent;
    } catch {
      spare.listener?.close();
      this.#spares.delete(spare.id);
      if (spare.state !== 'dead') this.#fail(launch);
      return;
    }
    const agent = spare.agent;
    const listener = spare.listener!;
    if (spare.state === 'dead') {
      // Stopped while spawning.
      await this.#end(spare, 'SIGKILL', 0);
      this.#spares.delete(spare.id);
      return;
    }
    const timer = setTimeout(() => {
      // A spare that does not connect in time fails its launch; a claimed one is the worker's to judge.
      if (!spare.socket && spare.state !== 'claimed') {
        this.#fail(launch);
        void this.#kill(spare);
      }
    }, launch.startupTimeout);
    timer.unref();
    void agent.exited.then(async (status) => {
      clearTimeout(timer);
      if (!spare.stopping && !spare.socket) this.#fail(launch);
      // The last output (a traceback) must reach the worker before the exit it explains.
      await Promise.race([agent.outputClosed, new Promise((resolve) => setTimeout(resolve, OUTPUT_SETTLE_MS))]);
      if (spare.owner && spare.state === 'claimed') send(spare.owner, { t: 'exit', status: exitStatus(status) });
      spare.listener?.close();
      // The leader is gone; make sure nothing of its group stays.
      await agent.terminate({ graceMs: 0 });
      if (agent.pid !== undefined) untrackAgent(agent.pid);
      spare.state = 'dead';
      this.#spares.delete(spare.id);
      this.#refill();
    });
    listener.connection.then(
      (socket) => {
        socket.pause();
        socket.on('error', () => {});
        socket.on('close', () => spare.data?.end());
        spare.socket = socket;
        this.#relay(spare);
      },
      () => {},
    );
  }

  #fail(launch: Launch): void {
    if (launch.failed) return;
    launch.failed = true;
    this.#stats.failed += 1;
  }

  /** Ends a spare at once (it never took a turn, or its worker is gone). */
  async #kill(spare: Spare): Promise<void> {
    await this.#end(spare, 'SIGKILL', 0);
  }

  async #end(spare: Spare, signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (spare.state !== 'claimed') spare.state = 'dead';
    spare.stopping = true;
    spare.listener?.close();
    if (!spare.agent) return;
    await spare.agent.terminate({ signal, graceMs });
    spare.socket?.destroy();
    if (spare.agent.pid !== undefined) untrackAgent(spare.agent.pid);
  }
}

function exitStatus(status: { exitCode: number | null; signal: string | null }): ExitMessage['status'] {
  return { exitCode: status.exitCode, signal: status.signal };
}

type ExitMessage = Extract<BrokerMessage, { t: 'exit' }>;

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
import { ForkServer, forkableLaunch } from '../process/fork-server.js';
import { launchGuarded, type StartedAgent } from '../process/launch.js';
import { untrackAgent } from '../process/registry.js';
import { createRedactor, knownSecrets } from '../process/redact.js';
import { agentTag, RUN_TAG_ENV } from '../process/run-tag.js';
import type { AgentListener } from '../process/listener.js';
import {
  readLines,
  send,
  type BrokerAddress,
  type BrokerMessage,
  type ClientMessage,
  type ForkModel,
  FORK_REQUEST_WAIT_MS,
} from './messages.js';
import { createCredential } from '../process/credential.js';
import { isLoopbackTarget, ModelRelay, type ModelTarget } from './model-relay.js';
import {
  forkIdentity,
  identityKey,
  importEnvMatches,
  mergeRemembered,
  readRemembered,
  writeRemembered,
  type ForkIdentity,
  type RememberedLaunch,
} from './remembered.js';
import { fillSpec, LLM_PORT_PLACEHOLDER, specDifference, type SpawnSpec } from './spec.js';
import { withoutRunnerEnv } from '../process/runner-env.js';

export interface BrokerOptions {
  /** Spares kept ready at most, over all launches started cold. */
  spares: number;
  /**
   * Spares kept ready at most for launches a fork server starts (Python agents): a fork costs a
   * fraction of a cold start, so more may pay. Default: `spares`.
   */
  forkedSpares?: number;
  /** Start Python agents by forking from a server that did their imports once. Default true. */
  fork?: boolean;
  /** Told why a launch is started cold after all (once per launch). */
  onForkUnavailable?: (agentFile: string, reason: string) => void;
  /** Startup timeout of a spare when the worker that taught its launch gave none. Default 60 s. */
  startupTimeout?: number;
  /**
   * A file in which to remember the Python launches of each run and the test files that used
   * them: the next run starts their fork servers as it starts, before the first file asks.
   */
  rememberIn?: string;
}

/** What the broker has done, for tests and benchmarks. */
export interface BrokerStats {
  learned: number;
  spawned: number;
  claimed: number;
  mismatched: number;
  /** Launches that no longer get spares because one failed to start. */
  failed: number;
  /** Spares started by forking. */
  forked: number;
  /** Fork servers started at the start of a run, for launches remembered from earlier runs. */
  warmed: number;
  /** Agents forked for a session that had no spare (its launch not yet known to work). */
  forkedOnRequest: number;
}

interface Launch {
  spec: SpawnSpec;
  startupTimeout: number;
  failed: boolean;
  /** A worker started it and it worked; before that, only its fork server may start. */
  learned: boolean;
  /** The fork server starting this launch's spares, once it is ready. */
  forks?: ForkServer;
  /** Its server once spawned, ready or not (what closing ends). */
  server?: Promise<ForkServer>;
  /** Settles with the server once ready, or undefined when it cannot fork. */
  forkServer?: Promise<ForkServer | undefined>;
  /** Set once forking was found not to work for this launch. */
  noFork?: boolean;
}

type SpareState = 'starting' | 'offered' | 'claimed' | 'dead';

/** A fork server started at the start of a run for a remembered launch, until a launch takes it. */
interface WarmServer {
  key: string;
  identity: ForkIdentity;
  env: Record<string, string>;
  server: Promise<ForkServer>;
}

interface Spare {
  id: number;
  launch: Launch;
  llmPort: number;
  /**
   * Forked for one session that had no spare: its model calls go straight to that session's
   * server, not through a relay, and no other file may take it.
   */
  direct?: boolean;
  /** Listens on `llmPort` for the spare's model calls, and passes them to the claiming file's server. */
  model?: ModelRelay;
  /** The model server credential the spare was given; the claiming session's server takes it. */
  llmCredential: string;
  state: SpareState;
  connectAddr?: string;
  agent?: StartedAgent;
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

/** Whether agents of this launch are pointed at a model server of the session's. */
const usesModelServer = (spec: SpawnSpec) => Object.values(spec.env).some((value) => value.includes(LLM_PORT_PLACEHOLDER));

const keyOf = (spec: SpawnSpec) => JSON.stringify(spec);

/** How long a file with no spare waits for its launch's fork server to finish importing (the worker waits 2 s for an answer). */
const FORK_WAIT_MS = 1500;

/** How long an exit waits for the output pipes to close. */
const OUTPUT_SETTLE_MS = 300;

export class SpareBroker {
  readonly address: BrokerAddress;
  readonly #server: net.Server;
  readonly #options: BrokerOptions;
  readonly #launches = new Map<string, Launch>();
  readonly #spares = new Map<number, Spare>();
  readonly #pending = new Set<string>();
  readonly #stats: BrokerStats = { learned: 0, spawned: 0, claimed: 0, mismatched: 0, failed: 0, forked: 0, warmed: 0, forkedOnRequest: 0 };
  readonly #warm: WarmServer[] = [];
  /** The remembered launches as the run started, and what this run's files used and ran. */
  #remembered: RememberedLaunch[] = [];
  readonly #used = new Map<string, { identity: ForkIdentity; testFiles: Set<string> }>();
  readonly #ran = new Set<string>();
  /** Warm servers wait for the run's id. */
  #warmDeferred = false;
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
    this.#warmDeferred = false;
    this.#warmUp();
    this.#refill();
  }

  /** A test file was handed to a worker: one file fewer still to come. */
  queued(file: string): void {
    this.#pending.delete(file);
    this.#ran.add(file);
  }

  /**
   * The run's id is set (the global setup runs after the run's files are known): fork servers
   * started from now on carry it, and the run's teardown finds them whatever happens.
   */
  runTagged(): void {
    if (!this.#warmDeferred || process.env[RUN_TAG_ENV] === undefined) return;
    this.#warmUp();
    this.#warmDeferred = false;
  }

  /** Starts the fork servers of the remembered launches that this run's files used before. */
  #warmUp(): void {
    const file = this.#options.rememberIn;
    if (!file || this.#options.fork === false || this.#closed || this.#stopped) return;
    // Read now, whatever happens next: what this run writes back keeps what its files did not use.
    if (!this.#warmDeferred) this.#remembered = readRemembered(file);
    if (process.env[RUN_TAG_ENV] === undefined) {
      this.#warmDeferred = true;
      return;
    }
    for (const entry of this.#remembered) {
      const key = identityKey(entry);
      if (!entry.testFiles.some((testFile) => this.#pending.has(testFile))) continue;
      if (this.#warm.some((warm) => warm.key === key)) continue;
      if ([...this.#launches.values()].some((launch) => launch.forkServer && this.#identityKeyOf(launch.spec) === key)) continue;
      // The environment a session gives its agent, less what only a session knows (its model
      // server, its tag): a session whose agent differs in what shapes imports does not take it.
      const env = { ...definedEnv(withoutRunnerEnv(process.env)), PYTHONUNBUFFERED: '1' };
      const server = ForkServer.start({
        interpreter: entry.interpreter,
        agentFile: entry.agentArg,
        cwd: entry.cwd,
        env: { ...env, ...agentTag() },
        timeoutMs: this.#options.startupTimeout ?? 60_000,
      });
      // Errors are met by whoever takes it; one nobody takes is only closed.
      server.then((started) => started.ready).catch(() => {});
      this.#warm.push({ key, identity: entry, env, server });
      this.#stats.warmed += 1;
    }
  }

  #identityKeyOf(spec: SpawnSpec): string | undefined {
    const identity = forkIdentity(spec);
    return identity && identityKey(identity);
  }

  /** Whether a warm server waits for this launch, started with an environment its agents may have. */
  #hasWarm(spec: SpawnSpec): boolean {
    const key = this.#identityKeyOf(spec);
    return this.#warm.some((warm) => warm.key === key && importEnvMatches(warm.env, spec.env));
  }

  /** The warm server for a launch, if one was started with an environment its agents may have. */
  #takeWarm(spec: SpawnSpec): Promise<ForkServer> | undefined {
    const key = this.#identityKeyOf(spec);
    if (key === undefined) return undefined;
    const index = this.#warm.findIndex((warm) => warm.key === key);
    if (index < 0) return undefined;
    const [warm] = this.#warm.splice(index, 1);
    if (importEnvMatches(warm!.env, spec.env)) return warm!.server;
    // Its imports would not be the agent's: the launch starts a server of its own.
    void warm!.server.then((started) => started.close()).catch(() => {});
    return undefined;
  }

  /** Notes that `testFile` started an agent of this launch, for the next run. */
  #noteUse(spec: SpawnSpec, testFile: string | undefined): void {
    if (!testFile || !this.#options.rememberIn) return;
    const identity = forkIdentity(spec);
    if (!identity) return;
    const key = identityKey(identity);
    const entry = this.#used.get(key) ?? { identity, testFiles: new Set<string>() };
    entry.testFiles.add(testFile);
    this.#used.set(key, entry);
  }

  /** Writes what this run learned about its Python launches. */
  #remember(): void {
    const file = this.#options.rememberIn;
    if (!file || this.#ran.size === 0) return;
    this.#remembered = mergeRemembered(this.#remembered, this.#ran, this.#used);
    writeRemembered(file, this.#remembered);
    this.#used.clear();
    this.#ran.clear();
  }

  async #closeWarm(): Promise<void> {
    const warm = this.#warm.splice(0);
    await Promise.all(warm.map(({ server }) => server.then((started) => started.close()).catch(() => {})));
  }

  /** Ends every spare no worker has taken (the run is over); claimed agents stay with their workers. */
  async stopSpares(): Promise<void> {
    this.#stopped = true;
    this.#remember();
    const spares = [...this.#spares.values()].filter((spare) => spare.state !== 'claimed');
    await Promise.all(spares.map((spare) => this.#kill(spare)));
    // One still spawning is killed as soon as its spawn returns.
    await Promise.all(spares.flatMap((spare) => spare.spawning ?? []));
    await this.#closeForkServers();
  }

  /** Fork servers carry the run's tag: they go with the spares, and a new run starts them again. */
  async #closeForkServers(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const launch of this.#launches.values()) {
      const server = launch.server;
      launch.server = undefined;
      launch.forkServer = undefined;
      launch.forks = undefined;
      if (server) closing.push(server.then((started) => started.close()).catch(() => {}));
    }
    await Promise.all([...closing, this.#closeWarm()]);
  }

  /** Ends every agent the broker started, taken or not, and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopped = true;
    if (this.#server.listening) this.#server.close();
    const spares = [...this.#spares.values()];
    await Promise.all(spares.map((spare) => this.#kill(spare)));
    await Promise.all(spares.flatMap((spare) => spare.spawning ?? []));
    await this.#closeForkServers();
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
    let testFile: string | undefined;
    const onMessage = (message: ClientMessage) => {
      switch (message.t) {
        case 'learn':
          this.#learn(message.spec, message.startupTimeout);
          break;
        case 'prepare':
          this.#prepare(message.spec, message.startupTimeout);
          break;
        case 'want':
          testFile = message.testFile;
          void this.#offer(socket, message.agentFile).then((spare) => (mine = spare));
          break;
        case 'fork':
          testFile = message.testFile;
          this.#noteUse(message.spec, testFile);
          void this.#forkFor(socket, message.spec, message.startupTimeout, message.llm).then((spare) => (mine = spare));
          break;
        case 'claim':
          if (mine && mine.id === message.id && this.#claim(mine, message.spec, message.model)) this.#noteUse(message.spec, testFile);
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
    const known = this.#launches.get(key);
    if (known?.learned) return;
    if (known) known.learned = true;
    else this.#launches.set(key, this.#launch(spec, startupTimeout, true));
    this.#stats.learned += 1;
    this.#refill();
  }

  /** A launch not yet known to work: only its fork server starts (nothing else waits on it). */
  #prepare(spec: SpawnSpec, startupTimeout: number): void {
    const key = keyOf(spec);
    // No file left to come: a fork server would only compete with this file's agent for the CPU.
    if (this.#launches.has(key) || this.#stopped || this.#closed || this.#pending.size === 0 || !forkableLaunch(spec.argv)) return;
    const launch = this.#launch(spec, startupTimeout, false);
    this.#launches.set(key, launch);
    this.#startForkServer(launch);
  }

  #launch(spec: SpawnSpec, startupTimeout: number, learned: boolean): Launch {
    return { spec, startupTimeout: startupTimeout || (this.#options.startupTimeout ?? 60_000), failed: false, learned };
  }

  async #offer(socket: net.Socket, agentFile: string): Promise<Spare | undefined> {
    const candidates = () =>
      [...this.#spares.values()].filter((s) => s.state === 'starting' && !s.direct && s.launch.spec.agentFile === agentFile);
    if (candidates().length === 0) await this.#forkOnDemand(agentFile);
    // One that has connected already is further along.
    const spare = candidates().find((s) => s.socket) ?? candidates().find((s) => s.agent) ?? candidates()[0];
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
      llmCredential: spare.llmCredential,
      pid,
      connectAddr: spare.connectAddr!,
    });
    return spare;
  }

  /**
   * No spare for a file whose launch has a fork server: wait a little for the server's imports if
   * they are nearly done, then fork one for it, since that beats starting cold by seconds.
   */
  async #forkOnDemand(agentFile: string): Promise<void> {
    const launch = [...this.#launches.values()].find((l) => l.spec.agentFile === agentFile && !l.failed && l.forkServer && !l.noFork);
    if (!launch || this.#stopped || this.#closed) return;
    if (!launch.forks) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([launch.forkServer, new Promise((resolve) => (timer = setTimeout(resolve, FORK_WAIT_MS)))]);
      clearTimeout(timer);
    }
    if (!launch.forks || this.#stopped || this.#closed) return;
    this.#startSpare(launch);
  }

  #release(spare: Spare): void {
    if (spare.state !== 'offered') return;
    // Pointed at one session's model server: no other file may have it.
    if (spare.direct) {
      void this.#kill(spare);
      return;
    }
    spare.state = 'starting';
    spare.owner = undefined;
  }

  /** Hands the offered spare over if `spec` is its launch; whether it did. */
  #claim(spare: Spare, spec: SpawnSpec, model: ModelTarget | undefined): boolean {
    const owner = spare.owner!;
    if (spare.state !== 'offered') {
      // Ended meanwhile (the run is over, or it failed to start).
      send(owner, { t: 'mismatch', reason: 'the spare is gone' });
      return false;
    }
    const difference = specDifference(spare.launch.spec, spec);
    if (difference !== undefined) {
      this.#stats.mismatched += 1;
      this.#release(spare);
      send(owner, { t: 'mismatch', reason: difference });
      return false;
    }
    if (spare.model && !(model && isLoopbackTarget(model))) {
      this.#release(spare);
      send(owner, { t: 'mismatch', reason: 'no loopback model server to pass its model calls to' });
      return false;
    }
    if (model) spare.model?.target(model);
    this.#stats.claimed += 1;
    spare.state = 'claimed';
    send(owner, { t: 'claimed', output: spare.agent!.output() });
    if (spare.agent!.status) send(owner, { t: 'exit', status: exitStatus(spare.agent!.status) });
    return true;
  }

  /**
   * A session found no spare: when its launch can be forked and a fork server for it is ready or
   * importing (started at the run's start, or by an earlier file), fork an agent for this session
   * alone, pointed at its model server; otherwise answer `none` and get a server importing for
   * the files still to come while the session starts its agent cold.
   */
  async #forkFor(socket: net.Socket, spec: SpawnSpec, startupTimeout: number, llm: ForkModel | undefined): Promise<Spare | undefined> {
    const none = () => {
      send(socket, { t: 'none' });
      return undefined;
    };
    if (this.#stopped || this.#closed || this.#options.fork === false || !forkableLaunch(spec.argv)) return none();
    // Its model variables hold placeholders only the session's server fills.
    if (usesModelServer(spec) && llm === undefined) return none();
    const key = keyOf(spec);
    let launch = this.#launches.get(key);
    if (!launch) {
      launch = this.#launch(spec, startupTimeout, false);
      this.#launches.set(key, launch);
    }
    if (launch.failed || launch.noFork) return none();
    if (!launch.forkServer) {
      const warm = this.#hasWarm(spec);
      // Nothing importing yet: a server started now is no sooner than the session's own cold start.
      this.#startForkServer(launch, warm);
      if (!warm) return none();
    }
    if (!launch.forks) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([launch.forkServer, new Promise((resolve) => (timer = setTimeout(resolve, FORK_REQUEST_WAIT_MS)))]);
      clearTimeout(timer);
    }
    if (!launch.forks || this.#stopped || this.#closed || socket.destroyed) return none();
    const spare = this.#startSpare(launch, { llm });
    spare.state = 'offered';
    spare.owner = socket;
    await spare.spawning;
    const pid = spare.agent?.pid;
    if (socket.destroyed || (spare.state as SpareState) !== 'offered' || pid === undefined) {
      // Nobody else asked for it: it goes.
      if ((spare.state as SpareState) === 'offered') void this.#kill(spare);
      return none();
    }
    this.#stats.forkedOnRequest += 1;
    send(socket, { t: 'offer', id: spare.id, llmCredential: spare.llmCredential, pid, connectAddr: spare.connectAddr! });
    return spare;
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
    const launches = [...this.#launches.values()].filter((launch) => !launch.failed && launch.learned);
    for (const launch of launches) this.#startForkServer(launch);
    const waiting = (launch?: Launch) =>
      [...this.#spares.values()].filter((s) => s.state === 'starting' && !s.direct && (launch === undefined || s.launch === launch)).length;
    // While its fork server imports, a launch gets no cold spare: the forked one comes sooner than a cold start would.
    const cap = (launch: Launch) =>
      launch.forks ? (this.#options.forkedSpares ?? this.#options.spares) : launch.forkServer && !launch.noFork ? 0 : this.#options.spares;
    const wanted = Math.min(Math.max(0, ...launches.map(cap)), this.#pending.size);
    // Round-robin over the launches, so one agent does not take every slot.
    for (let progress = true; progress && waiting() < wanted;) {
      progress = false;
      for (const launch of launches) {
        if (waiting() >= wanted) break;
        if (waiting(launch) >= cap(launch)) continue;
        this.#startSpare(launch);
        progress = true;
      }
    }
  }

  /** Starts a spare of `launch`; with `forSession`, one for that session alone, pointed straight at its model server. */
  #startSpare(launch: Launch, forSession?: { llm: ForkModel | undefined }): Spare {
    const llm = forSession?.llm;
    const spare: Spare = {
      id: ++this.#nextId,
      launch,
      llmPort: llm?.port ?? 0,
      llmCredential: llm?.credential ?? createCredential(),
      ...(forSession && { direct: true }),
      state: 'starting',
    };
    this.#spares.set(spare.id, spare);
    spare.spawning = this.#spawn(spare);
    return spare;
  }

  /**
   * Starts the fork server of a Python launch, which takes over its spares once its imports are
   * done: a warm one started for it at the run's start when there is one, else a new one (with no
   * file left to come, only when `always`: a session waits for it).
   */
  #startForkServer(launch: Launch, always = false): void {
    if (this.#options.fork === false || launch.noFork || launch.forkServer || (this.#pending.size === 0 && !always)) return;
    const forkable = forkableLaunch(launch.spec.argv);
    if (!forkable) return;
    const { env } = fillSpec(launch.spec, '', 0, '');
    const server =
      this.#takeWarm(launch.spec) ??
      ForkServer.start({
        interpreter: forkable.interpreter,
        agentFile: forkable.agentFile,
        cwd: launch.spec.cwd,
        env: { ...env, ...agentTag() },
        timeoutMs: launch.startupTimeout,
      });
    launch.server = server;
    // Stopped (the run ended) while it imported: nothing to report, closing it is the stop's.
    const stopped = () => launch.server !== server;
    launch.forkServer = server.then(
      async (started) => {
        try {
          await started.ready;
        } catch (error) {
          void started.close();
          if (!stopped()) this.#noFork(launch, (error as Error).message);
          this.#refill();
          return undefined;
        }
        if (stopped()) return undefined;
        launch.forks = started;
        this.#refill();
        return started;
      },
      (error: unknown) => {
        if (!stopped()) this.#noFork(launch, (error as Error).message);
        this.#refill();
        return undefined;
      },
    );
  }

  #noFork(launch: Launch, reason: string): void {
    if (launch.noFork) return;
    launch.noFork = true;
    launch.forks = undefined;
    // The reason may quote the server's output, which runs in the launch's environment: no secret of it goes out.
    this.#options.onForkUnavailable?.(launch.spec.agentFile, createRedactor(knownSecrets(launch.spec.env))(reason));
  }

  async #spawn(spare: Spare): Promise<void> {
    const { launch } = spare;
    this.#stats.spawned += 1;
    const forks = launch.forks;
    try {
      if (usesModelServer(launch.spec) && !spare.direct) {
        spare.model = await ModelRelay.open();
        spare.llmPort = spare.model.port;
      }
      // Guarded like a session's own launch: only the spare itself may connect to its port.
      const launched = await launchGuarded({
        ...(forks && { start: (options) => forks.fork(options) }),
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
      if (forks) this.#stats.forked += 1;
    } catch (error) {
      spare.listener?.close();
      spare.model?.close();
      this.#spares.delete(spare.id);
      if ((spare.state as SpareState) === 'dead') return;
      if (forks) {
        // A fork refused (a thread appeared in the server): this launch starts cold from now on.
        this.#noFork(launch, (error as Error).message);
        this.#refill();
      } else this.#fail(launch);
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
      spare.model?.close();
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
    if (!spare.agent) {
      spare.model?.close();
      return;
    }
    await spare.agent.terminate({ signal, graceMs });
    spare.socket?.destroy();
    spare.model?.close();
    if (spare.agent.pid !== undefined) untrackAgent(spare.agent.pid);
  }
}

function exitStatus(status: { exitCode: number | null; signal: string | null }): ExitMessage['status'] {
  return { exitCode: status.exitCode, signal: status.signal };
}

type ExitMessage = Extract<BrokerMessage, { t: 'exit' }>;

/** An environment without its unset variables. */
function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

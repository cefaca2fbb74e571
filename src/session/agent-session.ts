/**
 * An agent under test: the subprocess, its connection, and the turn-by-turn conversation with it.
 */
import type { Socket } from 'node:net';
import path from 'node:path';
import { AgentSessionError, type AgentErrorCode } from '../errors/index.js';
import { AgentProcess, type AgentProcessLike, type ExitStatus } from '../process/agent-process.js';
import { CRASH_MARKERS, diagnose } from '../process/diagnose.js';
import { trackAgent, untrackAgent } from '../process/registry.js';
import { createRedactor, knownSecrets, redactInPlace } from '../process/redact.js';
import { withoutRunnerEnv } from '../process/runner-env.js';
import { checkFrameCap } from '../protocol/framing.js';
import { agentTag } from '../process/run-tag.js';
import { resolveLaunch, type Launch } from '../process/runtime.js';
import { ProtocolError } from '../protocol/errors.js';
import { agentState, chatItems, sessionEvent, sessionUsage, timestampMs, userState } from '../turn/convert.js';
import type { RequestKind, WireResponse } from '../protocol/wire.js';
import { TurnBuilder } from '../turn/builder.js';
import { noteHandoffInstructions, sentToolArguments } from './turn-extras.js';
import type { AgentInfo, SessionState, SessionUsage, TurnEvent, TurnItem, TurnRecord } from '../turn/types.js';
import { describeEnd } from './agent-end.js';
import { settleGreeting, type GreetingProgress, type GreetingSource } from './greeting.js';
import { AgentConnection, ConnectionClosedError, RequestTimeoutError } from '../protocol/connection.js';
import { BrokeredAgent, currentBroker, learnSpec, requestSpare } from '../prespawn/client.js';
import { CONNECT_PLACEHOLDER, llmServerPort, spawnSpec } from '../prespawn/spec.js';
import { listenForAgent, peerInProcessGroup } from '../process/listener.js';
import { explainModelErrors, modelFailuresSince, modelMark, runningToolCalls, type ModelMark } from './model-calls.js';
import { sendTurn } from './send-turn.js';
import { DEFAULTS, type AgentSessionOptions, type LlmListening, type LlmServerLike } from './options.js';

export interface SayOptions {
  /** Overrides the session's turn timeout for this turn, in ms. */
  timeout?: number;
  /** Aborts the wait (e.g. the test's own signal). */
  signal?: AbortSignal;
}

/** What the caller was doing when the session made a request on its behalf, for error messages. */
interface Doing {
  doing?: { what: string; when: string };
}

export interface GreetingOptions {
  /** How long to wait for the greeting to come and finish, in ms. Default: the turn timeout. */
  timeout?: number;
  signal?: AbortSignal;
}

export interface RequestCallOptions {
  timeout?: number;
  signal?: AbortSignal;
}

const TEXT_MODE = { input: { audioEnabled: false }, output: { audioEnabled: false, transcriptionEnabled: false } };
/** How long to wait for an exit status after the connection drops, to report how the agent died. */
const EXIT_REPORT_WAIT_MS = 1000;
/** Output still arriving after a crash marker is usually the traceback; give it a moment. */
const CRASH_OUTPUT_SETTLE_MS = 300;

/**
 * Starts the agent in `file` (resolved against the current directory) and waits until it is ready
 * to take turns in text mode. Where the Vitest plugin pre-spawns agents, the agent may be a spare
 * started ahead of time with exactly the same launch; otherwise it is started here.
 */
export async function startAgentSession(file: string, options: AgentSessionOptions = {}): Promise<AgentSession> {
  // Bad options fail before anything is spawned.
  if (options.maxFrameBytes !== undefined) checkFrameCap(options.maxFrameBytes);
  const agentFile = path.resolve(file);
  const startupTimeout = options.startupTimeout ?? DEFAULTS.startupTimeout;
  const deadline = Date.now() + startupTimeout;
  const broker = currentBroker();
  // The model server's records so far: requests after this are the agent's (a greeting's, before the first turn).
  const llmMark = modelMark(options.llm);
  const offer = broker && !options.signal?.aborted ? await requestSpare(broker, agentFile) : undefined;
  let llm: LlmListening | undefined;
  try {
    llm = options.llm ? await listenLlm(options.llm, offer) : undefined;
    const env: Record<string, string | undefined> = {
      ...(options.keepRunnerEnv ? process.env : withoutRunnerEnv(process.env)),
      // Unbuffered output, so the tail in an error message is what the agent printed last.
      PYTHONUNBUFFERED: '1',
      // Lets the run's global teardown find this agent even if our process dies first.
      ...agentTag(),
      ...llm?.env,
      ...options.env,
    };
    // The launch with a placeholder for the session address, which is only known once listening.
    const template = resolveLaunch(agentFile, CONNECT_PLACEHOLDER, { ...options, env });
    const redact = createRedactor(knownSecrets(env, options.secretEnv, llm?.secrets));
    const startup: Startup = { agentFile, options, deadline, startupTimeout, redact, env, llm, llmMark };
    const port = llm && llmServerPort(llm);
    const spec = broker && spawnSpec(agentFile, template.argv, template.cwd, env, llm && { env: llm.env, port, credential: llm.credential });
    if (offer && spec) {
      const watch = crashWatch(options.onOutput);
      // A model server that could not take the spare's port or credential makes the spare useless here.
      const claimed =
        llm === undefined || (port === offer.llmPort && (llm.credential === undefined || llm.credential === offer.llmCredential))
          ? await offer.claim(spec, { ...(options.outputLimit !== undefined && { outputLimit: options.outputLimit }), redact, onOutput: watch.onOutput })
          : undefined;
      if (claimed === undefined) offer.release();
      if (claimed instanceof BrokeredAgent) {
        const launch = { ...template, argv: fillConnect(template.argv, offer.connectAddr).map(redact) };
        return await startWith(startup, launch, claimed, claimed.connection, NO_LISTENER, watch);
      }
    }
    const session = await coldStart(startup, template);
    if (broker && spec) learnSpec(broker, spec, startupTimeout);
    return session;
  } catch (error) {
    // An offer still open would keep the spare from other files until this worker exits.
    offer?.release();
    await llm?.close();
    throw error;
  }
}

interface Startup {
  agentFile: string;
  options: AgentSessionOptions;
  deadline: number;
  startupTimeout: number;
  redact: (text: string) => string;
  env: Record<string, string | undefined>;
  llm: { close(): Promise<void> } | undefined;
  llmMark: ModelMark;
}

interface CrashWatch {
  /** The user's onOutput, behind a look for crash markers while starting. */
  onOutput: (text: string, stream: 'stdout' | 'stderr') => void;
  crashed: Promise<'crashed'>;
  /** Stops looking: the agent is ready. */
  ready(): void;
}

/** A brokered agent connects to the broker, not to a listener of ours. */
const NO_LISTENER = { refusals: [] as readonly string[], close() {} };

const fillConnect = (argv: readonly string[], connectAddr: string) => argv.map((arg) => arg.replaceAll(CONNECT_PLACEHOLDER, connectAddr));

/** Starts the model server, on the spare's port and with its credential when there is one (any port if that is taken). */
async function listenLlm(llm: LlmServerLike, offer: { llmPort: number; llmCredential: string } | undefined): Promise<LlmListening> {
  if (offer === undefined) return llm.listen();
  try {
    return await llm.listen({ port: offer.llmPort, credential: offer.llmCredential });
  } catch {
    return llm.listen();
  }
}

/** A job that failed while starting leaves the process running: its output tells. */
function crashWatch(onOutput: AgentSessionOptions['onOutput']): CrashWatch {
  let crashSeen: (() => void) | undefined;
  const crashed = new Promise<'crashed'>((resolve) => (crashSeen = () => setTimeout(() => resolve('crashed'), CRASH_OUTPUT_SETTLE_MS)));
  let ready = false;
  return {
    crashed,
    ready: () => (ready = true),
    onOutput: (text, stream) => {
      if (!ready && crashSeen && CRASH_MARKERS.test(text)) {
        crashSeen();
        crashSeen = undefined;
      }
      onOutput?.(text, stream);
    },
  };
}

/** Spawns the agent here, with a listener of its own for it to connect to. */
async function coldStart(startup: Startup, template: Launch): Promise<AgentSession> {
  const { agentFile, options, redact } = startup;
  // Only the agent we spawn may drive the session: a connection from any other process is refused.
  let agentSpawned!: (pid: number | undefined) => void;
  const agentPid = new Promise<number | undefined>((resolve) => (agentSpawned = resolve));
  const listener = await listenForAgent({
    isAgent: async (socket) => {
      const pid = await agentPid;
      return pid !== undefined && (peerInProcessGroup(socket, pid) ?? true);
    },
  });
  const argv = fillConnect(template.argv, `${listener.host}:${listener.port}`);
  const watch = crashWatch(options.onOutput);
  let agent: AgentProcess;
  try {
    agent = await AgentProcess.spawn(
      {
        argv,
        cwd: template.cwd,
        env: startup.env,
        ...(options.outputLimit !== undefined && { outputLimit: options.outputLimit }),
        redact,
        onOutput: watch.onOutput,
      },
      agentFile,
    );
  } catch (error) {
    agentSpawned(undefined);
    listener.close();
    throw error;
  }
  agentSpawned(agent.pid);
  if (agent.pid !== undefined) trackAgent(agent.pid);
  // From here on the launch is only shown (errors, session.launch): without secrets on its command line.
  const launch = { ...template, argv: argv.map(redact) };
  return startWith(startup, launch, agent, listener.connection, listener, watch);
}

/** Waits for the agent's connection, then pings it and switches it to text mode. */
async function startWith(
  startup: Startup,
  launch: Launch,
  agent: AgentProcessLike,
  connection: Promise<Socket>,
  listener: { readonly refusals: readonly string[]; close(): void },
  watch: CrashWatch,
): Promise<AgentSession> {
  const { options, deadline } = startup;
  try {
    const socket = await raceStartup(connection, listener.refusals, agent, watch.crashed, launch, deadline, startup.startupTimeout, options.signal);
    const session = new AgentSession(startup.agentFile, launch, agent, listener, socket, startup.llm, options, startup.redact, startup.llmMark);
    await session.ready(deadline, options.signal).catch(async (error: unknown) => {
      // A failed start needs no grace period: report it as soon as the agent is gone.
      await agent.terminate({ graceMs: 0 });
      await session.close();
      throw error;
    });
    watch.ready();
    return session;
  } catch (error) {
    listener.close();
    await agent.terminate({ graceMs: 0 });
    if (agent.pid !== undefined) untrackAgent(agent.pid);
    throw error;
  }
}

async function raceStartup(
  connection: Promise<Socket>,
  refusals: readonly string[],
  agent: AgentProcessLike,
  crashed: Promise<'crashed'>,
  launch: Launch,
  deadline: number,
  startupTimeout: number,
  signal: AbortSignal | undefined,
) {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([connection, agent.exited, crashed, timedOut, aborted]);
    if (first !== null && typeof first === 'object' && 'remoteAddress' in first) return first;
    const details = { agentFile: launch.file, command: launch.argv, pid: agent.pid };
    if (first === 'timeout') {
      const refused = refusals.filter((reason) => reason.includes('not the spawned agent'));
      throw new AgentSessionError('AGENT_STARTUP_TIMEOUT', `The agent did not connect within the startup timeout (${startupTimeout} ms).`, {
        ...details,
        output: agent.output(),
        hint:
          refused.length > 0
            ? `${refused.length} connection(s) to the session port were refused because they did not come from a process in the agent's process group; a launcher that runs the agent elsewhere (a container, a daemon, a process that calls setsid) cannot drive the session.`
            : 'It may be stuck before AgentSession.start() (e.g. waiting on a network call) or just slow: raise { startupTimeout } if it is slow to import, and check that its entrypoint starts an AgentSession.',
      });
    }
    if (first === 'aborted') {
      throw new AgentSessionError('ABORTED', 'Starting the agent was aborted.', { ...details, output: agent.output() });
    }
    const output = agent.output();
    if (first === 'crashed') {
      const diagnosis = diagnose(output, launch, { phase: 'starting' });
      throw new AgentSessionError('AGENT_CRASHED', `The agent crashed while starting (its job failed; the process was still running)${quote(diagnosis.cause)}.`, {
        ...details,
        output,
        hint: diagnosis.hint,
      });
    }
    const status = first as ExitStatus;
    if (status.signal) {
      throw new AgentSessionError('AGENT_KILLED', `The agent was killed by signal ${status.signal} before connecting.`, {
        ...details,
        signal: status.signal,
        output,
        hint: 'Something outside the harness ended it (the kernel when out of memory, a container limit, another process); its output below shows how far it got.',
      });
    }
    const diagnosis = diagnose(output, launch, { phase: 'starting', exitCode: status.exitCode });
    throw new AgentSessionError('AGENT_EXITED', `The agent exited with code ${status.exitCode} before connecting${quote(diagnosis.cause)}.`, {
      ...details,
      exitCode: status.exitCode,
      signal: status.signal,
      output,
      hint: diagnosis.hint,
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

export class AgentSession {
  /** The agent file, as an absolute path. */
  readonly agentFile: string;
  /** How the agent was launched. */
  readonly launch: Launch;
  /** Session events that arrived before the first turn (e.g. an on_enter greeting). */
  readonly preamble: TurnEvent[] = [];
  readonly #agent: AgentProcessLike;
  readonly #listener: { close(): void };
  readonly #connection: AgentConnection;
  readonly #llm: { close(): Promise<void> } | undefined;
  readonly #options: AgentSessionOptions;
  readonly #redact: (text: string) => string;
  readonly #turns: TurnRecord[] = [];
  #current: TurnBuilder | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #disconnect: Error | undefined;
  #framework: { sdk: string; sdkVersion: string } | undefined;
  /** Settles once a dropped connection has been followed up: the agent exited, or was killed. */
  #afterDisconnect: Promise<void> | undefined;
  /** True when the agent dropped the connection but was still running (so we ended it). */
  #disconnectedAlive = false;
  /** Collects the greeting's events from the start; finished once the greeting is over. */
  readonly #greetingBuilder = new TurnBuilder('', -1);
  /** The greeting's record; null once the first turn began without one. */
  #greeting: TurnRecord | null | undefined;
  /** Where the model server's records stood before the agent started. */
  readonly #llmMark: ModelMark;
  #lastEventAt = performance.now();
  readonly #eventWaiters = new Set<() => void>();
  /** True once an error has told the user how the agent went away; later calls point back to it. */
  #endReported = false;

  /** @internal use startAgentSession */
  constructor(
    agentFile: string,
    launch: Launch,
    agent: AgentProcessLike,
    listener: { close(): void },
    socket: Socket,
    llm: { close(): Promise<void> } | undefined,
    options: AgentSessionOptions,
    redact: (text: string) => string = (text) => text,
    llmMark: ModelMark = modelMark(options.llm),
  ) {
    this.#llmMark = llmMark;
    this.agentFile = agentFile;
    this.launch = launch;
    this.#agent = agent;
    this.#listener = listener;
    this.#llm = llm;
    this.#options = options;
    this.#redact = redact;
    this.#connection = new AgentConnection(socket, {
      onEvent: (wire, receivedAt) => this.#onEvent(redactInPlace(sessionEvent(wire, receivedAt), this.#redact)),
      onClose: (error) => {
        this.#disconnect = error ?? new Error('the agent closed the connection');
        if (this.#closing === undefined) this.#afterDisconnect = this.#reapAfterDisconnect();
      },
    }, options.maxFrameBytes ?? DEFAULTS.maxFrameBytes);
  }

  /**
   * A real agent does not exit when its session ends (e.g. after repeated LLM errors): give it a
   * moment to exit on its own, which tells a crash from a disconnect, then end its process group.
   */
  async #reapAfterDisconnect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#agent.exited, new Promise((resolve) => (timer = setTimeout(resolve, EXIT_REPORT_WAIT_MS)))]);
    clearTimeout(timer);
    if (this.#agent.status !== undefined) return;
    this.#disconnectedAlive = true;
    await this.#agent.terminate({ graceMs: 0 });
    if (this.#agent.pid !== undefined) untrackAgent(this.#agent.pid);
  }

  /** Every turn so far, in order. */
  get turns(): readonly TurnRecord[] {
    return this.#turns;
  }

  /** True when the agent was started ahead of time by the plugin's `prespawn` broker and handed to this session. */
  get prespawned(): boolean {
    return this.#agent.prespawned === true;
  }

  /** The agent's process id (its process group id too). */
  get pid(): number | undefined {
    return this.#agent.pid;
  }

  /** True once close() was called or the agent went away. */
  get closed(): boolean {
    return this.#closing !== undefined || this.#connection.closed;
  }

  /** The tail of what the agent printed. */
  output(): string {
    return this.#agent.output();
  }

  /** @internal Ping until answered, then switch the agent to text mode. */
  async ready(deadline: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const remaining = deadline - Date.now();
      try {
        await this.#connection.request('ping', {}, { timeoutMs: Math.max(1, Math.min(DEFAULTS.pingInterval * 4, remaining)), signal });
        break;
      } catch (error) {
        const startupTimeout = this.#options.startupTimeout ?? DEFAULTS.startupTimeout;
        if (error instanceof RequestTimeoutError && Date.now() >= deadline) {
          throw new AgentSessionError('AGENT_STARTUP_TIMEOUT', `The agent connected but did not answer a ping within the startup timeout (${startupTimeout} ms).`, {
            ...this.#details(),
            hint: 'Its event loop may be blocked, or the program on the other end is not a LiveKit agent; raise { startupTimeout } if it is just slow.',
          });
        }
        if (!(error instanceof RequestTimeoutError)) throw await this.#requestError('ping', error, startupTimeout, undefined, signal);
      }
    }
    await this.#call('updateIo', TEXT_MODE, { timeout: Math.max(1, deadline - Date.now()), ...(signal && { signal }) });
  }

  /**
   * Sends one user turn and resolves with its record once the agent has answered. Turns run one
   * at a time: a `say` issued while another is running waits for it.
   */
  say(text: string, options: SayOptions = {}): Promise<TurnRecord> {
    const run = this.#queue.then(() => this.#say(text, options));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #say(text: string, options: SayOptions): Promise<TurnRecord> {
    if (typeof text !== 'string') throw new TypeError(`say() takes the user's text as a string, got ${typeof text}`);
    await this.#assertOpen('say');
    const timeout = options.timeout ?? this.#options.turnTimeout ?? DEFAULTS.turnTimeout;
    // The turn would interrupt a greeting still running: let it finish first (within this turn's time).
    if (this.#greeting === undefined) {
      const progress = await this.#settleGreeting({ deadline: Date.now() + timeout, expect: false, signal: options.signal }, 'runInput', timeout);
      this.#greeting = progress.state === 'none' ? null : this.#finishGreeting(progress.items);
    }
    const llmMark = modelMark(this.#options.llm);
    const builder = new TurnBuilder(text, this.#turns.length);
    this.#current = builder;
    let response: WireResponse;
    try {
      response = await sendTurn(this.#connection, text, timeout, options.signal);
    } catch (error) {
      this.#current = undefined;
      // What it was stuck on: Node agents report no tool call until it ends.
      const partial = redactInPlace(builder.finish(runningToolCalls(builder.events, this.#options.llm, llmMark), undefined), this.#redact);
      throw await this.#requestError('runInput', error, timeout, partial, options.signal);
    }
    this.#current = undefined;
    explainModelErrors(builder.events, this.#options.llm, llmMark);
    for (const message of modelFailuresSince(this.#options.llm, llmMark)) builder.addError({ source: 'llm', message });
    const items = chatItems(response.runInput?.items ?? []);
    await noteHandoffInstructions(items, () => this.#call('getAgentInfo', {}, options.signal ? { signal: options.signal } : {}));
    const sentArgs = sentToolArguments(this.#options.llm?.requests?.slice(llmMark.requests));
    const record = redactInPlace(builder.finish(items, response.error ?? undefined, sentArgs), this.#redact);
    this.#turns.push(record);
    return record;
  }

  /**
   * The agent's greeting (what it said and did before the first turn, e.g. from on_enter) as a
   * TurnRecord with `input: ''` and `index: -1`, once it is over and the agent listens again.
   * Waits for a greeting that has not come yet; fails with NO_GREETING when none comes within the
   * timeout or the first turn began without one.
   */
  greeting(options: GreetingOptions = {}): Promise<TurnRecord> {
    const run = this.#queue.then(() => this.#awaitGreeting(options));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #awaitGreeting(options: GreetingOptions): Promise<TurnRecord> {
    if (this.#greeting) return this.#greeting;
    const timeout = options.timeout ?? this.#options.turnTimeout ?? DEFAULTS.turnTimeout;
    if (this.#greeting === undefined) {
      await this.#assertOpen('wait for the greeting');
      const progress = await this.#settleGreeting({ deadline: Date.now() + timeout, expect: true, signal: options.signal }, 'getChatHistory', timeout);
      if (progress.state === 'done') return (this.#greeting = this.#finishGreeting(progress.items));
      const unfinished = progress.state === 'unfinished';
      const failure = modelFailuresSince(this.#options.llm, this.#llmMark)[0]?.split('\n')[0];
      const message = unfinished
        ? `The agent's greeting did not finish within ${timeout} ms.`
        : failure !== undefined
          ? `The agent's greeting got no answer from the model: ${failure}`
          : `The agent did not greet within ${timeout} ms.`;
      throw new AgentSessionError('NO_GREETING', message, {
        ...this.#details(),
        ...(unfinished && { turn: this.#finishGreeting(progress.items, false) }),
        hint: unfinished
          ? 'A tool it calls while greeting may hang, or the LLM may not answer; raise the wait with greeting({ timeout }) if it is just slow.'
          : failure !== undefined
            ? "Add a scripted rule for the greeting's model request: it has no user message, e.g. `when: (req) => !req.messages.some((m) => m.role === 'user')`."
            : "Nothing in the agent replied on its own: its on_enter/onEnter (or the code after session.start) should call generate_reply/generateReply or say. With a scripted LLM, check that a rule answers the greeting's request (it has no user message).",
      });
    }
    throw new AgentSessionError('NO_GREETING', 'The agent gave no greeting: the first turn began while it was listening with nothing said.', {
      ...this.#details(),
      hint: 'Wait for the greeting before the first say(): `await agent.greeting()`. An agent that greets late (after some awaited set-up) may still be starting it when the first turn is sent.',
    });
  }

  /** Polls the agent until the greeting is over; request failures are reported like any request's. */
  async #settleGreeting(options: Parameters<typeof settleGreeting>[1], kind: RequestKind, timeout: number): Promise<GreetingProgress> {
    // Each request within the caller's own timeout, so a silent agent fails the turn in the turn's time.
    // The requests are ours, not the caller's: an error names what the caller was doing.
    const doing = kind === 'runInput' ? { what: 'say', when: 'while its greeting was awaited' } : { what: 'wait for the greeting', when: 'during its greeting' };
    const call = { timeout: Math.min(this.#options.requestTimeout ?? DEFAULTS.requestTimeout, timeout), doing, ...(options.signal && { signal: options.signal }) };
    const source: GreetingSource = {
      state: () => this.state(call),
      history: () => this.history(call),
      quietFor: () => performance.now() - this.#lastEventAt,
      modelAsked: () => {
        const last = this.#options.llm?.requests?.slice(this.#llmMark.requests).at(-1);
        return last !== undefined && last.response?.error === undefined;
      },
      modelFailed: () => modelFailuresSince(this.#options.llm, this.#llmMark).length > 0,
      nextEvent: (ms) =>
        new Promise<void>((resolve) => {
          const waiters = this.#eventWaiters;
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          waiters.add(wake);
        }),
    };
    try {
      return await settleGreeting(source, options);
    } catch (error) {
      if (error instanceof AgentSessionError) throw error;
      throw await this.#requestError(kind, error, timeout, undefined, options.signal);
    }
  }

  /** The greeting's record: its events so far, its items from the history, and the LLM misses before the first turn. */
  #finishGreeting(items: TurnItem[], final = true): TurnRecord {
    if (final) {
      explainModelErrors(this.#greetingBuilder.events, this.#options.llm, this.#llmMark);
      for (const message of modelFailuresSince(this.#options.llm, this.#llmMark)) this.#greetingBuilder.addError({ source: 'llm', message });
    }
    return redactInPlace(this.#greetingBuilder.finish(items, undefined), this.#redact);
  }

  /** The whole conversation as the agent holds it (every item, including user and system messages). */
  async history(options: RequestCallOptions = {}): Promise<TurnItem[]> {
    const response = await this.#call('getChatHistory', {}, options);
    return redactInPlace(chatItems(response.getChatHistory?.items ?? []), this.#redact);
  }

  /** The current agent: id, instructions, tool names, its chat context, and the framework it runs on. */
  async info(options: RequestCallOptions = {}): Promise<AgentInfo> {
    const [response, framework] = await Promise.all([this.#call('getAgentInfo', {}, options), this.framework(options)]);
    const info = response.getAgentInfo;
    const result: AgentInfo = {
      id: info?.id ?? '',
      tools: [...(info?.tools ?? [])],
      chatContext: chatItems(info?.chatCtx ?? []),
      sdk: framework.sdk,
      sdkVersion: framework.sdkVersion,
    };
    if (info?.instructions != null) result.instructions = info.instructions;
    return redactInPlace(result, this.#redact);
  }

  /** The agent framework and its version (`python`/`js`), asked once and remembered. */
  async framework(options: RequestCallOptions = {}): Promise<{ sdk: string; sdkVersion: string }> {
    if (this.#framework === undefined) {
      const response = await this.#call('getFrameworkInfo', {}, options);
      this.#framework = { sdk: response.getFrameworkInfo?.sdk ?? '', sdkVersion: response.getFrameworkInfo?.sdkVersion ?? '' };
    }
    return this.#framework;
  }

  async state(options: RequestCallOptions = {}): Promise<SessionState> {
    const s = (await this.#call('getSessionState', {}, options)).getSessionState;
    return {
      agentState: agentState(s?.agentState ?? 0),
      userState: userState(s?.userState ?? 1),
      agentId: s?.agentId ?? '',
      options: { ...(s?.options ?? {}) },
      createdAt: timestampMs(s?.createdAt),
    };
  }

  /** The session's model usage so far, as the agent counts it. */
  async usage(options: RequestCallOptions = {}): Promise<SessionUsage> {
    return sessionUsage((await this.#call('getSessionUsage', {}, options)).getSessionUsage?.usage);
  }

  /**
   * Ends the session: closes the connection, signals the agent's process group, waits the grace
   * period, SIGKILLs the group and reaps it; stops the scripted LLM. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#connection.close();
      this.#listener.close();
      await this.#agent.terminate({ graceMs: this.#options.shutdownGrace ?? DEFAULTS.shutdownGrace });
      if (this.#agent.pid !== undefined) untrackAgent(this.#agent.pid);
      await this.#llm?.close();
    })();
    return this.#closing;
  }

  async #call(kind: RequestKind, body: object, options: RequestCallOptions & Doing): Promise<WireResponse> {
    await this.#assertOpen(options.doing?.what ?? kind, options.doing?.when);
    const timeout = options.timeout ?? this.#options.requestTimeout ?? DEFAULTS.requestTimeout;
    let response: WireResponse;
    try {
      response = await this.#connection.request(kind, body, { timeoutMs: timeout, signal: options.signal });
    } catch (error) {
      throw await this.#requestError(kind, error, timeout, undefined, options.signal, options.doing);
    }
    if (response.error != null) {
      throw new AgentSessionError('REQUEST_FAILED', `The agent answered ${kind} with an error: ${this.#redact(response.error)}`, this.#details());
    }
    return response;
  }

  #onEvent(event: TurnEvent): void {
    this.#lastEventAt = performance.now();
    for (const wake of this.#eventWaiters) wake();
    this.#eventWaiters.clear();
    if (this.#current) {
      this.#current.addEvent(event);
      return;
    }
    // Python may send a turn's last events just after its response: they belong to that turn.
    const last = this.#turns.at(-1);
    if (last === undefined) {
      this.preamble.push(event);
      if (this.#greeting === undefined) this.#greetingBuilder.addEvent(event);
      return;
    }
    last.events.push(event);
    if (event.type === 'error') last.errors.push({ source: 'event', message: event.message });
    else if (event.type === 'session_usage_updated') last.usage = event.usage;
  }

  /** Fails when the session cannot take a request; `what` and `when` name it for the error ("Cannot say: ... while idle"). */
  async #assertOpen(what: string, when = 'while idle'): Promise<void> {
    if (this.#closing !== undefined) {
      throw new AgentSessionError('SESSION_CLOSED', `Cannot ${what}: the session was closed.`, {
        agentFile: this.agentFile,
        hint: 'The handle is closed after its test file ends; start a new session for further turns.',
      });
    }
    if (!this.#connection.closed) return;
    if (this.#endReported) {
      const status = this.#disconnectedAlive ? undefined : this.#agent.status;
      const how = status ? describeEnd({ status, output: '', launch: this.launch }, '').what : (this.#disconnect?.message ?? 'connection closed');
      throw new AgentSessionError('AGENT_DISCONNECTED', `Cannot ${what}: the agent has gone away (${how}).`, {
        ...this.#details(),
        hint: 'An earlier failure ended the agent; see the error that failed first.',
      });
    }
    // Nothing reported it yet: it went away between requests, and this error is the first to say why.
    await this.#afterDisconnect;
    const end = this.#end('The agent ended its session by itself between requests; the output below shows what it did last.');
    this.#endReported = true;
    const how = end.code === 'AGENT_DISCONNECTED' ? `the agent closed the connection ${when} and was stopped` : `${end.what} ${when}`;
    throw new AgentSessionError(end.code, `Cannot ${what}: ${how}${end.quoted}.`, { ...this.#details(), hint: end.hint });
  }

  #details() {
    const status = this.#agent.status;
    return {
      agentFile: this.agentFile,
      command: this.launch.argv,
      pid: this.#agent.pid,
      // An exit we caused after a disconnect says nothing about the agent.
      ...(status && !this.#disconnectedAlive && { exitCode: status.exitCode, signal: status.signal }),
      output: this.#agent.output(),
    };
  }

  /** Explains why a request failed, in terms of what the agent did. */
  async #requestError(kind: RequestKind, error: unknown, timeout: number, turn?: TurnRecord, signal?: AbortSignal, doing?: Doing['doing']): Promise<AgentSessionError> {
    const what = kind === 'runInput' ? 'the turn' : doing ? `the ${kind} request made to ${doing.what}` : `the ${kind} request`;
    let code: AgentErrorCode;
    let message: string;
    let hint: string;
    if (error instanceof RequestTimeoutError) {
      code = kind === 'runInput' ? 'TURN_TIMEOUT' : 'REQUEST_TIMEOUT';
      const running = turn?.items.flatMap((item) => (item.type === 'function_call' ? [`${item.name}(${truncate(item.arguments, 200)})`] : [])) ?? [];
      message = `The agent did not finish ${what} within ${timeout} ms${running.length > 0 ? `; it was still running ${running.join(', ')}` : ''}.`;
      hint =
        kind === 'runInput'
          ? 'A tool may be hanging, or the LLM may not be answering; raise the timeout with say(text, { timeout }) or turnTimeout if the turn is just slow. The next say() interrupts this turn first, which takes up to about 5 s.'
          : 'The agent may be too old to know this request (agents send no reply to unknown requests), or it is blocked.';
    } else if (error instanceof ConnectionClosedError) {
      const cause = error.cause instanceof Error ? error.cause : undefined;
      // A protocol violation is reported at once; anything else waits to learn whether the agent died.
      if (cause?.name !== 'ProtocolError') await this.#afterDisconnect;
      if (cause?.name === 'ProtocolError') {
        code = 'PROTOCOL_ERROR';
        message = `Protocol violation during ${what}: ${cause.message}.`;
        hint =
          cause instanceof ProtocolError && cause.fault === 'oversized-frame'
            ? 'If the agent really sends messages this large (a huge tool output or chat history), raise { maxFrameBytes }; otherwise the peer on the session port is not speaking the agent session protocol. The connection was dropped and the agent stopped.'
            : 'The peer on the session port is not speaking the agent session protocol correctly; the connection was dropped and the agent stopped.';
      } else {
        const end = this.#end('The agent session ended itself, usually after repeated unrecoverable errors (e.g. the LLM failing); see the errors in the earlier turns and in the output below.');
        code = end.code;
        hint = end.hint;
        message =
          end.code === 'AGENT_DISCONNECTED'
            ? `The agent closed the connection during ${what} but kept running; it was stopped${end.quoted}.`
            : `${capitalise(end.what)} during ${what}${end.quoted}.`;
      }
    } else if (signal?.aborted || (error instanceof Error && isAbortError(error))) {
      // The signal's reason is whatever the aborter chose (Vitest: its "Test timed out" error).
      code = 'ABORTED';
      message = `Waiting for ${what} was aborted (${error instanceof Error ? error.message : String(error)}).`;
      hint = 'The test was cancelled or timed out.';
    } else {
      const tooLarge = error instanceof ProtocolError && error.fault === 'oversized-frame';
      return new AgentSessionError('REQUEST_FAILED', `Sending ${what} failed: ${String(error)}`, {
        ...this.#details(),
        ...(tooLarge && { hint: 'The agents accept at most 1 MiB per message: send less. Nothing was sent; the session goes on.' }),
        cause: error,
      });
    }
    if (code !== 'ABORTED' && code !== 'TURN_TIMEOUT' && code !== 'REQUEST_TIMEOUT') this.#endReported = true;
    return new AgentSessionError(code, message, { ...this.#details(), hint, cause: error, ...(turn && { turn }) });
  }

  /** How the agent went away, once the exit after a disconnect is known. */
  #end(fallbackHint: string) {
    const status = this.#disconnectedAlive ? undefined : this.#agent.status;
    return describeEnd({ status, output: this.#agent.output(), launch: this.launch }, fallbackHint);
  }
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
/** The agent's decisive output line as the tail of a message, or nothing. */
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const quote = (cause: string | undefined) => (cause ? `: "${cause}"` : '');

function isAbortError(error: Error): boolean {
  return error.name === 'AbortError' || error.name === 'TimeoutError' || error.message === 'aborted';
}

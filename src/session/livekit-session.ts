/**
 * An agent under test: its connection and the turn-by-turn conversation with it (startup is in
 * ./start.ts). Longer than most modules because the turn, the greeting, the requests and the
 * error that explains a failed one all read the same connection state (how and when the agent
 * went away, whether that was already reported), which is private to this class.
 */
import type { Socket } from 'node:net';
import * as errors from '../errors/index.js';
import { mergeModelMisses, modelFailuresSince, modelMark, runningToolCalls, type ModelMark } from '../core/model-calls.js';
import { SerialQueue } from '../core/queue.js';
import { race } from '../core/race.js';
import type { AgentProcessLike } from '../process/agent-process.js';
import { markReaping, unmarkReaping } from '../process/reaping.js';
import { untrackAgent } from '../process/registry.js';
import { RUN_TAG_ENV } from '../process/run-tag.js';
import { redactInPlace } from '../process/redact.js';
import type { Launch } from '../process/runtime.js';
import { AgentConnection, ConnectionClosedError, RequestTimeoutError } from '../protocol/connection.js';
import { ProtocolError } from '../protocol/errors.js';
import type { RequestKind, WireResponse } from '../protocol/wire.js';
import { TurnBuilder } from '../turn/builder.js';
import { agentState, chatItems, sessionEvent, sessionUsage, timestampMs, userState } from '../turn/convert.js';
import type { AgentInfo, SessionState, SessionUsage, TurnEvent, TurnItem, TurnRecord } from '../turn/types.js';
import { endFacts } from './agent-end.js';
import { settleGreeting, type GreetingProgress, type GreetingSource } from './greeting.js';
import { heardIds, startsUnprompted, unpromptedItems } from './unprompted.js';
import { markMocked } from './mocks/mark.js';
import type { ToolMockChannel } from './mocks/server.js';
import { MockStack, type MockCheck } from './mocks/stack.js';
import type { MockedCall, ToolMocks } from './mocks/types.js';
import { DEFAULTS, shutdownGraceFor, type AgentSessionOptions } from './options.js';
import { sendTurn } from './send-turn.js';
import { noteHandoffInstructions, sentToolArguments } from './turn-extras.js';

export interface SayOptions {
  /** Overrides the session's turn timeout for this turn, in ms. */
  timeout?: number;
  /** Tool mocks for this turn only, over the session's and `mockTools()`'s (needs the session's `tools` option). */
  tools?: ToolMocks;
  /** Aborts the wait (e.g. the test's own signal). */
  signal?: AbortSignal;
}

/** What the caller was doing when the session made a request on its behalf, for error messages. */
interface Doing {
  doing?: { what: string; when: string };
}

export interface CloseOptions {
  /** Check the file's tool mocks against the agents that ran (default true). */
  checkMocks?: boolean;
  /** Resolve only once the agent has exited and been reaped (default true). */
  waitForExit?: boolean;
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
  readonly #queue = new SerialQueue();
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
  #resolveEnded!: () => void;
  readonly #mocks: ToolMockChannel | undefined;
  /** The scopes of mocks in force (file, `mockTools()`, turn), when the session has the `tools` option. */
  readonly #mockStack: MockStack | undefined;
  /** What `listen()` reported after the first turn. */
  readonly #heard: TurnRecord[] = [];
  /** The last record of a turn or of listen(): events arriving after it belong to it. */
  #tail: TurnRecord | undefined;
  /** Events of what the agent began on its own after the tail, for the next listen(). */
  #unprompted: TurnBuilder | undefined;
  /** Where the model server's records stood when the last turn or `listen()` ended: later calls are the agent's own. */
  #quietMark: ModelMark;
  /**
   * Settles once the agent has gone away on its own (it closed the connection or exited) and
   * that has been followed up; never when close() ends it. A holder of a long-lived session (the
   * CLI daemon) learns from it that its agent died between turns.
   */
  readonly ended: Promise<void> = new Promise((resolve) => (this.#resolveEnded = resolve));

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
    mocks?: ToolMockChannel,
  ) {
    this.#mocks = mocks;
    this.#mockStack = mocks && new MockStack(mocks, options.tools ?? {});
    this.#llmMark = llmMark;
    this.#quietMark = llmMark;
    this.agentFile = agentFile;
    this.launch = launch;
    this.#agent = agent;
    this.#listener = listener;
    this.#llm = llm;
    this.#options = options;
    this.#redact = redact;
    this.#connection = new AgentConnection(
      socket,
      {
        onEvent: (wire, receivedAt) => this.#onEvent(redactInPlace(sessionEvent(wire, receivedAt), this.#redact)),
        onClose: (error) => {
          this.#disconnect = error ?? new Error('the agent closed the connection');
          if (this.#closing === undefined) {
            this.#afterDisconnect = this.#reapAfterDisconnect();
            void this.#afterDisconnect.then(() => this.#resolveEnded());
          }
        },
      },
      options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    );
  }

  /**
   * A real agent does not exit when its session ends (e.g. after repeated LLM errors): give it a
   * moment to exit on its own, which tells a crash from a disconnect, then end its process group.
   */
  async #reapAfterDisconnect(): Promise<void> {
    await race(this.#agent.exited, { ms: EXIT_REPORT_WAIT_MS });
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
          throw errors.startupTimeout({ waitedFor: 'ping', timeout: startupTimeout }, this.#details());
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
    return this.#queue.run(() => this.#say(text, options));
  }

  async #say(text: string, options: SayOptions): Promise<TurnRecord> {
    if (typeof text !== 'string') throw new TypeError(`say() takes the user's text as a string, got ${typeof text}`);
    await this.#assertOpen('say');
    const timeout = options.timeout ?? this.#options.turnTimeout ?? DEFAULTS.turnTimeout;
    // The turn would interrupt a greeting still running: let it finish first (within this turn's time).
    if (this.#greeting === undefined) {
      const progress = await this.#settleGreeting(
        { deadline: Date.now() + timeout, expect: false, signal: options.signal },
        'runInput',
        timeout,
      );
      this.#greeting = progress.state === 'none' ? null : this.#finishGreeting(progress.items);
    }
    const endMocks = options.tools && this.#requireMocks('say() with `tools`').turn(options.tools);
    const mockMark = this.#mocks?.calls.length ?? 0;
    let record: TurnRecord;
    try {
      record = await this.#sayTurn(text, options, timeout, mockMark);
    } catch (error) {
      endMocks?.(); // the turn's own failure says more than a check of its mocks would
      throw error;
    }
    const check = endMocks?.();
    if (check) throw this.#unknownMocks(check, record);
    return record;
  }

  async #sayTurn(text: string, options: SayOptions, timeout: number, mockMark: number): Promise<TurnRecord> {
    const llmMark = modelMark(this.#options.llm);
    // Speech of its own that no listen() took is in the history, not in this turn.
    this.#unprompted = undefined;
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
    mergeModelMisses(this.#options.llm, llmMark, { events: builder.events, add: (error) => builder.addError(error) });
    const items = chatItems(response.runInput?.items ?? []);
    await noteHandoffInstructions(items, () => this.#call('getAgentInfo', {}, options.signal ? { signal: options.signal } : {}));
    const sentArgs = sentToolArguments(this.#options.llm?.requests?.slice(llmMark.requests));
    const record = redactInPlace(builder.finish(items, response.error ?? undefined, sentArgs), this.#redact);
    markMocked(record, this.#mocks?.calls.slice(mockMark));
    this.#turns.push(record);
    this.#tail = record;
    this.#quietMark = modelMark(this.#options.llm);
    return record;
  }

  /**
   * The agent's greeting (what it said and did before the first turn, e.g. from on_enter) as a
   * TurnRecord with `input: ''` and `index: -1`, once it is over and the agent listens again.
   * Waits for a greeting that has not come yet; fails with NO_GREETING when none comes within the
   * timeout or the first turn began without one.
   */
  greeting(options: GreetingOptions = {}): Promise<TurnRecord> {
    return this.#queue.run(() => this.#awaitGreeting(options));
  }

  async #awaitGreeting(options: GreetingOptions): Promise<TurnRecord> {
    if (this.#greeting) return this.#greeting;
    const timeout = options.timeout ?? this.#options.turnTimeout ?? DEFAULTS.turnTimeout;
    if (this.#greeting === undefined) {
      await this.#assertOpen('wait for the greeting');
      const progress = await this.#settleGreeting(
        { deadline: Date.now() + timeout, expect: true, signal: options.signal },
        'getChatHistory',
        timeout,
      );
      if (progress.state === 'done') return (this.#greeting = this.#finishGreeting(progress.items));
      const unfinished = progress.state === 'unfinished';
      const failure = modelFailuresSince(this.#options.llm, this.#llmMark)[0]?.split('\n')[0];
      const miss: errors.GreetingMiss = unfinished
        ? { reason: 'unfinished', timeout, raised: errors.greetingBlocker(this.#agent.output()) }
        : failure !== undefined
          ? { reason: 'model-failed', failure }
          : { reason: 'none', timeout, unreachable: errors.modelUnreachable(this.#agent.output()), prespawned: this.prespawned };
      throw errors.noGreeting(miss, { ...this.#details(), ...(unfinished && { turn: this.#finishGreeting(progress.items, false) }) });
    }
    throw errors.noGreeting({ reason: 'first-turn-began' }, this.#details());
  }

  /**
   * Mocks tools from now on, over the session's `tools` (and earlier `mockTools()` calls) until
   * the returned function restores what was in force before. Needs the session's `tools` option
   * (`{}` will do), which starts the agent with the mocking preload.
   */
  mockTools(mocks: ToolMocks): () => void {
    const end = this.#requireMocks('mockTools()').push(mocks);
    return () => {
      if (this.#closing !== undefined) return;
      const check = end();
      if (check) throw this.#unknownMocks(check);
    };
  }

  /** Every call a tool mock answered in this session, in order, with its arguments and answer. */
  get mockCalls(): readonly MockedCall[] {
    return this.#mocks?.calls ?? [];
  }

  #requireMocks(what: string): MockStack {
    if (this.#mockStack) return this.#mockStack;
    throw new TypeError(
      `${what} needs the session started with the \`tools\` option (\`tools: {}\` will do): it starts the agent with the preload that lets the test answer its tool calls`,
    );
  }

  /** TOOL_MOCK_UNKNOWN for a scope that ended, with the turn it ended with. */
  #unknownMocks(check: MockCheck, turn?: TurnRecord): errors.AgentSessionError {
    // The mistake is in the test: the agent's output would only bury the list of its tools.
    const { output: _output, ...details } = this.#details();
    return errors.toolMockUnknown(check, { ...details, ...(turn && { turn }) });
  }

  /**
   * What the agent said or did on its own, once it is over, as a TurnRecord with `input: ''` and
   * `index: -1`: before the first turn its greeting (as `greeting()` gives it), later what it
   * said unprompted since the last turn or `listen()` (a timer, a background task). Waits up to
   * `timeout` (default: the turn timeout) for it to begin and end (what it said so far, when it
   * is still speaking then); resolves `undefined` when nothing came.
   */
  listen(options: GreetingOptions = {}): Promise<TurnRecord | undefined> {
    return this.#queue.run(() => this.#listen(options));
  }

  async #listen(options: GreetingOptions): Promise<TurnRecord | undefined> {
    if (this.#greeting === undefined && this.#turns.length === 0) {
      try {
        return await this.#awaitGreeting(options);
      } catch (error) {
        if (error instanceof errors.AgentSessionError && error.code === 'NO_GREETING' && !error.turn) return undefined;
        throw error;
      }
    }
    await this.#assertOpen('listen');
    const timeout = options.timeout ?? this.#options.turnTimeout ?? DEFAULTS.turnTimeout;
    const heard = heardIds([this.#greeting, ...this.#turns, ...this.#heard]);
    const mark = this.#quietMark;
    // Its events so far, if it already began; else it begins while we wait, and its events go here.
    const builder = (this.#unprompted ??= new TurnBuilder('', -1));
    const progress = await this.#settleGreeting(
      { deadline: Date.now() + timeout, expect: true, signal: options.signal },
      'getChatHistory',
      timeout,
      {
        pick: (history) => unpromptedItems(history, heard),
        mark,
      },
    );
    this.#quietMark = modelMark(this.#options.llm);
    if (progress.state === 'none') {
      // Nothing heard: whatever events came were the last record's after all.
      this.#unprompted = undefined;
      this.#tail?.events.push(...builder.events);
      return undefined;
    }
    mergeModelMisses(this.#options.llm, mark, { events: builder.events, add: (error) => builder.addError(error) });
    const record = redactInPlace(builder.finish(progress.items, undefined), this.#redact);
    this.#unprompted = undefined;
    this.#heard.push(record);
    this.#tail = record;
    return record;
  }

  /** Polls the agent until the greeting is over; request failures are reported like any request's. */
  async #settleGreeting(
    options: Parameters<typeof settleGreeting>[1],
    kind: RequestKind,
    timeout: number,
    slice: { pick: (history: TurnItem[]) => TurnItem[]; mark: ModelMark } = { pick: (history) => history, mark: this.#llmMark },
  ): Promise<GreetingProgress> {
    // Each request within the caller's own timeout, so a silent agent fails the turn in the turn's time.
    // The requests are ours, not the caller's: an error names what the caller was doing.
    const doing =
      kind === 'runInput'
        ? { what: 'say', when: 'while its greeting was awaited' }
        : { what: 'wait for the greeting', when: 'during its greeting' };
    const call = {
      timeout: Math.min(this.#options.requestTimeout ?? DEFAULTS.requestTimeout, timeout),
      doing,
      ...(options.signal && { signal: options.signal }),
    };
    const source: GreetingSource = {
      state: () => this.state(call),
      history: async () => slice.pick(await this.history(call)),
      quietFor: () => performance.now() - this.#lastEventAt,
      modelAsked: () => {
        const last = this.#options.llm?.requests?.slice(slice.mark.requests).at(-1);
        return last !== undefined && last.response?.error === undefined;
      },
      modelFailed: () => modelFailuresSince(this.#options.llm, slice.mark).length > 0,
      // The agent's whole output is the greeting's; a later wait has no mark in it to start from.
      ...(slice.mark === this.#llmMark && { modelGaveUp: () => errors.modelGaveUp(this.#agent.output()) }),
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
      if (error instanceof errors.AgentSessionError) throw error;
      throw await this.#requestError(kind, error, timeout, undefined, options.signal);
    }
  }

  /** The greeting's record: its events so far, its items from the history, and the LLM misses before the first turn. */
  #finishGreeting(items: TurnItem[], final = true): TurnRecord {
    if (final) {
      mergeModelMisses(this.#options.llm, this.#llmMark, {
        events: this.#greetingBuilder.events,
        add: (error) => this.#greetingBuilder.addError(error),
      });
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
   * Stops the agent and everything the session opened (idempotent): closes the connection,
   * signals the agent's process group, waits `shutdownGrace`, SIGKILLs the group and reaps it.
   * With the `tools` option, then fails with TOOL_MOCK_UNKNOWN, once, if the file's mocks (or a
   * `mockTools()` never restored) name a tool no agent in charge during the session had;
   * `checkMocks: false` skips that, for a run that left out tests which might have reached the
   * agent that has it. `waitForExit: false` returns once the agent is signalled and leaves the
   * rest to the background: this process's exit handler and its watchdog still end the agent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    // Checked before the agent goes: an agent that went away first has already failed the test.
    const checks =
      this.#closing === undefined && !this.#connection.closed && options.checkMocks !== false ? this.#mockStack?.finish() : undefined;
    const closing = (this.#closing ??= (async () => {
      this.#connection.close();
      this.#listener.close();
      const graceMs = this.#shutdownGrace();
      const pid = this.#agent.pid;
      const background = options.waitForExit === false && pid !== undefined && this.#agent.status === undefined;
      const runId = process.env[RUN_TAG_ENV];
      if (background) markReaping(runId, pid, graceMs);
      const exit = this.#agent.terminate({ graceMs }).then(() => {
        if (pid === undefined) return;
        untrackAgent(pid);
        if (background) unmarkReaping(runId, pid);
      });
      // Until reaped, the agent stays registered: the exit handler and the watchdog end it should this process go first.
      if (background) exit.catch(() => {});
      else await exit;
      await this.#llm?.close();
      await this.#mocks?.close();
    })());
    // The first scope's problems (the file's before any mockTools()'s): one fix at a time, like a compiler's first error.
    const check = checks?.[0];
    return check ? closing.then(() => Promise.reject(this.#unknownMocks(check))) : closing;
  }

  #shutdownGrace(): number {
    return shutdownGraceFor(this.launch.kind, this.#options);
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
      throw errors.requestFailed({ failed: 'answered', request: kind, error: this.#redact(response.error) }, this.#details());
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
    // Python may send a turn's last events just after its response: they belong to that turn,
    // until the agent starts something of its own (a timer's reply), which listen() reports.
    const last = this.#tail;
    if (last === undefined) {
      this.preamble.push(event);
      if (this.#greeting === undefined) this.#greetingBuilder.addEvent(event);
      return;
    }
    if (this.#unprompted === undefined && startsUnprompted(event, last)) this.#unprompted = new TurnBuilder('', -1);
    if (this.#unprompted) return this.#unprompted.addEvent(event);
    last.events.push(event);
    if (event.type === 'error') last.errors.push({ source: 'event', message: event.message });
    else if (event.type === 'session_usage_updated') last.usage = event.usage;
  }

  /** Fails when the session cannot take a request; `what` and `when` name it for the error ("Cannot say: ... while idle"). */
  async #assertOpen(what: string, when = 'while idle'): Promise<void> {
    if (this.#closing !== undefined) throw errors.sessionClosed({ cannot: what }, { agentFile: this.agentFile });
    if (!this.#connection.closed) return;
    if (this.#endReported) {
      const status = this.#disconnectedAlive ? undefined : this.#agent.status;
      const how = status ? errors.describeAgentEnd({ status }).what : (this.#disconnect?.message ?? 'connection closed');
      throw errors.agentDisconnected({ gone: { cannot: what, how } }, this.#details());
    }
    // Nothing reported it yet: it went away between requests, and this error is the first to say why.
    await this.#afterDisconnect;
    const end = this.#end();
    this.#endReported = true;
    throw errors.agentEnded(end, { cannot: what, when }, this.#details());
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
  async #requestError(
    kind: RequestKind,
    error: unknown,
    timeout: number,
    turn?: TurnRecord,
    signal?: AbortSignal,
    doing?: Doing['doing'],
  ): Promise<errors.AgentSessionError> {
    const what = kind === 'runInput' ? 'the turn' : doing ? `the ${kind} request made to ${doing.what}` : `the ${kind} request`;
    // Read once the outcome is known: an exit after a disconnect changes the details.
    const context = () => ({ ...this.#details(), cause: error, ...(turn && { turn }) });
    if (error instanceof RequestTimeoutError) {
      if (kind !== 'runInput') return errors.requestTimeout({ request: what, timeout }, context());
      const running =
        turn?.items.flatMap((item) => (item.type === 'function_call' ? [`${item.name}(${truncate(item.arguments, 200)})`] : [])) ?? [];
      return errors.turnTimeout({ timeout, running }, context());
    }
    if (error instanceof ConnectionClosedError) {
      const cause = error.cause instanceof Error ? error.cause : undefined;
      // A protocol violation is reported at once; anything else waits to learn whether the agent died.
      if (cause?.name !== 'ProtocolError') await this.#afterDisconnect;
      // Later calls point back to this error.
      this.#endReported = true;
      if (cause?.name === 'ProtocolError') {
        return errors.protocolError(
          { during: what, message: cause.message, fault: cause instanceof ProtocolError ? cause.fault : undefined },
          context(),
        );
      }
      return errors.agentEnded(this.#end(), { during: what }, context());
    }
    if (signal?.aborted || (error instanceof Error && isAbortError(error))) {
      // The signal's reason is whatever the aborter chose (Vitest: its "Test timed out" error).
      return errors.aborted({ waitingFor: what, reason: error instanceof Error ? error.message : String(error) }, context());
    }
    const tooLarge = error instanceof ProtocolError && error.fault === 'oversized-frame';
    return errors.requestFailed({ failed: 'send', request: what, error, tooLarge }, this.#details());
  }

  /** How the agent went away, once the exit after a disconnect is known. */
  #end() {
    const status = this.#disconnectedAlive ? undefined : this.#agent.status;
    return endFacts({ status, output: this.#agent.output(), launch: this.launch });
  }
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function isAbortError(error: Error): boolean {
  return error.name === 'AbortError' || error.name === 'TimeoutError' || error.message === 'aborted';
}

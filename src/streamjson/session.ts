/**
 * A stream-json CLI under test: spawned with stdin/stdout as NDJSON pipes, one `user` line per
 * turn, everything up to the `result` collected into a turn record. Control requests from the
 * CLI (permissions, external tools) are answered while the turn runs. Longer than most modules
 * because every line the CLI writes can touch the running turn, a pending control request or the
 * session's end, state this class keeps private; the queue, the waits and the model-miss merge
 * are the shared core's (src/core).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as errors from '../errors/index.js';
import type { AgentProcessLike, ExitStatus } from '../process/agent-process.js';
import { createRedactor, knownSecrets, redactInPlace } from '../process/redact.js';
import { agentTag } from '../process/run-tag.js';
import type { LlmListening } from '../core/model-server.js';
import { mergeModelMisses, modelMark } from '../core/model-calls.js';
import { SerialQueue } from '../core/queue.js';
import { race } from '../core/race.js';
import type { ToolMap, TurnRecord } from '../turn/types.js';
import { isKnownType, type ControlRequest, type InitMessage, type ResultMessage, type StreamJsonMessage } from './messages.js';
import { encodeLine, excerpt, NdjsonReader, type NdjsonError } from './ndjson.js';
import { STREAM_JSON_DEFAULTS, type StreamJsonSessionOptions } from './options.js';
import { decide, type PermissionAnswer } from './policy.js';
import { AgentProcess } from '../process/agent-process.js';
import { trackAgent, untrackAgent } from '../process/registry.js';
import { TurnAssembler, type OutputSources, type StreamJsonTurnRecord } from './record.js';
import { runExternalTool } from './tools.js';

export interface StreamJsonSayOptions {
  /** Overrides the session's turn timeout for this turn, in ms. */
  timeout?: number;
  /** Aborts the wait (e.g. the test's own signal). */
  signal?: AbortSignal;
}

interface PendingRequest {
  subtype: string;
  resolve: (response: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

interface CurrentTurn {
  assembler: TurnAssembler;
  resolve: (record: StreamJsonTurnRecord) => void;
  reject: (error: Error) => void;
}

/** The CLI as the session drives it: a process whose stdin takes the protocol's lines. */
export interface StdioAgent extends AgentProcessLike {
  /** Writes to the CLI's stdin; false when it is already closed. */
  write(text: string): boolean;
}

/** A control request's answer, or why it failed. */
interface Answer {
  body?: Obj;
  error?: Error;
}

/** How long after the CLI's first line the answer to `initialize` may take. */
const INITIALIZE_AFTER_OUTPUT_MS = 15_000;

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Starts the CLI and waits until it has answered `initialize` (and registered the test's tools). */
export async function startStreamJsonSession(options: StreamJsonSessionOptions): Promise<StreamJsonSession> {
  if (!Array.isArray(options?.command) || options.command.length === 0 || options.command.some((arg) => typeof arg !== 'string')) {
    throw new TypeError(
      'startStreamJsonSession needs { command: [file, ...args] } as a non-empty array of strings (or a preset such as lettaCode()).',
    );
  }
  if (options.protocol !== undefined && options.protocol !== 'stream-json') {
    throw new TypeError(`Unknown protocol ${JSON.stringify(options.protocol)}: only 'stream-json' is supported here.`);
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'agent-session-test-sj-'));
  let llm: LlmListening | undefined;
  let session: StreamJsonSession | undefined;
  try {
    llm = options.llm ? await options.llm.listen() : undefined;
    const cwd = options.cwd ?? path.join(workDir, 'cwd');
    await mkdir(cwd, { recursive: true });
    const prepared = (await options.prepare?.({ llmEnv: llm?.env, workDir, cwd })) ?? {};
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...agentTag(),
      ...llm?.env,
      ...prepared,
      ...options.env,
    };
    session = new StreamJsonSession(options, workDir, llm, createRedactor(knownSecrets(env, [], llm?.secrets)));
    await session.spawn(cwd, env);
    return session;
  } catch (error) {
    if (session) await session.close();
    else {
      await llm?.close();
      await rm(workDir, { recursive: true, force: true });
    }
    throw error;
  }
}

export class StreamJsonSession {
  /** The argv that started the CLI. */
  readonly command: readonly string[];
  /** Lines that arrived outside any turn (e.g. Letta's start-up `system/init`). */
  readonly preamble: StreamJsonMessage[] = [];
  readonly #options: StreamJsonSessionOptions;
  readonly #workDir: string;
  readonly #llm: { close(): Promise<void> } | undefined;
  readonly #turns: StreamJsonTurnRecord[] = [];
  readonly #pending = new Map<string, PendingRequest>();
  #cli: StdioAgent | undefined;
  #init: InitMessage | undefined;
  #current: CurrentTurn | undefined;
  readonly #queue = new SerialQueue();
  #closing: Promise<void> | undefined;
  /** Why the session cannot go on (a protocol violation, the CLI exiting). */
  #fatal: errors.AgentSessionError | undefined;
  /** Turns given up on (timed out) whose `result` is still to come and must not end a later turn. */
  #orphans = 0;
  #requestCount = 0;
  /** Settles once stdout has ended, so an exit is handled after the last line. */
  readonly #stdoutEnded: Promise<void>;
  /** @internal Where the CLI's stdout goes. */
  readonly stdout: { onStdout: (text: string) => void; onStdoutEnd: () => void };
  #awaitingInitialize = false;
  /** Armed by the CLI's first line while `initialize` is unanswered. */
  #initializeTimer: NodeJS.Timeout | undefined;

  /** Keeps every secret the harness knows of out of records, errors and output. */
  readonly #redact: (text: string) => string;
  #resolveEnded!: () => void;
  /**
   * Settles once the session cannot go on (the CLI exited, or broke the protocol); never when
   * close() ends it. A holder of a long-lived session learns from it that the CLI is gone.
   */
  readonly ended: Promise<void> = new Promise((resolve) => (this.#resolveEnded = resolve));

  /** @internal use startStreamJsonSession */
  constructor(
    options: StreamJsonSessionOptions,
    workDir: string,
    llm: { close(): Promise<void> } | undefined,
    redact: (text: string) => string = (text) => text,
  ) {
    this.#options = options;
    this.#redact = redact;
    this.command = [...options.command];
    this.#workDir = workDir;
    this.#llm = llm;
    const reader = new NdjsonReader({
      onMessage: (message) => this.#onMessage(message as StreamJsonMessage),
      onError: (error) => this.#onMalformed(error),
      ...(options.maxLineLength !== undefined && { maxLineLength: options.maxLineLength }),
    });
    let endStdout!: () => void;
    this.#stdoutEnded = new Promise((resolve) => (endStdout = resolve));
    this.stdout = {
      onStdout: (text) => reader.push(text),
      onStdoutEnd: () => {
        reader.end();
        endStdout();
      },
    };
  }

  /** @internal */
  async spawn(cwd: string, env: Record<string, string | undefined>): Promise<void> {
    const deadline = Date.now() + (this.#options.startupTimeout ?? STREAM_JSON_DEFAULTS.startupTimeout);
    const onOutput = this.#options.onOutput;
    const cli = await AgentProcess.spawn(
      {
        argv: this.command,
        cwd,
        env,
        ...(this.#options.outputLimit !== undefined && { outputLimit: this.#options.outputLimit }),
        redact: this.#redact,
        ...(onOutput && { onOutput: (text: string) => onOutput(text) }),
        stdio: this.stdout,
      },
      undefined,
      errors.cliSpawnHint(this.command[0]!, cwd, this.#options.cwd === undefined),
    );
    await this.attach(cli, deadline);
  }

  /**
   * @internal Drives a started CLI whose stdout goes to {@link stdout}: tracks it, then makes
   * the start-up requests. Unit tests attach one made of in-process streams.
   */
  async attach(cli: StdioAgent, deadline: number): Promise<void> {
    const startupTimeout = this.#options.startupTimeout ?? STREAM_JSON_DEFAULTS.startupTimeout;
    this.#cli = cli;
    const pid = cli.pid;
    if (pid !== undefined) trackAgent(pid);
    void cli.exited.then((status) => {
      if (pid !== undefined) untrackAgent(pid);
      void this.#onExit(status);
    });
    const signal = this.#options.signal;
    if (this.#options.initialize !== false) {
      this.#awaitingInitialize = true;
      try {
        await this.#startupRequest({ subtype: 'initialize' }, deadline, startupTimeout, signal);
      } finally {
        this.#awaitingInitialize = false;
        clearTimeout(this.#initializeTimer);
      }
    }
    const tools = this.#options.tools ?? [];
    if (tools.length > 0) {
      const specs = tools.map(({ name, label, description, parameters }) => ({
        name,
        ...(label !== undefined && { label }),
        description,
        parameters,
      }));
      await this.#startupRequest({ subtype: 'register_external_tools', tools: specs }, deadline, startupTimeout, signal).catch(
        (error: unknown) => {
          throw error instanceof errors.AgentSessionError && error.code === 'REQUEST_FAILED'
            ? errors.requestFailed({ failed: 'external-tools', reason: error.shortMessage }, this.#context({ cause: error }))
            : error;
        },
      );
    }
  }

  async #startupRequest(
    request: Obj & { subtype: string },
    deadline: number,
    startupTimeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Obj> {
    try {
      return await this.control(request, { timeout: Math.max(1, deadline - Date.now()), ...(signal && { signal }) });
    } catch (error) {
      if (error instanceof errors.AgentSessionError && error.code === 'REQUEST_TIMEOUT') {
        throw errors.startupTimeout({ waitedFor: 'control', subtype: request.subtype, timeout: startupTimeout }, this.#context());
      }
      if (error instanceof errors.AgentSessionError && error.code === 'AGENT_EXITED') {
        throw errors.agentExited({ phase: 'cli-starting' }, this.#context());
      }
      throw error;
    }
  }

  /** Every turn so far. */
  get turns(): readonly StreamJsonTurnRecord[] {
    return this.#turns;
  }

  /** The latest `system`/`init` line: session id, model, tools, cwd (Letta sends it at start-up, Claude at every turn). */
  get init(): InitMessage | undefined {
    return this.#init;
  }

  get pid(): number | undefined {
    return this.#cli?.pid;
  }

  /** The tail of what the CLI wrote to stderr. */
  output(): string {
    return this.#cli?.output() ?? '';
  }

  /** Sends one user turn and resolves with its record at the turn's `result`. Turns run one at a time. */
  say<Tools extends ToolMap = ToolMap>(text: string, options: StreamJsonSayOptions = {}): Promise<StreamJsonTurnRecord<Tools>> {
    return this.#queue.run(() => this.#say(text, options)) as unknown as Promise<StreamJsonTurnRecord<Tools>>;
  }

  async #say(text: string, options: StreamJsonSayOptions): Promise<StreamJsonTurnRecord> {
    if (typeof text !== 'string') throw new TypeError(`say() takes the user's text as a string, got ${typeof text}`);
    this.#assertOpen('say');
    const timeout = options.timeout ?? this.#options.turnTimeout ?? STREAM_JSON_DEFAULTS.turnTimeout;
    const llmMark = modelMark(this.#options.llm);
    const assembler = new TurnAssembler(text, this.#turns.length, this.#options.name ?? path.basename(this.command[0]!), this.#init?.model);
    const done = new Promise<StreamJsonTurnRecord>((resolve, reject) => (this.#current = { assembler, resolve, reject }));
    this.#cli!.write(encodeLine({ type: 'user', message: { role: 'user', content: text } }));
    try {
      const outcome = await race(done, { ms: timeout, signal: options.signal });
      if (outcome.kind !== 'done') {
        // The turn's `result` may still come: it must not end a later turn.
        this.#orphans++;
        throw outcome.kind === 'timeout'
          ? errors.turnTimeout({ timeout, cli: true }, this.#context({ turn: this.#partial(assembler) }))
          : errors.aborted(
              { waitingFor: 'the turn' },
              this.#context({ ...(outcome.reason !== undefined && { cause: outcome.reason }), turn: this.#partial(assembler) }),
            );
      }
      const record = outcome.value;
      // A CLI that reports the model's error body (Letta: `400 <explanation>`) already put the
      // explanation in the turn; a second copy would only double a long text.
      mergeModelMisses(this.#options.llm, llmMark, { reported: record.errors, add: (error) => record.errors.push(error) });
      redactInPlace(record, this.#redact);
      this.#turns.push(record);
      return record;
    } finally {
      this.#current = undefined;
    }
  }

  /**
   * Sends the `interrupt` control request and resolves with the CLI's answer. A running turn then
   * ends with status `'interrupted'` (Claude Code stops at once; Letta Code 0.25.9 reads the
   * request only after the running turn's result).
   */
  async interrupt(options: StreamJsonSayOptions = {}): Promise<Obj> {
    this.#assertOpen('interrupt');
    if (this.#current) this.#current.assembler.interruptRequested = true;
    return this.control({ subtype: 'interrupt' }, options);
  }

  /** Sends any control request and resolves with the body of its success answer. */
  control(request: Obj & { subtype: string }, options: StreamJsonSayOptions = {}): Promise<Obj> {
    this.#assertOpen(request.subtype);
    const requestId = `ast-${request.subtype}-${++this.#requestCount}`;
    const timeout = options.timeout ?? this.#options.requestTimeout ?? STREAM_JSON_DEFAULTS.requestTimeout;
    // An already aborted wait sends nothing.
    const what = `the ${request.subtype} control request`;
    if (options.signal?.aborted) return Promise.reject(errors.aborted({ waitingFor: what }, this.#context()));
    const answered = new Promise<Answer>((resolve) => {
      this.#pending.set(requestId, {
        subtype: request.subtype,
        resolve: (body) => resolve({ body }),
        reject: (error) => resolve({ error }),
      });
    });
    this.#cli!.write(encodeLine({ type: 'control_request', request_id: requestId, request }));
    return race(answered, { ms: timeout, signal: options.signal })
      .finally(() => this.#pending.delete(requestId))
      .then((outcome) => {
        if (outcome.kind === 'timeout') {
          throw errors.requestTimeout({ request: what, timeout, cli: true }, this.#context());
        }
        if (outcome.kind === 'aborted') throw errors.aborted({ waitingFor: what }, this.#context());
        if (outcome.value.error) throw outcome.value.error;
        return outcome.value.body!;
      });
  }

  /** Closes stdin (both CLIs finish and exit on EOF), then SIGTERM and finally SIGKILL the group. */
  #terminate(graceMs: number) {
    return this.#cli?.terminate({ inputGraceMs: graceMs, signal: 'SIGTERM', graceMs: Math.max(200, graceMs) });
  }

  /**
   * Ends the session: closes stdin (the CLI finishes and exits), then signals its process group
   * after the grace period and ends what the CLI started outside it (Letta's Bash commands), found
   * by the session's tag; stops the scripted LLM and removes the work dir. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#terminate(this.#options.shutdownGrace ?? STREAM_JSON_DEFAULTS.shutdownGrace);
      await this.#llm?.close();
      await rm(this.#workDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    })();
    return this.#closing;
  }

  #onMessage(message: StreamJsonMessage): void {
    if (this.#fatal) return;
    if (this.#awaitingInitialize && this.#initializeTimer === undefined) this.#expectInitializeAnswer(message);
    this.#options.onMessage?.(message);
    const at = Date.now();
    if (!isKnownType(message.type)) {
      if (this.#options.unknownMessages === 'ignore') return this.#addLine(message, at);
      return this.#fail((context) =>
        errors.protocolError({ cli: 'unknown-type', type: message.type, excerpt: excerpt(JSON.stringify(message)) }, context),
      );
    }
    switch (message.type) {
      case 'control_response':
        return this.#onControlResponse(message);
      case 'control_request':
        this.#addLine(message, at);
        void this.#onControlRequest(message as ControlRequest, at);
        return;
      case 'result':
        return this.#onResult(message as ResultMessage);
      case 'system':
        if (message.subtype === 'init') this.#init = message as InitMessage;
        return this.#addLine(message, at);
      default:
        return this.#addLine(message, at);
    }
  }

  /**
   * A CLI that writes stream-json but ignores control requests would otherwise stall start-up for
   * the whole startup timeout. Letta answers `initialize` right after its first line, Claude Code
   * with its first line, so silence for long after the first line means the request was dropped.
   */
  #expectInitializeAnswer(first: StreamJsonMessage): void {
    this.#initializeTimer = setTimeout(() => {
      if (!this.#awaitingInitialize || this.#fatal) return;
      this.#fail((context) =>
        errors.startupTimeout(
          { waitedFor: 'initialize', firstLine: excerpt(JSON.stringify(first)), afterMs: INITIALIZE_AFTER_OUTPUT_MS },
          context,
        ),
      );
    }, INITIALIZE_AFTER_OUTPUT_MS);
  }

  #addLine(message: StreamJsonMessage, at: number): void {
    if (this.#current) this.#current.assembler.add(message, at);
    else if (this.#orphans === 0) this.preamble.push(message);
  }

  #onResult(result: ResultMessage): void {
    if (this.#orphans > 0 || !this.#current) {
      if (this.#orphans > 0) this.#orphans--;
      else this.preamble.push(result);
      return;
    }
    const { assembler, resolve } = this.#current;
    resolve(assembler.finish(result, this.#sources(assembler)));
  }

  #onControlResponse(message: StreamJsonMessage): void {
    const response = isObj(message['response']) ? message['response'] : {};
    const pending = this.#pending.get(String(response['request_id']));
    if (!pending) return;
    if (response['subtype'] === 'success') pending.resolve(isObj(response['response']) ? response['response'] : {});
    else
      pending.reject(
        errors.requestFailed(
          {
            failed: 'answered',
            request: `the ${pending.subtype} control request`,
            error: String(response['error'] ?? JSON.stringify(response)),
            cli: true,
          },
          this.#context(),
        ),
      );
  }

  async #onControlRequest(message: ControlRequest, at: number): Promise<void> {
    const requestId = String(message.request_id);
    const request = isObj(message.request) ? message.request : { subtype: '' };
    const turn = this.#current?.assembler;
    if (request.subtype === 'can_use_tool') {
      const toolName = String(request['tool_name'] ?? '');
      const input = isObj(request['input']) ? request['input'] : {};
      const toolCallId =
        typeof request['tool_call_id'] === 'string'
          ? request['tool_call_id']
          : typeof request['tool_use_id'] === 'string'
            ? request['tool_use_id']
            : undefined;
      let answer: PermissionAnswer;
      try {
        answer = await decide(
          this.#options.permissions,
          { toolName, input, requestId, raw: request, ...(toolCallId !== undefined && { toolCallId }) },
          new Set(this.#options.tools?.map((t) => t.name)),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        turn?.builder.addError({ source: 'event', message: `the permission policy failed for ${toolName}: ${reason}` });
        answer = { behavior: 'deny', message: `The test's permission policy failed: ${reason}` };
      }
      turn?.recordPermission({
        requestId,
        toolName,
        ...(toolCallId !== undefined && { toolCallId }),
        input,
        behavior: answer.behavior,
        ...(answer.behavior === 'deny' && answer.message !== undefined && { message: answer.message }),
        at,
      });
      const body = answer.behavior === 'allow' ? { behavior: 'allow', updatedInput: answer.updatedInput ?? input } : answer;
      this.#reply({ subtype: 'success', request_id: requestId, response: body });
      return;
    }
    if (request.subtype === 'execute_external_tool') {
      const toolName = String(request['tool_name'] ?? '');
      const toolCallId = String(request['tool_call_id'] ?? '');
      const input = isObj(request['input']) ? request['input'] : {};
      const tool = this.#options.tools?.find((t) => t.name === toolName);
      const { text, isError } = await runExternalTool(tool, toolName, input, toolCallId);
      turn?.recordExternalTool({ toolCallId, toolName, input, output: text, isError, at });
      this.#reply({
        subtype: 'external_tool_result',
        request_id: requestId,
        tool_call_id: toolCallId,
        content: [{ type: 'text', text }],
        is_error: isError,
      });
      return;
    }
    this.#reply({
      subtype: 'error',
      request_id: requestId,
      error: `agent-session-test does not handle ${JSON.stringify(request.subtype)} control requests`,
    });
  }

  #reply(response: Obj): void {
    this.#cli?.write(encodeLine({ type: 'control_response', response }));
  }

  #onMalformed(error: NdjsonError): void {
    if (this.#fatal) return;
    this.#fail((context) => errors.protocolError({ cli: 'malformed-line', message: error.message, line: error.line }, context));
  }

  async #onExit(status: ExitStatus): Promise<void> {
    await this.#stdoutEnded;
    if (this.#closing !== undefined || this.#fatal) return;
    const duringTurn = this.#current !== undefined;
    this.#fail(
      (context) => errors.agentExited({ phase: 'cli-running', exitCode: status.exitCode, signal: status.signal, duringTurn }, context),
      false,
    );
  }

  /**
   * Ends the session for good: fails the running turn (its error carries the turn so far) and
   * pending requests, and stops the CLI. `error` makes the error for a context.
   */
  #fail(error: (context: errors.ErrorContext) => errors.AgentSessionError, stop = true): void {
    const fatal = error(this.#context());
    this.#fatal = fatal;
    this.#resolveEnded();
    const current = this.#current;
    if (current) current.reject(error(this.#context({ turn: this.#partial(current.assembler) })));
    for (const pending of this.#pending.values()) pending.reject(fatal);
    if (stop) void this.#terminate(0);
  }

  #assertOpen(what: string): void {
    if (this.#closing !== undefined) throw errors.sessionClosed({ cannot: what }, { command: this.command });
    if (this.#fatal)
      throw errors.agentDisconnected({ gone: { cannot: what, how: this.#fatal.shortMessage, program: 'CLI' } }, this.#details());
  }

  #sources(assembler: TurnAssembler): OutputSources {
    return {
      permissions: assembler.permissions,
      externalTools: assembler.externalTools,
      modelToolOutputs: modelToolOutputs(this.#options.llm),
    };
  }

  #partial(assembler: TurnAssembler): TurnRecord {
    return redactInPlace(assembler.partial(this.#sources(assembler)), this.#redact);
  }

  #details() {
    const status = this.#cli?.status;
    return {
      command: this.command,
      pid: this.#cli?.pid,
      ...(status && { exitCode: status.exitCode, signal: status.signal }),
      output: this.output(),
    };
  }

  /** What every error of this session carries: the CLI's details, and its redaction (messages may quote what the CLI wrote). */
  #context(extra: Pick<errors.ErrorContext, 'cause' | 'turn'> = {}): errors.ErrorContext {
    return { ...this.#details(), redact: this.#redact, ...extra };
  }
}

/**
 * Tool outputs the scripted model received (`role: 'tool'` messages, or Anthropic `tool_result`
 * blocks), by call id: the only place Letta Code 0.25.9 shows the result of a client-side tool.
 */
function modelToolOutputs(llm: unknown): Map<string, string> | undefined {
  const requests = isObj(llm) || typeof llm === 'object' ? (llm as { requests?: unknown }).requests : undefined;
  if (!Array.isArray(requests)) return undefined;
  const outputs = new Map<string, string>();
  for (const request of requests) {
    const messages = isObj(request) && Array.isArray(request['messages']) ? request['messages'] : [];
    for (const message of messages) {
      if (!isObj(message)) continue;
      if (message['role'] === 'tool' && typeof message['tool_call_id'] === 'string') {
        outputs.set(message['tool_call_id'], contentText(message['content']));
      } else if (message['role'] === 'user' && Array.isArray(message['content'])) {
        for (const block of message['content']) {
          if (isObj(block) && block['type'] === 'tool_result' && typeof block['tool_use_id'] === 'string')
            outputs.set(block['tool_use_id'], contentText(block['content']));
        }
      }
    }
  }
  return outputs;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObj(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('\n');
}

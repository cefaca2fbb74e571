/**
 * A stream-json CLI under test: spawned with stdin/stdout as NDJSON pipes, one `user` line per
 * turn, everything up to the `result` collected into a turn record. Control requests from the
 * CLI (permissions, external tools) are answered while the turn runs.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AgentSessionError, type AgentErrorCode } from '../errors/index.js';
import type { ExitStatus } from '../process/agent-process.js';
import { createRedactor, knownSecrets, redactInPlace } from '../process/redact.js';
import { agentTag } from '../process/run-tag.js';
import { modelFailuresSince, modelMark } from '../session/model-calls.js';
import type { LlmListening } from '../session/options.js';
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

/** How long after the CLI's first line the answer to `initialize` may take. */
const INITIALIZE_AFTER_OUTPUT_MS = 15_000;

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Starts the CLI and waits until it has answered `initialize` (and registered the test's tools). */
export async function startStreamJsonSession(options: StreamJsonSessionOptions): Promise<StreamJsonSession> {
  if (!Array.isArray(options?.command) || options.command.length === 0 || options.command.some((arg) => typeof arg !== 'string')) {
    throw new TypeError('startStreamJsonSession needs { command: [file, ...args] } as a non-empty array of strings (or a preset such as lettaCode()).');
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
  #cli: AgentProcess | undefined;
  #reader: NdjsonReader | undefined;
  #init: InitMessage | undefined;
  #current: CurrentTurn | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Why the session cannot go on (a protocol violation, the CLI exiting). */
  #fatal: AgentSessionError | undefined;
  /** Turns given up on (timed out) whose `result` is still to come and must not end a later turn. */
  #orphans = 0;
  #requestCount = 0;
  /** Settles once stdout has ended, so an exit is handled after the last line. */
  #stdoutEnded!: Promise<void>;
  #awaitingInitialize = false;
  /** Armed by the CLI's first line while `initialize` is unanswered. */
  #initializeTimer: NodeJS.Timeout | undefined;

  /** Keeps every secret the harness knows of out of records, errors and output. */
  readonly #redact: (text: string) => string;

  /** @internal use startStreamJsonSession */
  constructor(options: StreamJsonSessionOptions, workDir: string, llm: { close(): Promise<void> } | undefined, redact: (text: string) => string = (text) => text) {
    this.#options = options;
    this.#redact = redact;
    this.command = [...options.command];
    this.#workDir = workDir;
    this.#llm = llm;
  }

  /** @internal */
  async spawn(cwd: string, env: Record<string, string | undefined>): Promise<void> {
    const startupTimeout = this.#options.startupTimeout ?? STREAM_JSON_DEFAULTS.startupTimeout;
    const deadline = Date.now() + startupTimeout;
    this.#reader = new NdjsonReader({
      onMessage: (message) => this.#onMessage(message as StreamJsonMessage),
      onError: (error) => this.#onMalformed(error),
      ...(this.#options.maxLineLength !== undefined && { maxLineLength: this.#options.maxLineLength }),
    });
    let endStdout!: () => void;
    this.#stdoutEnded = new Promise((resolve) => (endStdout = resolve));
    const onOutput = this.#options.onOutput;
    this.#cli = await AgentProcess.spawn(
      {
        argv: this.command,
        cwd,
        env,
        ...(this.#options.outputLimit !== undefined && { outputLimit: this.#options.outputLimit }),
        redact: this.#redact,
        ...(onOutput && { onOutput: (text: string) => onOutput(text) }),
        stdio: {
          onStdout: (text) => this.#reader?.push(text),
          onStdoutEnd: () => {
            this.#reader?.end();
            endStdout();
          },
        },
      },
      undefined,
      spawnHint(this.command[0]!, cwd, this.#options.cwd === undefined),
    );
    const pid = this.#cli.pid;
    if (pid !== undefined) trackAgent(pid);
    void this.#cli.exited.then((status) => {
      if (pid !== undefined) untrackAgent(pid);
      this.#onExit(status);
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
      const specs = tools.map(({ name, label, description, parameters }) => ({ name, ...(label !== undefined && { label }), description, parameters }));
      await this.#startupRequest({ subtype: 'register_external_tools', tools: specs }, deadline, startupTimeout, signal).catch((error: unknown) => {
        throw error instanceof AgentSessionError && error.code === 'REQUEST_FAILED'
          ? this.#error('REQUEST_FAILED', `The CLI refused to register the external tools: ${error.shortMessage}`, 'Only Letta Code supports external tools (register_external_tools).', error)
          : error;
      });
    }
  }

  async #startupRequest(request: Obj & { subtype: string }, deadline: number, startupTimeout: number, signal: AbortSignal | undefined): Promise<Obj> {
    try {
      return await this.control(request, { timeout: Math.max(1, deadline - Date.now()), ...(signal && { signal }) });
    } catch (error) {
      if (error instanceof AgentSessionError && error.code === 'REQUEST_TIMEOUT') {
        throw this.#error('AGENT_STARTUP_TIMEOUT', `The CLI did not answer ${request.subtype} within the startup timeout (${startupTimeout} ms).`, 'Check that the command runs in headless stream-json mode (`--input-format stream-json --output-format stream-json`), or raise { startupTimeout } if it is just slow; pass { initialize: false } for a CLI that does not know the initialize request.');
      }
      if (error instanceof AgentSessionError && error.code === 'AGENT_EXITED') {
        throw this.#error('AGENT_EXITED', 'The CLI exited while starting.', 'Its stderr below says why; check the command line, its flags and its environment.');
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
    const run = this.#queue.then(() => this.#say(text, options));
    this.#queue = run.catch(() => {});
    return run as unknown as Promise<StreamJsonTurnRecord<Tools>>;
  }

  async #say(text: string, options: StreamJsonSayOptions): Promise<StreamJsonTurnRecord> {
    if (typeof text !== 'string') throw new TypeError(`say() takes the user's text as a string, got ${typeof text}`);
    this.#assertOpen('say');
    const timeout = options.timeout ?? this.#options.turnTimeout ?? STREAM_JSON_DEFAULTS.turnTimeout;
    const llmMark = modelMark(this.#options.llm);
    const assembler = new TurnAssembler(text, this.#turns.length, this.#options.name ?? path.basename(this.command[0]!), this.#init?.model);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const done = new Promise<StreamJsonTurnRecord>((resolve, reject) => {
      this.#current = { assembler, resolve, reject };
      timer = setTimeout(() => {
        this.#orphans++;
        reject(this.#error('TURN_TIMEOUT', `The CLI did not finish the turn within ${timeout} ms (no result line).`, 'A tool or the model may be hanging, or a permission request went unanswered; raise the timeout with say(text, { timeout }) or turnTimeout if the turn is just slow.', undefined, this.#partial(assembler)));
      }, timeout);
      onAbort = () => {
        this.#orphans++;
        reject(this.#error('ABORTED', 'Waiting for the turn was aborted.', 'The test was cancelled or timed out.', options.signal?.reason, this.#partial(assembler)));
      };
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.#cli!.write(encodeLine({ type: 'user', message: { role: 'user', content: text } }));
    try {
      const record = await done;
      for (const message of modelFailuresSince(this.#options.llm, llmMark)) {
        // A CLI that reports the model's error body (Letta: `400 <explanation>`) already put the
        // explanation in the turn; a second copy would only double a long text.
        const text = squeeze(message);
        if (!record.errors.some((error) => squeeze(error.message).includes(text))) record.errors.push({ source: 'llm', message });
      }
      redactInPlace(record, this.#redact);
      this.#turns.push(record);
      return record;
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
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
    return new Promise<Obj>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const settle = () => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      };
      const timer = setTimeout(() => {
        settle();
        reject(this.#error('REQUEST_TIMEOUT', `The CLI did not answer the ${request.subtype} control request within ${timeout} ms.`, 'The CLI may not know this request, or it reads control requests only between turns.'));
      }, timeout);
      onAbort = () => {
        settle();
        reject(this.#error('ABORTED', `Waiting for the ${request.subtype} control request was aborted.`, 'The test was cancelled or timed out.'));
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(requestId, {
        subtype: request.subtype,
        resolve: (body) => (settle(), resolve(body)),
        reject: (error) => (settle(), reject(error)),
      });
      this.#cli!.write(encodeLine({ type: 'control_request', request_id: requestId, request }));
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
      return this.#fail(this.#error('PROTOCOL_ERROR', `The CLI sent a message of unknown type ${JSON.stringify(message.type)}: ${excerpt(JSON.stringify(message))}`, "The harness stopped the CLI, since it cannot tell what the message means for the turn. If the CLI is newer than the harness, pass { unknownMessages: 'ignore' } to skip such lines."));
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
      this.#fail(
        this.#error(
          'AGENT_STARTUP_TIMEOUT',
          `The CLI writes stream-json (its first line: ${excerpt(JSON.stringify(first))}) but did not answer the initialize control request within ${INITIALIZE_AFTER_OUTPUT_MS / 1000} s of it.`,
          'The CLI probably ignores control requests: pass { initialize: false } to start without the handshake (permissions and external tools need a CLI that answers control requests).',
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
    else pending.reject(this.#error('REQUEST_FAILED', `The CLI answered the ${pending.subtype} control request with an error: ${String(response['error'] ?? JSON.stringify(response))}`, 'See the CLI documentation for the request; the CLI may not support it.'));
  }

  async #onControlRequest(message: ControlRequest, at: number): Promise<void> {
    const requestId = String(message.request_id);
    const request = isObj(message.request) ? message.request : { subtype: '' };
    const turn = this.#current?.assembler;
    if (request.subtype === 'can_use_tool') {
      const toolName = String(request['tool_name'] ?? '');
      const input = isObj(request['input']) ? request['input'] : {};
      const toolCallId = typeof request['tool_call_id'] === 'string' ? request['tool_call_id'] : typeof request['tool_use_id'] === 'string' ? request['tool_use_id'] : undefined;
      let answer: PermissionAnswer;
      try {
        answer = await decide(this.#options.permissions, { toolName, input, requestId, raw: request, ...(toolCallId !== undefined && { toolCallId }) }, new Set(this.#options.tools?.map((t) => t.name)));
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
      this.#reply({ subtype: 'external_tool_result', request_id: requestId, tool_call_id: toolCallId, content: [{ type: 'text', text }], is_error: isError });
      return;
    }
    this.#reply({ subtype: 'error', request_id: requestId, error: `agent-session-test does not handle ${JSON.stringify(request.subtype)} control requests` });
  }

  #reply(response: Obj): void {
    this.#cli?.write(encodeLine({ type: 'control_response', response }));
  }

  #onMalformed(error: NdjsonError): void {
    if (this.#fatal) return;
    this.#fail(this.#error('PROTOCOL_ERROR', `The CLI wrote a malformed line on stdout: ${error.message}: ${error.line}`, 'Something in the CLI printed to stdout outside the stream-json protocol (a log line, a banner), or it is not running in `--output-format stream-json` mode. The harness stopped it.'));
  }

  async #onExit(status: ExitStatus): Promise<void> {
    await this.#stdoutEnded;
    if (this.#closing !== undefined || this.#fatal) return;
    const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.exitCode}`;
    const busy = this.#current !== undefined;
    this.#fail(
      this.#error('AGENT_EXITED', `The CLI ${how}${busy ? ' during the turn, before its result' : ''}.`, busy ? 'It crashed or was killed mid-turn; its stderr below says why.' : 'It ended on its own; its stderr below says why.'),
      false,
    );
  }

  /** Ends the session for good: fails the running turn and pending requests, and stops the CLI. */
  #fail(error: AgentSessionError, stop = true): void {
    this.#fatal = error;
    const current = this.#current;
    if (current) current.reject(this.#withTurn(error, this.#partial(current.assembler)));
    for (const pending of this.#pending.values()) pending.reject(error);
    if (stop) void this.#terminate(0);
  }

  #assertOpen(what: string): void {
    if (this.#closing !== undefined) {
      throw new AgentSessionError('SESSION_CLOSED', `Cannot ${what}: the session was closed.`, { command: this.command, hint: 'Start a new session for further turns.' });
    }
    if (this.#fatal) {
      throw new AgentSessionError('AGENT_DISCONNECTED', `Cannot ${what}: the CLI has gone away (${this.#fatal.shortMessage}).`, {
        ...this.#details(),
        hint: 'An earlier failure ended the CLI; see the error that failed first.',
      });
    }
  }

  #sources(assembler: TurnAssembler): OutputSources {
    return { permissions: assembler.permissions, externalTools: assembler.externalTools, modelToolOutputs: modelToolOutputs(this.#options.llm) };
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

  #error(code: AgentErrorCode, message: string, hint: string, cause?: unknown, turn?: TurnRecord): AgentSessionError {
    return new AgentSessionError(code, this.#redact(message), { ...this.#details(), hint, ...(cause !== undefined && { cause }), ...(turn && { turn }) });
  }

  #withTurn(error: AgentSessionError, turn: TurnRecord): AgentSessionError {
    return new AgentSessionError(error.code, this.#redact(error.shortMessage), { ...this.#details(), ...(error.hint !== undefined && { hint: error.hint }), turn });
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
          if (isObj(block) && block['type'] === 'tool_result' && typeof block['tool_use_id'] === 'string') outputs.set(block['tool_use_id'], contentText(block['content']));
        }
      }
    }
  }
  return outputs;
}

/** What to check when the CLI could not be started; a relative path is the usual surprise. */
function spawnHint(bin: string, cwd: string, defaultCwd: boolean): string {
  const check = 'Check that the command exists and is executable (for the bundled peers, run `npm run setup:stream-json`).';
  if (path.isAbsolute(bin) || !/[\\/]/.test(bin)) return check;
  const where = defaultCwd ? `${cwd}, the session's fresh empty directory, since no cwd was given` : cwd;
  return `${check} ${JSON.stringify(bin)} is a relative path, so it resolves against the CLI's working directory (${where}), not the test's: give an absolute path, e.g. path.resolve(${JSON.stringify(bin)}).`;
}

/** Text without whitespace or escaped newlines, to find one message inside another however it was re-encoded. */
function squeeze(text: string): string {
  return text.replace(/\\n|\s+/g, '');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObj(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('\n');
}


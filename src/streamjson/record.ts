/**
 * Turns the lines of one stream-json turn into the same `TurnRecord` the LiveKit driver builds,
 * so every matcher reads both alike, plus what only this protocol has: the turn's status, the
 * permission requests and their answers, external tool runs, retries and recoveries.
 *
 * Past 300 lines and kept whole: `TurnAssembler` is one state machine over a turn's lines (open
 * tool calls, pending permissions, the text so far), and the record types beside it are its output.
 */
import { decodeToolOutput } from '../protocol/tool-output.js';
import { TurnBuilder } from '../turn/builder.js';
import type { FunctionCallItem, FunctionCallOutputItem, MessageItem, SessionUsage, ToolMap, TurnItem, TurnRecord } from '../turn/types.js';
import type { ResultMessage, StreamJsonMessage } from './messages.js';

/** How a turn ended, from its `result` (Claude's `is_error` wins over its `subtype`). */
export type StreamJsonTurnStatus = 'success' | 'error' | 'interrupted';

/** A `can_use_tool` request and the answer the harness sent. */
export interface PermissionRecord {
  requestId: string;
  toolName: string;
  /** The tool call the request is about, when the CLI said. */
  toolCallId?: string;
  input: Record<string, unknown>;
  behavior: 'allow' | 'deny';
  /** The reason sent with a denial. */
  message?: string;
  /** When the request arrived, in ms since the epoch. */
  at: number;
}

/** An external tool the test implemented, run at the CLI's request. */
export interface ExternalToolRecord {
  toolCallId: string;
  toolName: string;
  input: Record<string, unknown>;
  output: string;
  isError: boolean;
  at: number;
}

/** Retries and recoveries the CLI reported. */
export type StreamJsonNotice = { at: number } & (
  | { type: 'retry'; reason?: string; attempt?: number; maxAttempts?: number; delayMs?: number; message?: string }
  | { type: 'recovery'; recoveryType: string; message?: string }
);

/** The record of one stream-json turn: a `TurnRecord` with the protocol's own extras. */
export interface StreamJsonTurnRecord<Tools extends ToolMap = ToolMap> extends TurnRecord<Tools> {
  status: StreamJsonTurnStatus;
  /** The `result` line that ended the turn. */
  result: ResultMessage;
  /** Every `can_use_tool` request of the turn with its answer, in order. */
  permissions: PermissionRecord[];
  /** Every external tool run of the turn, in order. */
  externalTools: ExternalToolRecord[];
  notices: StreamJsonNotice[];
  /** Every line the CLI sent during the turn, as sent (control lines included). */
  lines: StreamJsonMessage[];
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Text of a string or of `[{type:'text', text}]` parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObj(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .filter((text) => text !== '')
    .join('\n');
}

function dateMs(value: unknown, fallback: number): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
}

/** What the harness knows from outside the CLI's lines, to fill outputs it does not report. */
export interface OutputSources {
  permissions: readonly PermissionRecord[];
  externalTools: readonly ExternalToolRecord[];
  /** Tool outputs the model server received, by call id (Letta 0.25.9 writes no tool return for client-side tools). */
  modelToolOutputs?: ReadonlyMap<string, string>;
}

/** Collects one turn's lines as they arrive. */
export class TurnAssembler {
  readonly builder: TurnBuilder;
  readonly lines: StreamJsonMessage[] = [];
  readonly permissions: PermissionRecord[] = [];
  readonly externalTools: ExternalToolRecord[] = [];
  readonly notices: StreamJsonNotice[] = [];
  interruptRequested = false;
  readonly #items: TurnItem[] = [];
  readonly #calls = new Map<string, FunctionCallItem>();
  readonly #messagesById = new Map<string, MessageItem>();
  #usage = { input: 0, cached: 0, output: 0, seen: false };
  #model = '';
  readonly #provider: string;

  constructor(input: string, index: number, provider: string, model: string | undefined) {
    this.builder = new TurnBuilder(input, index);
    this.#provider = provider;
    this.#model = model ?? '';
  }

  /** Takes one line of the turn (anything but the final `result`). */
  add(line: StreamJsonMessage, at: number): void {
    this.lines.push(line);
    switch (line.type) {
      case 'message':
        this.#letta(line, at);
        break;
      case 'assistant':
        this.#claudeAssistant(line, at);
        break;
      case 'user':
        this.#claudeUser(line, at);
        break;
      case 'error': {
        const api = isObj(line['api_error']) ? line['api_error'] : undefined;
        const detail = str(api?.['detail']);
        const message = str(line['message']) ?? 'error';
        this.#error(detail && !message.includes(detail) ? `${message}: ${detail}` : message, at);
        break;
      }
      case 'retry':
        this.#notice({
          at,
          type: 'retry',
          ...optional('reason', str(line['reason'])),
          ...optional('attempt', num(line['attempt'])),
          ...optional('maxAttempts', num(line['max_attempts'])),
          ...optional('delayMs', num(line['delay_ms'])),
        });
        break;
      case 'recovery':
        this.#notice({
          at,
          type: 'recovery',
          recoveryType: str(line['recovery_type']) ?? 'unknown',
          ...optional('message', str(line['message'])),
        });
        break;
      case 'system':
        if (line.subtype === 'init' && typeof line['model'] === 'string') this.#model = line['model'];
        else if (line.subtype === 'api_retry') {
          this.#notice({
            at,
            type: 'retry',
            ...optional('reason', line['error_status'] == null ? undefined : String(line['error_status'])),
            ...optional('attempt', num(line['attempt'])),
            ...optional('maxAttempts', num(line['max_retries'])),
            ...optional('delayMs', num(line['retry_delay_ms'])),
            ...optional('message', str(line['error'])),
          });
        }
        break;
      default:
        break;
    }
  }

  recordPermission(record: PermissionRecord): void {
    this.permissions.push(record);
    this.builder.addEvent({ at: record.at, type: 'other', name: `can_use_tool ${record.toolName}: ${record.behavior}` });
  }

  recordExternalTool(record: ExternalToolRecord): void {
    this.externalTools.push(record);
  }

  #notice(notice: StreamJsonNotice): void {
    this.notices.push(notice);
    this.builder.addEvent({ at: notice.at, type: 'other', name: notice.type === 'retry' ? 'retry' : `recovery ${notice.recoveryType}` });
  }

  #error(message: string, at: number): void {
    this.builder.addEvent({ at, type: 'error', message });
  }

  #assistantText(id: string, text: string, createdAt: number): void {
    if (text === '') return;
    const existing = this.#messagesById.get(id);
    if (existing) {
      existing.content.push(text);
      existing.text = existing.content.join('\n');
      return;
    }
    const item: MessageItem = { type: 'message', id, createdAt, role: 'assistant', text, content: [text], interrupted: false };
    this.#messagesById.set(id, item);
    this.#items.push(item);
  }

  #call(callId: string, name: string, args: string, createdAt: number): void {
    const existing = this.#calls.get(callId);
    if (existing) {
      // Letta repeats a call (approval request, then the executed call); API-mode streams send argument deltas.
      if (existing.arguments === '' || !isJson(existing.arguments)) existing.arguments += args;
      if (existing.name === '' && name !== '') existing.name = name;
      return;
    }
    const item: FunctionCallItem = { type: 'function_call', id: callId, createdAt, name, callId, arguments: args };
    this.#calls.set(callId, item);
    this.#items.push(item);
  }

  #output(callId: string, output: string, isError: boolean, createdAt: number): void {
    const item: FunctionCallOutputItem = {
      type: 'function_call_output',
      id: `${callId}-output`,
      createdAt,
      name: this.#calls.get(callId)?.name ?? '',
      callId,
      ...decodeToolOutput(output),
      isError,
    };
    this.#items.push(item);
  }

  #letta(line: StreamJsonMessage, at: number): void {
    const createdAt = dateMs(line['date'], at);
    const id = str(line['id']) ?? `msg-${this.lines.length}`;
    switch (line['message_type']) {
      case 'assistant_message':
        this.#assistantText(id, textOf(line['content']), createdAt);
        break;
      case 'tool_call_message':
      case 'approval_request_message': {
        const calls = [line['tool_call'], ...(Array.isArray(line['tool_calls']) ? line['tool_calls'] : [])].filter(isObj);
        const seen = new Set<string>();
        for (const call of calls) {
          const callId = str(call['tool_call_id']) ?? [...this.#calls.keys()].at(-1);
          if (callId === undefined || seen.has(callId)) continue;
          seen.add(callId);
          this.#call(callId, str(call['name']) ?? '', str(call['arguments']) ?? '', createdAt);
        }
        break;
      }
      case 'tool_return_message': {
        const callId = str(line['tool_call_id']);
        if (callId) this.#output(callId, str(line['tool_return']) ?? textOf(line['tool_return']), line['status'] === 'error', createdAt);
        break;
      }
      case 'usage_statistics':
        this.#usage.input += num(line['prompt_tokens']) ?? 0;
        this.#usage.cached += num(line['cached_input_tokens']) ?? 0;
        this.#usage.output += num(line['completion_tokens']) ?? 0;
        this.#usage.seen = true;
        break;
      case 'error_message':
        this.#error(str(line['message']) ?? str(line['detail']) ?? 'error_message', at);
        break;
      default:
        break;
    }
  }

  #claudeAssistant(line: StreamJsonMessage, at: number): void {
    const message = isObj(line['message']) ? line['message'] : {};
    const id = str(message['id']) ?? str(line['uuid']) ?? `msg-${this.lines.length}`;
    const blocks = Array.isArray(message['content']) ? message['content'].filter(isObj) : [];
    if (line['is_api_error_message'] === true || typeof line['error'] === 'string') {
      this.#error(textOf(blocks) || str(line['error']) || 'API error', at);
      return;
    }
    for (const block of blocks) {
      if (block['type'] === 'text') this.#assistantText(id, str(block['text']) ?? '', at);
      else if (block['type'] === 'tool_use') {
        this.#call(str(block['id']) ?? `call-${this.lines.length}`, str(block['name']) ?? '', JSON.stringify(block['input'] ?? {}), at);
      }
    }
  }

  #claudeUser(line: StreamJsonMessage, at: number): void {
    const message = isObj(line['message']) ? line['message'] : {};
    const blocks = Array.isArray(message['content']) ? message['content'].filter(isObj) : [];
    for (const block of blocks) {
      if (block['type'] !== 'tool_result') continue;
      const callId = str(block['tool_use_id']);
      if (callId) this.#output(callId, textOf(block['content']), block['is_error'] === true, at);
    }
  }

  /** Closes the turn with its `result`. */
  finish<Tools extends ToolMap>(result: ResultMessage, sources: OutputSources): StreamJsonTurnRecord<Tools> {
    this.#fillOutputs(sources);
    const status = classify(result, this.interruptRequested);
    const usage = this.#usageOf(result);
    const record = this.builder.finish(this.#items, status === 'error' ? resultError(result) : undefined) as StreamJsonTurnRecord<Tools>;
    if (usage) record.usage = usage;
    record.status = status;
    record.result = result;
    record.permissions = this.permissions;
    record.externalTools = this.externalTools;
    record.notices = this.notices;
    record.lines = this.lines;
    return record;
  }

  /** The record so far, for an error that ends the turn before its `result`. */
  partial(sources: OutputSources): TurnRecord {
    this.#fillOutputs(sources);
    return this.builder.finish([...this.#items], undefined);
  }

  /** Outputs the CLI did not write: what the harness answered, else what the model received. */
  #fillOutputs(sources: OutputSources): void {
    const answered = new Set(this.#items.filter((item) => item.type === 'function_call_output').map((item) => item.callId));
    for (const call of this.#calls.values()) {
      if (answered.has(call.callId)) continue;
      const external = sources.externalTools.find((run) => run.toolCallId === call.callId);
      const denied = sources.permissions.find((p) => p.toolCallId === call.callId && p.behavior === 'deny');
      const fromModel = sources.modelToolOutputs?.get(call.callId);
      let output: { text: string; isError: boolean } | undefined;
      if (external) output = { text: external.output, isError: external.isError };
      else if (fromModel !== undefined) output = { text: fromModel, isError: denied !== undefined };
      else if (denied) output = { text: denied.message ?? 'denied', isError: true };
      if (!output) continue;
      const item: FunctionCallOutputItem = {
        type: 'function_call_output',
        id: `${call.callId}-output`,
        createdAt: call.createdAt,
        name: call.name,
        callId: call.callId,
        ...decodeToolOutput(output.text),
        isError: output.isError,
      };
      this.#items.splice(this.#items.indexOf(call) + 1, 0, item);
      answered.add(call.callId);
    }
  }

  #usageOf(result: ResultMessage): SessionUsage | undefined {
    const usage = isObj(result.usage) ? result.usage : undefined;
    const input = num(usage?.['input_tokens']);
    const output = num(usage?.['output_tokens']);
    if (input !== undefined || output !== undefined) {
      return this.#sessionUsage(input ?? 0, num(usage?.['cache_read_input_tokens']) ?? 0, output ?? 0);
    }
    if (this.#usage.seen) return this.#sessionUsage(this.#usage.input, this.#usage.cached, this.#usage.output);
    return undefined;
  }

  #sessionUsage(inputTokens: number, inputCachedTokens: number, outputTokens: number): SessionUsage {
    return {
      models: [
        { kind: 'llm', provider: this.#provider, model: this.#model, inputTokens, inputCachedTokens, outputTokens, sessionDuration: 0 },
      ],
    };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Claude reports API errors as `subtype: 'success'` with `is_error: true`, so the flag decides. */
export function classify(result: ResultMessage, interruptRequested: boolean): StreamJsonTurnStatus {
  if (result.subtype === 'interrupted') return 'interrupted';
  const failed = result.is_error === true || result.subtype === 'error' || result.subtype.startsWith('error_');
  if (
    interruptRequested &&
    (failed || result.stop_reason === 'cancelled') &&
    (result.terminal_reason === 'aborted_streaming' || result.subtype === 'error_during_execution' || result.stop_reason === 'cancelled')
  ) {
    return 'interrupted';
  }
  return failed ? 'error' : 'success';
}

/** The error text a failed `result` carries. */
export function resultError(result: ResultMessage): string {
  if (typeof result.result === 'string' && result.result !== '') return result.result;
  if (Array.isArray(result.errors) && result.errors.length > 0) return result.errors.join('; ');
  return `the turn ended with ${result.subtype}${result.stop_reason ? ` (${result.stop_reason})` : ''}`;
}

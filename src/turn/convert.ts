/** Converts decoded wire objects (src/protocol/wire.ts) into the plain turn-record shapes of `./types.ts`. */
import type {
  AgentState,
  ChatRole,
  FunctionCallItem,
  FunctionCallOutputItem,
  MessageMetrics,
  ModelUsage,
  SessionUsage,
  ToolExecutionUpdate,
  TurnEvent,
  TurnItem,
  UserState,
} from './types.js';
import type {
  WireChatItem,
  WireEvent,
  WireFunctionCall,
  WireFunctionCallOutput,
  WireMetricsReport,
  WireSessionUsage,
  WireTimestamp,
} from '../protocol/wire.js';
import { decodeToolOutput } from '../protocol/tool-output.js';

const ROLES: readonly ChatRole[] = ['developer', 'system', 'user', 'assistant'];
const AGENT_STATES: readonly AgentState[] = ['initializing', 'idle', 'listening', 'thinking', 'speaking'];
const USER_STATES: readonly UserState[] = ['speaking', 'listening', 'away'];
const TOOL_CALL_STATUSES = ['running', 'done', 'error', 'cancelled'] as const;
const TOOL_REPLY_STATUSES = ['scheduled', 'completed', 'interrupted', 'skipped'] as const;

/** Milliseconds since the epoch; 0 for an absent timestamp. */
export function timestampMs(ts: WireTimestamp | null | undefined): number {
  if (ts == null) return 0;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return seconds * 1000 + Math.floor(ts.nanos / 1e6);
}

// Enum values newer than this schema map to the closest safe reading instead of throwing.
export const agentState = (value: number): AgentState => AGENT_STATES[value] ?? 'initializing';
export const userState = (value: number): UserState => USER_STATES[value] ?? 'listening';

export function functionCallItem(call: WireFunctionCall): FunctionCallItem {
  return {
    type: 'function_call',
    id: call.id,
    createdAt: timestampMs(call.createdAt),
    name: call.name,
    callId: call.callId,
    arguments: call.arguments,
  };
}

export function functionCallOutputItem(output: WireFunctionCallOutput): FunctionCallOutputItem {
  return {
    type: 'function_call_output',
    id: output.id,
    createdAt: timestampMs(output.createdAt),
    name: output.name,
    callId: output.callId,
    ...decodeToolOutput(output.output),
    isError: output.isError,
  };
}

function metrics(report: WireMetricsReport | null | undefined): MessageMetrics | undefined {
  if (report == null) return undefined;
  const out: MessageMetrics = {};
  for (const key of [
    'llmNodeTtft',
    'ttsNodeTtfb',
    'e2eLatency',
    'endOfTurnDelay',
    'transcriptionDelay',
    'onUserTurnCompletedDelay',
    'llmNodeTps',
    'llmNodeTtfs',
  ] as const) {
    const value = report[key];
    if (typeof value === 'number') out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A chat item, or undefined for an item kind this schema does not know (newer agents). */
export function chatItem(wire: WireChatItem): TurnItem | undefined {
  switch (wire.item) {
    case 'message': {
      const m = wire.message!;
      const content = m.content.map((part) => part.text ?? '').filter((text) => text !== '');
      const item: TurnItem = {
        type: 'message',
        id: m.id,
        createdAt: timestampMs(m.createdAt),
        role: ROLES[m.role] ?? 'developer',
        text: content.join('\n'),
        content,
        interrupted: m.interrupted,
      };
      const reported = metrics(m.metrics);
      if (reported !== undefined) item.metrics = reported;
      return item;
    }
    case 'functionCall':
      return functionCallItem(wire.functionCall!);
    case 'functionCallOutput':
      return functionCallOutputItem(wire.functionCallOutput!);
    case 'agentHandoff': {
      const h = wire.agentHandoff!;
      const item: TurnItem = { type: 'agent_handoff', id: h.id, createdAt: timestampMs(h.createdAt), newAgentId: h.newAgentId };
      if (h.oldAgentId != null && h.oldAgentId !== '') item.oldAgentId = h.oldAgentId;
      return item;
    }
    case 'agentConfigUpdate': {
      const u = wire.agentConfigUpdate!;
      const item: TurnItem = {
        type: 'agent_config_update',
        id: u.id,
        createdAt: timestampMs(u.createdAt),
        toolsAdded: [...u.toolsAdded],
        toolsRemoved: [...u.toolsRemoved],
      };
      if (u.instructions != null) item.instructions = u.instructions;
      return item;
    }
    default:
      return undefined;
  }
}

export function chatItems(items: readonly WireChatItem[]): TurnItem[] {
  const out: TurnItem[] = [];
  for (const wire of items) {
    const item = chatItem(wire);
    if (item !== undefined) out.push(item);
  }
  return out;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

type UsageKind = ModelUsage['kind'];
type UsageCounter<K extends UsageKind> = Exclude<keyof Extract<ModelUsage, { kind: K }>, 'kind' | 'provider' | 'model'>;

/** The counters each kind of model usage reports; all are numbers. */
const USAGE_COUNTERS: { [K in UsageKind]: readonly UsageCounter<K>[] } = {
  llm: ['inputTokens', 'inputCachedTokens', 'outputTokens', 'sessionDuration'],
  tts: ['inputTokens', 'outputTokens', 'charactersCount', 'audioDuration'],
  stt: ['inputTokens', 'outputTokens', 'audioDuration'],
  interruption: ['totalRequests'],
  eot: ['totalRequests'],
};

/** The agent's usage report; a counter it leaves out reads 0, a kind this version does not know is skipped. */
export function sessionUsage(usage: WireSessionUsage | null | undefined): SessionUsage {
  const models: ModelUsage[] = [];
  for (const entry of usage?.modelUsage ?? []) {
    const kind = entry.usage;
    if (kind === undefined || !Object.hasOwn(USAGE_COUNTERS, kind)) continue;
    const u = entry[kind] ?? {};
    const counters = Object.fromEntries(USAGE_COUNTERS[kind].map((name) => [name, num(u[name])]));
    // The table above is typed per kind, and the unit test pins each kind's full shape.
    models.push({ kind, provider: str(u['provider']), model: str(u['model']), ...counters } as ModelUsage);
  }
  return { models };
}

function toolUpdate(wire: NonNullable<WireEvent['toolExecutionUpdated']>): ToolExecutionUpdate | undefined {
  switch (wire.update) {
    case 'started':
      return wire.started?.functionCall ? { kind: 'started', call: functionCallItem(wire.started.functionCall) } : undefined;
    case 'ended': {
      const e = wire.ended!;
      const update: ToolExecutionUpdate = {
        kind: 'ended',
        id: e.id,
        callId: e.callId,
        status: TOOL_CALL_STATUSES[e.status] ?? 'running',
      };
      if (e.message != null) update.message = e.message;
      return update;
    }
    case 'callUpdated': {
      const c = wire.callUpdated!;
      return { kind: 'call_updated', id: c.id, callId: c.callId, message: c.message };
    }
    case 'replyUpdated': {
      const r = wire.replyUpdated!;
      return {
        kind: 'reply_updated',
        updateIds: [...r.updateIds],
        status: TOOL_REPLY_STATUSES[r.status] ?? 'scheduled',
        speechId: r.speechId,
      };
    }
    default:
      return undefined;
  }
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A session event as a turn event; `at` is the agent's timestamp, or `receivedAt` without one. */
export function sessionEvent(wire: WireEvent, receivedAt: number): TurnEvent {
  const at = timestampMs(wire.createdAt) || receivedAt;
  switch (wire.event) {
    case 'agentStateChanged': {
      const e = wire.agentStateChanged!;
      return { at, type: 'agent_state_changed', oldState: agentState(e.oldState), newState: agentState(e.newState) };
    }
    case 'userStateChanged': {
      const e = wire.userStateChanged!;
      return { at, type: 'user_state_changed', oldState: userState(e.oldState), newState: userState(e.newState) };
    }
    case 'conversationItemAdded': {
      const item = wire.conversationItemAdded?.item ? chatItem(wire.conversationItemAdded.item) : undefined;
      return item ? { at, type: 'conversation_item_added', item } : { at, type: 'other', name: 'conversation_item_added' };
    }
    case 'userInputTranscribed': {
      const e = wire.userInputTranscribed!;
      return { at, type: 'user_input_transcribed', transcript: e.transcript, isFinal: e.isFinal };
    }
    case 'functionToolsStarted':
      return { at, type: 'function_tools_started', calls: wire.functionToolsStarted!.functionCalls.map(functionCallItem) };
    case 'functionToolsExecuted': {
      const e = wire.functionToolsExecuted!;
      return {
        at,
        type: 'function_tools_executed',
        calls: e.functionCalls.map(functionCallItem),
        outputs: e.functionCallOutputs.map(functionCallOutputItem),
      };
    }
    case 'error':
      return { at, type: 'error', message: wire.error!.message };
    case 'sessionUsageUpdated':
      return { at, type: 'session_usage_updated', usage: sessionUsage(wire.sessionUsageUpdated!.usage) };
    case 'toolExecutionUpdated': {
      const update = toolUpdate(wire.toolExecutionUpdated!);
      return update ? { at, type: 'tool_execution_updated', update } : { at, type: 'other', name: 'tool_execution_updated' };
    }
    case 'agentFalseInterruption':
      return { at, type: 'agent_false_interruption', resumed: wire.agentFalseInterruption!.resumed };
    default:
      return { at, type: 'other', name: wire.event ? snakeCase(wire.event) : 'unknown' };
  }
}

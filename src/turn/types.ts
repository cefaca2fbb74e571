/**
 * The turn record: what `say()` resolves to. Plain data only (no classes, no Dates, no Maps)
 * so it survives JSON, structured clone, Vitest task metadata and report merging unchanged.
 */

/** A chat role as the agent reports it. */
export type ChatRole = 'developer' | 'system' | 'user' | 'assistant';

/** The agent's conversational state (`AgentState` on the wire, lower-cased without prefix). */
export type AgentState = 'initializing' | 'idle' | 'listening' | 'thinking' | 'speaking';

/** The user's state as the agent sees it. */
export type UserState = 'speaking' | 'listening' | 'away';

interface ItemBase {
  /** The agent-assigned item id. */
  id: string;
  /** When the agent created the item, in ms since the epoch (0 when the agent did not say). */
  createdAt: number;
}

export interface MessageItem extends ItemBase {
  type: 'message';
  role: ChatRole;
  /** The text parts joined with newlines. */
  text: string;
  /** The separate text parts as sent. */
  content: string[];
  interrupted: boolean;
  /** Latency figures the agent attached to the message, in seconds, when present. */
  metrics?: MessageMetrics;
}

export interface MessageMetrics {
  llmNodeTtft?: number;
  ttsNodeTtfb?: number;
  e2eLatency?: number;
  endOfTurnDelay?: number;
  transcriptionDelay?: number;
  onUserTurnCompletedDelay?: number;
  llmNodeTps?: number;
  llmNodeTtfs?: number;
}

export interface FunctionCallItem extends ItemBase {
  type: 'function_call';
  name: string;
  callId: string;
  /** The arguments exactly as the model produced them (a JSON string). */
  arguments: string;
}

export interface FunctionCallOutputItem extends ItemBase {
  type: 'function_call_output';
  /** The tool's name; empty for agents that do not send it (Python < 1.6.7). */
  name: string;
  callId: string;
  /**
   * The tool's result as text, the same from every SDK: a string result as is, any other result
   * (decoded from Node's JSON or Python's `str()`) as compact JSON.
   */
  output: string;
  /** The decoded result: `{ ok: true }` whether the agent sent `{"ok":true}` or `{'ok': True}`. */
  value?: unknown;
  /** The output exactly as the agent sent it. */
  rawOutput?: string;
  isError: boolean;
}

export interface AgentHandoffItem extends ItemBase {
  type: 'agent_handoff';
  oldAgentId?: string;
  newAgentId: string;
  /**
   * The instructions of the agent handed off to, asked of the agent after the turn; set on the
   * turn's last handoff (the agent then in charge), which tells apart agents of one class.
   */
  instructions?: string;
}

export interface AgentConfigUpdateItem extends ItemBase {
  type: 'agent_config_update';
  instructions?: string;
  toolsAdded: string[];
  toolsRemoved: string[];
}

/** One entry of the conversation as the agent produced it. */
export type TurnItem = MessageItem | FunctionCallItem | FunctionCallOutputItem | AgentHandoffItem | AgentConfigUpdateItem;

export type TurnItemType = TurnItem['type'];

/** A tool call paired with its output by call id. */
export interface ToolCall<Name extends string = string, Args = Record<string, unknown>> {
  name: Name;
  /** The arguments parsed from JSON; `{}` for empty arguments, the raw string when it is not JSON. */
  args: Args;
  /** The arguments as the agent reports them (both SDKs repair invalid JSON before they report it). */
  rawArgs: string;
  /**
   * The arguments text the scripted model streamed for this call, exactly as sent (set when the
   * session's model is a `scriptedLlm`); differs from `rawArgs` when the agent repaired it.
   */
  sentArgs?: string;
  callId: string;
  /**
   * The tool's output as text, or undefined when the agent produced none in this turn. It reads
   * the same from every SDK: a string result as is, any other result as compact JSON.
   */
  output?: string;
  /** The decoded result (Node's JSON and Python's `str()` alike): `[{ id: 'AZ123' }]`, `42`, `'sunny'`. */
  value?: unknown;
  /** The output exactly as the agent sent it. */
  rawOutput?: string;
  /** True when the tool raised; false when it returned; undefined when there is no output. */
  isError?: boolean;
  /** True when a tool mock of the test answered the call instead of the agent's tool. */
  mocked?: boolean;
}

/**
 * Tool names mapped to their argument types, e.g. `{ lookup_weather: { city: string } }`.
 * Given to `useAgentSession<Tools>()`, it types `turn.toolCalls` and the tool matchers.
 */
export type ToolMap = Record<string, Record<string, unknown>>;

/** A tool call of one of the tools in `Tools`, discriminated by name. */
export type ToolCallOf<Tools extends ToolMap> = {
  [Name in keyof Tools & string]: ToolCall<Name, Tools[Name]>;
}[keyof Tools & string];

export interface Handoff {
  /** The agent handed off from (absent for the very first agent). */
  from?: string;
  to: string;
  /** The new agent's instructions, when known (see `AgentHandoffItem.instructions`). */
  instructions?: string;
}

/** Usage per model as the agent reports it. Counters absent on the wire are 0. */
export type ModelUsage =
  | ({ kind: 'llm' } & LlmUsage)
  | {
      kind: 'tts';
      provider: string;
      model: string;
      inputTokens: number;
      outputTokens: number;
      charactersCount: number;
      audioDuration: number;
    }
  | { kind: 'stt'; provider: string; model: string; inputTokens: number; outputTokens: number; audioDuration: number }
  | { kind: 'interruption'; provider: string; model: string; totalRequests: number }
  | { kind: 'eot'; provider: string; model: string; totalRequests: number };

export interface LlmUsage {
  provider: string;
  model: string;
  inputTokens: number;
  inputCachedTokens: number;
  outputTokens: number;
  sessionDuration: number;
}

export interface SessionUsage {
  models: ModelUsage[];
}

/** A session event seen while the turn ran, in arrival order. */
export type TurnEvent = { at: number } & (
  | { type: 'agent_state_changed'; oldState: AgentState; newState: AgentState }
  | { type: 'user_state_changed'; oldState: UserState; newState: UserState }
  | { type: 'conversation_item_added'; item: TurnItem }
  | { type: 'user_input_transcribed'; transcript: string; isFinal: boolean }
  | { type: 'function_tools_started'; calls: FunctionCallItem[] }
  | { type: 'function_tools_executed'; calls: FunctionCallItem[]; outputs: FunctionCallOutputItem[] }
  | { type: 'error'; message: string }
  | { type: 'session_usage_updated'; usage: SessionUsage }
  | { type: 'tool_execution_updated'; update: ToolExecutionUpdate }
  | { type: 'agent_false_interruption'; resumed: boolean }
  | { type: 'other'; name: string }
);

export type TurnEventType = TurnEvent['type'];

export type ToolExecutionUpdate =
  | { kind: 'started'; call: FunctionCallItem }
  | { kind: 'ended'; id: string; callId: string; status: 'running' | 'done' | 'error' | 'cancelled'; message?: string }
  | { kind: 'call_updated'; id: string; callId: string; message: string }
  | { kind: 'reply_updated'; updateIds: string[]; status: 'scheduled' | 'completed' | 'interrupted' | 'skipped'; speechId: string };

export interface TurnError {
  /** Where it came from: an `error` event, the response's error field, or the scripted LLM (a request no rule matched). */
  source: 'event' | 'response' | 'llm';
  message: string;
}

export interface TurnTiming {
  /** When `say()` sent the input, in ms since the epoch. */
  startedAt: number;
  /** From sending the input to the agent's response. */
  durationMs: number;
  /** LLM time to first token of the first assistant message, in ms, when the agent reported it. */
  llmTtftMs?: number;
}

/** The structured record of one user turn. */
export interface TurnRecord<Tools extends ToolMap = ToolMap> {
  /** The user text sent. */
  input: string;
  /** 0-based turn number in the session. */
  index: number;
  /** Everything the agent produced in this turn, in order (authoritative: the agent's own response). */
  items: TurnItem[];
  /** The assistant text of the turn: every assistant message joined with newlines. */
  reply: string;
  /** The assistant messages of the turn. */
  messages: MessageItem[];
  toolCalls: ToolCallOf<Tools>[];
  handoffs: Handoff[];
  events: TurnEvent[];
  errors: TurnError[];
  timing: TurnTiming;
  /** The usage the agent reported during the turn (its latest session usage), when it did. */
  usage?: SessionUsage;
}

export interface AgentInfo {
  id: string;
  instructions?: string;
  tools: string[];
  chatContext: TurnItem[];
  /** The agent framework: `python` or `js`, as the agent reports it. */
  sdk: string;
  sdkVersion: string;
}

export interface SessionState {
  agentState: AgentState;
  userState: UserState;
  agentId: string;
  /** Session options as strings; their format differs per SDK (Python repr, JSON in Node). */
  options: Record<string, string>;
  createdAt: number;
}

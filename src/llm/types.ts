/**
 * Public types of the scripted LLM: the OpenAI chat shapes as they arrive on the wire, the view
 * of a request that rules match against, the rules and replies a test writes, and the records
 * kept of every request served.
 */

// ---------------------------------------------------------------------------------------------
// OpenAI chat request shapes (only the fields this server reads; the rest stays in `body`)
// ---------------------------------------------------------------------------------------------

/** One part of a multi-part message content. Only `text` parts carry text we match on. */
export interface OpenAiContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A tool call as an assistant message in the request history carries it. */
export interface OpenAiToolCall {
  id: string;
  type: 'function' | (string & {});
  function: { name: string; arguments: string };
}

/**
 * A chat message as the client sent it. The role is kept open because clients may send roles
 * this server has no use for; they are passed through untouched rather than rejected.
 */
export interface OpenAiChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | (string & {});
  content?: string | OpenAiContentPart[] | null;
  name?: string;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// What rules see
// ---------------------------------------------------------------------------------------------

/** A read-only view of one chat request, as given to `when` functions and `reply` functions. */
export interface LlmRequestView {
  /** The request path, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The `model` field of the request (empty string when absent). */
  readonly model: string;
  /** The messages exactly as sent. */
  readonly messages: readonly OpenAiChatMessage[];
  /** The names of the function tools offered with the request, in order. */
  readonly tools: readonly string[];
  /** Whether the client asked for a streamed (SSE) response. */
  readonly stream: boolean;
  /** The latest message, or `undefined` for an empty conversation. */
  readonly lastMessage: OpenAiChatMessage | undefined;
  /**
   * The text of the most recent user message anywhere in the conversation (text parts joined
   * with newlines). Compare `lastMessage.role` to know whether it is also the latest message.
   */
  readonly lastUserText: string | undefined;
  /**
   * The most recent tool output (role `tool`) anywhere in the conversation, as text that reads the
   * same from every SDK: a string result as is (Node's JSON quotes removed), any other result as
   * compact JSON (Python's `{'ok': True}` becomes `{"ok":true}`, as Node sends it).
   */
  readonly lastToolOutput?: string;
  /** That output decoded: `{ ok: true }`, `[{ id: 'AZ123' }]`, `42`, or the string. */
  readonly lastToolValue?: unknown;
  /** That output exactly as the agent sent it. */
  readonly lastToolRawOutput?: string;
  /**
   * The name of the tool that produced `lastToolOutput`, found through its `tool_call_id` in the
   * assistant tool calls before it (or the message's own `name` when the client sends one).
   */
  readonly lastToolName?: string;
  /** The text of all system and developer messages, joined with newlines. */
  readonly systemText: string | undefined;
  /** The parsed JSON body, for fields the view does not lift out. */
  readonly body: Readonly<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/**
 * Matches one piece of text: a string matches as a case-sensitive substring, a RegExp is tested
 * (its `g`/`y` flags are ignored so repeated use is stateless), a function decides itself.
 */
export type TextMatcher = string | RegExp | ((text: string) => boolean);

/**
 * Field matchers; every one given must match (logical AND). The `user`, `toolOutput` and `tool`
 * matchers only look at the latest message, so a rule keyed on what the user said does not fire
 * again on the follow-up request that carries a tool's output.
 */
export interface LlmWhen {
  /** The latest message's text, when the latest message is a user message. */
  user?: TextMatcher;
  /** The latest message's content, when the latest message is a tool output (role `tool`). */
  toolOutput?: TextMatcher;
  /** The tool name of the latest message, when it is a tool output. */
  tool?: TextMatcher;
  /** The system and developer messages' text, joined with newlines (no match if there are none). */
  system?: TextMatcher;
  /** The request's `model` field. */
  model?: TextMatcher;
}

/** The names of the field matchers, in the order used to pick the `match` handed to replies. */
export type LlmWhenField = keyof LlmWhen;

/** A condition: field matchers, or a predicate over the whole request. */
export type LlmCondition = LlmWhen | ((request: LlmRequestView) => boolean);

/** A tool call the scripted model makes. */
export interface LlmToolCallReply {
  /** The function name, as offered in the request's `tools`. */
  name: string;
  /**
   * The arguments: an object is serialized as JSON; a string is sent verbatim (use it to test
   * how the agent copes with malformed arguments). Defaults to `{}`.
   */
  args?: Record<string, unknown> | string;
  /** The call id; defaults to `call_<n>`, counting up from 1 over the scripted LLM's lifetime. */
  id?: string;
}

/** The `finish_reason` values OpenAI clients understand. */
export type LlmFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What the scripted model answers. */
export interface LlmReply {
  /** Assistant text. */
  text?: string;
  /** Tool calls, sent after the text. */
  toolCalls?: LlmToolCallReply[];
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: LlmFinishReason;
  /** Token counts to report; defaults to a rough estimate (about four characters a token). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Wait this long before answering (to test timeouts, interruptions, thinking states). */
  delayMs?: number;
  /**
   * When streaming, split the text (and each tool call's arguments) into deltas of this many
   * characters. By default each is sent in a single delta.
   */
  chunkSize?: number;
  /** When streaming, wait this long between deltas. */
  chunkDelayMs?: number;
  /**
   * Answer with an HTTP error instead. Note that clients retry some statuses (408, 409, 429 and
   * 5xx) with backoff, so such a reply may be served several times.
   */
  error?: { status: number; message: string; type?: string; code?: string };
}

/** What a `reply` function receives. */
export interface LlmReplyContext {
  request: LlmRequestView;
  /**
   * The match of the RegExp matcher that decided, if any. When several field matchers are
   * RegExps, this is the first of `user`, `toolOutput`, `tool`, `system`, `model`.
   */
  match: RegExpMatchArray | undefined;
  /** The matches of every RegExp field matcher, by field. */
  matches: Partial<Record<LlmWhenField, RegExpMatchArray>>;
}

/** A reply, or a function computing it from the request (it may be async). */
export type LlmReplySource = LlmReply | ((context: LlmReplyContext) => LlmReply | Promise<LlmReply>);

/** One scripted rule. Rules are tried in order; the first that matches and is not used up wins. */
export interface LlmRule {
  /** Shown in records and in the error for unmatched requests. */
  name?: string;
  /** When to use this rule; omitted, it matches every request (a fallback). */
  when?: LlmCondition | undefined;
  reply: LlmReplySource;
  /** How many requests this rule may answer; unlimited when omitted. */
  times?: number;
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** A tool call as it was sent back to the client. */
export interface LlmSentToolCall {
  id: string;
  name: string;
  /** The arguments as sent (a JSON string, unless the rule gave a raw string). */
  arguments: string;
}

/** What the server answered. */
export interface LlmResponseSummary {
  /** The HTTP status. */
  status: number;
  text?: string;
  toolCalls?: LlmSentToolCall[];
  finishReason?: LlmFinishReason;
  /** The error message sent, for non-2xx answers. */
  error?: string;
}

/** One chat request the server received, with the rule that answered it. */
export interface LlmRecordedRequest {
  /** When it arrived, in ms since the epoch. */
  at: number;
  path: string;
  model: string;
  messages: OpenAiChatMessage[];
  /** The names of the function tools offered. */
  tools: string[];
  stream: boolean;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** The rule that answered: its `name`, or its index when unnamed. Absent when none matched. */
  rule?: string | number;
  /** The index of the rule that answered, in the order rules were given and added. */
  ruleIndex?: number;
  /** Filled in once the answer is decided. */
  response?: LlmResponseSummary;
}

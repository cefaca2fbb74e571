/** Tool mocks: functions in the test process that answer an agent's tool calls in its place. */

/** What a mock learns of the call besides its arguments. */
export interface ToolMockCall {
  /** The tool's name. */
  tool: string;
  /** The call's id, as in the turn record's tool call. */
  callId: string;
  /** The id of the agent that called it (after handoffs, the agent in charge). */
  agentId: string;
}

/**
 * A mock: gets the parsed arguments and the call, returns the tool's output (a string, or a value
 * the SDK sends as a tool's return value), or throws an Error, which the agent sees as the SDK's
 * tool error with the error's message. It may be async (a slow API); it must answer within the
 * turn's timeout.
 */
export type ToolMock<Args = Record<string, unknown>> = (args: Args, call: ToolMockCall) => unknown;

/**
 * Mocks of one tool by agent id (`agent.id`: the SDK's snake_case of the class name unless the
 * agent was given an `id`), for when several agents have a tool of that name: the agents not
 * listed fall through to an outer scope's mock, or run the tool for real.
 */
export type ToolMocksByAgent = Readonly<Record<string, AnyToolMock>>;

/**
 * A mock as a scope holds it: an unannotated mock's arguments are `Record<string, unknown>`, and a
 * mock may declare the arguments it expects instead (`(args: { city: string }) => ...`), which a
 * method's parameter allows and a function type's would not.
 */
export type AnyToolMock = { mock(args: Record<string, unknown>, call: ToolMockCall): unknown }['mock'];

/** Mocks by tool name: one mock for whichever agent calls it, or one per agent id. */
export type ToolMocks = Record<string, AnyToolMock | ToolMocksByAgent>;

/** An agent the session put in charge, and the names of its tools, as the agent reported them. */
export interface AgentTools {
  agentId: string;
  tools: readonly string[];
}

/** One call a mock answered, in the mock's call log. */
export interface MockedCall extends ToolMockCall {
  args: Record<string, unknown>;
  /** What the mock returned, when it did. */
  output?: unknown;
  /** The message of what it threw, when it did. */
  error?: string;
  durationMs: number;
}

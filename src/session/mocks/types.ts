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

/** Mocks by tool name. */
export type ToolMocks = Record<string, ToolMock<never>>;

/** One call a mock answered, in the mock's call log. */
export interface MockedCall extends ToolMockCall {
  args: Record<string, unknown>;
  /** What the mock returned, when it did. */
  output?: unknown;
  /** The message of what it threw, when it did. */
  error?: string;
  durationMs: number;
}

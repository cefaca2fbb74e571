/**
 * The matcher signatures, shared by the Vitest and the Jest type augmentations so both runners
 * see exactly the same API. `T` is the received type: when it is a typed turn
 * (`TurnRecord<MyTools>` or a list of them) tool names and arguments are checked against the
 * tool map; otherwise they are free-form.
 */
import type { JudgeOptions } from '../judge/types.js';
import type { ChatRole, ToolMap, TurnError, TurnItemType, TurnRecord } from '../turn/types.js';

/**
 * An asymmetric matcher from either runner: `expect.any(Number)`, `expect.stringMatching(/x/)`,
 * `expect.objectContaining({...})`. Vitest types these as `any`; Jest's `@jest/globals` gives
 * them this shape, so every pattern position accepts it.
 */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

/**
 * An expected value: the value itself, an asymmetric matcher, a RegExp where a string is
 * expected, and for objects any subset of their keys, at any depth. Arrays match element by
 * element and must have the same length (use `expect.arrayContaining` for less).
 */
export type Pattern<T> =
  | AsymmetricMatcherLike
  | (T extends string
      ? T | RegExp
      : T extends readonly (infer E)[]
        ? readonly Pattern<E>[]
        : T extends object
          ? { [K in keyof T]?: Pattern<T[K]> }
          : T);

/** A string, a RegExp that must match it, or an asymmetric matcher. */
export type TextPattern = string | RegExp | AsymmetricMatcherLike;

/** A turn, or a list of turns such as `agent.turns`. */
export type Turns<Tools extends ToolMap = ToolMap> = TurnRecord<Tools> | readonly TurnRecord<Tools>[];

type IsAny<T> = 0 extends 1 & T ? true : false;

/** The tool map of a received value: its own when it is a typed turn (or list of them), else the open map. */
export type ToolsOf<T> =
  IsAny<T> extends true
    ? ToolMap
    : NonNullable<T> extends TurnRecord<infer Tools extends ToolMap>
      ? Tools
      : NonNullable<T> extends readonly TurnRecord<infer Tools extends ToolMap>[]
        ? Tools
        : ToolMap;

/** The tool names a received value allows (`string` when untyped). */
export type ToolNameOf<T> = keyof ToolsOf<T> & string;

/** Options every matcher takes. */
export interface TurnOptions {
  /**
   * With a list of turns, look only at the turn at this position (negative counts from the end,
   * so `-1` is the last turn). Without it every turn in the list counts.
   */
  turn?: number;
}

/** Options of `toHaveCalledTool`. */
export interface CalledToolOptions extends TurnOptions {
  /** The exact number of matching calls expected, instead of "at least one". */
  times?: number;
}

/** Options of `toHaveToolOutput`. */
export interface ToolOutputOptions extends TurnOptions {
  /** `true`: only outputs of tools that raised count; `false`: only outputs of tools that returned. */
  isError?: boolean;
}

/**
 * The agent a handoff went to: its id, its instructions (a string must be contained in them), or
 * both. Instructions tell apart agents that are instances of one class and so share one id.
 */
export interface AgentPattern {
  id?: TextPattern;
  instructions?: TextPattern;
}

/** Options of `toHaveHandedOffTo`. */
export interface HandedOffToOptions extends TurnOptions {
  /** The agent handed off from. */
  from?: TextPattern;
}

/**
 * An error `toHaveNoErrors` should not count. A string (contained in the message), a RegExp or an
 * asymmetric matcher matches the message of any error; an object narrows by where the error came
 * from (`tool` for a tool that raised), its message, and for tool errors the tool's name.
 */
export type ErrorFilter =
  string | RegExp | AsymmetricMatcherLike | { source?: TurnError['source'] | 'tool'; message?: TextPattern; tool?: TextPattern };

/** Options of `toHaveNoErrors`. */
export interface NoErrorsOptions extends TurnOptions {
  /** Let tool calls that raised pass (they are an expected outcome in some tests). */
  allowToolErrors?: boolean;
  /** Errors that do not count, e.g. `[{ source: 'tool', tool: 'book_trip' }, /rate limit/]`. */
  ignore?: readonly ErrorFilter[];
}

/**
 * How `toMatchTrajectory` compares the expected steps with the items:
 * - `strict`: the same items in the same order, nothing else.
 * - `ordered`: the steps appear in this order; other items may come between them.
 * - `unordered`: the same items in any order, nothing else.
 * - `superset`: every step appears, in any order; other items may appear too.
 * - `subset`: every item matches a step; steps may be missing.
 * Each item answers for at most one step.
 */
export type TrajectoryMode = 'strict' | 'ordered' | 'unordered' | 'subset' | 'superset';

/** Options of `toMatchTrajectory`. */
export interface TrajectoryOptions extends TurnOptions {
  /** Default `strict`. */
  mode?: TrajectoryMode;
}

/** The fields a pattern may check, per item type. Absent fields are not checked. */
export interface ItemFields<Tools extends ToolMap = ToolMap> {
  message: {
    role?: ChatRole | AsymmetricMatcherLike;
    /** The whole text: a string must equal it; use a RegExp or `expect.stringContaining` for part of it. */
    text?: TextPattern;
    interrupted?: boolean;
    id?: TextPattern;
  };
  function_call: {
    [Name in keyof Tools & string]: {
      name?: Name | RegExp | AsymmetricMatcherLike;
      /** The parsed arguments, matched partially at any depth. */
      args?: Pattern<Tools[Name]>;
      callId?: TextPattern;
      id?: TextPattern;
    };
  }[keyof Tools & string];
  function_call_output: {
    /** The tool's name (empty for agents that do not send it). */
    name?: (keyof Tools & string) | RegExp | AsymmetricMatcherLike;
    /**
     * The output as sent (a string), or its JSON-decoded value when it is JSON: agents encode
     * what a tool returns, so `'sunny'` matches an output of `"sunny"`.
     */
    output?: unknown;
    isError?: boolean;
    callId?: TextPattern;
    id?: TextPattern;
  };
  agent_handoff: {
    /** The agent handed off to (its id: the snake_case class name, e.g. `booking_agent`). */
    to?: TextPattern;
    /** The new agent's instructions (known for the turn's last handoff). */
    instructions?: TextPattern;
    /** The agent handed off from. */
    from?: TextPattern;
    id?: TextPattern;
  };
  agent_config_update: {
    instructions?: TextPattern;
    toolsAdded?: Pattern<string[]>;
    toolsRemoved?: Pattern<string[]>;
    id?: TextPattern;
  };
}

/** A pattern for one item: its type plus any of that type's fields. */
export type ItemPattern<Tools extends ToolMap = ToolMap, Type extends TurnItemType = TurnItemType> = {
  [K in Type]: { type: K } & ItemFields<Tools>[K];
}[Type];

/** One expected step of a trajectory: an item pattern, or just a type for "any item of this type". */
export type TrajectoryStep<Tools extends ToolMap = ToolMap> = TurnItemType | ItemPattern<Tools>;

/**
 * The matchers, as the runners' `Matchers` interfaces see them. `R` is what an assertion returns
 * (`void`, or `Promise<void>` after `.resolves`); `T` is the received type.
 */
export interface TurnMatchers<R = void, T = unknown> {
  /**
   * Passes when the turn called the tool; `args` match partially at any depth, with asymmetric
   * matchers anywhere. Without a name, any tool call counts.
   *
   * @example
   * expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
   * expect(turn).toHaveCalledTool('lookup_weather', { city: expect.stringMatching(/^Par/) }, { times: 1 });
   */
  toHaveCalledTool<Name extends ToolNameOf<T>>(
    name?: Name | RegExp | AsymmetricMatcherLike,
    args?: Pattern<ToolsOf<T>[Name]>,
    options?: CalledToolOptions,
  ): R;

  /**
   * Passes when a call of the tool produced an output matching `output`: the output as sent, or
   * its JSON-decoded value (agents JSON-encode return values).
   *
   * @example
   * expect(turn).toHaveToolOutput('lookup_weather', 'sunny, 21°C');
   * expect(turn).toHaveToolOutput('lookup_weather', expect.stringContaining('sunny'), { isError: false });
   */
  toHaveToolOutput(name: ToolNameOf<T> | RegExp | AsymmetricMatcherLike, output?: unknown, options?: ToolOutputOptions): R;

  /**
   * Passes when a tool call raised (its output is marked as an error); with a name, a call of
   * that tool; with `message`, an error output matching it.
   *
   * @example
   * expect(turn).toHaveToolError('lookup_weather', /unknown city/i);
   */
  toHaveToolError(name?: ToolNameOf<T> | RegExp | AsymmetricMatcherLike, message?: unknown, options?: TurnOptions): R;

  /**
   * Passes when the agent's reply contains the string, matches the RegExp, or satisfies the
   * asymmetric matcher. Without an argument, any non-empty reply passes.
   *
   * @example
   * expect(turn).toHaveReplied('21°C');
   * expect(turn).toHaveReplied(/sunny/i);
   */
  toHaveReplied(expected?: TextPattern, options?: TurnOptions): R;

  /**
   * Passes when the turn handed off to the agent (`agent_handoff` item): its id, or
   * `{ id?, instructions? }` (a string must be contained in the instructions).
   *
   * @example
   * expect(turn).toHaveHandedOffTo('booking_agent', { from: 'weather_agent' });
   * expect(turn).toHaveHandedOffTo({ instructions: /sales desk/ });
   */
  toHaveHandedOffTo(agent: TextPattern | AgentPattern, options?: HandedOffToOptions): R;

  /**
   * Passes when the turn handed off to any agent.
   *
   * @example
   * expect(turn).not.toHaveHandedOff();
   */
  toHaveHandedOff(options?: TurnOptions): R;

  /**
   * Passes when the turn had no `error` event, no error in the agent's response, no scripted-LLM
   * miss, and no tool call that raised (unless `allowToolErrors`).
   *
   * @example
   * expect(turn).toHaveNoErrors();
   */
  toHaveNoErrors(options?: NoErrorsOptions): R;

  /**
   * Passes when the turn's items match the expected steps under `mode` (default `strict`).
   *
   * @example
   * expect(turn).toMatchTrajectory([
   *   { type: 'function_call', name: 'lookup_weather', args: { city: 'Paris' } },
   *   { type: 'function_call_output', output: 'sunny, 21°C' },
   *   { type: 'message', text: /sunny/ },
   * ]);
   */
  toMatchTrajectory(expected: readonly TrajectoryStep<ToolsOf<T>>[], options?: TrajectoryOptions): R;
  /**
   * Asks a model to grade the conversation against each criterion, and passes when every one is
   * met. Async: await it. The judge sees messages, tool calls with their outputs, handoffs and
   * errors, and grades only the criteria given; one it leaves out fails. Its calls are recorded in
   * a cassette beside the test and replayed when `CI` is set ([judge.md](docs/judge.md)).
   *
   * @example
   * await expect(agent.turns).toPassJudge({ criteria: ['The agent confirmed the date before booking'] });
   */
  toPassJudge(options: JudgeOptions & TurnOptions): Promise<void>;
  /**
   * Compares the conversation, as stable text (no ids, timings or usage; tool arguments and
   * outputs kept), with its snapshot, through the runner's own snapshots: `-u` updates it.
   * Registered by the runner entries (it needs the runner's snapshot state), not in `matchers`.
   *
   * @example
   * expect(agent.turns).toMatchConversationSnapshot();
   */
  toMatchConversationSnapshot(hint?: string): R;
}

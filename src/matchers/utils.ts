/**
 * What every matcher shares: reading the received turn(s), partial matching with asymmetric
 * matchers, and compact value formatting. The opening steps and the failure message layout are
 * in frame.ts.
 */
import { truncate } from '../render/render-turn.js';
import { outputOf } from '../turn/derive.js';
import type { FunctionCallOutputItem, ToolMap, TurnRecord } from '../turn/types.js';
import type { AsymmetricMatcherLike } from './types.js';

/**
 * The part of a runner's matcher context (`this` inside a matcher) that we use. Vitest's and
 * Jest's contexts both have it; `equals` is how their asymmetric matchers and custom equality
 * testers take part in our partial matching.
 */
export interface MatcherContext {
  isNot?: boolean;
  promise?: string;
  equals(actual: unknown, expected: unknown, customTesters?: readonly unknown[]): boolean;
  /** Equality testers added with `expect.addEqualityTesters`; `equals` applies them only when given. */
  customTesters?: readonly unknown[];
}

/** What a matcher returns to the runner. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** Deep equality as `this.equals` decides it (or our own outside a matcher context). */
export type Equals = (actual: unknown, expected: unknown) => boolean;

/** A turn record as the matchers handle it: the tool map only matters to the types. */
export type AnyTurn = TurnRecord<ToolMap>;

// ---------------------------------------------------------------------------------------------
// Received values

/** True for a value shaped like a turn record (what `say()` resolves to). */
export function isTurnRecord(value: unknown): value is AnyTurn {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['input'] === 'string' &&
    typeof v['reply'] === 'string' &&
    Array.isArray(v['items']) &&
    Array.isArray(v['toolCalls']) &&
    Array.isArray(v['handoffs']) &&
    Array.isArray(v['errors'])
  );
}

const isThenable = (value: unknown): boolean =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

/** The message for a received value that is not a turn. */
export function notATurnMessage(received: unknown): string {
  const hint = isThenable(received) ? ' (a promise: did you forget to `await` say()?)' : '';
  return `expected a turn record returned by say(), or a list of them, received ${truncate(formatValue(received), 200)}${hint}`;
}

/** The turns a matcher looks at, and how to name them in messages. */
export interface SelectedTurns {
  /** The turns to check (all received turns, or the one `turn` picked). */
  turns: AnyTurn[];
  /** Whether several turns are checked (the transcript then shows each under a header). */
  isList: boolean;
}

/**
 * Validates the received value (a turn or a list of turns) and applies the `turn` option.
 * Throws, rather than failing, for a received value that is not a turn: `.not` must not turn a
 * mistake into a pass.
 */
export function selectTurns(received: unknown, turn: number | undefined, hint: string): SelectedTurns {
  let all: AnyTurn[];
  if (Array.isArray(received)) {
    if (received.findIndex((t) => !isTurnRecord(t)) !== -1) throw new TypeError(`${hint}\n\n${notATurnMessage(received)}`);
    all = received as AnyTurn[];
  } else if (isTurnRecord(received)) {
    all = [received];
  } else {
    throw new TypeError(`${hint}\n\n${notATurnMessage(received)}`);
  }
  if (turn === undefined) return { turns: all, isList: Array.isArray(received) };
  if (!Number.isInteger(turn)) throw new TypeError(`${hint}\n\nthe \`turn\` option must be an integer, received ${formatValue(turn)}`);
  const picked = all.at(turn);
  if (picked === undefined) {
    throw new TypeError(
      `${hint}\n\nthe \`turn\` option is ${turn}, but ${all.length} turn${all.length === 1 ? ' was' : 's were'} received`,
    );
  }
  return { turns: [picked], isList: false };
}

// ---------------------------------------------------------------------------------------------
// Matching

/** True for Vitest's and Jest's asymmetric matchers (`expect.any(…)`, `expect.stringMatching(…)`, …). */
export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcherLike {
  return value !== null && typeof value === 'object' && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Deep equality for use outside a matcher context: asymmetric matchers on either side decide for
 * themselves; otherwise JSON-like values are compared structurally (`undefined` keys ignored).
 */
export function defaultEquals(actual: unknown, expected: unknown): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual);
  if (isAsymmetricMatcher(actual)) return actual.asymmetricMatch(expected);
  if (Object.is(actual, expected)) return true;
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') return false;
  if (actual instanceof Date || expected instanceof Date) {
    return actual instanceof Date && expected instanceof Date && actual.getTime() === expected.getTime();
  }
  if (actual instanceof RegExp || expected instanceof RegExp) {
    return actual instanceof RegExp && expected instanceof RegExp && String(actual) === String(expected);
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((a, i) => defaultEquals(a, expected[i]));
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysE = Object.keys(e).filter((k) => e[k] !== undefined);
  return keysA.length === keysE.length && keysE.every((k) => Object.hasOwn(a, k) && defaultEquals(a[k], e[k]));
}

/** The `equals` of a matcher context with its custom equality testers, or ours. */
export function equalsOf(context: Partial<MatcherContext> | undefined): Equals {
  const equals = context?.equals;
  if (typeof equals !== 'function') return defaultEquals;
  const testers = context?.customTesters;
  return testers === undefined ? (a, b) => equals.call(context, a, b) : (a, b) => equals.call(context, a, b, testers);
}

/**
 * Partial deep matching: every key of an expected object must match (other keys are ignored) at
 * any depth; arrays match element by element; a RegExp matches a string it tests true on;
 * asymmetric matchers and everything else go to `equals`.
 */
export function matchesPattern(actual: unknown, expected: unknown, equals: Equals = defaultEquals): boolean {
  if (isAsymmetricMatcher(expected)) return equals(actual, expected);
  if (expected instanceof RegExp && typeof actual === 'string') {
    expected.lastIndex = 0;
    return expected.test(actual);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesPattern(actual[i], e, equals));
  }
  if (isPlainObject(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.keys(expected).every((key) =>
      expected[key] === undefined ? a[key] === undefined : Object.hasOwn(a, key) && matchesPattern(a[key], expected[key], equals),
    );
  }
  return equals(actual, expected);
}

/**
 * Matches a tool output: its text, or its decoded value. Both read the same whichever SDK sent
 * the output (Node's JSON, Python's `str()`), so `'sunny'` and `{ ok: true }` match either. The
 * output exactly as sent is tried last.
 */
export function matchesOutput(
  target: Pick<FunctionCallOutputItem, 'value' | 'rawOutput'> & { output?: string | undefined },
  expected: unknown,
  equals: Equals = defaultEquals,
): boolean {
  if (target.output === undefined) return false;
  const { output, value, rawOutput } = outputOf({ ...target, output: target.output });
  return (
    matchesPattern(output, expected, equals) ||
    (typeof value !== 'string' && matchesPattern(value, expected, equals)) ||
    (rawOutput !== output && matchesPattern(rawOutput, expected, equals))
  );
}

/** Matches reply text: a string must be contained in it; RegExps and asymmetric matchers as usual. */
export function matchesReply(reply: string, expected: unknown, equals: Equals = defaultEquals): boolean {
  if (typeof expected === 'string') return reply.includes(expected);
  return matchesPattern(reply, expected, equals);
}

/** Throws unless `value` is a string, a RegExp, an asymmetric matcher, or (when allowed) undefined. */
export function checkTextArg(value: unknown, what: string, hint: string, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value === 'string' || value instanceof RegExp || isAsymmetricMatcher(value)) return;
  throw new TypeError(`${hint}\n\n${what} must be a string, a RegExp or an asymmetric matcher, received ${formatValue(value)}`);
}

/** Throws unless `value` is undefined or a plain options object. */
export function checkOptions(value: unknown, hint: string): void {
  if (value === undefined || isPlainObject(value)) return;
  throw new TypeError(`${hint}\n\nthe options must be an object, received ${formatValue(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** How an asymmetric matcher prints: `Any<Number>`, `StringMatching /Par/`, `ObjectContaining {…}`. */
function formatAsymmetric(matcher: AsymmetricMatcherLike, seen: Set<unknown>): string {
  const m = matcher as AsymmetricMatcherLike & { toAsymmetricMatcher?: () => string; sample?: unknown };
  if (typeof m.toAsymmetricMatcher === 'function') return m.toAsymmetricMatcher();
  const name = String(m);
  return 'sample' in m ? `${name} ${formatInner(m.sample, seen)}` : name;
}

function formatInner(value: unknown, seen: Set<unknown>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof RegExp) return String(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (isAsymmetricMatcher(value)) return formatAsymmetric(value, seen);
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v) => formatInner(v, seen)).join(', ')}]`;
    if (value instanceof Error) return `${value.name}(${JSON.stringify(value.message)})`;
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${formatInner(v, seen)}`);
    const name = isPlainObject(value) ? '' : `${(value as object).constructor?.name ?? 'Object'} `;
    return `${name}{${entries.join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

/** A value on one line, for messages: JSON-like, with asymmetric matchers and RegExps readable. */
export function formatValue(value: unknown): string {
  return formatInner(value, new Set());
}

/** `"s"` for counts other than one. */
export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

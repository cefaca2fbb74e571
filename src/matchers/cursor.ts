/**
 * Step-by-step checks over a turn's items, for tests that read best as "first this, then that,
 * then nothing else". Runner-agnostic: failures throw a `TurnAssertionError` (an Error named
 * `AssertionError`) with the items, the cursor position and the transcript.
 *
 * One module although it is long: the cursor and the checks it hands out (`ItemCheck`,
 * `RangeCheck`) share one state and one failure path, which split files would have to export.
 */
import type { RenderOptions } from '../render/render-turn.js';
import type { ToolMap, TurnItem, TurnItemType } from '../turn/types.js';
import { describeItem, describePattern, matchesItem, toItemPattern } from './item-pattern.js';
import type { ItemFields, ItemPattern, Turns } from './types.js';
import { failureMessage, messagePalette } from './frame.js';
import { defaultEquals, formatValue, notATurnMessage, plural, selectTurns, type AnyTurn, type Equals } from './utils.js';

/** Options of `expectTurn`. */
export interface CursorOptions extends Pick<RenderOptions, 'color' | 'maxLength'> {
  /**
   * How leaf values compare (after partial matching has walked objects and arrays). Default:
   * structural equality, where asymmetric matchers decide for themselves.
   */
  equals?: (actual: unknown, expected: unknown) => boolean;
}

/** The item type `K` narrows to. */
type ItemOf<K extends TurnItemType> = Extract<TurnItem, { type: K }>;

/** Thrown by the cursor when a check fails. Its message has the items and the transcript. */
export class TurnAssertionError extends Error {
  override name = 'AssertionError';
  /** The turn's items, one per line, with the cursor position. */
  readonly items: string;

  constructor(message: string, items: string) {
    super(message);
    this.items = items;
  }
}

interface Shared {
  turns: AnyTurn[];
  isList: boolean;
  items: readonly TurnItem[];
  equals: Equals;
  render: Pick<RenderOptions, 'color' | 'maxLength'>;
  label: string;
}

/** Normalises `(type, fields)` or `(pattern)` into one pattern. */
function patternOf(typeOrPattern: unknown, fields: unknown, where: string): ItemPattern | undefined {
  if (typeOrPattern === undefined) {
    if (fields !== undefined) throw new TypeError(`${where}: fields were given without an item type`);
    return undefined;
  }
  if (typeof typeOrPattern === 'string') {
    if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields))) {
      throw new TypeError(`${where}: the fields must be an object, received ${formatValue(fields)}`);
    }
    return toItemPattern(fields === undefined ? typeOrPattern : { ...(fields as object), type: typeOrPattern }, where);
  }
  return toItemPattern(typeOrPattern, where);
}

const callText = (method: string, args: unknown[]): string => {
  let last = args.length - 1;
  while (last >= 0 && args[last] === undefined) last--;
  return `${method}(${args
    .slice(0, last + 1)
    .map(formatValue)
    .join(', ')})`;
};

/** The public method a failure is reported from: the stack trace starts at its caller. */
type StackCut = (...args: never[]) => unknown;

function fail(shared: Shared, call: string, expected: string, received: string, cursor: number | undefined, caller: StackCut): never {
  const p = messagePalette(shared.render.color);
  const itemLines = shared.items.map((it, i) => `${i === cursor ? p.bold('→') : ' '} ${String(i).padStart(2)}  ${describeItem(it)}`);
  if (cursor !== undefined && cursor >= shared.items.length) itemLines.push(`${p.bold('→')} ${p.dim('(end)')}`);
  const itemsTitle = `Items (${shared.items.length}${cursor === undefined ? '' : `, cursor at ${cursor}`}):`;
  const message = failureMessage({
    hint: `${p.dim(`expectTurn(${shared.label})…`)}${call}`,
    expected,
    received,
    details: ['', p.bold(itemsTitle), ...(itemLines.length ? itemLines : [p.dim('  (no items)')])],
    turns: shared.turns,
    isList: shared.isList,
    render: shared.render,
  });
  const error = new TurnAssertionError(message, itemLines.join('\n'));
  // Point the stack at the test's line, not at this module.
  Error.captureStackTrace?.(error, caller);
  throw error;
}

/**
 * One item, from `cursor.at(i)`: check it with `is`, read it with `item`.
 * Mirrors LiveKit's `result.expect[i].is_*()`.
 */
export class ItemCheck<Tools extends ToolMap = ToolMap, Item extends TurnItem = TurnItem> {
  readonly #shared: Shared;
  /** The item. */
  readonly item: Item;
  /** Its index among the turn's items. */
  readonly index: number;

  /** @internal Use `expectTurn(turn).at(i)`. */
  constructor(shared: Shared, index: number) {
    this.#shared = shared;
    this.index = index;
    this.item = shared.items[index] as Item;
  }

  /**
   * Checks the item's type and fields.
   *
   * @example
   * expectTurn(turn).at(0).is('function_call', { name: 'lookup_weather', args: { city: 'Paris' } });
   */
  is<K extends TurnItemType>(type: K, fields?: ItemFields<Tools>[K]): ItemCheck<Tools, ItemOf<K>>;
  is(pattern: ItemPattern<Tools>): ItemCheck<Tools>;
  is(typeOrPattern: unknown, fields?: unknown): ItemCheck<Tools, TurnItem> {
    const call = callText('is', [typeOrPattern, fields]);
    const pattern = patternOf(typeOrPattern, fields, call) as ItemPattern;
    if (!matchesItem(this.item, pattern, this.#shared.equals)) {
      fail(
        this.#shared,
        `at(${this.index}).${call}`,
        `item ${this.index} to be ${describePattern(pattern)}`,
        `item ${this.index} is ${describeItem(this.item)}`,
        this.index,
        this.is,
      );
    }
    return this as ItemCheck<Tools, TurnItem>;
  }
}

/**
 * A slice of the items, from `cursor.range(start, end)`. Mirrors LiveKit's
 * `result.expect[a:b].contains_*()`.
 */
export class RangeCheck<Tools extends ToolMap = ToolMap> {
  readonly #shared: Shared;
  /** Where the slice starts and ends (exclusive), resolved to indices of the turn's items. */
  readonly start: number;
  readonly end: number;

  /** @internal Use `expectTurn(turn).range(start, end)`. */
  constructor(shared: Shared, start: number, end: number) {
    this.#shared = shared;
    this.start = start;
    this.end = end;
  }

  /** The items in the slice. */
  get items(): readonly TurnItem[] {
    return this.#shared.items.slice(this.start, this.end);
  }

  /**
   * Checks that some item in the slice matches.
   *
   * @example
   * expectTurn(turn).range(0, 2).contains('function_call', { name: 'lookup_weather' });
   */
  contains<K extends TurnItemType>(type: K, fields?: ItemFields<Tools>[K]): this;
  contains(pattern: ItemPattern<Tools>): this;
  contains(typeOrPattern: unknown, fields?: unknown): this {
    const call = callText('contains', [typeOrPattern, fields]);
    const pattern = patternOf(typeOrPattern, fields, call) as ItemPattern;
    if (!this.items.some((it) => matchesItem(it, pattern, this.#shared.equals))) {
      fail(
        this.#shared,
        `range(${this.start}, ${this.end}).${call}`,
        `an item in ${this.start}..${this.end - 1} to be ${describePattern(pattern)}`,
        this.items.length === 0 ? 'the range is empty' : `none of its ${plural(this.items.length, 'item')} matches`,
        undefined,
        this.contains,
      );
    }
    return this;
  }
}

/**
 * A cursor over a turn's items (for a list of turns, all their items in order). It starts before
 * the first item; `next`, `seek`, `skip` and `skipIf` move it; `at`, `range` and `contains` look
 * anywhere without moving it. Every method returns the cursor (or a check) so calls chain.
 */
export class TurnCursor<Tools extends ToolMap = ToolMap> {
  readonly #shared: Shared;
  #position = 0;

  /** @internal Use `expectTurn(turn)`. */
  constructor(shared: Shared) {
    this.#shared = shared;
  }

  /** Every item the cursor walks over. */
  get items(): readonly TurnItem[] {
    return this.#shared.items;
  }

  /** The index of the next item `next()` will check (`items.length` at the end). */
  get position(): number {
    return this.#position;
  }

  /** The item the cursor last moved onto with `next` or `seek` (or skipped over), if any. */
  get current(): TurnItem | undefined {
    return this.#position === 0 ? undefined : this.#shared.items[this.#position - 1];
  }

  #check(index: number, pattern: ItemPattern | undefined, call: string, caller: StackCut): void {
    const item = this.#shared.items[index];
    if (item === undefined) {
      fail(
        this.#shared,
        call,
        `item ${index} to be ${pattern ? describePattern(pattern) : 'any item'}`,
        `no more items (the turn has ${plural(this.#shared.items.length, 'item')})`,
        index,
        caller,
      );
    }
    if (pattern !== undefined && !matchesItem(item, pattern, this.#shared.equals)) {
      fail(this.#shared, call, `item ${index} to be ${describePattern(pattern)}`, `item ${index} is ${describeItem(item)}`, index, caller);
    }
  }

  /**
   * Checks the very next item (of this type, with these fields) and moves past it. Without
   * arguments, only checks that there is a next item.
   *
   * @example
   * expectTurn(turn)
   *   .next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } })
   *   .next('function_call_output', { output: 'sunny, 21°C' })
   *   .next('message', { text: /sunny/ })
   *   .noMore();
   */
  next<K extends TurnItemType>(type?: K, fields?: ItemFields<Tools>[K]): this;
  next(pattern: ItemPattern<Tools>): this;
  next(typeOrPattern?: unknown, fields?: unknown): this {
    const call = callText('next', [typeOrPattern, fields]);
    this.#check(this.#position, patternOf(typeOrPattern, fields, call), call, this.next);
    this.#position++;
    return this;
  }

  /**
   * Moves to the next item of this type, passing over items of other types, checks it against
   * the fields and moves past it (LiveKit's `next_event(type=…)`).
   *
   * @example
   * expectTurn(turn).seek('message', { text: /sunny/ });
   */
  seek<K extends TurnItemType>(type: K, fields?: ItemFields<Tools>[K]): this;
  seek(pattern: ItemPattern<Tools>): this;
  seek(typeOrPattern: unknown, fields?: unknown): this {
    const call = callText('seek', [typeOrPattern, fields]);
    const pattern = patternOf(typeOrPattern, fields, call);
    if (pattern === undefined) throw new TypeError(`${call}: an item type is required`);
    const items = this.#shared.items;
    let index = this.#position;
    while (index < items.length && items[index]?.type !== pattern.type) index++;
    if (index >= items.length) {
      fail(
        this.#shared,
        call,
        `an item of type ${pattern.type} at or after item ${this.#position}`,
        `no ${pattern.type} after the cursor`,
        this.#position,
        this.seek,
      );
    }
    this.#check(index, pattern, call, this.seek);
    this.#position = index + 1;
    return this;
  }

  /**
   * Moves past `count` items (default 1), whatever they are; fails when fewer are left.
   *
   * @example
   * expectTurn(turn).skip(2).next('message');
   */
  skip(count = 1): this {
    if (!Number.isInteger(count) || count < 0)
      throw new TypeError(`skip(count): count must be a non-negative integer, received ${formatValue(count)}`);
    const left = this.#shared.items.length - this.#position;
    if (count > left) {
      fail(
        this.#shared,
        callText('skip', [count]),
        `${plural(count, 'item')} to skip`,
        `only ${plural(left, 'item')} left`,
        this.#position,
        this.skip,
      );
    }
    this.#position += count;
    return this;
  }

  /**
   * Moves past the next item only when it matches; never fails (LiveKit's `skip_next_event_if`).
   *
   * @example
   * expectTurn(turn).skipIf('message', { role: 'assistant' }).next('function_call');
   */
  skipIf<K extends TurnItemType>(type: K, fields?: ItemFields<Tools>[K]): this;
  skipIf(pattern: ItemPattern<Tools>): this;
  skipIf(typeOrPattern: unknown, fields?: unknown): this {
    const pattern = patternOf(typeOrPattern, fields, callText('skipIf', [typeOrPattern, fields]));
    if (pattern === undefined) throw new TypeError('skipIf(type, fields): an item type is required');
    const item = this.#shared.items[this.#position];
    if (item !== undefined && matchesItem(item, pattern, this.#shared.equals)) this.#position++;
    return this;
  }

  /**
   * Checks that the cursor is past the last item.
   *
   * @example
   * expectTurn(turn).next('message').noMore();
   */
  noMore(): this {
    const left = this.#shared.items.length - this.#position;
    if (left > 0) {
      const next = this.#shared.items[this.#position] as TurnItem;
      fail(
        this.#shared,
        'noMore()',
        'no more items',
        `${plural(left, 'more item')}, starting with ${describeItem(next)}`,
        this.#position,
        this.noMore,
      );
    }
    return this;
  }

  /**
   * Some item anywhere in the turn matches; does not move the cursor (LiveKit's `contains_*`).
   *
   * @example
   * expectTurn(turn).contains('agent_handoff', { to: 'booking_agent' });
   */
  contains<K extends TurnItemType>(type: K, fields?: ItemFields<Tools>[K]): this;
  contains(pattern: ItemPattern<Tools>): this;
  contains(typeOrPattern: unknown, fields?: unknown): this {
    const call = callText('contains', [typeOrPattern, fields]);
    const pattern = patternOf(typeOrPattern, fields, call) as ItemPattern;
    if (!this.#shared.items.some((it) => matchesItem(it, pattern, this.#shared.equals))) {
      fail(
        this.#shared,
        call,
        `an item to be ${describePattern(pattern)}`,
        `none of the ${plural(this.#shared.items.length, 'item')} matches`,
        undefined,
        this.contains,
      );
    }
    return this;
  }

  /**
   * The item at an index (negative counts from the end); does not move the cursor.
   *
   * @example
   * expectTurn(turn).at(-1).is('message', { role: 'assistant' });
   */
  at(index: number): ItemCheck<Tools> {
    const length = this.#shared.items.length;
    if (!Number.isInteger(index)) throw new TypeError(`at(index): index must be an integer, received ${formatValue(index)}`);
    const resolved = index < 0 ? length + index : index;
    if (resolved < 0 || resolved >= length) {
      fail(
        this.#shared,
        callText('at', [index]),
        `an item at index ${index}`,
        `the turn has ${plural(length, 'item')}`,
        undefined,
        this.at,
      );
    }
    return new ItemCheck<Tools>(this.#shared, resolved);
  }

  /**
   * The items from `start` up to, not including, `end`, like `Array.prototype.slice` (negative
   * indices count from the end); does not move the cursor.
   *
   * @example
   * expectTurn(turn).range(0, 2).contains('function_call', { args: { city: 'London' } });
   */
  range(start = 0, end?: number): RangeCheck<Tools> {
    const length = this.#shared.items.length;
    const clamp = (i: number): number => Math.min(length, Math.max(0, i < 0 ? length + i : i));
    return new RangeCheck<Tools>(this.#shared, clamp(start), end === undefined ? length : clamp(end));
  }
}

/**
 * Starts step-by-step checks over a turn's items (or the items of a list of turns, in order).
 * Works in any runner, or none: failures throw `TurnAssertionError`.
 *
 * @example
 * const turn = await agent.say("What's the weather in Paris?");
 * expectTurn(turn)
 *   .next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } })
 *   .next('function_call_output', { isError: false })
 *   .next('message', { text: expect.stringContaining('sunny') })
 *   .noMore();
 */
export function expectTurn<Tools extends ToolMap = ToolMap>(turns: Turns<Tools>, options: CursorOptions = {}): TurnCursor<Tools> {
  let selected: { turns: AnyTurn[]; isList: boolean };
  try {
    selected = selectTurns(turns, undefined, 'expectTurn(turn)');
  } catch {
    throw new TypeError(`expectTurn(turn): ${notATurnMessage(turns)}`);
  }
  const { color, maxLength, equals } = options;
  return new TurnCursor<Tools>({
    ...selected,
    items: selected.turns.flatMap((t) => t.items),
    equals: equals ?? defaultEquals,
    render: { ...(color !== undefined && { color }), ...(maxLength !== undefined && { maxLength }) },
    label: Array.isArray(turns) ? 'turns' : 'turn',
  });
}

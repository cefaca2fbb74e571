/**
 * The frame of every matcher: the steps it opens with (the `expect(…)` line, the options and the
 * received turns checked) and the layout of its failure message.
 */
import { palette, type Palette } from '../render/color.js';
import { renderSession, renderTurn, type RenderOptions } from '../render/render-turn.js';
import type { ToolCall } from '../turn/types.js';
import { checkOptions, equalsOf, plural, selectTurns, type AnyTurn, type Equals, type MatcherContext } from './utils.js';

/** The palette failure messages use (colour detected as for the renderer). */
export const messagePalette = (color?: boolean): Palette => palette(color);

/**
 * The `expect(turn).not.toX(name, args)` line. `params` are the matcher's parameters with the
 * values given; those after the last one given are left out.
 */
export function hint(p: Palette, matcherName: string, received: unknown, isNot: boolean, params: [string, unknown][] = []): string {
  let last = params.length - 1;
  while (last >= 0 && params[last]?.[1] === undefined) last--;
  const args = params
    .slice(0, last + 1)
    .map(([n]) => n)
    .join(', ');
  const label = Array.isArray(received) ? 'turns' : 'turn';
  return `${p.dim('expect(')}${p.red(label)}${p.dim(`)${isNot ? '.not' : ''}.${matcherName}(`)}${p.green(args)}${p.dim(')')}`;
}

/** What a matcher has once its input is checked. */
export interface MatcherFrame {
  isNot: boolean;
  p: Palette;
  /** The `expect(…)` line: the first line of every message and of every `TypeError`. */
  header: string;
  /** The turns to check (all received, or the one the `turn` option picked). */
  turns: AnyTurn[];
  isList: boolean;
  equals: Equals;
}

/**
 * What every matcher does first: build its `expect(…)` line, check the options object, check the
 * received turn(s) and apply the `turn` option. Bad input throws rather than fails, so `.not`
 * cannot turn a mistake into a pass.
 */
export function openMatcher(
  context: MatcherContext,
  matcherName: string,
  received: unknown,
  params: [string, unknown][],
  options: unknown,
): MatcherFrame {
  const isNot = context.isNot === true;
  const p = messagePalette();
  const header = hint(p, matcherName, received, isNot, params);
  checkOptions(options, header);
  const { turns, isList } = selectTurns(received, (options as { turn?: number } | undefined)?.turn, header);
  return { isNot, p, header, turns, isList, equals: equalsOf(context) };
}

/**
 * The Received part for the matchers over tool calls: under `.not` the calls that matched, else
 * every call of the turns with the matching ones marked. `noun` names a match (`call`, `output`).
 */
export function receivedCalls(
  frame: Pick<MatcherFrame, 'isNot' | 'p'>,
  calls: readonly ToolCall[],
  matching: readonly ToolCall[],
  describe: (call: ToolCall) => string,
  noun: string,
): { received: string; details: string[] } {
  const { isNot, p } = frame;
  if (isNot) return { received: `${plural(matching.length, `matching ${noun}`)}:`, details: matching.map((c) => p.red(describe(c))) };
  if (calls.length === 0) return { received: 'no tool calls', details: [] };
  return {
    received:
      matching.length === 0
        ? `${plural(calls.length, 'tool call')}, none matching:`
        : `${plural(matching.length, `matching ${noun}`)} of ${plural(calls.length, 'tool call')}:`,
    details: calls.map((c) => (matching.includes(c) ? `${p.red(describe(c))} ${p.dim('← matches')}` : p.red(describe(c)))),
  };
}

/** What goes into a failure message. */
export interface FailureParts {
  /** The `expect(…)` line (from `hint`). */
  hint: string;
  /** What was expected, one sentence. */
  expected: string;
  /** What happened, one sentence. */
  received: string;
  /** More lines shown under Received (e.g. the tool calls that did not match). */
  details?: string[];
  /** The turns to render as the transcript. */
  turns: readonly AnyTurn[];
  /** Whether the turns came as a list (rendered with turn headers). */
  isList: boolean;
  render?: RenderOptions;
  /** Lines under the transcript (a judge's verdicts, which cite its lines). */
  after?: string[];
  /** A transcript of its own instead of the rendered turns (the judge's, with the line ids its verdicts cite). */
  transcript?: string;
}

/** The failure message layout every matcher and the cursor use. */
export function failureMessage(parts: FailureParts): string {
  const p = palette(parts.render?.color);
  const lines = [parts.hint, '', `Expected: ${parts.expected}`, `Received: ${parts.received}`];
  for (const detail of parts.details ?? []) lines.push(detail === '' ? '' : `  ${detail}`);
  const render = { ...parts.render, indent: '  ' };
  const transcript =
    parts.transcript !== undefined
      ? parts.transcript.replace(/^/gm, render.indent)
      : parts.isList
        ? renderSession(parts.turns, render)
        : renderTurn(parts.turns[0] as AnyTurn, render);
  lines.push('', p.bold('Transcript:'), transcript);
  lines.push(...(parts.after ?? []));
  return lines.join('\n');
}

/**
 * Turn records as a terminal chat log: the user line, each tool call with its arguments and a
 * check or cross with its output, handoffs, the agent's reply, errors, and a timing footer.
 */
import { shownOutput } from '../turn/derive.js';
import type { FunctionCallItem, FunctionCallOutputItem, ToolMap, TurnItem, TurnRecord } from '../turn/types.js';
import { palette, type Palette } from './color.js';

/** How a transcript is rendered. */
export interface RenderOptions {
  /**
   * Colour the output. Undefined (the default) detects it: `FORCE_COLOR`, then `NO_COLOR`,
   * then whether stdout is a colour terminal.
   */
  color?: boolean;
  /**
   * The longest tool argument list, tool output or error message shown, in characters; longer
   * ones are cut and marked `… [+N chars]`. Default 200; `Infinity` shows everything.
   */
  maxLength?: number;
  /** A prefix for every line, e.g. to nest the transcript in a failure message. Default ''. */
  indent?: string;
}

/** The default for `RenderOptions.maxLength`. */
export const DEFAULT_MAX_LENGTH = 200;

const LABEL_WIDTH = 8;

interface Context {
  p: Palette;
  max: number;
}

/** Cuts `text` to `max` characters and says how much was left out. */
export function truncate(text: string, max: number, p: Palette = palette(false)): string {
  if (!(max >= 0) || text.length <= max) return text;
  let cut = text.slice(0, max);
  // Never leave half of a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${p.yellow(`… [+${text.length - cut.length} chars]`)}`;
}

/** One line for a value that may span several: newlines shown as `\n`. */
const oneLine = (text: string): string => text.replace(/\r?\n/g, '\\n');

function line(label: string, colorLabel: (s: string) => string, text: string): string[] {
  const [first = '', ...rest] = text.split('\n');
  const pad = ' '.repeat(LABEL_WIDTH);
  const head = label === '' ? pad : colorLabel(label) + ' '.repeat(Math.max(1, LABEL_WIDTH - label.length));
  return [head + first, ...rest.map((r) => pad + r)];
}

function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

function toolLine(c: Context, call: FunctionCallItem | undefined, output: FunctionCallOutputItem | undefined, mocked = false): string[] {
  const { p, max } = c;
  const name = call?.name || output?.name || '(unnamed tool)';
  const args = call ? `(${truncate(oneLine(call.arguments), max, p)})` : '';
  let mark: string;
  let tail: string;
  if (output === undefined) {
    mark = p.dim('…');
    tail = p.dim(' (no output)');
  } else if (output.isError) {
    mark = p.red('✗');
    tail = ` → ${p.red(truncate(oneLine(shownOutput(output)), max, p))}`;
  } else {
    mark = p.green('✓');
    tail = ` → ${truncate(oneLine(shownOutput(output)), max, p)}`;
  }
  const note =
    (mocked ? p.dim(' (mocked)') : '') + (call === undefined ? p.dim(` (call ${output?.callId ?? ''} was made in an earlier turn)`) : '');
  return line('tool', p.yellow, `${mark} ${p.bold(name)}${args}${tail}${note}`);
}

/** `mocked`: the call ids a tool mock of the test answered. */
function itemLines(c: Context, items: readonly TurnItem[], mocked: ReadonlySet<string> = new Set()): string[] {
  const { p } = c;
  const lines: string[] = [];
  const outputs = new Map<string, FunctionCallOutputItem>();
  for (const item of items) if (item.type === 'function_call_output') outputs.set(item.callId, item);
  const shown = new Set<FunctionCallOutputItem>();
  let replied = false;
  for (const item of items) {
    switch (item.type) {
      case 'message': {
        const interrupted = item.interrupted ? p.dim(' (interrupted)') : '';
        if (item.role === 'assistant') {
          replied = true;
          lines.push(...line('agent', (s) => p.bold(p.green(s)), item.text + interrupted));
        } else {
          lines.push(...line(item.role, (s) => p.bold(p.blue(s)), item.text + interrupted));
        }
        break;
      }
      case 'function_call': {
        const output = outputs.get(item.callId);
        if (output) shown.add(output);
        lines.push(...toolLine(c, item, output, mocked.has(item.callId)));
        break;
      }
      case 'function_call_output':
        if (!shown.has(item)) lines.push(...toolLine(c, undefined, item, mocked.has(item.callId)));
        break;
      case 'agent_handoff':
        {
          // Agents of one class share an id; their instructions tell them apart.
          const instructions =
            item.instructions === undefined
              ? ''
              : p.dim(` (instructions: ${truncate(oneLine(item.instructions), Math.min(c.max, 80), p)})`);
          lines.push(...line('handoff', p.magenta, `${item.oldAgentId ?? '(start)'} → ${p.bold(item.newAgentId)}${instructions}`));
        }
        break;
      case 'agent_config_update': {
        const parts = [
          ...(item.toolsAdded.length ? [`tools added: ${item.toolsAdded.join(', ')}`] : []),
          ...(item.toolsRemoved.length ? [`tools removed: ${item.toolsRemoved.join(', ')}`] : []),
          ...(item.instructions !== undefined ? [`instructions: ${truncate(oneLine(item.instructions), c.max, p)}`] : []),
        ];
        lines.push(...line('config', p.dim, p.dim(parts.join('; ') || 'agent configuration updated')));
        break;
      }
    }
  }
  if (!replied) lines.push(...line('agent', (s) => p.bold(p.green(s)), p.dim('(no reply)')));
  return lines;
}

function turnLines(c: Context, turn: TurnRecord<ToolMap>): string[] {
  const { p } = c;
  // A record of index -1 has no user input: the greeting, or what the agent said later unprompted.
  const opener =
    turn.index < 0
      ? line('user', (s) => p.bold(p.cyan(s)), p.dim('(nothing: the agent spoke on its own)'))
      : line('user', (s) => p.bold(p.cyan(s)), turn.input);
  const mocked = new Set(turn.toolCalls.filter((call) => call.mocked).map((call) => call.callId));
  const lines = [...opener, ...itemLines(c, turn.items, mocked)];
  for (const error of turn.errors) {
    lines.push(
      ...line('error', (s) => p.bold(p.red(s)), `${p.dim(`[${error.source}]`)} ${p.red(truncate(oneLine(error.message), c.max, p))}`),
    );
  }
  const timing = [formatDuration(turn.timing.durationMs)];
  if (turn.timing.llmTtftMs !== undefined) timing.push(`first token ${formatDuration(turn.timing.llmTtftMs)}`);
  lines.push(...line('time', p.dim, p.dim(timing.join(' · '))));
  return lines;
}

function context(options: RenderOptions): Context {
  return { p: palette(options.color), max: options.maxLength ?? DEFAULT_MAX_LENGTH };
}

const indentLines = (lines: string[], indent: string): string => lines.map((l) => (l === '' ? l : indent + l)).join('\n');

/**
 * Renders one turn as a chat log.
 *
 * @example
 * console.log(renderTurn(await agent.say('What is the weather in Paris?')));
 * // user    What is the weather in Paris?
 * // tool    ✓ lookup_weather({"city": "Paris"}) → "sunny, 21°C"
 * // agent   It is sunny and 21°C in Paris.
 * // time    1.84 s · first token 412 ms
 */
export function renderTurn<Tools extends ToolMap>(turn: TurnRecord<Tools>, options: RenderOptions = {}): string {
  return indentLines(turnLines(context(options), turn as unknown as TurnRecord<ToolMap>), options.indent ?? '');
}

/**
 * Renders several turns (e.g. `agent.turns`), each under a `── turn N ──` header.
 *
 * @example
 * console.log(renderSession(agent.turns, { color: false }));
 */
export function renderSession<Tools extends ToolMap>(turns: readonly TurnRecord<Tools>[], options: RenderOptions = {}): string {
  const c = context(options);
  if (turns.length === 0) return indentLines([c.p.dim('(no turns)')], options.indent ?? '');
  const lines: string[] = [];
  turns.forEach((turn, position) => {
    if (position > 0) lines.push('');
    lines.push(c.p.dim(turn.index < 0 ? '── on its own ──' : `── turn ${turn.index} ──`));
    lines.push(...turnLines(c, turn as unknown as TurnRecord<ToolMap>));
  });
  return indentLines(lines, options.indent ?? '');
}

/**
 * Item patterns (`{ type: 'function_call', name, args }`): checking them, matching items against
 * them, and describing both on one line. Used by `toMatchTrajectory` and the cursor.
 */
import { truncate } from '../render/render-turn.js';
import { parseArguments, shownOutput } from '../turn/derive.js';
import type { TurnItem, TurnItemType } from '../turn/types.js';
import type { ItemPattern } from './types.js';
import { formatValue, matchesOutput, matchesPattern, type Equals } from './utils.js';

/** The keys a pattern may have, per item type. */
const FIELDS: Record<TurnItemType, readonly string[]> = {
  message: ['role', 'text', 'interrupted', 'id'],
  function_call: ['name', 'args', 'callId', 'id'],
  function_call_output: ['name', 'output', 'isError', 'callId', 'id'],
  agent_handoff: ['to', 'from', 'instructions', 'id'],
  agent_config_update: ['instructions', 'toolsAdded', 'toolsRemoved', 'id'],
};

/** The item types, in the order the docs list them. */
export const ITEM_TYPES = Object.keys(FIELDS) as TurnItemType[];

/** True for one of the five item type names. */
export function isItemType(value: unknown): value is TurnItemType {
  return typeof value === 'string' && Object.hasOwn(FIELDS, value);
}

/**
 * Turns a type name or a pattern object into a checked pattern. Throws a TypeError naming the
 * allowed types or keys, so a typo fails loudly instead of never matching.
 */
export function toItemPattern(step: unknown, where: string): ItemPattern {
  if (isItemType(step)) return { type: step } as ItemPattern;
  if (step === null || typeof step !== 'object' || Array.isArray(step)) {
    throw new TypeError(`${where} must be an item type (${ITEM_TYPES.join(', ')}) or a pattern object, received ${formatValue(step)}`);
  }
  const type = (step as { type?: unknown }).type;
  if (!isItemType(type)) {
    throw new TypeError(`${where} needs a \`type\`, one of ${ITEM_TYPES.join(', ')}; received ${formatValue(step)}`);
  }
  const allowed = FIELDS[type];
  const unknown = Object.keys(step).filter((k) => k !== 'type' && !allowed.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`${where}: ${unknown.map((k) => `\`${k}\``).join(', ')} is not a ${type} field; use ${allowed.join(', ')}`);
  }
  return step as ItemPattern;
}

const field = (pattern: object, key: string): unknown => (pattern as Record<string, unknown>)[key];

/** The item's values that pattern fields match as they are, keyed by field (`args` and `output` are decoded first). */
function plainFields(item: TurnItem): Record<string, unknown> {
  switch (item.type) {
    case 'message':
      return { role: item.role, text: item.text, interrupted: item.interrupted, id: item.id };
    case 'function_call':
      return { name: item.name, callId: item.callId, id: item.id };
    case 'function_call_output':
      return { name: item.name, isError: item.isError, callId: item.callId, id: item.id };
    case 'agent_handoff':
      return { to: item.newAgentId, from: item.oldAgentId, instructions: item.instructions, id: item.id };
    case 'agent_config_update':
      return { instructions: item.instructions, toolsAdded: item.toolsAdded, toolsRemoved: item.toolsRemoved, id: item.id };
  }
}

/** True when `item` has the pattern's type and every field the pattern gives matches. */
export function matchesItem(item: TurnItem, pattern: ItemPattern, equals: Equals): boolean {
  if (item.type !== pattern.type) return false;
  const plain = Object.entries(plainFields(item)).every(([key, actual]) => {
    const expected = field(pattern, key);
    return expected === undefined || matchesPattern(actual, expected, equals);
  });
  if (!plain) return false;
  const args = field(pattern, 'args');
  if (item.type === 'function_call' && args !== undefined) return matchesPattern(parseArguments(item.arguments), args, equals);
  const output = field(pattern, 'output');
  if (item.type === 'function_call_output' && output !== undefined) return matchesOutput(item, output, equals);
  return true;
}

/** An item on one line, e.g. `function_call lookup_weather({"city": "Paris"})`. */
export function describeItem(item: TurnItem, maxLength = 120): string {
  switch (item.type) {
    case 'message':
      return `message (${item.role}) ${truncate(JSON.stringify(item.text), maxLength)}${item.interrupted ? ' (interrupted)' : ''}`;
    case 'function_call':
      return `function_call ${item.name}(${truncate(item.arguments, maxLength)})`;
    case 'function_call_output':
      return `function_call_output ${item.name || '(unnamed)'} ${item.isError ? '✗' : '✓'} ${truncate(shownOutput(item), maxLength)}`;
    case 'agent_handoff':
      return `agent_handoff ${item.oldAgentId ?? '(start)'} → ${item.newAgentId}`;
    case 'agent_config_update':
      return `agent_config_update +[${item.toolsAdded.join(', ')}] -[${item.toolsRemoved.join(', ')}]`;
  }
}

/** A pattern on one line: `function_call {"name": "lookup_weather", "args": {"city": "Paris"}}`. */
export function describePattern(pattern: ItemPattern): string {
  const { type, ...fields } = pattern;
  return Object.keys(fields).length === 0 ? `${type} (any)` : `${type} ${formatValue(fields)}`;
}

/**
 * Rule matching: whether a rule's `when` accepts a request, and which RegExp matches it produced
 * for the reply to use.
 */

import { decodeToolOutput } from '../protocol/tool-output.js';
import { messageText, toolNameOf } from './request-view.js';
import type { LlmCondition, LlmRequestView, LlmWhen, LlmWhenField, TextMatcher } from './types.js';

/** The outcome of a successful match. */
export interface ConditionMatch {
  match: RegExpMatchArray | undefined;
  matches: Partial<Record<LlmWhenField, RegExpMatchArray>>;
}

/** The field matchers in the order that decides which RegExp match a reply receives. */
export const WHEN_FIELDS: readonly LlmWhenField[] = ['user', 'toolOutput', 'tool', 'system', 'model'];

/**
 * Tests one text matcher. Returns `false` for no match, `true` for a match by string or
 * function, and the match array for a RegExp.
 */
export function matchText(matcher: TextMatcher, text: string): boolean | RegExpMatchArray {
  if (typeof matcher === 'string') return text.includes(matcher);
  if (typeof matcher === 'function') return matcher(text) === true;
  // A fresh RegExp without `g`/`y`: those flags make `exec` stateful through `lastIndex`,
  // so the same rule would alternate between matching and not matching.
  const flags = matcher.flags.replace(/[gy]/g, '');
  return new RegExp(matcher.source, flags).exec(text) ?? false;
}

/** The text a field matcher is applied to, or `undefined` when the field does not apply. */
export function fieldText(field: LlmWhenField, view: LlmRequestView): string | undefined {
  const last = view.lastMessage;
  switch (field) {
    case 'user':
      return last?.role === 'user' ? messageText(last) : undefined;
    case 'toolOutput':
      return last?.role === 'tool' ? decodeToolOutput(messageText(last)).output : undefined;
    case 'tool':
      return last?.role === 'tool' ? toolNameOf(view.messages, view.messages.length - 1) : undefined;
    case 'system':
      return view.systemText;
    case 'model':
      return view.model;
  }
}

/**
 * Whether `condition` accepts the request. Errors thrown by user-written matchers propagate,
 * prefixed with the field they came from.
 */
export function matchCondition(condition: LlmCondition | undefined, view: LlmRequestView): ConditionMatch | undefined {
  if (condition === undefined) return { match: undefined, matches: {} };
  if (typeof condition === 'function') return condition(view) === true ? { match: undefined, matches: {} } : undefined;

  const matches: Partial<Record<LlmWhenField, RegExpMatchArray>> = {};
  let match: RegExpMatchArray | undefined;
  for (const field of WHEN_FIELDS) {
    const matcher = (condition as LlmWhen)[field];
    if (matcher === undefined) continue;
    const text = fieldText(field, view);
    if (text === undefined) return undefined;
    let result: boolean | RegExpMatchArray;
    try {
      result = matchText(matcher, text);
    } catch (error) {
      throw new Error(`when.${field} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (result === false) return undefined;
    if (result !== true) {
      matches[field] = result;
      match ??= result;
    }
  }
  return { match, matches };
}

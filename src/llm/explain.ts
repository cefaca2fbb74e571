/**
 * The text of the error for a request no rule matched: the request as a person reads it next to
 * the rules that were tried, so the missing rule is obvious.
 */

import { messageText, toolNameOf } from './request-view.js';
import { WHEN_FIELDS } from './rules.js';
import type { LlmCondition, LlmRequestView, LlmRule, OpenAiChatMessage, TextMatcher } from './types.js';

/** The prefix every unmatched-request error starts with, so it can be searched for in logs. */
export const UNMATCHED_PREFIX = 'agent-session-test: no scripted LLM rule matched';

/** How many trailing messages of the conversation the explanation shows. */
const SHOWN_MESSAGES = 6;

/** A rule with its position and how often it has answered, as the explanation needs it. */
export interface RuleUsage {
  rule: LlmRule;
  index: number;
  used: number;
}

/** A string cut to `max` characters. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A string as a quoted literal, cut to `max` characters. */
export function quote(text: string, max: number): string {
  return JSON.stringify(cut(text, max));
}

/**
 * `<function isGreeting>`, or `<function>` when anonymous. An arrow function written inline as
 * `when: () => …` takes the property's name, which says nothing, so that name is dropped.
 */
function describeFunction(fn: (...args: never[]) => unknown, key: string): string {
  return fn.name && fn.name !== key ? `<function ${fn.name}>` : '<function>';
}

/** A matcher as source-like text: `"hello"`, `/weather/i`, `<function isGreeting>`. */
export function describeMatcher(matcher: TextMatcher, key = ''): string {
  if (typeof matcher === 'string') return JSON.stringify(matcher);
  if (typeof matcher === 'function') return describeFunction(matcher, key);
  return String(matcher);
}

/** A condition as source-like text. */
export function describeCondition(condition: LlmCondition | undefined): string {
  if (condition === undefined) return 'always (no `when`)';
  if (typeof condition === 'function') return `when ${describeFunction(condition, 'when')}`;
  const parts = WHEN_FIELDS.filter((field) => condition[field] !== undefined).map(
    (field) => `${field}: ${describeMatcher(condition[field] as TextMatcher, field)}`,
  );
  return parts.length > 0 ? `when { ${parts.join(', ')} }` : 'when {} (matches anything)';
}

/** One line per rule: `#1 "name": when { user: /x/ } (used 2 of 2: used up)`. */
export function describeRule({ rule, index, used }: RuleUsage): string {
  const label = rule.name !== undefined ? `#${index} ${JSON.stringify(rule.name)}` : `#${index}`;
  let usage = '';
  if (rule.times !== undefined) usage = ` (used ${used} of ${rule.times}${used >= rule.times ? ': used up' : ''})`;
  else if (used > 0) usage = ` (used ${used})`;
  return `${label}: ${describeCondition(rule.when)}${usage}`;
}

/** One message on one line, long texts cut. */
export function describeMessage(messages: readonly OpenAiChatMessage[], index: number, max: number): string {
  const message = messages[index];
  if (!message) return '(none)';
  const text = messageText(message);
  if (message.role === 'tool') {
    const name = toolNameOf(messages, index) ?? '?';
    const id = message.tool_call_id !== undefined ? ` (${message.tool_call_id})` : '';
    return `tool output of ${name}${id}: ${quote(text, max)}`;
  }
  const parts: string[] = [];
  if (text || !message.tool_calls?.length) parts.push(quote(text, max));
  for (const call of message.tool_calls ?? []) {
    const fn = call?.function;
    // Arguments are JSON already; shown raw (on one line) so they read like a call.
    const args = cut(String(fn?.arguments ?? '').replace(/\s*\n\s*/g, ' '), max);
    parts.push(`tool call ${fn?.name ?? '?'}(${args}) (${call?.id ?? '?'})`);
  }
  return `${message.role}: ${parts.join(' + ')}`;
}

/** The full explanation for a request that matched no rule. */
export function explainUnmatched(view: LlmRequestView, rules: readonly RuleUsage[]): string {
  const { messages } = view;
  const lines: string[] = [`${UNMATCHED_PREFIX} this request.`];
  lines.push(`Request: POST ${view.path}, model ${JSON.stringify(view.model)}${view.stream ? ', streaming' : ''}`);
  lines.push(`Latest message: ${describeMessage(messages, messages.length - 1, 300)}`);

  const from = Math.max(0, messages.length - SHOWN_MESSAGES);
  const heading = from > 0 ? `last ${messages.length - from} of ${messages.length} messages` : `${messages.length} messages`;
  lines.push(`Conversation (${heading}):`);
  for (let i = from; i < messages.length; i++) lines.push(`  [${i}] ${describeMessage(messages, i, 100)}`);

  lines.push(`Tools offered: ${view.tools.length > 0 ? view.tools.join(', ') : '(none)'}`);
  lines.push(`Rules tried (${rules.length}):`);
  if (rules.length === 0) lines.push('  (none)');
  for (const usage of rules) lines.push(`  ${describeRule(usage)}`);
  lines.push('Add a rule whose `when` matches the latest message, or end the list with a fallback rule without `when`.');
  return lines.join('\n');
}

/**
 * The simulated user's prompt, versioned like the judge's: the model plays the user, so the
 * conversation reaches it with the roles turned round (the agent's replies as its "user" turns,
 * its own earlier lines as "assistant" turns).
 */
import type { TurnRecord } from '../turn/types.js';

export const USER_PROMPT_VERSION = 1;

/** The tool the simulated user calls to end the conversation instead of writing. */
export const END_TOOL = 'end_conversation';

const OPENING = '(The conversation starts. Write your first message to the agent.)';
const SILENT = '(The agent said nothing.)';

/** The chat completion request for the simulated user's next line, after `turns`. */
export function userRequest(model: string, persona: string, goal: string, turns: readonly TurnRecord[]): Record<string, unknown> {
  const system = [
    'You play the user in a conversation with an AI agent, to test the agent. Stay in character.',
    `Who you are: ${persona}`,
    `What you want: ${goal}`,
    'Write only your next message to the agent, in plain text, as this user would.',
    `When you have what you wanted, or it is clear you will not get it, call ${END_TOOL} instead of writing.`,
  ].join('\n');
  const messages: { role: string; content: string }[] = [
    { role: 'system', content: system },
    { role: 'user', content: OPENING },
  ];
  for (const turn of turns) {
    messages.push({ role: 'assistant', content: turn.input });
    messages.push({ role: 'user', content: turn.reply || SILENT });
  }
  return {
    model,
    temperature: 0,
    messages,
    tools: [
      {
        type: 'function',
        function: {
          name: END_TOOL,
          description: 'End the conversation: your goal is met, or cannot be met.',
          parameters: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'], additionalProperties: false },
        },
      },
    ],
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The simulated user's next line, its end of the conversation, or why its answer is neither. */
export function parseUserLine(completion: unknown): { say: string } | { end: string } | { problem: string } {
  const choices = isRecord(completion) ? completion['choices'] : undefined;
  const message = Array.isArray(choices) && isRecord(choices[0]) ? choices[0]['message'] : undefined;
  if (!isRecord(message)) return { problem: 'the answer has no message' };
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  const end = calls.find((call) => isRecord(call) && isRecord(call['function']) && call['function']['name'] === END_TOOL) as
    { function: { arguments?: unknown } } | undefined;
  if (end) {
    let reason = '';
    try {
      const args: unknown = typeof end.function.arguments === 'string' ? JSON.parse(end.function.arguments) : end.function.arguments;
      if (isRecord(args) && typeof args['reason'] === 'string') reason = args['reason'];
    } catch {
      // a reason is a courtesy: the end stands without one
    }
    return { end: reason };
  }
  const content = message['content'];
  if (typeof content === 'string' && content.trim() !== '') return { say: content.trim() };
  return { problem: `the answer is neither a message nor a call of ${END_TOOL}` };
}

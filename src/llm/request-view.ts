/**
 * Turns a parsed chat request body into the view rules match against: the text of the latest
 * messages and the tool names, lifted out of the OpenAI message shapes.
 */

import { decodeToolOutput } from '../protocol/tool-output.js';
import type { LlmRequestView, OpenAiChatMessage } from './types.js';

/** A request body that cannot be a chat completion request; the message says why. */
export class InvalidChatRequestError extends Error {
  override readonly name = 'InvalidChatRequestError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of a message: the string content, or its text parts joined with newlines. */
export function messageText(message: OpenAiChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => isRecord(part) && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

/** The name of the tool whose output `message` is, from the assistant call it answers. */
export function toolNameOf(messages: readonly OpenAiChatMessage[], index: number): string | undefined {
  const message = messages[index];
  if (!message) return undefined;
  const callId = message.tool_call_id;
  if (callId !== undefined) {
    for (let i = index - 1; i >= 0; i--) {
      const call = messages[i]?.tool_calls?.find((c) => isRecord(c) && c.id === callId);
      if (call && isRecord(call.function) && typeof call.function.name === 'string') return call.function.name;
    }
  }
  // Older clients name the tool on the output message itself.
  return typeof message.name === 'string' ? message.name : undefined;
}

function lastIndexOfRole(messages: readonly OpenAiChatMessage[], role: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === role) return i;
  return -1;
}

/** The function names offered in `tools` (also the legacy `functions` field). */
function toolNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string') names.push(tool.function.name);
      else if (isRecord(tool) && typeof tool.name === 'string') names.push(tool.name);
    }
  }
  if (Array.isArray(body.functions)) {
    for (const fn of body.functions) if (isRecord(fn) && typeof fn.name === 'string') names.push(fn.name);
  }
  return names;
}

/**
 * Checks the body has the shape of a chat completion request and builds its view.
 * @throws InvalidChatRequestError when it does not.
 */
export function buildRequestView(path: string, body: unknown): LlmRequestView {
  if (!isRecord(body)) throw new InvalidChatRequestError('the request body must be a JSON object');
  if (!Array.isArray(body.messages)) throw new InvalidChatRequestError('the request body must have a "messages" array');
  body.messages.forEach((message: unknown, i: number) => {
    if (!isRecord(message) || typeof message.role !== 'string') {
      throw new InvalidChatRequestError(`messages[${i}] must be an object with a string "role"`);
    }
  });
  const messages = body.messages as OpenAiChatMessage[];

  const userIndex = lastIndexOfRole(messages, 'user');
  const toolIndex = lastIndexOfRole(messages, 'tool');
  const systemMessages = messages.filter((m) => m.role === 'system' || m.role === 'developer');

  const view: LlmRequestView = {
    path,
    model: typeof body.model === 'string' ? body.model : '',
    messages,
    tools: toolNames(body),
    stream: body.stream === true,
    lastMessage: messages.at(-1),
    lastUserText: userIndex >= 0 ? messageText(messages[userIndex]) : undefined,
    systemText: systemMessages.length > 0 ? systemMessages.map((m) => messageText(m)).join('\n') : undefined,
    body,
  };
  if (toolIndex < 0) return view;
  const lastToolName = toolNameOf(messages, toolIndex);
  const { output, value, rawOutput } = decodeToolOutput(messageText(messages[toolIndex]));
  return {
    ...view,
    lastToolOutput: output,
    lastToolValue: value,
    lastToolRawOutput: rawOutput,
    ...(lastToolName !== undefined ? { lastToolName } : {}),
  };
}

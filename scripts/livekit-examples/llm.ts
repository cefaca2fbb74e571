// One scripted model for LiveKit's example agents. Tool names differ between SDKs (snake_case in
// Python, camelCase in Node), so each rule calls whichever spelling the request offers.
import { scriptedLlm } from 'agent-session-test/llm';
import type { LlmRequestView } from 'agent-session-test/llm';

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
/** The offered spelling of a tool, and its arguments spelled the same way. */
function call(request: LlmRequestView, name: string, args: Record<string, unknown> = {}) {
  const isCamel = !request.tools.includes(name) && request.tools.includes(camel(name));
  const fixed = Object.fromEntries(Object.entries(args).map(([k, v]) => [isCamel ? camel(k) : k, v]));
  return { toolCalls: [{ name: isCamel ? camel(name) : name, args: fixed }] };
}
const text = (c: unknown) => (typeof c === 'string' ? c : JSON.stringify(c));

export function examplesLlm() {
  return scriptedLlm([
    // Greetings and on_enter replies.
    {
      name: 'intro greeting',
      when: { system: /greet the user and gather information/ },
      reply: { text: 'Hello! What is your name and where are you from?' },
    },
    {
      name: 'restaurant on_enter',
      when: (r) => r.lastMessage?.role === 'system' && /You are (\w+) agent/.test(text(r.lastMessage.content)),
      reply: ({ request }) => ({ text: `Hi, this is the ${/You are (\w+) agent/.exec(text(request.lastMessage!.content))![1]} desk.` }),
    },
    // Drive-thru.
    {
      name: 'medium coke',
      when: { user: /medium coke/i },
      reply: ({ request }) => call(request, 'order_regular_item', { item_id: 'coca_cola', size: 'M' }),
    },
    {
      name: 'big salad',
      when: { user: /big salad/i },
      reply: ({ request }) => call(request, 'order_regular_item', { item_id: 'big_salad', size: 'null' }),
    },
    { name: 'my order', when: { user: /what.*my order/i }, reply: ({ request }) => call(request, 'list_order_items') },
    // Restaurant.
    { name: 'reservation', when: { user: /make a reservation/i }, reply: ({ request }) => call(request, 'to_reservation') },
    {
      name: 'time',
      when: { user: /at (\d+ ?[ap]m)/i },
      reply: ({ request, match }) => call(request, 'update_reservation_time', { time: match![1] }),
    },
    { name: 'name', when: { user: /my name is (\w+)/i }, reply: ({ request, match }) => call(request, 'update_name', { name: match![1] }) },
    {
      name: 'phone',
      when: { user: /phone is ([\d-]+)/i },
      reply: ({ request, match }) => call(request, 'update_phone', { phone: match![1] }),
    },
    { name: 'confirm', when: { user: /^confirm/i }, reply: ({ request }) => call(request, 'confirm_reservation') },
    // Multi-agent story.
    {
      name: 'intro',
      when: { user: /I'm (\w+) from (\w+)/i },
      reply: ({ request, match }) => call(request, 'information_gathered', { name: match![1], location: match![2] }),
    },
    {
      name: 'story',
      when: (r) =>
        /You are a storyteller\. Use the user/.test(r.systemText ?? '') && r.lastMessage?.role !== 'user' && r.lastMessage?.role !== 'tool',
      reply: { text: 'Once upon a time, in a city by the sea...' },
    },
    // Any tool output.
    { name: 'after a transfer', when: { toolOutput: /Transferring to|Let's start the story/i }, reply: { text: 'One moment.' } },
    {
      name: 'tool output',
      when: (r) => r.lastToolOutput !== undefined && r.lastMessage?.role === 'tool',
      reply: ({ request }) => ({ text: `Noted: ${request.lastToolOutput}` }),
    },
  ]);
}

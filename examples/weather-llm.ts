/**
 * The scripted model behind both example agents. Each rule stands for one decision a real model
 * would make; the rules key on the latest user line or tool output, so the same script drives
 * the Python and the Node agent (their tools share names, arguments and results).
 */
import { scriptedLlm } from 'agent-session-test/llm';

const city = (text: string) => text.replace(/[^\p{L} ]/gu, '').trim();

export function weatherLlm() {
  return scriptedLlm([
    // Decisions on what the user said.
    {
      name: 'forecast',
      when: { user: /forecast for (\d+) days? in (\w+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'get_forecast', args: { city: city(match![2]!), days: Number(match![1]) } }] }),
    },
    {
      name: 'weather',
      when: { user: /weather in ([\w ]+?)\??$/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: city(match![1]!) } }] }),
    },
    {
      name: 'compare',
      when: { user: /compare (\w+) and (\w+)/i },
      reply: ({ match }) => ({
        toolCalls: [
          { name: 'lookup_weather', args: { city: match![1]! } },
          { name: 'lookup_weather', args: { city: match![2]! } },
        ],
      }),
    },
    { name: 'want to book', when: { user: /book a trip/i }, reply: { toolCalls: [{ name: 'transfer_to_booking' }] } },
    {
      name: 'book',
      when: { user: /book (\w+) on (\d{4}-\d\d-\d\d)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'book_trip', args: { city: match![1]!, date: match![2]! } }] }),
    },
    {
      name: 'recall',
      when: { user: /what did i ask first/i },
      // Memory lives in the agent: the first question must come back in the history it sends.
      reply: ({ request }) => ({ text: `You first asked: ${request.messages.find((m) => m.role === 'user')?.content as string}` }),
    },
    { name: 'greeting', when: { user: /^(hi|hello)\b/i }, reply: { text: 'Hello! Ask me about the weather anywhere.' } },

    // Decisions on what a tool returned.
    {
      name: 'tool failed',
      when: { toolOutput: /unknown city|must be between/ },
      reply: ({ request }) => ({ text: `Sorry, I could not do that: ${unquote(request.lastToolOutput!)}.` }),
    },
    {
      name: 'weather reply',
      when: { tool: 'lookup_weather' },
      reply: ({ request }) => ({ text: `Right now it is ${unquote(request.lastToolOutput!)}.` }),
    },
    {
      name: 'forecast reply',
      when: { tool: 'get_forecast' },
      reply: ({ request }) => ({ text: `Here you go: ${unquote(request.lastToolOutput!)}.` }),
    },
    {
      name: 'handoff reply',
      when: { tool: 'transfer_to_booking' },
      reply: { text: 'You are with the booking desk now. Where and when would you like to go?' },
    },
    {
      name: 'booked reply',
      when: { tool: 'book_trip' },
      reply: ({ request }) => ({ text: `All set: ${unquote(request.lastToolOutput!)}.` }),
    },
  ]);
}

/** The Node SDK JSON-encodes a string tool result; the Python one sends it as is. */
function unquote(output: string): string {
  try {
    const value: unknown = JSON.parse(output);
    return typeof value === 'string' ? value : output;
  } catch {
    return output;
  }
}

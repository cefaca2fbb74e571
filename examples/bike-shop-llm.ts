/**
 * The scripted model behind both bike-shop agents. Each rule stands for one decision a real model
 * would make: greetings key on the instructions a desk gives when it takes over, the rest on the
 * latest user line or tool output, so the same script drives the Python and the Node agent.
 */
import { scriptedLlm } from 'agent-session-test/llm';

/**
 * One field of a tool's object output, read from its text the way a model would: the output may
 * be JSON or a Python dict's repr, depending on the SDK that sent it.
 */
function field(output: string | undefined, name: string): string {
  const found = new RegExp(`["']${name}["']:\\s*["']?([^"',}]+)`).exec(output ?? '');
  return found?.[1]?.trim() ?? '?';
}

/** The codes in a list of services, in order, read the same way. */
const codes = (output: string | undefined): string[] => [...(output ?? '').matchAll(/["']code["']:\s*["']([^"']+)/g)].map((m) => m[1]!);

export function bikeShopLlm() {
  return scriptedLlm([
    // A desk taking over asks for a greeting with its own one-off instructions.
    {
      name: 'front desk greeting',
      when: { system: /on behalf of the Spoke & Chain front desk/ },
      reply: { text: 'Welcome to Spoke & Chain! How can we help your bike today?' },
    },
    {
      name: 'workshop greeting',
      when: { system: /they are with the workshop/ },
      reply: { text: 'You are with the workshop now. Which repair do you need?' },
    },

    // Decisions on what the user said.
    { name: 'services', when: { user: /what can you (fix|repair)/i }, reply: { toolCalls: [{ name: 'list_services' }] } },
    {
      name: 'look up',
      when: { user: /look up (?:my bike )?([A-Z]{2}-\d+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_bike', args: { serial: match![1]! } }] }),
    },
    { name: 'want a repair', when: { user: /book a repair/i }, reply: { toolCalls: [{ name: 'transfer_to_workshop' }] } },
    {
      name: 'book',
      when: { user: /book (?:a |an )?([\w-]+) for ([A-Z]{2}-\d+) on (\d{4}-\d\d-\d\d)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'book_repair', args: { serial: match![2]!, service: match![1]!, date: match![3]! } }] }),
    },
    { name: 'back to the desk', when: { user: /something else/i }, reply: { toolCalls: [{ name: 'transfer_to_front_desk' }] } },

    // Decisions on what a tool returned.
    // A tool error arrives as its message (a mock in a test can throw "fully booked" for book_repair).
    {
      name: 'tool failed',
      when: { toolOutput: /no bike with serial|unknown service|fully booked/ },
      reply: ({ request }) => ({ text: `Sorry, I could not do that: ${request.lastToolOutput}.` }),
    },
    // The desk that handed off may still answer its transfer's output; the next desk greets after it.
    { name: 'transfer reply', when: { tool: /^transfer_to_/ }, reply: { text: 'One moment.' } },
    {
      name: 'services reply',
      when: { tool: 'list_services' },
      reply: ({ request }) => ({ text: `We offer: ${codes(request.lastToolOutput).join(', ')}.` }),
    },
    {
      name: 'bike reply',
      when: { tool: 'lookup_bike' },
      reply: ({ request }) => ({ text: `That is ${field(request.lastToolOutput, 'owner')}'s ${field(request.lastToolOutput, 'model')}.` }),
    },
    {
      name: 'booked reply',
      when: { tool: 'book_repair' },
      reply: ({ request }) => ({
        text: `Booked: ticket ${field(request.lastToolOutput, 'ticket')}, ${field(request.lastToolOutput, 'price')} euros.`,
      }),
    },
  ]);
}

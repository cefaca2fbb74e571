// A bike-repair shop written the way LiveKit's current examples are: LiveKit inference model
// strings for STT, LLM and TTS, a greeting when an agent takes over, userdata shared by every
// agent, tools returning objects and arrays, handoffs made by returning the next agent from a
// tool, and a CLI entry that stays quiet when the file is imported by Vitest.
//
// The front desk and the workshop are two instances of one class, ShopAgent, told apart only by
// their instructions and tools (so both have the id "shop_agent"). The Python example
// (examples/python/bike_shop_agent.py) has the same tools, arguments and results, so one
// conversation file (examples/bike-shop-suite.ts) drives both.
//
// Launch, from examples/node:
//
//   node --import tsx bike_shop_agent.ts console --connect-addr 127.0.0.1:PORT

import { cli, defineAgent, llm, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

type Bike = { serial: string; model: string; owner: string; last_service: string | null };
type Service = { code: string; name: string; price: number };
type Ticket = { ticket: string; serial: string; service: string; date: string; price: number };

// Fixed data keeps tool outputs deterministic, so tests can assert on exact values.
const BIKES: Record<string, Bike> = {
  'SC-1042': { serial: 'SC-1042', model: 'Trek FX 3', owner: 'Ada', last_service: '2026-03-14' },
  'SC-2077': { serial: 'SC-2077', model: 'Brompton C Line', owner: 'Lin', last_service: null },
};
const SERVICES: Service[] = [
  { code: 'tune-up', name: 'Tune-up', price: 60 },
  { code: 'flat', name: 'Flat repair', price: 15 },
  { code: 'brakes', name: 'Brake bleed', price: 45 },
];

/** What the desks share for one customer, whichever desk is talking. */
type ShopData = { serial?: string; tickets: Ticket[] };

function findBike(serial: string): Bike {
  const bike = BIKES[serial.trim().toUpperCase()];
  // ToolError's message goes back to the model as an output with is_error set.
  if (!bike) throw new llm.ToolError(`no bike with serial ${serial}`);
  return bike;
}

const lookupBike = llm.tool({
  name: 'lookup_bike',
  description: "Look up a customer's bike by the serial number on its frame.",
  parameters: z.object({ serial: z.string().describe('The frame serial, for example SC-1042.') }),
  execute: async ({ serial }, { ctx }: llm.ToolOptions<ShopData>) => {
    const bike = findBike(serial);
    ctx.userData.serial = bike.serial;
    return bike;
  },
});

const listServices = llm.tool({
  name: 'list_services',
  description: 'List the repairs the workshop offers, with their prices in euros.',
  execute: async () => SERVICES,
});

const transferToWorkshop = llm.tool({
  name: 'transfer_to_workshop',
  description: 'Hand the customer to the workshop, which books repairs.',
  execute: async () => llm.handoff({ agent: workshop(), returns: 'transferred to the workshop' }),
});

const bookRepair = llm.tool({
  name: 'book_repair',
  description: 'Book a repair for a bike on a date.',
  parameters: z.object({
    serial: z.string().describe('The frame serial of the bike.'),
    service: z.string().describe('The service code, as list_services gives it (for example tune-up).'),
    date: z.string().describe('The drop-off date, as YYYY-MM-DD.'),
  }),
  execute: async ({ serial, service, date }, { ctx }: llm.ToolOptions<ShopData>) => {
    const bike = findBike(serial);
    const offered = SERVICES.find((s) => s.code === service);
    if (!offered) throw new llm.ToolError(`unknown service: ${service}`);
    const { tickets } = ctx.userData;
    const ticket: Ticket = {
      ticket: `R-${tickets.length + 1}`,
      serial: bike.serial,
      service: offered.code,
      date,
      price: offered.price,
    };
    tickets.push(ticket);
    return ticket;
  },
});

const transferToFrontDesk = llm.tool({
  name: 'transfer_to_front_desk',
  description: 'Hand the customer back to the front desk, for anything but booking a repair.',
  execute: async () => llm.handoff({ agent: frontDesk(), returns: 'transferred to the front desk' }),
});

/** One desk of the shop: greets the customer whenever it takes over. */
class ShopAgent extends voice.Agent<ShopData> {
  readonly #greeting: string;

  constructor(options: { instructions: string; greeting: string; tools: llm.ToolContextLike<ShopData> }) {
    super({ instructions: options.instructions, tools: options.tools });
    this.#greeting = options.greeting;
  }

  override async onEnter(): Promise<void> {
    this.session.generateReply({ instructions: this.#greeting });
  }
}

function frontDesk(): ShopAgent {
  return new ShopAgent({
    instructions:
      'You are the front desk of Spoke & Chain, a bike repair shop. Look bikes up by serial ' +
      'with lookup_bike, tell customers what we repair with list_services, and call ' +
      'transfer_to_workshop when they want to book a repair.',
    greeting: 'Greet the customer on behalf of the Spoke & Chain front desk.',
    tools: [lookupBike, listServices, transferToWorkshop],
  });
}

function workshop(): ShopAgent {
  return new ShopAgent({
    instructions:
      'You are the workshop of Spoke & Chain, a bike repair shop. Book repairs with ' +
      'book_repair; call transfer_to_front_desk for anything else.',
    greeting: 'Tell the customer they are with the workshop and ask which repair they need.',
    tools: [bookRepair, transferToFrontDesk],
  });
}

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const session = new voice.AgentSession<ShopData>({
      userData: { tickets: [] },
      stt: 'deepgram/nova-3',
      llm: 'openai/gpt-4.1-mini',
      tts: 'cartesia/sonic-2',
    });
    await session.start({ agent: frontDesk(), room: ctx.room });
  },
});

// Vitest sets VITEST in its workers: a test that imports this file gets the agent without a CLI.
if (!process.env.VITEST) cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));

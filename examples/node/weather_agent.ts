// A small weather desk with a booking desk behind it, used as the Node example under test.
//
// Launch, from examples/node:
//
//   node --import tsx weather_agent.ts console --connect-addr 127.0.0.1:PORT
//
// The OpenAI plugin reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment, which is how
// a scripted local model stands in for the real one. The tools mirror the Python example
// (examples/python/weather_agent.py) name for name and argument for argument, so one script
// serves both.

import { cli, defineAgent, llm, ServerOptions, voice, type JobContext } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// Fixed data keeps tool outputs deterministic, so tests can assert on exact strings.
const WEATHER: Record<string, { name: string; sky: string; temp: number }> = {
  paris: { name: 'Paris', sky: 'sunny', temp: 21 },
  london: { name: 'London', sky: 'rainy', temp: 14 },
  tokyo: { name: 'Tokyo', sky: 'cloudy', temp: 18 },
};
const MAX_FORECAST_DAYS = 5;

function findCity(city: string) {
  const entry = WEATHER[city.trim().toLowerCase()];
  // ToolError's message goes back to the model as an output with is_error set.
  if (!entry) throw new llm.ToolError(`unknown city: ${city}`);
  return entry;
}

// Tools in an object map take their name from the key and must not set `name` themselves:
// a named tool there makes the console exit before it connects.
class WeatherAgent extends voice.Agent {
  constructor() {
    super({
      // Explicit ids keep the handoff item identical across the Python and Node examples.
      id: 'weather_agent',
      instructions:
        'You are a weather assistant. Use lookup_weather for current conditions and ' +
        'get_forecast for the coming days. When the user wants to book a trip, call ' +
        'transfer_to_booking. Keep answers to one sentence.',
      tools: {
        lookup_weather: llm.tool({
          description: 'Look up the current weather in a city.',
          parameters: z.object({
            city: z.string().describe('Name of the city, for example Paris.'),
          }),
          execute: async ({ city }) => {
            const { name, sky, temp } = findCity(city);
            return `${sky}, ${temp}°C in ${name}`;
          },
        }),
        get_forecast: llm.tool({
          description: 'Get the weather forecast for the next few days in a city.',
          parameters: z.object({
            city: z.string().describe('Name of the city, for example Paris.'),
            days: z.number().int().describe('Number of days to forecast, from 1 to 5.'),
          }),
          execute: async ({ city, days }) => {
            const { name, sky, temp } = findCity(city);
            if (days < 1 || days > MAX_FORECAST_DAYS) {
              throw new llm.ToolError(`days must be between 1 and ${MAX_FORECAST_DAYS}`);
            }
            // A predictable ramp: one degree warmer each day.
            const parts = Array.from({ length: days }, (_, i) => `day ${i + 1}: ${sky}, ${temp + i}°C`);
            return `${days}-day forecast for ${name}: ${parts.join('; ')}`;
          },
        }),
        transfer_to_booking: llm.tool({
          description: 'Transfer the user to the booking desk to book a trip.',
          execute: async () => llm.handoff({ agent: new BookingAgent(), returns: 'transferred to the booking desk' }),
        }),
      },
    });
  }
}

class BookingAgent extends voice.Agent {
  constructor() {
    super({
      id: 'booking_agent',
      instructions:
        'You are a travel booking assistant. Use book_trip to book a trip to a city on a ' +
        'date. When the user asks about the weather, call transfer_to_weather.',
      tools: {
        book_trip: llm.tool({
          description: 'Book a trip to a city on a date.',
          parameters: z.object({
            city: z.string().describe('Name of the destination city.'),
            date: z.string().describe('Travel date, as YYYY-MM-DD.'),
          }),
          execute: async ({ city, date }) => {
            const { name } = findCity(city);
            return `booked a trip to ${name} on ${date}, confirmation BK-${name.toUpperCase()}-${date}`;
          },
        }),
        transfer_to_weather: llm.tool({
          description: 'Transfer the user back to the weather desk.',
          execute: async () => llm.handoff({ agent: new WeatherAgent(), returns: 'transferred to the weather desk' }),
        }),
      },
    });
  }
}

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const session = new voice.AgentSession({
      llm: new openai.LLM({ model: 'gpt-4o-mini' }),
      // Text only: no STT or TTS, and no VAD or turn detector, which the session would otherwise
      // create by default.
      vad: null,
      turnHandling: { turnDetection: null },
    });
    await session.start({
      agent: new WeatherAgent(),
      room: ctx.room,
      // The driver turns audio off over the wire too; this covers the gap before it does, since
      // without a TTS a reply with audio output enabled fails in the TTS step.
      outputOptions: { audioEnabled: false },
    });
    session.output.setAudioEnabled(false);
    await ctx.connect();
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));

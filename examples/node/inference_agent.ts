// A minimal agent whose model is LiveKit inference rather than an OpenAI client, the Node twin of
// examples/python/inference_agent.py. The SDK reads LIVEKIT_INFERENCE_URL and signs its access
// token with LIVEKIT_API_KEY / LIVEKIT_API_SECRET, which the harness's model servers point at
// themselves and check.

import { cli, defineAgent, inference, ServerOptions, voice, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';

class TriviaAgent extends voice.Agent {
  constructor() {
    super({ id: 'trivia_agent', instructions: 'You answer trivia questions in one short sentence.' });
  }
}

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const session = new voice.AgentSession({
      llm: new inference.LLM({ model: 'openai/gpt-4o-mini' }),
      vad: null,
      turnHandling: { turnDetection: null },
    });
    await session.start({ agent: new TriviaAgent(), room: ctx.room, outputOptions: { audioEnabled: false } });
    session.output.setAudioEnabled(false);
    await ctx.connect();
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));

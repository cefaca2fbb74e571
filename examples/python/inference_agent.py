"""A minimal agent whose model is LiveKit inference rather than an OpenAI client.

Used to show that a cassette records and replays the LiveKit inference route too: the SDK reads
LIVEKIT_INFERENCE_URL (and signs its token with LIVEKIT_API_KEY / LIVEKIT_API_SECRET), which the
cassette server points at itself.
"""

from __future__ import annotations

from livekit.agents import Agent, AgentServer, AgentSession, JobContext, inference


class TriviaAgent(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="You answer trivia questions in one short sentence.")


server = AgentServer()


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    session = AgentSession(
        llm=inference.LLM(model="openai/gpt-4o-mini"),
        vad=None,
        turn_handling={"turn_detection": None},
    )
    await session.start(agent=TriviaAgent(), room=ctx.room)
    session.output.set_audio_enabled(False)
    await ctx.connect()

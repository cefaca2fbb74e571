"""A small weather desk with a booking desk behind it, used as the Python example under test.

Launch (the module is imported by the console, so there is no __main__ block):

    python -m livekit.agents console examples/python/weather_agent.py --connect-addr 127.0.0.1:PORT

The OpenAI client reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment, which is how a
scripted local model stands in for the real one. The Node example (examples/node/weather_agent.ts)
exposes the same tools with the same names, arguments and results, so one script serves both.
"""

from __future__ import annotations

from livekit.agents import (
    Agent,
    AgentServer,
    AgentSession,
    JobContext,
    RunContext,
    ToolError,
    function_tool,
)
from livekit.plugins import openai

# Fixed data keeps tool outputs deterministic, so tests can assert on exact strings.
WEATHER = {
    "paris": ("Paris", "sunny", 21),
    "london": ("London", "rainy", 14),
    "tokyo": ("Tokyo", "cloudy", 18),
}
MAX_FORECAST_DAYS = 5


def _find_city(city: str) -> tuple[str, str, int]:
    entry = WEATHER.get(city.strip().lower())
    if entry is None:
        # ToolError's message goes back to the model as an output with is_error set.
        raise ToolError(f"unknown city: {city}")
    return entry


class WeatherAgent(Agent):
    def __init__(self) -> None:
        super().__init__(
            # Explicit ids keep the handoff item identical across the Python and Node examples.
            id="weather_agent",
            instructions=(
                "You are a weather assistant. Use lookup_weather for current conditions and "
                "get_forecast for the coming days. When the user wants to book a trip, call "
                "transfer_to_booking. Keep answers to one sentence."
            ),
        )

    @function_tool
    async def lookup_weather(self, context: RunContext, city: str) -> str:
        """Look up the current weather in a city.

        Args:
            city: Name of the city, for example Paris.
        """
        name, sky, temp = _find_city(city)
        return f"{sky}, {temp}°C in {name}"

    @function_tool
    async def get_forecast(self, context: RunContext, city: str, days: int) -> str:
        """Get the weather forecast for the next few days in a city.

        Args:
            city: Name of the city, for example Paris.
            days: Number of days to forecast, from 1 to 5.
        """
        name, sky, temp = _find_city(city)
        if days < 1 or days > MAX_FORECAST_DAYS:
            raise ToolError(f"days must be between 1 and {MAX_FORECAST_DAYS}")
        # A predictable ramp: one degree warmer each day.
        parts = [f"day {d}: {sky}, {temp + d - 1}°C" for d in range(1, days + 1)]
        return f"{days}-day forecast for {name}: " + "; ".join(parts)

    @function_tool
    async def transfer_to_booking(self, context: RunContext) -> tuple[Agent, str]:
        """Transfer the user to the booking desk to book a trip."""
        return BookingAgent(), "transferred to the booking desk"


class BookingAgent(Agent):
    def __init__(self) -> None:
        super().__init__(
            id="booking_agent",
            instructions=(
                "You are a travel booking assistant. Use book_trip to book a trip to a city on a "
                "date. When the user asks about the weather, call transfer_to_weather."
            ),
        )

    @function_tool
    async def book_trip(self, context: RunContext, city: str, date: str) -> str:
        """Book a trip to a city on a date.

        Args:
            city: Name of the destination city.
            date: Travel date, as YYYY-MM-DD.
        """
        name, _, _ = _find_city(city)
        return f"booked a trip to {name} on {date}, confirmation BK-{name.upper()}-{date}"

    @function_tool
    async def transfer_to_weather(self, context: RunContext) -> tuple[Agent, str]:
        """Transfer the user back to the weather desk."""
        return WeatherAgent(), "transferred to the weather desk"


server = AgentServer()


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    session = AgentSession(
        llm=openai.LLM(model="gpt-4o-mini"),
        # Text only: no STT or TTS, and no VAD or turn detector, which the session would otherwise
        # create by default (and warn about, since a turn detector without a VAD is unusable).
        vad=None,
        turn_handling={"turn_detection": None},
    )
    await session.start(agent=WeatherAgent(), room=ctx.room)
    # The driver turns audio off over the wire too; this covers the gap before it does, since
    # without a TTS a reply with audio output enabled fails in the TTS step.
    session.output.set_audio_enabled(False)
    await ctx.connect()

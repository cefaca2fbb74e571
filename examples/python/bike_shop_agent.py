"""A bike-repair shop written the way LiveKit's current examples are: LiveKit inference model
strings for STT, LLM and TTS, a greeting when an agent takes over, userdata shared by every agent,
tools returning dicts and lists, and handoffs made by returning the next agent from a tool.

The front desk and the workshop are two instances of one class, ShopAgent, told apart only by
their instructions and tools (so both have the id "shop_agent"). The Node example
(examples/node/bike_shop_agent.ts) has the same tools, arguments and results, so one conversation
file (examples/bike-shop-suite.ts) drives both.

Launch (the module is imported by the console; the __main__ block is for running it directly):

    python -m livekit.agents console examples/python/bike_shop_agent.py --connect-addr 127.0.0.1:PORT
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from livekit.agents import (
    Agent,
    AgentServer,
    AgentSession,
    FunctionTool,
    JobContext,
    RunContext,
    ToolError,
    cli,
    function_tool,
)

# Fixed data keeps tool outputs deterministic, so tests can assert on exact values.
BIKES: dict[str, dict[str, Any]] = {
    "SC-1042": {"serial": "SC-1042", "model": "Trek FX 3", "owner": "Ada", "last_service": "2026-03-14"},
    "SC-2077": {"serial": "SC-2077", "model": "Brompton C Line", "owner": "Lin", "last_service": None},
}
SERVICES: list[dict[str, Any]] = [
    {"code": "tune-up", "name": "Tune-up", "price": 60},
    {"code": "flat", "name": "Flat repair", "price": 15},
    {"code": "brakes", "name": "Brake bleed", "price": 45},
]


@dataclass
class ShopData:
    """What the desks share for one customer, whichever desk is talking."""

    serial: str | None = None
    tickets: list[dict[str, Any]] = field(default_factory=list)


Context = RunContext[ShopData]


def _bike(serial: str) -> dict[str, Any]:
    bike = BIKES.get(serial.strip().upper())
    if bike is None:
        # ToolError's message goes back to the model as an output with is_error set.
        raise ToolError(f"no bike with serial {serial}")
    return bike


@function_tool
async def lookup_bike(context: Context, serial: str) -> dict[str, Any]:
    """Look up a customer's bike by the serial number on its frame.

    Args:
        serial: The frame serial, for example SC-1042.
    """
    bike = _bike(serial)
    context.userdata.serial = bike["serial"]
    return bike


@function_tool
async def list_services(context: Context) -> list[dict[str, Any]]:
    """List the repairs the workshop offers, with their prices in euros."""
    return SERVICES


@function_tool
async def transfer_to_workshop(context: Context) -> tuple[Agent, str]:
    """Hand the customer to the workshop, which books repairs."""
    return workshop(), "transferred to the workshop"


@function_tool
async def book_repair(context: Context, serial: str, service: str, date: str) -> dict[str, Any]:
    """Book a repair for a bike on a date.

    Args:
        serial: The frame serial of the bike.
        service: The service code, as list_services gives it (for example tune-up).
        date: The drop-off date, as YYYY-MM-DD.
    """
    bike = _bike(serial)
    offered = next((s for s in SERVICES if s["code"] == service), None)
    if offered is None:
        raise ToolError(f"unknown service: {service}")
    tickets = context.userdata.tickets
    ticket = {
        "ticket": f"R-{len(tickets) + 1}",
        "serial": bike["serial"],
        "service": offered["code"],
        "date": date,
        "price": offered["price"],
    }
    tickets.append(ticket)
    return ticket


@function_tool
async def transfer_to_front_desk(context: Context) -> tuple[Agent, str]:
    """Hand the customer back to the front desk, for anything but booking a repair."""
    return front_desk(), "transferred to the front desk"


class ShopAgent(Agent):
    """One desk of the shop: greets the customer whenever it takes over."""

    def __init__(self, *, instructions: str, greeting: str, tools: list[FunctionTool]) -> None:
        super().__init__(instructions=instructions, tools=tools)
        self._greeting = greeting

    async def on_enter(self) -> None:
        self.session.generate_reply(instructions=self._greeting)


def front_desk() -> ShopAgent:
    return ShopAgent(
        instructions=(
            "You are the front desk of Spoke & Chain, a bike repair shop. Look bikes up by serial "
            "with lookup_bike, tell customers what we repair with list_services, and call "
            "transfer_to_workshop when they want to book a repair."
        ),
        greeting="Greet the customer on behalf of the Spoke & Chain front desk.",
        tools=[lookup_bike, list_services, transfer_to_workshop],
    )


def workshop() -> ShopAgent:
    return ShopAgent(
        instructions=(
            "You are the workshop of Spoke & Chain, a bike repair shop. Book repairs with "
            "book_repair; call transfer_to_front_desk for anything else."
        ),
        greeting="Tell the customer they are with the workshop and ask which repair they need.",
        tools=[book_repair, transfer_to_front_desk],
    )


server = AgentServer()


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    session = AgentSession[ShopData](
        userdata=ShopData(),
        stt="deepgram/nova-3",
        llm="openai/gpt-4.1-mini",
        tts="cartesia/sonic-2",
    )
    await session.start(agent=front_desk(), room=ctx.room)


if __name__ == "__main__":
    cli.run_app(server)

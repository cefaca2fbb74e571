"""Tool mocks for a LiveKit agent started by agent-session-test.

Python imports this module at start-up because its folder comes first on PYTHONPATH, in the agent
and in the job processes it starts. Once the SDK's AgentSession is imported, every session gets
an entry in the SDK's own per-session mock registry (`run_result._SessionMockTools`, read by the
SDK at each tool call with the current agent's class). The entry answers for any agent class: a
tool that the test mocks right now for the agent in charge (a file the test rewrites before each
turn) is replaced by a stand-in that sends the call to the test process; every other tool runs for
real. Each agent that takes charge is reported to the test with its tools, so that the test can
tell a mock of a tool no agent has.
"""

import importlib.abc
import json
import os
import sys

_CONFIG_ENV = "AGENT_SESSION_TEST_TOOL_MOCKS"
_TARGET = "livekit.agents.voice.agent_session"


def _config():
    try:
        return json.loads(os.environ.get(_CONFIG_ENV, ""))
    except ValueError:
        return None


def _mocked_names(config):
    """Per tool the test mocks now, `True` (any agent) or the agent ids: read at each call, since it changes between turns."""
    try:
        with open(config["namesFile"], encoding="utf-8") as names:
            return json.load(names)
    except (OSError, ValueError):
        return {}


def _function_tools(agent):
    """The agent's tools by the name the model calls them (tools of toolsets included where the SDK says)."""
    try:
        from livekit.agents import llm

        return dict(llm.ToolContext(agent.tools).function_tools)
    except Exception:  # an SDK without ToolContext: its tools are a flat list
        tools = {}
        for tool in agent.tools:
            name = getattr(getattr(tool, "info", None), "name", None)
            if name is not None:
                tools[name] = tool
        return tools


def _post(config, path, payload):
    import urllib.request

    request = urllib.request.Request(
        config["url"] + path,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + config["credential"]},
        method="POST",
    )
    # The test process answers within the turn's own timeout; the turn fails first if it does not.
    with urllib.request.urlopen(request, timeout=3600) as response:
        body = response.read().decode("utf-8")
        return json.loads(body) if body else None


def _stand_in(config, tool, name):
    import asyncio
    import inspect

    from livekit.agents.llm import ToolError
    from livekit.agents.voice.events import RunContext

    async def mock(*args, **kwargs):
        context = next((value for value in (*args, *kwargs.values()) if isinstance(value, RunContext)), None)
        call = context.function_call if context is not None else None
        agent = context.session.current_agent if context is not None else None
        payload = {
            "tool": name,
            "callId": call.call_id if call is not None else "",
            "arguments": call.arguments if call is not None else "{}",
            "agentId": agent.id if agent is not None else "",
        }
        # Off the event loop: a slow mock must not stall the agent's other work.
        answer = await asyncio.to_thread(_post, config, "/call", payload)
        if "error" in answer:
            raise ToolError(answer["error"])
        return answer.get("output")

    # The SDK passes a mock only the parameters its signature declares: declare the real tool's.
    try:
        mock.__signature__ = inspect.signature(tool)
    except (TypeError, ValueError):
        pass
    return mock


class _SessionMocks(dict):
    """The registry entry of one session: for whichever agent class, the mocks in force now."""

    def __init__(self, config, session):
        super().__init__()
        self._config = config
        self._session = session

    def get(self, agent_type, default=None):
        names = _mocked_names(self._config)
        agent = getattr(self._session, "current_agent", None)
        if not names or agent is None:
            return {}
        mocks = {}
        for name, tool in _function_tools(agent).items():
            scope = names.get(name)
            if scope is True or (isinstance(scope, list) and agent.id in scope):
                mocks[name] = _stand_in(self._config, tool, name)
        return mocks


def _patch(module, config):
    import functools

    try:
        from livekit.agents.voice import run_result

        registry = run_result._SessionMockTools
    except (ImportError, AttributeError):
        # Printed for the harness, which names the version needed.
        print("agent-session-test: tool mocks: this livekit-agents has no per-session mock registry", file=sys.stderr, flush=True)
        return
    start = module.AgentSession.start

    @functools.wraps(start)
    async def start_with_mocks(self, *args, **kwargs):
        registry[self] = _SessionMocks(config, self)
        return await start(self, *args, **kwargs)

    module.AgentSession.start = start_with_mocks

    update = getattr(module.AgentSession, "_update_activity", None)
    if update is None:
        return  # no reports: the test cannot check mock names, and does not

    @functools.wraps(update)
    async def update_and_report(self, agent, *args, **kwargs):
        import asyncio

        try:
            report = {"agentId": agent.id, "tools": list(_function_tools(agent))}
            # Awaited: the test has it before the agent acts, so the turn's end finds it there.
            await asyncio.to_thread(_post, config, "/agent", report)
        except Exception:
            pass  # the check of mock names is a help; the agent must go on without it
        return await update(self, agent, *args, **kwargs)

    module.AgentSession._update_activity = update_and_report


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Waits for the SDK's session module, so that processes that never import it pay nothing."""

    def __init__(self, config):
        self._config = config

    def find_spec(self, name, path=None, target=None):
        if name != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module
        config = self._config

        def exec_and_patch(module):
            exec_module(module)
            _patch(module, config)

        spec.loader.exec_module = exec_and_patch
        return spec


def _chain_next_sitecustomize():
    """A project's own sitecustomize, shadowed by this one, still runs."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or ".") == here:
            continue
        candidate = os.path.join(entry or ".", "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_agent_session_test_next_sitecustomize", candidate)
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
            return


_config_now = _config()
if _config_now is not None:
    sys.meta_path.insert(0, _PatchOnImport(_config_now))
_chain_next_sitecustomize()

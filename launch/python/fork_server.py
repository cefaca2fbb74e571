"""Starts console-mode agents by forking, so each start skips the imports.

Run as `python fork_server.py <agent file>` in the agent's working directory and environment.
It imports what `python -m livekit.agents console <agent file>` would import before the agent's
own module (livekit.agents, its CLI and the livekit plugins the file imports), then forks one
child per request, which runs exactly that command with its own environment. Nothing that
starts threads, an event loop or the native FFI library is done here: the SDK refuses FFI use
across a fork, and a forked thread is lost.

Control is JSON lines: requests on stdin, messages on stdout. On end of input every child still
running is killed and the server exits.

  in:  {"t": "fork", "id": n, "argv": [...], "cwd": "...", "env": {...}}   argv after `-m livekit.agents`
  out: {"t": "ready", "ms": n} | {"t": "unsupported", "reason": "..."}    once, first
       {"t": "forked", "id": n, "pid": n} | {"t": "refused", "id": n, "reason": "..."}
       {"t": "out", "id": n, "s": "stdout" | "stderr", "d": "..."}
       {"t": "closed", "id": n}                                            both pipes at end
       {"t": "exit", "id": n, "code": n | null, "signal": "SIGKILL" | null}
"""

import ast
import codecs
import gc
import json
import os
import selectors
import signal
import sys
import threading
import time

started = time.monotonic()
control_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)


def emit(message):
    control_out.write(json.dumps(message) + "\n")
    control_out.flush()


# Plugins that register an inference runner at import: every child would then start an
# inference process, whether its agent uses one or not. The child imports them itself.
NOT_PRELOADED = ("livekit.plugins.turn_detector",)


# Modules the SDK and the OpenAI client import on first use, inside an agent's first turn (a
# stall of 0.1 to 0.3 s each, as the SDK's loop monitor reports). Imported here when their
# package already is, so every child has them; plain imports, nothing that starts anything.
FIRST_USE = (
    "livekit.agents.llm.async_toolset",
    "openai.resources.chat.completions",
    "openai.pagination",
    "anyio.abc",
)


def first_use_imports():
    import importlib

    for name in FIRST_USE:
        if name.split(".")[0] not in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (the agent meets its own failure, if any, as before)
            pass


def plugin_imports(agent_file):
    """The livekit plugin modules the agent file imports at its top level."""
    try:
        with open(agent_file, encoding="utf-8") as source:
            tree = ast.parse(source.read(), agent_file)
    except (OSError, SyntaxError, ValueError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    wanted = []
    for name in names:
        if not name.startswith("livekit.plugins."):
            continue
        if any(name == skip or name.startswith(skip + ".") for skip in NOT_PRELOADED):
            continue
        if name not in wanted:
            wanted.append(name)
    return wanted


def fork_blocker():
    """Why forking now would not be safe, or None."""
    if threading.active_count() > 1:
        return f"{threading.active_count()} Python threads are running"
    ffi = sys.modules.get("livekit.rtc._ffi_client")
    if ffi is not None and getattr(getattr(ffi, "FfiClient", None), "_instance", None) is not None:
        return "the livekit FFI library was initialised at import"
    return None


def preload(agent_file):
    # As `python -m` does: the working directory first on the path.
    sys.path[0] = os.getcwd()
    try:
        import importlib
        import runpy  # noqa: F401  (the child's runner, imported once here)

        importlib.import_module("livekit.agents")
        importlib.import_module("livekit.agents.cli.cli")
    except Exception as error:  # noqa: BLE001
        return f"importing livekit.agents failed: {type(error).__name__}: {error}"
    try:
        # The SDK's own warm-up for job processes (its models, the native library loaded but not
        # started, the HTTP client), written to be done before a fork: children share its memory.
        importlib.import_module("livekit.agents.ipc._preload")
    except ImportError:
        pass
    except Exception as error:  # noqa: BLE001
        return f"the SDK's preload failed: {type(error).__name__}: {error}"
    for name in plugin_imports(agent_file):
        try:
            importlib.import_module(name)
        except ImportError:
            # `from livekit.plugins import openai` lists names that are not modules; the agent's
            # own import reports anything really missing.
            pass
        except Exception as error:  # noqa: BLE001
            return f"importing {name} failed: {type(error).__name__}: {error}"
    first_use_imports()
    return fork_blocker()


def run_child(request, out_w, err_w, in_group_w, keep_closed):
    """In the forked child: become the agent process the request describes. Never returns."""
    code = 1
    try:
        os.setsid()
        # The server announces the pid only now: a signal to the process group from then on reaches it.
        os.close(in_group_w)
        for fd in keep_closed:
            try:
                os.close(fd)
            except OSError:
                pass
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        for fd in (devnull, out_w, err_w):
            if fd > 2:
                os.close(fd)
        # As a new interpreter starts: SIGINT raises KeyboardInterrupt, SIGPIPE is ignored (a write
        # to a closed socket raises instead of killing the agent), the rest are the defaults.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]
        sys.argv = ["-m", *request["argv"]]
        import runpy

        try:
            runpy.run_module("livekit.agents", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except KeyboardInterrupt:
            code = 130
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def main():
    agent_file = sys.argv[1]
    blocker = preload(agent_file)
    if blocker is not None:
        emit({"t": "unsupported", "reason": blocker})
        return
    # What the imports built lives as long as every agent: frozen, a child's collections skip it
    # (each was a stall of 0.2 to 0.4 s in an agent's first turn) and leave its pages shared.
    gc.collect()
    gc.freeze()
    emit({"t": "ready", "ms": round((time.monotonic() - started) * 1000)})

    selector = selectors.DefaultSelector()
    children = {}  # pid -> id
    open_pipes = {}  # id -> number of output pipes still open
    stdin_fd = sys.stdin.fileno()
    os.set_blocking(stdin_fd, False)
    selector.register(stdin_fd, selectors.EVENT_READ, ("control", None, None))
    pending = b""

    def handle(request):
        if request.get("t") != "fork":
            return
        blocker = fork_blocker()
        if blocker is not None:
            emit({"t": "refused", "id": request["id"], "reason": blocker})
            return
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        in_group_r, in_group_w = os.pipe()
        control_out.flush()
        gc.freeze()  # what the server made since, so children share it too
        pid = os.fork()
        if pid == 0:
            keep_closed = [out_r, err_r, in_group_r, control_out.fileno(), selector.fileno()]
            keep_closed += [key.fd for key in selector.get_map().values()]
            run_child(request, out_w, err_w, in_group_w, keep_closed)
        os.close(out_w)
        os.close(err_w)
        os.close(in_group_w)
        # Until the child has its own session, signalling its process group would miss it (a
        # session ending its agent at once would see no group and leave it running).
        os.read(in_group_r, 1)
        os.close(in_group_r)
        children[pid] = request["id"]
        open_pipes[request["id"]] = 2
        for fd, name in ((out_r, "stdout"), (err_r, "stderr")):
            os.set_blocking(fd, False)
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            selector.register(fd, selectors.EVENT_READ, ("output", request["id"], (name, decoder)))
        emit({"t": "forked", "id": request["id"], "pid": pid})

    def reap():
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            child = children.pop(pid, None)
            if child is None:
                continue
            if os.WIFSIGNALED(status):
                emit({"t": "exit", "id": child, "code": None, "signal": signal.Signals(os.WTERMSIG(status)).name})
            else:
                emit({"t": "exit", "id": child, "code": os.WEXITSTATUS(status), "signal": None})

    def end():
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass

    try:
        while True:
            for key, _ in selector.select(timeout=0.05):
                kind, child, extra = key.data
                if kind == "control":
                    try:
                        chunk = os.read(stdin_fd, 65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        end()
                        return
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if line.strip():
                            handle(json.loads(line))
                    continue
                name, decoder = extra
                try:
                    chunk = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if chunk:
                    text = decoder.decode(chunk)
                    if text:
                        emit({"t": "out", "id": child, "s": name, "d": text})
                    continue
                selector.unregister(key.fd)
                os.close(key.fd)
                open_pipes[child] -= 1
                if open_pipes[child] == 0:
                    del open_pipes[child]
                    emit({"t": "closed", "id": child})
            reap()
    finally:
        end()


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass

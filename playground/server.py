"""Starting the playground: two loopback servers in one process, and the URL to open.

- the playground itself (the course, the editor, the inspector) on ``port``;
- the preview of the learner's app on ``preview_port``, forwarding to the child process that
  runs their code, so the app's own absolute URLs work unchanged in the preview frame.

Both are behind `stario.playground.security.Guard` with the same token.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import webbrowser

import uvicorn

from .app import Playground, build_app
from .proxy import PreviewProxy
from .runner import Runner
from .security import Guard, new_token
from .store import Store
from stario.tracers import tracer_from_env

__all__ = ["serve", "free_port"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to us: two servers share one Ctrl+C."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        yield


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


async def serve(
    *, host: str = "127.0.0.1", port: int = 0, preview_port: int = 0, open_browser: bool = True, allow_remote: bool = False
) -> None:
    """Run the playground until interrupted."""
    if host not in LOOPBACK and not allow_remote:
        raise SystemExit(
            f"stario playground: refusing to listen on {host}: it runs code. Pass --allow-remote to do it anyway."
        )
    if host not in LOOPBACK:
        print(
            "\n*** WARNING: the playground runs any code it is given, and you asked it to listen on "
            f"{host}.\n*** Anyone who can reach it and has the token can run programs as you.\n",
            file=sys.stderr,
        )
    port = port or free_port()
    preview_port = preview_port or free_port()
    token = new_token()
    store = Store()
    runner = Runner()
    proxy = PreviewProxy(runner)
    playground = Playground(store, runner, proxy, preview_port)
    app = build_app(playground)
    # The playground's own spans: none by default (the terminal keeps the URL in view), or what
    # STARIO_TRACER asks for.
    app.tracer = tracer_from_env(os.environ.get("STARIO_TRACER", "noop"))
    main = Guard(app, token, allow_any_host=allow_remote)
    preview = Guard(proxy, token, allow_any_host=allow_remote, allow_same_site=True)
    config = dict(host=host, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
    servers = [
        _Server(uvicorn.Config(main, port=port, **config)),
        _Server(uvicorn.Config(preview, port=preview_port, lifespan="off", host=host, log_level="warning")),
    ]

    def stop_all() -> None:
        for server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_all)
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0") else host
    url = f"http://{shown}:{port}/?token={token}"
    await runner.start()
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    try:
        while not all(server.started for server in servers):
            if any(task.done() for task in tasks):  # a server could not start (port taken?)
                break
            await asyncio.sleep(0.02)
        else:
            # The URL goes out once both servers listen, on a line of its own.
            print("Stario playground: open this URL (it carries your token):", flush=True)
            print(url, flush=True)
            if open_browser:
                loop.call_soon(webbrowser.open, url)
        await asyncio.gather(*tasks)
    finally:
        stop_all()
        await runner.stop()
        store.close()

"""One server: the FastAPI API under /api, its docs at /docs, and the Gradio UI at /.

The index is brought up to date in a background thread when the server starts (built on a first start,
refreshed incrementally otherwise), so the server answers at once: /api/health says `starting` and
questions get 503 until the index is ready. The download folder is swept on a schedule and emptied
when the server stops.

The UI is mounted with `gr.mount_gradio_app`, not started with `launch()`, and Gradio skips its own
check that an input file was uploaded through the app unless the Blocks has "launched": a crafted
event could name any file on the disk and get a copy served back. So the mount says which folders
may be served (the managed download folder; Gradio adds its upload cache) and which never, caps
uploads, and marks the Blocks launched so that Gradio's checks run. `tests/test_security.py`
replays the attack.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from pse_assistant import __version__
from pse_assistant.api.app import DESCRIPTION
from pse_assistant.assistant import Assistant, get_assistant
from pse_assistant.core.downloads import within


def create_app(
    assistant: Assistant | None = None,
    refresh_index: bool = True,
    progress: Callable[[], Any] | None = None,
) -> FastAPI:
    """The whole application for one assistant.

    Args:
        assistant: the facade every route and the UI call; `get_assistant()` when omitted.
        refresh_index: bring the index up to date in the background at start-up.
        progress: a context manager factory yielding a `(done, total)` callback, to show the build.
    """
    from pse_assistant.api.app import create_api

    assistant = assistant or get_assistant()
    assistant.auto_build = False

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if refresh_index:
            thread = threading.Thread(
                target=_refresh, args=(assistant, progress), daemon=True, name="pse-index"
            )
            thread.start()
            app.state.index_thread = thread
        sweeper = asyncio.create_task(_sweep(assistant))
        try:
            yield
        finally:
            sweeper.cancel()
            assistant.downloads.clear()

    settings = assistant.settings
    upload_bytes = int(settings.max_upload_mb * 1_000_000)
    app = FastAPI(
        title="pse-assistant",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        max_body_size=upload_bytes + 1_000_000,  # the UI's uploads; /api has its own, smaller
    )
    app.dependency_overrides[get_assistant] = lambda: assistant
    secret = None
    if settings.auth != "off":
        secret = assistant.accounts.session_secret()
        _sign_in_pages(app, assistant)  # before the API adds the session middleware around it
    create_api(app, settings, session_secret=secret)
    return _mount_ui(app, assistant, upload_bytes)


def _mount_ui(app: FastAPI, assistant: Assistant, upload_bytes: int) -> FastAPI:
    """The Gradio UI at /, behind the same sign-in as the API when it is on."""
    import gradio as gr

    from pse_ui import build_ui, look

    blocks = build_ui(assistant)
    signed_in = assistant.settings.auth != "off"
    mounted: FastAPI = gr.mount_gradio_app(
        app,
        blocks,
        path="",
        auth_dependency=_signed_in(assistant) if signed_in else None,
        footer_links=["api"],
        allowed_paths=[str(assistant.downloads.root)],
        blocked_paths=_blocked(assistant),
        max_file_size=upload_bytes,
        **look(),
    )
    blocks.has_launched = True  # what Gradio's own file checks wait for (see the module docstring)
    return mounted


def _signed_in(assistant: Assistant) -> Callable[[Request], Awaitable[str | None]]:
    """Gradio's gate: the session's user name (which events get as `gr.Request.username`), or
    None, which Gradio answers with 401 on every one of its routes."""

    async def user(request: Request) -> str | None:
        session = request.scope.get("session") or {}
        name, via = session.get("user"), str(session.get("via", "session"))
        since = str(session.get("since", ""))
        principal = await run_in_threadpool(assistant.principal, name, via, since) if name else None
        return principal.name if principal else None

    return user


def _sign_in_pages(app: FastAPI, assistant: Assistant) -> None:
    """`GET /login` (the sign-in page), `POST /logout`, and the UI's page sends a visitor who is
    not signed in to /login, keeping the link they followed (a join link, say) for afterwards."""
    from pse_ui.signin import login_page

    gate = _signed_in(assistant)
    mode = assistant.settings.auth

    @app.get("/login", include_in_schema=False)
    def login(next: str | None = None) -> HTMLResponse:
        return HTMLResponse(login_page(mode, next))

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    app.add_middleware(_ToSignIn, gate=gate)


class _ToSignIn:
    """Send a browser that is not signed in from the UI's page to /login.

    A plain ASGI middleware (not Starlette's `BaseHTTPMiddleware`, which breaks the streamed
    responses of Gradio's queue and `/api/ask/stream`); it looks only at `GET /`.
    """

    def __init__(self, app: ASGIApp, gate: Callable[[Request], Awaitable[str | None]]) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/":
            request = Request(scope, receive)
            if await self.gate(request) is None:
                query = request.url.query
                target = "/login" + (f"?next={quote('/?' + query, safe='')}" if query else "")
                await RedirectResponse(target, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _blocked(assistant: Assistant) -> list[str]:
    """Folders Gradio must never serve: the data folder, the working folder and the home folder.

    A folder that holds the download folder or Gradio's upload cache is left out (it would block
    them too); blocked paths win over allowed ones in Gradio.
    """
    from gradio.utils import get_upload_folder

    served = [assistant.downloads.root, Path(get_upload_folder())]
    candidates = [assistant.settings.data_dir, Path.cwd(), Path.home()]
    return [
        os.path.abspath(folder)
        for folder in candidates
        if not any(within(s, folder) or Path(s) == folder for s in served)
    ]


async def _sweep(assistant: Assistant) -> None:
    """Remove expired downloads every quarter of their lifetime (at most every five minutes)."""
    every = min(300.0, assistant.downloads.max_age / 4)
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(assistant.downloads.sweep)


def _refresh(assistant: Assistant, progress: Callable[[], Any] | None) -> None:
    """Build or refresh the index; a failure is printed and the server keeps answering 503."""
    try:
        if progress is None:
            assistant.build_index()
        else:
            with progress() as update:
                assistant.build_index(progress=update)
        assistant.embedder.embed_query(
            "warm up"
        )  # so the first question does not wait for the model
    except Exception as exc:  # the thread must never die silently
        print(f"pse-assistant: the index could not be built: {exc}", flush=True)

"""One server: the FastAPI API under /api, its docs at /docs, and the Gradio UI at /.

The index is brought up to date in a background thread when the server starts (built on a first start,
refreshed incrementally otherwise), so the server answers at once: /api/health says `starting` and
questions get 503 until the index is ready.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from pse_assistant import __version__
from pse_assistant.api.app import DESCRIPTION
from pse_assistant.assistant import Assistant, get_assistant


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
    import gradio as gr

    from pse_assistant.api.app import create_api
    from pse_ui import build_ui, look

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
        yield
        assistant.downloads.clear()

    app = FastAPI(
        title="pse-assistant",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.dependency_overrides[get_assistant] = lambda: assistant
    create_api(app)
    mounted: FastAPI = gr.mount_gradio_app(
        app, build_ui(assistant), path="", footer_links=["api"], **look()
    )
    return mounted


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

"""`pse serve`: the web app (chat UI at /, API under /api, docs at /docs) on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from pse_assistant.cli.common import current_assistant, err, progress

app = typer.Typer()


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (PSE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PSE_PORT).", min=1, max=65535)] = None,
) -> None:
    """Start the web app: the chat UI at /, the API under /api, its docs at /docs."""
    import uvicorn

    from pse_assistant.server import create_app

    assistant = current_assistant()
    if host:  # the server answers to the host it listens on (and PSE_ALLOWED_HOSTS)
        assistant.settings = assistant.settings.model_copy(update={"host": host})
    settings = assistant.settings
    assistant.database_status()  # migrate before the first request, and fail here if it cannot
    application = create_app(assistant, progress=lambda: progress("Building the search index"))
    where = f"http://{host or settings.host}:{port or settings.port}"
    err.print(f"pse-assistant on [bold]{where}[/] (API docs at {where}/docs). Ctrl-C stops it.")
    uvicorn.run(
        application, host=host or settings.host, port=port or settings.port, log_level="warning"
    )

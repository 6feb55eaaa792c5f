"""`pse serve`: the web app (chat UI at /, API under /api, docs at /docs) on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from pse_assistant.cli.common import current_assistant, err, progress
from pse_assistant.core.errors import InvalidInput
from pse_assistant.core.settings import Settings, is_loopback

app = typer.Typer()


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (PSE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PSE_PORT).", min=1, max=65535)] = None,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth",
            help="Serve without sign-in on a non-loopback interface (only behind a proxy that "
            "authenticates: anyone reaching the port may do everything).",
        ),
    ] = False,
) -> None:
    """Start the web app: the chat UI at /, the API under /api, its docs at /docs."""
    import uvicorn

    from pse_assistant.server import create_app

    assistant = current_assistant()
    if host:  # the server answers to the host it listens on (and PSE_ALLOWED_HOSTS)
        assistant.settings = assistant.settings.model_copy(update={"host": host})
    settings = assistant.settings
    _check_exposure(settings, no_auth)
    assistant.database_status()  # migrate before the first request, and fail here if it cannot
    if settings.auth == "local" and not assistant.accounts.users():
        err.print("No accounts yet: add one with `pse users add NAME --role admin`.")
    application = create_app(assistant, progress=lambda: progress("Building the search index"))
    where = f"http://{host or settings.host}:{port or settings.port}"
    err.print(f"pse-assistant on [bold]{where}[/] (API docs at {where}/docs). Ctrl-C stops it.")
    uvicorn.run(
        application, host=host or settings.host, port=port or settings.port, log_level="warning"
    )


def _check_exposure(settings: Settings, no_auth: bool) -> None:
    """Refuse to serve without sign-in beyond this machine unless `--no-auth` says so on purpose,
    and then say so on every start."""
    if settings.auth != "off" or is_loopback(settings.host):
        return
    if not no_auth:
        raise InvalidInput(
            f"Refusing to listen on {settings.host} without sign-in: anyone who reaches the port "
            "could read and delete all saved work. Set PSE_AUTH=local (or oidc), or pass "
            "--no-auth if a proxy in front of it authenticates."
        )
    err.print(
        f"[bold yellow]Warning:[/] serving on {settings.host} WITHOUT sign-in (--no-auth): "
        "everyone who can reach this port can read, change and delete all saved work."
    )

"""What stands in front of every request, the API's and the UI's: the Host check and CORS.

A web page on another site can reach a server on 127.0.0.1 by DNS rebinding (its own name made to
resolve to 127.0.0.1); the browser then sends that name as the Host header. Answering only to the
loopback names, the configured host and `PSE_ALLOWED_HOSTS` shuts that door. CORS is Starlette's own
middleware, always installed so that Gradio does not add its localhost-with-credentials policy
(Gradio skips its own when the parent app has a `CORSMiddleware`), and it allows only
`PSE_CORS_ORIGINS`, without credentials. The request-body limit is FastAPI's `max_body_size` (see
`pse_assistant.api.app`), which counts streamed bytes; a body *declared* too large for /api is
answered here, at once and as JSON (Starlette's limiter would answer it in plain text).
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from pse_assistant.core.fields import clean_text
from pse_assistant.core.settings import Settings

# host, or [v6], with an optional port; anything else is not a Host header.
_HOST = re.compile(r"^(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$")


def host_of(header: str | None) -> str | None:
    """The host name of a Host header, lower-cased, brackets kept for IPv6; None if malformed."""
    match = _HOST.match(header or "")
    return match["host"].lower() if match else None


class HostGuard:
    """Answer 400 to a request whose Host header is not a trusted name, and 413 to an /api request
    whose declared Content-Length is over the API's limit."""

    def __init__(self, app: ASGIApp, hosts: list[str], max_body_kb: int = 64) -> None:
        self.app = app
        self.hosts = frozenset(hosts)
        self.any = "*" in self.hosts
        self.max_body_kb = max_body_kb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        header = headers.get("host")
        if self.any or host_of(header) in self.hosts:
            length = headers.get("content-length", "")
            if (
                scope["type"] == "http"
                and scope["path"].startswith("/api/")
                and length.isdigit()
                and int(length) > self.max_body_kb * 1024
            ):
                message = f"The request body is too large (at most {self.max_body_kb} KB)."
                await _json(413, "too_large", message)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        shown = clean_text(header or "")[:100]
        response = _json(
            400,
            "invalid_host",
            f"This server does not answer to the host '{shown}'. "
            "Add the name to PSE_ALLOWED_HOSTS if it is yours.",
        )
        await response(scope, receive, send)


def _json(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error, "message": message})


def install_guards(app: FastAPI, settings: Settings) -> None:
    """CORS for the configured origins only, then the Host check outermost."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        # A page from a configured origin may send an API token; cookies never cross origins.
        allow_headers=["content-type", "authorization"]
        if settings.auth != "off"
        else ["content-type"],
    )
    app.add_middleware(HostGuard, hosts=settings.trusted_hosts(), max_body_kb=settings.max_body_kb)

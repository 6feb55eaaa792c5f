"""The signed session cookie for browser sign-ins, shared by the API and the mounted UI.

Starlette's `SessionMiddleware` signs the cookie (itsdangerous) and always sends it `HttpOnly` and,
here, `SameSite=Lax`; it holds only the user's name and how they signed in, and every request looks
the user up again, so a disabled account or a changed role takes effect at once. `Secure` is set
always, never, or (the default) on requests that arrived over HTTPS: Starlette fixes the flag when
the middleware is built, so `SecureOverHttps` adds it per request instead.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pse_assistant.core.settings import Settings

COOKIE = "pse_session"


class SecureOverHttps:
    """Add `Secure` to the session cookie of a response to an HTTPS request."""

    def __init__(self, app: ASGIApp, cookie: str = COOKIE) -> None:
        self.app = app
        self.prefix = f"{cookie}=".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (key, value + b"; secure")
                    if key == b"set-cookie"
                    and value.startswith(self.prefix)
                    and b"secure" not in value.lower()
                    else (key, value)
                    for key, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, secure)


def install_session(app: FastAPI, settings: Settings, secret: str) -> None:
    """The session cookie on every path (API and UI), when a sign-in is required."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=COOKIE,
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.cookie_secure is True,
    )
    if settings.cookie_secure is None:
        app.add_middleware(SecureOverHttps)

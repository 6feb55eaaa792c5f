"""The FastAPI application under /api: routers, guards, the body limit and every error as JSON.

Every error, whoever raises it, leaves as `{"error", "message"}`: the facade's `PseError`s by kind,
invalid fields and bodies that are not JSON or not UTF-8 as 422, a body over `PSE_MAX_BODY_KB` as 413
(FastAPI's `max_body_size` counts the bytes as they stream in, chunked or not, and stops reading at
the limit), a wrong method as 405 with an Allow header, and anything unexpected as a 500 that says
nothing about the server's insides.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from pse_assistant import __version__
from pse_assistant.api.access import MINIMUM, authorize, check_table, route_key
from pse_assistant.api.deps import COMMON
from pse_assistant.api.guards import install_guards
from pse_assistant.api.routes import (
    accounts,
    answers,
    auth,
    corpus,
    documents,
    evals,
    plans,
    templates,
    training,
)
from pse_assistant.api.session import install_session
from pse_assistant.core.errors import (
    BackendUnavailable,
    Conflict,
    Forbidden,
    IndexNotReady,
    InvalidInput,
    NotFound,
    PseError,
    TooManyAttempts,
    Unauthorized,
)
from pse_assistant.core.fields import clean_text, field_message
from pse_assistant.core.settings import Settings, get_settings

DESCRIPTION = (
    "Guidance for ISO 11367:2025 public service excellence, grounded in the project's corpus. "
    "The guidance is the project's own (CC BY 4.0); the standard's text is never reproduced. "
    'Every error is JSON `{"error", "message"}`. Lists are paged: `limit` and `cursor` in, '
    "`items` and `next_cursor` out."
)


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Any:
    # Messages may quote input: cleaned, they always encode (a lone surrogate would not).
    content = {"error": error, "message": clean_text(message)}
    return JSONResponse(status_code=status, content=content, headers=headers)


def create_api(
    app: FastAPI | None = None,
    settings: Settings | None = None,
    session_secret: str | None = None,
) -> FastAPI:
    """The FastAPI application with the /api routes, its guards and JSON error handlers.

    Every route runs `authorize` first, which checks the caller against the route's minimum role
    in `pse_assistant.api.access.MINIMUM` (everyone passes with `PSE_AUTH=off`).

    Args:
        app: the application to add the API to (the server's, which also mounts the UI).
        settings: the configuration; `get_settings()` when omitted.
        session_secret: the key that signs session cookies, needed when auth is on.
    """
    settings = settings or get_settings()
    app = app or FastAPI(title="pse-assistant", version=__version__, description=DESCRIPTION)
    limit = settings.max_body_kb * 1024
    modules = (auth, answers, corpus, documents, plans, templates, training, evals, accounts)
    routers = [m.router for m in modules]
    for router in routers:
        app.include_router(
            router, max_body_size=limit, responses=COMMON, dependencies=[Depends(authorize)]
        )
    known = [route for router in routers for route in router.routes if isinstance(route, APIRoute)]
    check_table(known)
    for route in known:  # the role in the OpenAPI document too, for whoever writes a client
        needed = MINIMUM[route_key(route)]
        role = {"x-minimum-role": needed.value if needed else "public"}
        route.openapi_extra = {**(route.openapi_extra or {}), **role}
    # Starlette takes an ASGI app here and sends it every method; its annotation names only
    # request handlers (which would get GET alone).
    app.add_route("/api/{rest:path}", _UnknownPath(known), include_in_schema=False)  # type: ignore[arg-type]
    if settings.auth != "off":
        if not session_secret:
            raise ValueError("create_api needs a session secret when PSE_AUTH is on")
        install_session(app, settings, session_secret)
        auth.register_oidc(app, settings)
    install_guards(app, settings)
    _error_handlers(app, settings)
    return app


class _UnknownPath:
    """The last /api route: 405 with Allow for a known path, 404 for an unknown one.

    Without it a wrong method fell through to the UI mounted at `/`, which answered 404. It is a
    plain ASGI app, so Starlette routes every method to it (TRACE and QUERY included).
    """

    def __init__(self, known: list[APIRoute]) -> None:
        self.known = known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = request.url.path
        allowed = sorted(
            {m for route in self.known if route.path_regex.match(path) for m in route.methods or ()}
        )
        if allowed:
            response = _error(
                405,
                "method_not_allowed",
                f"{request.method} is not served on {path}; use {', '.join(allowed)}.",
                {"Allow": ", ".join(allowed)},
            )
        else:
            response = _error(404, "not_found", f"There is no endpoint {path}.")
        await response(scope, receive, send)


def _error_handlers(app: FastAPI, settings: Settings) -> None:
    """Map every error to its status code and a message a person understands."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Any:
        return _error(422, "invalid_input", _validation_message(exc.errors()))

    @app.exception_handler(ValidationError)
    async def invalid_model(_: Request, exc: ValidationError) -> Any:
        return _error(422, "invalid_input", _validation_message(exc.errors()[:1]))

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Any:
        headers = dict(exc.headers or {})
        if exc.status_code == 413:
            message = f"The request body is too large (at most {settings.max_body_kb} KB)."
            return _error(413, "too_large", message, headers)
        if exc.status_code == 400 and request.url.path.startswith("/api/"):
            # FastAPI's only 400: a body it could not decode (not UTF-8, or not text at all).
            return _error(422, "invalid_input", "The request body is not JSON text in UTF-8.")
        names = {404: "not_found", 405: "method_not_allowed"}
        return _error(exc.status_code, names.get(exc.status_code, "error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> Any:
        return _error(500, "internal", "Something went wrong on the server; it was logged.")

    @app.exception_handler(TooManyAttempts)
    async def locked(_: Request, exc: TooManyAttempts) -> Any:
        headers = {"Retry-After": str(exc.retry_after)}
        return _error(429, "too_many_attempts", str(exc), headers)

    @app.exception_handler(Unauthorized)
    async def unauthorized(_: Request, exc: Unauthorized) -> Any:
        return _error(401, "unauthorized", str(exc), {"WWW-Authenticate": "Bearer"})

    statuses: list[tuple[type[PseError], int, str]] = [
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (IndexNotReady, 503, "index_not_ready"),
        (BackendUnavailable, 503, "unavailable"),
        (InvalidInput, 422, "invalid_input"),
        (PseError, 409, "conflict"),
    ]
    for kind, status, name in statuses:
        app.exception_handler(kind)(_handler(status, name))


def _validation_message(errors: Any) -> str:
    """`field: reason; field: reason`, and a plain sentence for a body that is not JSON."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            parts.append("The request body is not valid JSON.")
            continue
        parts.append(field_message(error))
    return "; ".join(parts) or "The request is not valid."


def _handler(status: int, name: str) -> Any:
    async def handle(_: Request, exc: Exception) -> Any:
        message = (
            "The search index is still being built; try again in a moment."
            if name == "index_not_ready"
            else str(exc)
        )
        return _error(status, name, message)

    return handle

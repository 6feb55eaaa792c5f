"""The FastAPI application under /api: its routers, the body limit and every error as readable JSON."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from pse_assistant import __version__
from pse_assistant.api.routes import answers, corpus, evals, plans, templates, training
from pse_assistant.core.errors import (
    BackendUnavailable,
    IndexNotReady,
    InvalidInput,
    NotFound,
    PseError,
)

MAX_BODY_BYTES = 64 * 1024
DESCRIPTION = (
    "Guidance for ISO 11367:2025 public service excellence, grounded in the project's corpus. "
    "The guidance is the project's own (CC BY 4.0); the standard's text is never reproduced."
)


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error, "message": message})


def create_api(app: FastAPI | None = None) -> FastAPI:
    """The FastAPI application with the /api routes, the body limit and JSON error handlers."""
    app = app or FastAPI(title="pse-assistant", version=__version__, description=DESCRIPTION)
    for module in (answers, corpus, plans, templates, training, evals):
        app.include_router(module.router)
    app.middleware("http")(_limit_body)
    _error_handlers(app)
    return app


async def _limit_body(request: Request, call_next: Any) -> Any:
    length = request.headers.get("content-length")
    if request.url.path.startswith("/api/") and length and int(length) > MAX_BODY_BYTES:
        return _error(
            413,
            "too_large",
            f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KB).",
        )
    return await call_next(request)


def _error_handlers(app: FastAPI) -> None:
    """Map every error the facade raises to its status code and a message a person understands."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"] if p != "body")
            parts.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
        return _error(422, "invalid_input", "; ".join(parts) or "The request is not valid.")

    @app.exception_handler(ValidationError)
    async def invalid_model(_: Request, exc: ValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return _error(
            422, "invalid_input", f"{where}: {first['msg']}" if where else str(first["msg"])
        )

    statuses: list[tuple[type[PseError], int, str]] = [
        (NotFound, 404, "not_found"),
        (IndexNotReady, 503, "index_not_ready"),
        (BackendUnavailable, 503, "unavailable"),
        (InvalidInput, 422, "invalid_input"),
        (PseError, 409, "conflict"),
    ]
    for kind, status, name in statuses:
        app.exception_handler(kind)(_handler(status, name))


def _handler(status: int, name: str) -> Any:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        message = (
            "The search index is still being built; try again in a moment."
            if name == "index_not_ready"
            else str(exc)
        )
        return _error(status, name, message)

    return handle

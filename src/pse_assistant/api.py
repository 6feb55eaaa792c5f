"""The HTTP API under /api: pydantic requests and responses, every error as JSON a person can read."""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sse_starlette.sse import EventSourceResponse
from starlette.background import BackgroundTask
from starlette.concurrency import iterate_in_threadpool

from . import __version__
from .assistant import Assistant, ClauseView, get_assistant
from .chat import Answer
from .conversations import Conversation
from .errors import BackendUnavailable, IndexNotReady, InvalidInput, NotFound, PseError
from .retrieval import MAX_QUERY_CHARS, SearchResult
from .structure import Clause

MAX_BODY_BYTES = 64 * 1024
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
router = APIRouter(prefix="/api")


class AskRequest(BaseModel):
    """A question, optionally in an existing conversation."""

    question: str = Field(
        min_length=1, max_length=MAX_QUERY_CHARS, examples=["How do we meet 7.2.3 at the counter?"]
    )
    conversation_id: str | None = Field(default=None, max_length=64)


class SearchRequest(BaseModel):
    """A search query."""

    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    k: int = Field(default=5, ge=1, le=50)


class FeedbackRequest(BaseModel):
    """Thumbs up or down on an answer, with an optional comment, kept for evaluators."""

    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)


class FeedbackResponse(BaseModel):
    """The stored feedback's id."""

    id: str


class Health(BaseModel):
    """Whether the service can answer, and with what."""

    status: Literal["ok", "starting"]
    index_ready: bool
    chunks: int
    llm: bool
    version: str


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: str
    message: str


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error, "message": message})


@router.post(
    "/ask", response_model=Answer, responses={404: {"model": ErrorBody}, 503: {"model": ErrorBody}}
)
def ask(body: AskRequest, assistant: AssistantDep) -> Answer:
    """Answer a question with clause citations; follow-ups use the conversation's context."""
    return assistant.ask(body.question, body.conversation_id)


@router.post("/ask/stream", responses={404: {"model": ErrorBody}})
async def ask_stream(body: AskRequest, assistant: AssistantDep) -> EventSourceResponse:
    """Server-sent events: `token` events while the answer is written, then one `answer` event."""
    events = assistant.ask_stream(
        body.question, body.conversation_id
    )  # raises 404 before streaming

    def encoded() -> Iterator[dict[str, str]]:
        for event in events:
            if event["type"] == "answer":
                yield {"event": "answer", "data": event["answer"].model_dump_json()}
            else:
                yield {"event": event["type"], "data": json.dumps({"text": event.get("text", "")})}

    async def stream() -> AsyncIterator[dict[str, str]]:
        async for item in iterate_in_threadpool(encoded()):
            yield item

    return EventSourceResponse(stream())


@router.post("/search", response_model=SearchResult)
def search(body: SearchRequest, assistant: AssistantDep) -> SearchResult:
    """Passages grouped by clause, in your own words or by clause."""
    return assistant.search(body.query, k=body.k)


@router.get("/clauses", response_model=list[Clause])
def clauses(assistant: AssistantDep) -> list[Clause]:
    """The clause tree of ISO 11367:2025 with pages."""
    return assistant.clauses()


@router.get("/clauses/{clause_id}", responses={404: {"model": ErrorBody}})
def clause(clause_id: str, assistant: AssistantDep) -> dict[str, Any]:
    """One clause: its place in the tree, its guidance note (Markdown), related clauses, crosswalks."""
    view: ClauseView = assistant.clause(clause_id)
    data = view.model_dump(mode="json", exclude={"note"})
    data["guidance"] = view.note.body.strip() if view.note else None
    return data


@router.get("/conversations", response_model=list[Conversation])
def conversations(assistant: AssistantDep) -> list[Conversation]:
    """Saved conversations, newest first (without their turns)."""
    return assistant.conversations.all()


@router.get(
    "/conversations/{conversation_id}",
    response_model=Conversation,
    responses={404: {"model": ErrorBody}},
)
def conversation(conversation_id: str, assistant: AssistantDep) -> Conversation:
    """A conversation with every question and answer."""
    return assistant.conversation(conversation_id)


@router.delete(
    "/conversations/{conversation_id}", status_code=204, responses={404: {"model": ErrorBody}}
)
def delete_conversation(conversation_id: str, assistant: AssistantDep) -> None:
    """Delete a conversation."""
    assistant.conversations.delete(conversation_id)


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackResponse,
    responses={404: {"model": ErrorBody}},
)
def feedback(body: FeedbackRequest, assistant: AssistantDep) -> FeedbackResponse:
    """Record a thumbs up or down on an answer."""
    return FeedbackResponse(id=assistant.feedback(body.answer_id, body.rating, body.comment))


@router.get("/health", response_model=Health)
def health(assistant: AssistantDep) -> Health:
    """Ready when the index is built; `starting` while the first build runs."""
    active = assistant.index.active()
    chunks = active.count() if active is not None else 0
    return Health(
        status="ok" if active is not None else "starting",
        index_ready=active is not None,
        chunks=chunks,
        llm=assistant.llm is not None,
        version=__version__,
    )


def plan_download(assistant: AssistantDep, body: Any, fmt: str) -> FileResponse:
    """Write the plan to a temporary file and send it as a download (the file is removed after)."""
    plan = assistant.draft_plan(body.clauses, body.profile())
    folder = Path(tempfile.mkdtemp(prefix="pse-plan-"))
    path = assistant.export_plan(plan, fmt, folder)
    media = {
        "md": "text/markdown",
        "json": "application/json",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    return FileResponse(
        path, media_type=media, filename=path.name, background=BackgroundTask(_remove, folder)
    )


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def create_api(app: FastAPI | None = None) -> FastAPI:
    """The FastAPI application with the /api routes and JSON error handlers."""
    app = app or FastAPI(
        title="pse-assistant",
        version=__version__,
        description="Guidance for ISO 11367:2025 public service excellence, grounded in the project's corpus.",
    )
    from .api_plans import router as plans_router
    from .api_trainers import router as trainers_router

    app.include_router(router)
    app.include_router(plans_router)
    app.include_router(trainers_router)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and int(length) > MAX_BODY_BYTES:
            return _error(
                413,
                "too_large",
                f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KB).",
            )
        return await call_next(request)

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

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, "not_found", str(exc))

    @app.exception_handler(IndexNotReady)
    async def not_ready(_: Request, exc: IndexNotReady) -> JSONResponse:
        return _error(
            503, "index_not_ready", "The search index is still being built; try again in a moment."
        )

    @app.exception_handler(BackendUnavailable)
    async def unavailable(_: Request, exc: BackendUnavailable) -> JSONResponse:
        return _error(503, "unavailable", str(exc))

    @app.exception_handler(InvalidInput)
    async def bad_input(_: Request, exc: InvalidInput) -> JSONResponse:
        return _error(422, "invalid_input", str(exc))

    @app.exception_handler(PseError)
    async def other(_: Request, exc: PseError) -> JSONResponse:
        return _error(409, "conflict", str(exc))

    return app

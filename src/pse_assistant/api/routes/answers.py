"""POST /api/ask, /api/ask/stream, the saved conversations and answer feedback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from pse_assistant.answer.conversations import Conversation, FeedbackEntry
from pse_assistant.answer.models import Answer, AnswerEvent
from pse_assistant.api.access import CallerDep
from pse_assistant.api.deps import AssistantDep, PageParams, errors
from pse_assistant.core.errors import NotFound, PseError
from pse_assistant.core.fields import Line, OptionalText, Text
from pse_assistant.core.pages import Page
from pse_assistant.search.retrieval import MAX_QUERY_CHARS

router = APIRouter(prefix="/api", tags=["answers"])
ConversationId = Annotated[str, Path(max_length=64)]
STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Server-sent events: `token` events ({text}) while the answer is written, `reset` when "
            "the model failed and the grounded answer follows, then one `answer` event (the "
            "Answer). An `error` event ({error, message}) ends a stream that fails part way, e.g. "
            "when the conversation is deleted meanwhile."
        ),
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "required": ["event", "data"],
                    "properties": {
                        "event": {"type": "string", "enum": ["token", "reset", "answer", "error"]},
                        "data": {"type": "string", "description": "The event as JSON."},
                    },
                }
            }
        },
    }
}


class AskRequest(BaseModel):
    """A question, optionally in an existing conversation."""

    question: Text = Field(
        min_length=1, max_length=MAX_QUERY_CHARS, examples=["How do we meet 7.2.3 at the counter?"]
    )
    conversation_id: Line | None = Field(default=None, max_length=64)


class FeedbackRequest(BaseModel):
    """Thumbs up or down on an answer, with an optional comment, kept for evaluators."""

    answer_id: Line = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: OptionalText = Field(default="", max_length=2000)


class FeedbackResponse(BaseModel):
    """The stored feedback's id."""

    id: str


@router.post("/ask", response_model=Answer, responses=errors(404, 503))
def ask(body: AskRequest, assistant: AssistantDep, caller: CallerDep) -> Answer:
    """Answer a question with clause citations; follow-ups use the conversation's context."""
    return assistant.ask(body.question, body.conversation_id, caller.owner)


@router.post("/ask/stream", response_class=EventSourceResponse, responses=STREAM | errors(404, 503))
async def ask_stream(
    body: AskRequest, assistant: AssistantDep, caller: CallerDep
) -> EventSourceResponse:
    """Server-sent events: `token` events while the answer is written, then one `answer` event."""
    # 404 before streaming; the store is read in a thread, off the event loop
    events = await run_in_threadpool(
        assistant.ask_stream, body.question, body.conversation_id, caller.owner
    )

    def encoded() -> Iterator[dict[str, str]]:
        try:
            for event in events:
                data = event.answer if isinstance(event, AnswerEvent) else event
                yield {"event": event.type, "data": data.model_dump_json(exclude={"type"})}
        except PseError as error:  # the status line is sent: say it in the stream
            kind = "not_found" if isinstance(error, NotFound) else "error"
            yield {"event": "error", "data": json.dumps({"error": kind, "message": str(error)})}

    async def stream() -> AsyncIterator[dict[str, str]]:
        async for item in iterate_in_threadpool(encoded()):
            yield item

    return EventSourceResponse(stream())


@router.get("/conversations", response_model=Page[Conversation], responses=errors(404))
def conversations(
    assistant: AssistantDep, page: PageParams, caller: CallerDep
) -> Page[Conversation]:
    """Your saved conversations, newest first (without their turns), a page at a time."""
    return assistant.conversation_page(*page, owner=caller.owner)


@router.get("/conversations/{conversation_id}", response_model=Conversation, responses=errors(404))
def conversation(
    conversation_id: ConversationId, assistant: AssistantDep, caller: CallerDep
) -> Conversation:
    """A conversation of yours with every question and answer (another user's is a 404)."""
    return assistant.conversation(conversation_id, caller.owner)


@router.delete("/conversations/{conversation_id}", status_code=204, responses=errors(404))
def delete_conversation(
    conversation_id: ConversationId, assistant: AssistantDep, caller: CallerDep
) -> None:
    """Delete a conversation of yours (another user's is a 404)."""
    assistant.delete_conversation(conversation_id, caller.owner)


@router.get("/feedback", response_model=Page[FeedbackEntry], responses=errors(404))
def feedback_list(assistant: AssistantDep, page: PageParams) -> Page[FeedbackEntry]:
    """Answer feedback, oldest first, a page at a time (trainers and admins)."""
    return assistant.feedback_page(*page)


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackResponse,
    responses=errors(404),
)
def feedback(body: FeedbackRequest, assistant: AssistantDep, caller: CallerDep) -> FeedbackResponse:
    """Record a thumbs up or down on an answer you were given."""
    return FeedbackResponse(
        id=assistant.feedback(body.answer_id, body.rating, body.comment, caller.owner)
    )

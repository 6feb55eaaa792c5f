"""POST /api/ask, /api/ask/stream, the saved conversations and answer feedback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool

from pse_assistant.answer.conversations import Conversation
from pse_assistant.answer.models import Answer, AnswerEvent
from pse_assistant.api.deps import AssistantDep, ErrorBody
from pse_assistant.search.retrieval import MAX_QUERY_CHARS

router = APIRouter(prefix="/api", tags=["answers"])


class AskRequest(BaseModel):
    """A question, optionally in an existing conversation."""

    question: str = Field(
        min_length=1, max_length=MAX_QUERY_CHARS, examples=["How do we meet 7.2.3 at the counter?"]
    )
    conversation_id: str | None = Field(default=None, max_length=64)


class FeedbackRequest(BaseModel):
    """Thumbs up or down on an answer, with an optional comment, kept for evaluators."""

    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)


class FeedbackResponse(BaseModel):
    """The stored feedback's id."""

    id: str


@router.post(
    "/ask", response_model=Answer, responses={404: {"model": ErrorBody}, 503: {"model": ErrorBody}}
)
def ask(body: AskRequest, assistant: AssistantDep) -> Answer:
    """Answer a question with clause citations; follow-ups use the conversation's context."""
    return assistant.ask(body.question, body.conversation_id)


@router.post("/ask/stream", responses={404: {"model": ErrorBody}})
async def ask_stream(body: AskRequest, assistant: AssistantDep) -> EventSourceResponse:
    """Server-sent events: `token` events while the answer is written, then one `answer` event."""
    events = assistant.ask_stream(body.question, body.conversation_id)  # 404 before streaming

    def encoded() -> Iterator[dict[str, str]]:
        for event in events:
            data = event.answer if isinstance(event, AnswerEvent) else event
            yield {"event": event.type, "data": data.model_dump_json(exclude={"type"})}

    async def stream() -> AsyncIterator[dict[str, str]]:
        async for item in iterate_in_threadpool(encoded()):
            yield item

    return EventSourceResponse(stream())


@router.get("/conversations", response_model=list[Conversation])
def conversations(assistant: AssistantDep) -> list[Conversation]:
    """Saved conversations, newest first (without their turns)."""
    return assistant.conversation_list()


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
    assistant.delete_conversation(conversation_id)


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackResponse,
    responses={404: {"model": ErrorBody}},
)
def feedback(body: FeedbackRequest, assistant: AssistantDep) -> FeedbackResponse:
    """Record a thumbs up or down on an answer."""
    return FeedbackResponse(id=assistant.feedback(body.answer_id, body.rating, body.comment))

"""What an answer is: its status, citations and evidence, and the typed events an answer streams as."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from pse_assistant.answer.intents import Intent
from pse_assistant.core.text import sentences
from pse_assistant.search.index import USER_LABEL, Origin
from pse_assistant.search.retrieval import CORPUS_LABEL, Hit


class Status(StrEnum):
    """What kind of answer a question got."""

    ANSWERED = "answered"
    OUT_OF_SCOPE = "out_of_scope"
    CLAUSE_NOT_FOUND = "clause_not_found"
    INVALID_INPUT = "invalid_input"
    SMALL_TALK = "small_talk"


class Mode(StrEnum):
    """Who wrote the answer: the grounded composer or the language model."""

    GROUNDED = "grounded"
    LLM = "llm"


class Citation(BaseModel):
    """Where a statement comes from: the clause, its title, the section, and the passage quoted.

    `origin` is "user" when the passage quoted comes from a document the user ingested: their own
    material, which the project never reviewed, so every edge shows it as such.
    """

    clause: str
    title: str
    section: str
    quote: str
    source: str
    origin: Origin = "corpus"
    origin_label: str = CORPUS_LABEL


class Answer(BaseModel):
    """Everything an answer returns: the Markdown, its citations, its status and the evidence behind it."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:16])
    conversation_id: str = ""
    question: str
    resolved_question: str = ""
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    status: Status = Status.ANSWERED
    mode: Mode = Mode.GROUNDED
    intent: Intent | None = None
    clauses: list[str] = Field(default_factory=list)
    hits: list[Hit] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    situations: list[str] = Field(
        default_factory=list,
        description="The asker's situation as recognised, e.g. 'little or no budget'.",
    )
    verified: bool = True


class TokenEvent(BaseModel):
    """A piece of the answer's text, as it is written."""

    type: Literal["token"] = "token"
    text: str


class ResetEvent(BaseModel):
    """Forget the text streamed so far: the model failed and the grounded answer follows instead."""

    type: Literal["reset"] = "reset"


class AnswerEvent(BaseModel):
    """The finished answer, always the last event of a stream."""

    type: Literal["answer"] = "answer"
    answer: Answer


AnswerStreamEvent = Annotated[TokenEvent | ResetEvent | AnswerEvent, Field(discriminator="type")]


def label_origins(answer: Answer) -> Answer:
    """Mark each citation that quotes a user's document, from the hits the answer was built on.

    The composer cites by clause; a citation whose source is a user document, or whose quoted
    sentences all come from a user document's passage of that clause, is that document's.
    """
    flat = {id(h): " ".join(h.text.split()) for h in answer.hits if h.origin == "user"}
    for citation in answer.citations:
        for hit in answer.hits:
            if id(hit) not in flat or hit.clause != citation.clause:
                continue
            quoted = sentences(citation.quote)
            if hit.source == citation.source or (
                quoted and all(s in flat[id(hit)] for s in quoted)
            ):
                citation.origin, citation.origin_label = "user", USER_LABEL
                citation.source = hit.source
                break
    return answer

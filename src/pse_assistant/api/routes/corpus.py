"""GET /api/clauses, /api/clauses/{id}, POST /api/search and GET /api/health."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from pse_assistant import __version__
from pse_assistant.api.deps import AssistantDep, errors
from pse_assistant.core.fields import MAX_CLAUSE_REF, Text, Whole
from pse_assistant.corpus.structure import Clause
from pse_assistant.corpus.views import ClauseView
from pse_assistant.search.retrieval import MAX_QUERY_CHARS, SearchResult

router = APIRouter(prefix="/api", tags=["corpus and search"])


class SearchRequest(BaseModel):
    """A search query."""

    query: Text = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    k: Whole = Field(default=5, ge=1, le=50)


class Health(BaseModel):
    """Whether the service can answer, and with what."""

    status: Literal["ok", "starting"]
    index_ready: bool
    chunks: int
    llm: bool
    version: str


@router.post("/search", response_model=SearchResult, responses=errors(503))
def search(body: SearchRequest, assistant: AssistantDep) -> SearchResult:
    """Passages grouped by clause, in your own words or by clause."""
    return assistant.search(body.query, k=body.k)


@router.get("/clauses", response_model=list[Clause])
def clauses(assistant: AssistantDep) -> list[Clause]:
    """The clause tree of ISO 11367:2025 with pages."""
    return assistant.clauses()


@router.get("/clauses/{clause_id}", response_model=ClauseView, responses=errors(404))
def clause(
    clause_id: Annotated[str, Path(max_length=MAX_CLAUSE_REF)], assistant: AssistantDep
) -> ClauseView:
    """One clause: its place in the tree, its guidance note (Markdown), related clauses, crosswalks."""
    return assistant.clause(clause_id)


@router.get("/health", response_model=Health)
def health(assistant: AssistantDep) -> Health:
    """Ready when the index is built; `starting` while the first build runs."""
    status = assistant.index_status()
    return Health(
        status="ok" if status.ready else "starting",
        index_ready=status.ready,
        chunks=status.chunks,
        llm=assistant.llm is not None,
        version=__version__,
    )

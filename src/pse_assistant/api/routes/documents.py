"""GET /api/documents: the user's own ingested documents, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter

from pse_assistant.api.deps import AssistantDep, PageParams, errors
from pse_assistant.core.pages import Page
from pse_assistant.search.index import UserDocument

router = APIRouter(prefix="/api", tags=["corpus and search"])


@router.get("/documents", response_model=Page[UserDocument], responses=errors(404, 503))
def documents(assistant: AssistantDep, page: PageParams) -> Page[UserDocument]:
    """Documents added with `pse ingest`, oldest first: file, passages, pages, clauses tagged.

    Their passages are the user's own material, not reviewed by the project: search hits and
    citations from them say so (`origin: "user"`).
    """
    return assistant.document_page(*page)

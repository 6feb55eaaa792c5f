"""GET /api/templates and GET /api/templates/{id}: practitioner templates, as JSON or a file."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from pse_assistant.api.deps import ERRORS, AssistantDep, download, file_responses
from pse_assistant.templates.filling import FilledTemplate, TemplateSummary

router = APIRouter(prefix="/api", tags=["templates"])


@router.get("/templates", response_model=list[TemplateSummary])
def templates(assistant: AssistantDep) -> list[TemplateSummary]:
    """Every template: what it is for, the clauses it serves, and its default format."""
    return assistant.templates()


@router.get(
    "/templates/{template_id}",
    response_model=FilledTemplate,
    responses=ERRORS | file_responses("docx", "xlsx"),
)
def template(
    template_id: str,
    assistant: AssistantDep,
    format: Literal["docx", "xlsx"] | None = Query(
        default=None, description="Download the template in this format; omit for it as JSON."
    ),
) -> FilledTemplate | FileResponse:
    """One template with its guidance, columns, example and pre-filled rows; `?format=` downloads it."""
    if format is None:
        return assistant.template(template_id)
    return download(assistant.template_download(template_id, format))

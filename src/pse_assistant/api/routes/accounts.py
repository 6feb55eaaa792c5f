"""The audit log, answer feedback for trainers, and invitations to score an assessment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from pse_assistant.accounts.audit import AuditRecord
from pse_assistant.api.access import CallerDep
from pse_assistant.api.deps import AssistantDep, PageParams, errors
from pse_assistant.core.pages import Page
from pse_assistant.training.assessment import Assessment

router = APIRouter(prefix="/api", tags=["accounts"])


class InvitationLink(BaseModel):
    """A single-use invitation: the code, and the join link that carries it."""

    assessment_id: str
    code: str
    link: str


@router.get("/audit", response_model=Page[AuditRecord], responses=errors(404))
def audit(assistant: AssistantDep, page: PageParams) -> Page[AuditRecord]:
    """Admin and trainer actions, newest first: who, what, on what, when, from where."""
    return assistant.accounts.audit.page(*page)


@router.post(
    "/assessments/{assessment_id}/invitations",
    status_code=201,
    response_model=InvitationLink,
    responses=errors(404),
)
def invite(
    assessment_id: Annotated[str, Path(max_length=64)], assistant: AssistantDep, caller: CallerDep
) -> InvitationLink:
    """A single-use invitation to score this assessment; send its link to one assessor."""
    code = assistant.invite(caller, assessment_id)
    return InvitationLink(
        assessment_id=assessment_id,
        code=code,
        link=f"/?assessment={assessment_id}&invite={code}#assess",
    )


@router.post("/invitations/{code}", response_model=Assessment, responses=errors(404))
def accept(
    code: Annotated[str, Path(max_length=64)], assistant: AssistantDep, caller: CallerDep
) -> Assessment:
    """Accept an invitation: the assessment becomes yours to score (the code is then spent)."""
    return assistant.accept_invitation(caller, code)

"""POST /api/plans: an action plan as JSON, or as a file to download."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from pse_assistant.api.deps import ERRORS, AssistantDep, download, file_responses
from pse_assistant.plans.models import ActionPlan, PlanRequest

router = APIRouter(prefix="/api", tags=["plans"])


@router.post(
    "/plans",
    response_model=ActionPlan,
    # format=json is the same ActionPlan as the default answer: application/json, one schema.
    responses=ERRORS | file_responses("md", "docx", "xlsx"),
)
def plans(
    body: PlanRequest,
    assistant: AssistantDep,
    format: Literal["md", "docx", "xlsx", "json"] | None = Query(
        default=None, description="Download the plan in this format; omit for the plan as JSON."
    ),
) -> ActionPlan | FileResponse:
    """Draft an element-level action plan; with `?format=` it comes back as a file to download."""
    plan = assistant.draft_plan(body)
    if format is None:
        return plan
    return download(assistant.plan_download(plan, format))

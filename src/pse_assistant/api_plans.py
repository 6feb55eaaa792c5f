"""POST /api/plans (an action plan as JSON or a download) and POST /api/evals (an evaluation run)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from .api import AssistantDep, ErrorBody, plan_download
from .plans import ActionPlan, PlanProfile

router = APIRouter(prefix="/api")


class PlanRequest(BaseModel):
    """The clauses to plan for and the organization's profile."""

    clauses: list[str] = Field(min_length=1, max_length=12, examples=[["7.2.2"]])
    organization: str = Field(min_length=2, max_length=120, examples=["regional health agency"])
    size: Literal["small", "medium", "large"] = "medium"
    horizon_months: int = Field(default=12, ge=3, le=36)
    maturity: int = Field(default=2, ge=1, le=5)
    priorities: str = Field(default="", max_length=1000)
    constraints: str = Field(default="", max_length=1000)

    def profile(self) -> PlanProfile:
        """The plan profile this request describes."""
        return PlanProfile(
            organization=self.organization,
            size=self.size,
            horizon_months=self.horizon_months,
            maturity=self.maturity,
            priorities=self.priorities,
            constraints=self.constraints,
        )


@router.post(
    "/plans",
    response_model=ActionPlan,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        404: {"model": ErrorBody},
        422: {"model": ErrorBody},
    },
)
def plans(
    body: PlanRequest,
    assistant: AssistantDep,
    format: Literal["md", "docx", "xlsx", "json"] | None = Query(
        default=None, description="Download the plan in this format; omit for the plan as JSON."
    ),
) -> ActionPlan | FileResponse:
    """Draft an element-level action plan; with `?format=` it comes back as a file to download."""
    if format is None:
        return assistant.draft_plan(body.clauses, body.profile())
    return plan_download(assistant, body, format)


class EvalRequest(BaseModel):
    """Which shipped question set to run."""

    split: Literal["dev", "test"] = "test"
    ablation: bool = False


class EvalResponse(BaseModel):
    """A finished run: its summary and the files written on the server."""

    summary: dict[str, Any]
    files: dict[str, str]


@router.post("/evals", response_model=EvalResponse)
def evals(body: EvalRequest, assistant: AssistantDep) -> EvalResponse:
    """Run the answer-quality evaluation on a shipped split (offline, deterministic metrics)."""
    run, paths = assistant.evaluate(split=body.split, ablation=body.ablation)
    return EvalResponse(
        summary=run.summary, files={name: str(path) for name, path in paths.items()}
    )

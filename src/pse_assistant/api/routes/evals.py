"""POST /api/evals: an evaluation run of a shipped question set."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from pse_assistant.api.access import CallerDep
from pse_assistant.api.deps import AssistantDep
from pse_assistant.core.fields import Flag
from pse_assistant.evals import MetricRow, evaluate, metric_rows

router = APIRouter(prefix="/api", tags=["evaluation"])


class EvalRequest(BaseModel):
    """Which shipped question set to run."""

    split: Literal["dev", "test"] = "test"
    ablation: Flag = False


class EvalResponse(BaseModel):
    """A finished run: its summary, its headline metrics named for people, the files written."""

    summary: dict[str, Any]
    headline: list[MetricRow]
    files: dict[str, str]


@router.post("/evals", response_model=EvalResponse)
def evals(body: EvalRequest, assistant: AssistantDep, caller: CallerDep) -> EvalResponse:
    """Run the answer-quality evaluation on a shipped split (offline, deterministic metrics)."""
    run, paths = evaluate(assistant, split=body.split, ablation=body.ablation)
    assistant.record(caller, "eval.run", body.split, "ablation" if body.ablation else "")
    return EvalResponse(
        summary=run.summary,
        headline=metric_rows(run.summary),
        files={name: str(path) for name, path in paths.items()},
    )

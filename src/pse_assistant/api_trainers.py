"""API routes for trainers and assessors: self-assessments, workshop packs and the quiz."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from .api import AssistantDep, ErrorBody
from .assess import Assessment, AssessmentItem, AssessmentResult, Consensus, Score
from .errors import NotFound
from .plan_models import ActionPlan
from .workshop import QuizFeedback, WorkshopPack

router = APIRouter(prefix="/api")
ERRORS: dict[int | str, dict[str, object]] = {404: {"model": ErrorBody}, 422: {"model": ErrorBody}}
MEDIA = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "svg": "image/svg+xml",
}


class NewAssessment(BaseModel):
    """An assessment to start."""

    name: str = Field(min_length=1, max_length=120)
    organization: str = Field(min_length=2, max_length=120)
    include_principles: bool = False


class ScoreRequest(BaseModel):
    """One assessor's score for one element."""

    assessor: str = Field(min_length=1, max_length=80)
    clause: str = Field(min_length=1, max_length=20)
    score: int = Field(ge=1, le=5, strict=True)
    evidence: str = Field(default="", max_length=2000)


class ConsensusRequest(BaseModel):
    """The score agreed in the consensus meeting, and why."""

    clause: str = Field(min_length=1, max_length=20)
    score: int = Field(ge=1, le=5, strict=True)
    reason: str = Field(min_length=3, max_length=1000)


class GapPlanRequest(BaseModel):
    """Turn the weakest elements into a programme plan."""

    organization: str = Field(min_length=2, max_length=120)
    horizon_months: int = Field(default=12, ge=3, le=36)
    weakest: int = Field(default=3, ge=1, le=12)


class WorkshopRequest(BaseModel):
    """A workshop pack to build."""

    clause: str = Field(min_length=1, max_length=20, examples=["5.1.1"])
    minutes: Literal[60, 90, 180] = 90
    audience: str = Field(default="managers", examples=["managers"])


class QuizQuestion(BaseModel):
    """A quiz question as a participant sees it: no answer."""

    number: int
    question: str
    options: dict[str, str]
    clause: str


class QuizAnswer(BaseModel):
    """A participant's answer to one question."""

    number: int = Field(ge=1)
    answer: str = Field(min_length=1, max_length=1)


def _download(path: Path, folder: Path) -> FileResponse:
    media = MEDIA.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(
        path, media_type=media, filename=path.name, background=BackgroundTask(_remove_tree, folder)
    )


def _remove_tree(folder: Path) -> None:
    for child in sorted(folder.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    folder.rmdir()


@router.get("/assessment-items", response_model=list[AssessmentItem])
def assessment_items(assistant: AssistantDep, principles: bool = False) -> list[AssessmentItem]:
    """The questions, five-level scales (from the notes) and evidence prompts of an assessment."""
    return assistant.training.items(principles)


@router.post("/assessments", status_code=201, response_model=Assessment, responses=ERRORS)
def create_assessment(body: NewAssessment, assistant: AssistantDep) -> Assessment:
    """Start a self-assessment of the twelve sub-elements (and the fourteen principles, if asked)."""
    return assistant.training.create(body.name, body.organization, body.include_principles)


@router.get("/assessments", response_model=list[Assessment])
def assessments(assistant: AssistantDep) -> list[Assessment]:
    """Every assessment."""
    return assistant.training.store.all()


@router.get("/assessments/{assessment_id}", response_model=Assessment, responses=ERRORS)
def assessment(assessment_id: str, assistant: AssistantDep) -> Assessment:
    """One assessment."""
    return assistant.training.store.get(assessment_id)


@router.delete("/assessments/{assessment_id}", status_code=204, responses=ERRORS)
def delete_assessment(assessment_id: str, assistant: AssistantDep) -> None:
    """Delete an assessment with its scores and agreements."""
    assistant.training.store.delete(assessment_id)


@router.put("/assessments/{assessment_id}/scores", response_model=Score, responses=ERRORS)
def score(assessment_id: str, body: ScoreRequest, assistant: AssistantDep) -> Score:
    """Record one assessor's score and evidence; scoring again replaces it."""
    return assistant.training.score(
        assessment_id, body.assessor, body.clause, body.score, body.evidence
    )


@router.put("/assessments/{assessment_id}/consensus", response_model=Consensus, responses=ERRORS)
def consensus(assessment_id: str, body: ConsensusRequest, assistant: AssistantDep) -> Consensus:
    """Record the agreed score of an element and its reason."""
    return assistant.training.agree(assessment_id, body.clause, body.score, body.reason)


@router.get(
    "/assessments/{assessment_id}/result", response_model=AssessmentResult, responses=ERRORS
)
def result(assessment_id: str, assistant: AssistantDep) -> AssessmentResult:
    """The consensus view: each element's scores, spread, disagreements, strengths, improvements."""
    return assistant.training.result(assessment_id)


@router.get("/assessments/{assessment_id}/charts/{name}", responses=ERRORS)
def chart(assessment_id: str, name: str, assistant: AssistantDep) -> FileResponse:
    """A chart: `radar-7.1.png`, `radar-7.2.svg`, ... or `heat-map.png` / `heat-map.svg`."""
    folder = Path(tempfile.mkdtemp(prefix="pse-charts-"))
    paths = {p.name: p for p in assistant.training.charts(assessment_id, folder)}
    if name not in paths:
        _remove_tree(folder)
        raise NotFound(f"No chart is called {name!r}; there are: {', '.join(sorted(paths))}.")
    return _download(paths[name], folder)


@router.get("/assessments/{assessment_id}/report", responses=ERRORS)
def report(
    assessment_id: str,
    assistant: AssistantDep,
    format: Literal["xlsx", "docx"] = Query(default="xlsx"),
) -> FileResponse:
    """The assessment as XLSX (scores, evidence, spread) or DOCX (the report with its charts)."""
    folder = Path(tempfile.mkdtemp(prefix="pse-assessment-"))
    return _download(assistant.training.report(assessment_id, format, folder), folder)


@router.post("/assessments/{assessment_id}/plan", response_model=ActionPlan, responses=ERRORS)
def plan_from_gaps(assessment_id: str, body: GapPlanRequest, assistant: AssistantDep) -> ActionPlan:
    """Turn the gaps into a plan: the weakest elements as one programme."""
    return assistant.training.plan_from_gaps(
        assessment_id, body.organization, body.horizon_months, body.weakest
    )


@router.post("/workshops", response_model=WorkshopPack, responses=ERRORS)
def workshop(
    body: WorkshopRequest,
    assistant: AssistantDep,
    format: Literal["md", "docx", "pptx"] | None = Query(default=None),
) -> WorkshopPack | FileResponse:
    """A workshop pack as JSON, or with `?format=` as Markdown, DOCX or PPTX slides."""
    pack = assistant.training.workshop(body.clause, body.minutes, body.audience)
    if format is None:
        return pack
    folder = Path(tempfile.mkdtemp(prefix="pse-workshop-"))
    return _download(assistant.training.export_workshop(pack, format, folder), folder)


@router.get("/quiz/{clause}", response_model=list[QuizQuestion], responses=ERRORS)
def quiz(
    clause: str, assistant: AssistantDep, count: int = Query(default=8, ge=1, le=20)
) -> list[QuizQuestion]:
    """Quiz questions for participants, without the answers."""
    return [
        QuizQuestion(number=i.number, question=i.question, options=i.options, clause=i.clause)
        for i in assistant.training.quiz(clause, count)
    ]


@router.post("/quiz/{clause}/answers", response_model=QuizFeedback, responses=ERRORS)
def answer(clause: str, body: QuizAnswer, assistant: AssistantDep) -> QuizFeedback:
    """Whether an answer is right, with the explanation and its citation."""
    return assistant.training.check(clause, body.number, body.answer)

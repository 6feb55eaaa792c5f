"""API routes for trainers and assessors: self-assessments, workshop packs and the quiz."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from pse_assistant.api.access import CallerDep
from pse_assistant.api.deps import (
    ERRORS,
    AssistantDep,
    PageParams,
    download,
    errors,
    file_responses,
)
from pse_assistant.core.fields import (
    ASSESSED_CLAUSE,
    MAX_CLAUSE_REF,
    ClauseRef,
    Flag,
    Line,
    OptionalText,
    Whole,
    text_pattern,
)
from pse_assistant.core.pages import Page
from pse_assistant.plans.models import ActionPlan
from pse_assistant.training.assessment import (
    Assessment,
    AssessmentItem,
    AssessmentResult,
    Consensus,
    Score,
)
from pse_assistant.training.workshop import QuizFeedback, WorkshopPack

router = APIRouter(prefix="/api", tags=["trainers and assessors"])
AssessmentId = Annotated[str, Path(max_length=64)]
ClausePath = Annotated[str, Path(max_length=MAX_CLAUSE_REF)]


class NewAssessment(BaseModel):
    """An assessment to start."""

    name: Line = Field(min_length=1, max_length=120)
    organization: str = Field(min_length=2, max_length=120, pattern=text_pattern(2))
    include_principles: Flag = False


class ScoreRequest(BaseModel):
    """One assessor's score for one element."""

    assessor: Line = Field(min_length=1, max_length=80)
    clause: str = Field(pattern=ASSESSED_CLAUSE, examples=["7.2.3"])
    score: Whole = Field(ge=1, le=5)
    evidence: OptionalText = Field(default="", max_length=2000)


class ConsensusRequest(BaseModel):
    """The score agreed in the consensus meeting, and why."""

    clause: str = Field(pattern=ASSESSED_CLAUSE, examples=["7.2.3"])
    score: Whole = Field(ge=1, le=5)
    reason: str = Field(min_length=3, max_length=1000, pattern=text_pattern(3, multiline=True))


class GapPlanRequest(BaseModel):
    """Turn the weakest elements into a programme plan."""

    organization: str = Field(min_length=2, max_length=120, pattern=text_pattern(2))
    horizon_months: Whole = Field(default=12, ge=3, le=36)
    weakest: Whole = Field(default=3, ge=1, le=12)


class WorkshopRequest(BaseModel):
    """A workshop pack to build."""

    clause: ClauseRef = Field(examples=["5.1.1"])
    minutes: Literal[60, 90, 180] = 90
    audience: Literal["front-line-staff", "managers", "leadership", "assessors"] = "managers"


class QuizQuestion(BaseModel):
    """A quiz question as a participant sees it: no answer."""

    number: int
    question: str
    options: dict[str, str]
    clause: str


class QuizAnswer(BaseModel):
    """A participant's answer to one question."""

    number: Whole = Field(ge=1, le=100)
    answer: str = Field(pattern="^[A-Za-z]$", description="The letter of the option chosen.")


@router.get("/assessment-items", response_model=list[AssessmentItem])
def assessment_items(assistant: AssistantDep, principles: bool = False) -> list[AssessmentItem]:
    """The questions, five-level scales (from the notes) and evidence prompts of an assessment."""
    return assistant.training.items(principles)


@router.post("/assessments", status_code=201, response_model=Assessment, responses=ERRORS)
def create_assessment(
    body: NewAssessment, assistant: AssistantDep, caller: CallerDep
) -> Assessment:
    """Start a self-assessment of the twelve sub-elements (and the fourteen principles, if asked)."""
    made = assistant.training.create(body.name, body.organization, body.include_principles)
    assistant.record(caller, "assessment.create", made.id, made.name)
    return made


@router.get("/assessments", response_model=Page[Assessment], responses=ERRORS)
def assessments(assistant: AssistantDep, page: PageParams, caller: CallerDep) -> Page[Assessment]:
    """Assessments, newest first, a page at a time (an assessor sees those they were invited to)."""
    return assistant.assessment_page_for(caller, *page)


@router.get("/assessments/{assessment_id}", response_model=Assessment, responses=ERRORS)
def assessment(
    assessment_id: AssessmentId, assistant: AssistantDep, caller: CallerDep
) -> Assessment:
    """One assessment."""
    return assistant.assessment_for(caller, assessment_id)


@router.delete("/assessments/{assessment_id}", status_code=204, responses=ERRORS)
def delete_assessment(
    assessment_id: AssessmentId, assistant: AssistantDep, caller: CallerDep
) -> None:
    """Delete an assessment with its scores and agreements."""
    assistant.training.delete(assessment_id)
    assistant.record(caller, "assessment.delete", assessment_id)


@router.put(
    "/assessments/{assessment_id}/scores", response_model=Score, responses=errors(404, 409, 422)
)
def score(
    assessment_id: AssessmentId, body: ScoreRequest, assistant: AssistantDep, caller: CallerDep
) -> Score:
    """Record one assessor's score and evidence; scoring again replaces it.

    With sign-in on, the score is the caller's own (`assessor` is ignored), and an assessor may
    score only an assessment they were invited to.
    """
    return assistant.score_as(
        caller, assessment_id, body.assessor, body.clause, body.score, body.evidence
    )


@router.put(
    "/assessments/{assessment_id}/consensus",
    response_model=Consensus,
    responses=errors(404, 409, 422),
)
def consensus(
    assessment_id: AssessmentId, body: ConsensusRequest, assistant: AssistantDep, caller: CallerDep
) -> Consensus:
    """Record the agreed score of an element and its reason (written to the audit log)."""
    return assistant.agree_as(caller, assessment_id, body.clause, body.score, body.reason)


@router.get(
    "/assessments/{assessment_id}/result", response_model=AssessmentResult, responses=ERRORS
)
def result(
    assessment_id: AssessmentId, assistant: AssistantDep, caller: CallerDep
) -> AssessmentResult:
    """The consensus view: each element's scores, spread, disagreements, strengths, improvements."""
    assistant.assessment_for(caller, assessment_id)
    return assistant.training.result(assessment_id)


@router.get(
    "/assessments/{assessment_id}/charts/{name}",
    response_class=FileResponse,
    responses=ERRORS | file_responses("png", "svg"),
)
def chart(
    assessment_id: AssessmentId, name: str, assistant: AssistantDep, caller: CallerDep
) -> FileResponse:
    """A chart: `radar-7.1.png`, `radar-7.2.svg`, ... or `heat-map.png` / `heat-map.svg`."""
    assistant.assessment_for(caller, assessment_id)
    return download(assistant.assessment_chart_download(assessment_id, name))


@router.get(
    "/assessments/{assessment_id}/report",
    response_class=FileResponse,
    responses=ERRORS | file_responses("xlsx", "docx"),
)
def report(
    assessment_id: AssessmentId,
    assistant: AssistantDep,
    caller: CallerDep,
    format: Literal["xlsx", "docx"] = Query(default="xlsx"),
) -> FileResponse:
    """The assessment as XLSX (scores, evidence, spread) or DOCX (the report with its charts)."""
    assistant.assessment_for(caller, assessment_id)
    return download(assistant.assessment_report_download(assessment_id, format))


@router.post(
    "/assessments/{assessment_id}/plan", response_model=ActionPlan, responses=errors(404, 409, 422)
)
def plan_from_gaps(
    assessment_id: AssessmentId, body: GapPlanRequest, assistant: AssistantDep
) -> ActionPlan:
    """Turn the gaps into a plan: the weakest elements as one programme."""
    return assistant.training.plan_from_gaps(
        assessment_id, body.organization, body.horizon_months, body.weakest
    )


@router.post(
    "/workshops",
    response_model=WorkshopPack,
    responses=ERRORS | file_responses("md", "docx", "pptx"),
)
def workshop(
    body: WorkshopRequest,
    assistant: AssistantDep,
    format: Literal["md", "docx", "pptx", "handout"] | None = Query(default=None),
) -> WorkshopPack | FileResponse:
    """A workshop pack as JSON, or with `?format=` as Markdown, DOCX, PPTX slides or the one-page
    participant handout (`handout`, a DOCX)."""
    pack = assistant.training.workshop(body.clause, body.minutes, body.audience)
    if format is None:
        return pack
    return download(assistant.workshop_download(pack, format))


@router.get("/quiz/{clause}", response_model=list[QuizQuestion], responses=ERRORS)
def quiz(
    clause: ClausePath, assistant: AssistantDep, count: int = Query(default=8, ge=1, le=20)
) -> list[QuizQuestion]:
    """Quiz questions for participants, without the answers."""
    return [
        QuizQuestion(number=i.number, question=i.question, options=i.options, clause=i.clause)
        for i in assistant.training.quiz(clause, count)
    ]


@router.post("/quiz/{clause}/answers", response_model=QuizFeedback, responses=ERRORS)
def answer(clause: ClausePath, body: QuizAnswer, assistant: AssistantDep) -> QuizFeedback:
    """Whether an answer is right, with the explanation and its citation."""
    return assistant.training.check(clause, body.number, body.answer)

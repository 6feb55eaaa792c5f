"""What trainers and assessors use: self-assessments with consensus, workshop packs and quizzes.

One service object behind `Assistant.training`, so the API, the CLI and the UI call the same code.
"""

from __future__ import annotations

from pathlib import Path

from pse_assistant.core.errors import InvalidInput, NotApplicable
from pse_assistant.core.pages import Page
from pse_assistant.corpus.loader import Corpus
from pse_assistant.plans.models import ActionPlan
from pse_assistant.training.assessment import (
    Assessment,
    AssessmentItem,
    AssessmentResult,
    Consensus,
    Score,
    assessment_items,
)
from pse_assistant.training.assessment import gaps_to_plan as _gaps_to_plan
from pse_assistant.training.assessment_export import to_docx, to_xlsx
from pse_assistant.training.assessment_store import AssessmentStore
from pse_assistant.training.charts import chart_names, write_chart, write_charts
from pse_assistant.training.workshop import (
    QuizFeedback,
    QuizItem,
    QuizResult,
    WorkshopPack,
    build_pack,
    check_answer,
    grade,
    quiz,
)
from pse_assistant.training.workshop_export import export as export_pack

REPORT_FORMATS = ("xlsx", "docx")


class Training:
    """Self-assessments (stored in SQLite), workshop packs and quizzes over one corpus."""

    def __init__(self, corpus: Corpus, store: AssessmentStore) -> None:
        self.corpus = corpus
        self.store = store

    # -- self-assessment -------------------------------------------------------------------------
    def items(self, include_principles: bool = False) -> list[AssessmentItem]:
        """The questions, five-level scales and evidence prompts of an assessment."""
        return assessment_items(self.corpus, include_principles)

    def create(self, name: str, organization: str, include_principles: bool = False) -> Assessment:
        """Start an assessment that several assessors then score separately."""
        return self.store.create(name, organization, include_principles)

    def assessments(self) -> list[Assessment]:
        """Every assessment, newest first."""
        return self.store.all()

    def assessment_page(self, limit: int, cursor: str | None = None) -> Page[Assessment]:
        """One page of assessments, newest first."""
        return self.store.page(limit, cursor)

    def version(self, assessment_id: str) -> int:
        """The assessment's version: it changes with every score and agreement; `NotFound`."""
        return self.store.version(assessment_id)

    def assessment(self, assessment_id: str) -> Assessment:
        """One assessment; raises `NotFound`."""
        return self.store.get(assessment_id)

    def join(self, assessment_id: str, invite: str | None = None) -> Assessment:
        """The assessment a join link (`?assessment=ID`) opens, with the elements it covers.

        `invite` is the invitation token a link will carry once there are accounts; until then
        anyone with the id may join, and the token is accepted and ignored.
        """
        return self.store.get(" ".join((assessment_id or "").split()))

    def my_scores(self, assessment_id: str, assessor: str) -> dict[str, Score]:
        """One assessor's own scores by clause, so they can see and change what they gave."""
        name = assessor.strip()
        return {s.clause: s for s in self.store.scores(assessment_id) if s.assessor == name}

    def delete(self, assessment_id: str) -> None:
        """Delete an assessment with its scores and agreements; raises `NotFound`."""
        self.store.delete(assessment_id)

    def score(
        self, assessment_id: str, assessor: str, clause: str, score: int, evidence: str = ""
    ) -> Score:
        """One assessor's score and evidence for one element; a new score replaces their old one."""
        return self.store.score(assessment_id, assessor, clause, score, evidence)

    def agree(self, assessment_id: str, clause: str, score: int, reason: str) -> Consensus:
        """Record the score agreed in the consensus meeting, and why."""
        return self.store.agree(assessment_id, clause, score, reason)

    def result(self, assessment_id: str) -> AssessmentResult:
        """The consensus view: scores, spread, disagreements, strengths and areas for improvement."""
        return self.store.result(self.corpus, assessment_id)

    def charts(self, assessment_id: str, folder: Path) -> list[Path]:
        """Radar charts per element group and a heat map, as PNG and SVG."""
        return write_charts(self.result(assessment_id), folder)

    def chart_names(self, assessment_id: str) -> list[str]:
        """The file names of an assessment's charts (`radar-7.1.png` ... `heat-map.svg`)."""
        return chart_names(self.result(assessment_id))

    def chart(self, assessment_id: str, name: str, path: Path) -> Path:
        """One chart by file name, drawn alone (drawing all twelve took seconds); `NotFound`."""
        return write_chart(self.result(assessment_id), name, path)

    def report(self, assessment_id: str, fmt: str, folder: Path) -> Path:
        """The assessment as XLSX (scores, evidence, spread) or DOCX (the report with its charts)."""
        if fmt not in REPORT_FORMATS:
            raise InvalidInput(
                f"An assessment exports to {' or '.join(REPORT_FORMATS)}, not {fmt!r}."
            )
        result = self.result(assessment_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"assessment-{assessment_id}.{fmt}"
        return to_xlsx(result, path) if fmt == "xlsx" else to_docx(result, path, folder / "charts")

    def plan_from_gaps(
        self,
        assessment_id: str,
        organization: str | None = None,
        horizon_months: int = 12,
        weakest: int = 3,
    ) -> ActionPlan:
        """Turn the weakest elements into one programme plan, for the assessment's organization
        unless another is named."""
        if organization is None:
            organization = self.assessment(assessment_id).organization
        if len(organization.strip()) < 2:
            raise InvalidInput("Name the organization (at least two characters) for the plan.")
        return _gaps_to_plan(
            self.corpus, self.result(assessment_id), organization, horizon_months, weakest
        )

    # -- workshops and quizzes -------------------------------------------------------------------
    def workshop(self, clause: str, minutes: int, audience: str) -> WorkshopPack:
        """A workshop pack: agenda, objectives, scenario card, prompts, quiz with key, notes."""
        return build_pack(self.corpus, clause, minutes, audience)

    def export_workshop(self, pack: WorkshopPack, fmt: str, path: Path) -> Path:
        """Write a pack as md, docx or pptx (into `path`, or under its suggested name if a folder)."""
        return export_pack(pack, fmt, path)

    def quiz(self, clause: str, count: int = 8) -> list[QuizItem]:
        """Up to `count` quiz questions on a clause (an element: its sub-elements), with sources."""
        return quiz(self.corpus, clause, count)

    def check(self, clause: str, number: int, letter: str, count: int = 8) -> QuizFeedback:
        """Whether `letter` answers question `number` of the clause's quiz, with the explanation."""
        items = self.quiz(clause, count)
        if not 1 <= number <= len(items):
            raise NotApplicable(
                f"The quiz for {clause} has questions 1 to {len(items)}, not {number}."
            )
        return check_answer(items[number - 1], letter)

    def grade(self, clause: str, answers: dict[int, str], count: int = 8) -> QuizResult:
        """The score of a whole quiz on `clause`, with every question to review.

        Graded against this clause's own key, so answers given to another clause's questions can
        never be marked against it by mistake.
        """
        return grade(clause, self.quiz(clause, count), answers)

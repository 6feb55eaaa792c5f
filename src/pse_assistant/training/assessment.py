"""Self-assessment against the twelve sub-elements (and optionally the fourteen principles).

The models, the consensus view and the plan from the gaps; the items built from the notes are
`items`, and the store that keeps assessments in SQLite is `assessment_store`.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from pse_assistant.core.errors import Conflict, InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import MaturityLevel
from pse_assistant.corpus.toolkit import RubricLevel
from pse_assistant.plans.drafting import draft_plan
from pse_assistant.plans.models import ActionPlan, PlanProfile

# What is asked about each element lives in `items`; its names stay importable from here, where the
# API, the service and the tests have always found them.
from pse_assistant.training.items import EVIDENCE_SECTION as EVIDENCE_SECTION
from pse_assistant.training.items import PRINCIPLES as PRINCIPLES
from pse_assistant.training.items import SUB_ELEMENTS as SUB_ELEMENTS
from pse_assistant.training.items import AssessmentItem as AssessmentItem
from pse_assistant.training.items import ItemIndicator, sort_key
from pse_assistant.training.items import assessment_items as assessment_items

MAX_ASSESSOR = 80
MAX_EVIDENCE = 2000
MAX_REASON = 1000
IN_BETWEEN = "Between two levels"
NOT_THE_PYRAMID = "Maturity levels are not pyramid levels"

_SCHEMA = """
create table if not exists assessments (
  id text primary key, name text not null, organization text not null, created text not null,
  include_principles integer not null, items text not null
);
create table if not exists scores (
  assessment_id text not null references assessments(id) on delete cascade,
  assessor text not null, clause text not null, score integer not null,
  evidence text not null default '', created text not null,
  unique (assessment_id, assessor, clause)
);
create table if not exists consensus (
  assessment_id text not null references assessments(id) on delete cascade,
  clause text not null, score integer not null, reason text not null, created text not null,
  unique (assessment_id, clause)
);
"""


class Assessment(BaseModel):
    """A named self-assessment of one organization; `items` are the clause ids it covers."""

    id: str
    name: str = Field(min_length=1, max_length=120)
    organization: str = Field(min_length=1, max_length=120)
    created: str
    include_principles: bool = False
    items: list[str]
    version: int = Field(
        default=0,
        description="Goes up with every score and agreement (charts are kept per version).",
    )


class Score(BaseModel):
    """One assessor's score of one element, with the evidence they relied on."""

    assessment_id: str
    assessor: str = Field(min_length=1, max_length=MAX_ASSESSOR)
    clause: str
    score: int = Field(ge=1, le=5)
    evidence: str = Field(default="", max_length=MAX_EVIDENCE)
    created: str


class Consensus(BaseModel):
    """The score the assessors agreed on for one element, and why."""

    clause: str
    score: int = Field(ge=1, le=5)
    reason: str = Field(min_length=3, max_length=MAX_REASON)
    created: str


class ElementView(BaseModel):
    """One element in the consensus view: every assessor's score, their spread and the agreement."""

    clause: str
    title: str
    group: str
    scores: dict[str, int] = Field(default_factory=dict)
    evidence: dict[str, str] = Field(default_factory=dict)
    mean: float | None = None
    min: int | None = None
    max: int | None = None
    spread: int = 0
    stdev: float = 0.0
    agreed: int | None = None
    reason: str | None = None
    levels: list[MaturityLevel] = Field(default_factory=list)
    indicators: list[ItemIndicator] = Field(default_factory=list)

    @property
    def value(self) -> float | None:
        """The agreed score when there is one, else the mean: what strengths and plans rank by."""
        return float(self.agreed) if self.agreed is not None else self.mean

    def level(self) -> MaturityLevel | None:
        """The note's maturity level matching the agreed (else rounded mean) score."""
        if self.value is None or not self.levels:
            return None
        return self.levels[min(max(round(self.value), 1), len(self.levels)) - 1]


class AssessmentResult(BaseModel):
    """Everything a report needs: the elements, where assessors disagree, strengths and gaps."""

    assessment: Assessment
    assessors: list[str]
    elements: list[ElementView]
    disagreements: list[ElementView]
    strengths: list[ElementView]
    improvements: list[ElementView]
    group_means: dict[str, float]
    group_titles: dict[str, str]
    anchors: list[RubricLevel] = Field(default_factory=list)
    in_between: str = ""
    warning: str = ""

    @property
    def groups(self) -> list[str]:
        """The element groups (7.1 … 7.4, then 5.1 and 5.2 with principles), in document order."""
        return list(dict.fromkeys(e.group for e in self.elements))

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The consensus table every edge shows: element, each assessor's score, mean, spread, agreed."""
        header = ["Element", *self.assessors, "Mean", "Spread", "Agreed"]
        rows = []
        for e in self.elements:
            scores = [str(e.scores.get(a, "")) for a in self.assessors]
            mean = "" if e.mean is None else f"{e.mean:.1f}"
            rows.append(
                [f"{e.clause} {e.title}", *scores, mean, str(e.spread), str(e.agreed or "")]
            )
        return header, rows

    def progress(self) -> dict[str, int]:
        """How many elements each assessor has scored, out of `len(self.elements)`."""
        return {a: sum(a in e.scores for e in self.elements) for a in self.assessors}

    def findings(self) -> dict[str, str]:
        """Strengths, areas for improvement and the widest disagreements, as one line each; then
        how to read the scores: the rubric's rule for in-between cases and its warning."""
        disagree = ", ".join(
            f"{e.clause} (spread {e.spread})" for e in self.disagreements[:3] if e.spread
        )
        found = {
            "Strengths": ", ".join(f"{e.clause} {e.title}" for e in self.strengths) or "none yet",
            "Areas for improvement": ", ".join(f"{e.clause} {e.title}" for e in self.improvements)
            or "none yet",
            "Most disagreement": disagree or "none yet",
        }
        if self.in_between:
            found[IN_BETWEEN] = self.in_between
        if self.warning:
            found[NOT_THE_PYRAMID] = self.warning
        return found


def build_result(
    corpus: Corpus, assessment: Assessment, scores: list[Score], agreed: dict[str, Consensus]
) -> AssessmentResult:
    """Combine scores and agreements into the consensus view; kept pure so it is easy to test."""
    items = {i.clause: i for i in assessment_items(corpus, assessment.include_principles)}
    elements = []
    for clause_id in assessment.items:
        item = items[clause_id]
        mine = [s for s in scores if s.clause == clause_id]
        values = [s.score for s in mine]
        consensus = agreed.get(clause_id)
        elements.append(
            ElementView(
                clause=clause_id,
                title=item.title,
                group=item.group,
                scores={s.assessor: s.score for s in mine},
                evidence={s.assessor: s.evidence for s in mine if s.evidence},
                mean=round(statistics.fmean(values), 2) if values else None,
                min=min(values, default=None),
                max=max(values, default=None),
                spread=max(values) - min(values) if values else 0,
                stdev=round(statistics.pstdev(values), 2) if values else 0.0,
                agreed=consensus.score if consensus else None,
                reason=consensus.reason if consensus else None,
                levels=item.levels,
                indicators=item.indicators,
            )
        )
    scored = [e for e in elements if e.value is not None]
    ranked = sorted(scored, key=lambda e: (-(e.value or 0), sort_key(e.clause)))
    strengths = [e for e in ranked if (e.value or 0) >= 4] or ranked[:3]
    rest = [e for e in reversed(ranked) if e not in strengths]
    improvements = [e for e in rest if (e.value or 0) <= 2] or rest[:3]
    groups: dict[str, list[float]] = {}
    for e in scored:
        groups.setdefault(e.group, []).append(e.value or 0)
    return AssessmentResult(
        assessment=assessment,
        assessors=sorted({s.assessor for s in scores}),
        elements=elements,
        disagreements=sorted(
            [e for e in elements if e.scores], key=lambda e: (-e.spread, -e.stdev)
        ),
        strengths=strengths,
        improvements=improvements,
        group_means={g: round(statistics.fmean(v), 2) for g, v in groups.items()},
        group_titles={i.group: i.group_title for i in items.values()},
        anchors=list(corpus.rubric.levels) if corpus.rubric else [],
        in_between=corpus.rubric.in_between if corpus.rubric else "",
        warning=corpus.rubric.warning if corpus.rubric else "",
    )


def gaps_to_plan(
    corpus: Corpus,
    result: AssessmentResult,
    organization: str,
    horizon_months: int = 12,
    weakest: int = 3,
) -> ActionPlan:
    """Turn the weakest elements into one programme, drafted at the maturity they were scored at.

    Raises:
        InvalidInput: nothing has been scored yet, or `weakest` is below 1.
    """
    if weakest < 1:
        raise InvalidInput("Choose at least one element to plan for.")
    scored = [e for e in result.elements if e.value is not None]
    if not scored:
        raise Conflict("Score at least one element before turning the gaps into a plan.")
    chosen = sorted(scored, key=lambda e: (e.value or 0, sort_key(e.clause)))[:weakest]
    maturity = min(5, max(1, round(statistics.fmean(e.value or 0 for e in chosen))))
    profile = PlanProfile(
        organization=organization, horizon_months=horizon_months, maturity=maturity
    )
    return draft_plan(corpus, [e.clause for e in chosen], profile)

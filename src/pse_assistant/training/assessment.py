"""Self-assessment against the twelve sub-elements (and optionally the fourteen principles), in SQLite."""

from __future__ import annotations

import statistics
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.core.store import SqliteStore
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import MaturityLevel, Note
from pse_assistant.corpus.structure import normalize_clause_ref
from pse_assistant.plans.drafting import draft_plan
from pse_assistant.plans.models import ActionPlan, PlanProfile

# The standard fixes these ids; tests check them against the corpus's structure, so the store can
# validate a clause without loading the corpus.
SUB_ELEMENTS = tuple(f"7.{e}.{s}" for e in range(1, 5) for s in range(1, 4))
PRINCIPLES = tuple(f"5.{g}.{p}" for g in (1, 2) for p in range(1, 8))
EVIDENCE_SECTION = "Evidence an assessor looks for"
MAX_ASSESSOR = 80
MAX_EVIDENCE = 2000
MAX_REASON = 1000
_THIRD_PERSON = {"your": "its", "yourself": "itself", "you": "it"}

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


class AssessmentItem(BaseModel):
    """One element to score: its questions, the note's five levels, and what evidence to ask for."""

    clause: str
    title: str
    group: str
    group_title: str
    in_brief: str
    questions: list[str]
    levels: list[MaturityLevel]
    evidence_prompts: list[str]


class Assessment(BaseModel):
    """A named self-assessment of one organization; `items` are the clause ids it covers."""

    id: str
    name: str = Field(min_length=1, max_length=120)
    organization: str = Field(min_length=1, max_length=120)
    created: str
    include_principles: bool = False
    items: list[str]


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
        """Strengths, areas for improvement and the widest disagreements, as one line each."""
        disagree = ", ".join(
            f"{e.clause} (spread {e.spread})" for e in self.disagreements[:3] if e.spread
        )
        return {
            "Strengths": ", ".join(f"{e.clause} {e.title}" for e in self.strengths) or "none yet",
            "Areas for improvement": ", ".join(f"{e.clause} {e.title}" for e in self.improvements)
            or "none yet",
            "Most disagreement": disagree or "none yet",
        }


def _sort_key(clause_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause_id.split("."))


def _sentence_start(text: str) -> str:
    """Lower-case the first letter so a step title reads inside a question; keep acronyms."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _questions(note: Note) -> list[str]:
    """Questions on the first and a middle step of the note, and one on the evidence to show.

    One step per question keeps each answerable; the middle step samples the later, harder work.
    """
    steps = [s.title for s in note.steps() if s.title]
    picked = list(dict.fromkeys(steps[i] for i in {0, len(steps) // 2} if steps))
    questions = [f"To what extent does the organization {_third_person(t)}?" for t in picked]
    evidence = note.bullets(EVIDENCE_SECTION)
    if evidence:
        questions.append(
            f"What evidence can you show, for example {_sentence_start(evidence[0].text)}?"
        )
    return questions


def _third_person(title: str) -> str:
    """Turn an imperative step title ("Walk the journey yourself") into words about the organization."""
    words = [_THIRD_PERSON.get(w, w) for w in _sentence_start(title).split(" ")]
    return " ".join(words)


def assessment_items(corpus: Corpus, include_principles: bool = False) -> list[AssessmentItem]:
    """The elements to score, built from the notes so that the scale is the corpus's, word for word.

    Raises:
        InvalidInput: an element whose note is missing or has no five maturity levels.
    """
    ids = [*SUB_ELEMENTS, *(PRINCIPLES if include_principles else ())]
    items = []
    for clause_id in sorted(ids, key=_sort_key):
        clause = corpus.structure.get(clause_id)
        note = corpus.note(clause_id)
        if note is None or len(note.maturity()) != 5:
            raise InvalidInput(f"Clause {clause.label} has no five maturity levels to assess.")
        group = corpus.structure.get(clause.parent or clause_id)
        brief = note.section("In brief")
        items.append(
            AssessmentItem(
                clause=clause.id,
                title=clause.title,
                group=group.id,
                group_title=group.title,
                in_brief=brief.text if brief else "",
                questions=_questions(note),
                levels=note.maturity(),
                evidence_prompts=[b.text for b in note.bullets(EVIDENCE_SECTION)],
            )
        )
    return items


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_score(score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(f"A score must be a whole number from 1 to 5 (got {score!r}).")
    return score


def _check_text(value: str, what: str, least: int, most: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not least <= len(text) <= most:
        raise InvalidInput(f"The {what} must be {least} to {most} characters long.")
    return text


class AssessmentStore(SqliteStore):
    """Assessments, scores and agreed scores in one SQLite file, one short connection per call.

    Every method validates its input before writing, so a rejected call leaves the file unchanged.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def create(self, name: str, organization: str, include_principles: bool = False) -> Assessment:
        """Start an assessment of the sub-elements, and of the principles when asked."""
        items = [*SUB_ELEMENTS, *(PRINCIPLES if include_principles else ())]
        assessment = Assessment(
            id=uuid.uuid4().hex[:12],
            name=_check_text(name, "assessment name", 1, 120),
            organization=_check_text(organization, "organization", 1, 120),
            created=_now(),
            include_principles=include_principles,
            items=sorted(items, key=_sort_key),
        )
        with self._connect() as db:
            db.execute(
                "insert into assessments values (:id, :name, :organization, :created, "
                ":include_principles, :items)",
                assessment.model_dump() | {"items": ",".join(assessment.items)},
            )
        return assessment

    def get(self, assessment_id: str) -> Assessment:
        """An assessment by id; raises `NotFound`."""
        with self._connect() as db:
            row = db.execute("select * from assessments where id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise NotFound(f"No assessment has the id '{assessment_id}'.")
        values = dict(row)
        return Assessment.model_validate(values | {"items": values["items"].split(",")})

    def all(self) -> list[Assessment]:
        """Every assessment, newest first."""
        with self._connect() as db:
            ids = [
                r[0]
                for r in db.execute("select id from assessments order by created desc, rowid desc")
            ]
        return [self.get(i) for i in ids]

    def delete(self, assessment_id: str) -> None:
        """Delete an assessment with its scores and agreements; raises `NotFound`."""
        self.get(assessment_id)
        with self._connect() as db:
            db.execute("delete from assessments where id = ?", (assessment_id,))

    def _clause(self, assessment: Assessment, clause: str) -> str:
        clause_id = normalize_clause_ref(str(clause))
        if clause_id not in assessment.items:
            raise InvalidInput(
                f"Clause '{clause}' is not assessed in '{assessment.name}'. "
                f"Choose one of: {', '.join(assessment.items)}."
            )
        return clause_id

    def score(
        self, assessment_id: str, assessor: str, clause: str, score: int, evidence: str = ""
    ) -> Score:
        """Record one assessor's score; a new score from the same assessor replaces the old one.

        Raises:
            NotFound: no assessment has this id.
            InvalidInput: a clause outside the assessment, a score outside 1–5, an empty or
                over-long assessor name, or evidence over 2,000 characters.
        """
        assessment = self.get(assessment_id)
        clause_id = self._clause(assessment, clause)
        value = _check_score(score)
        name = _check_text(assessor, "assessor's name", 1, MAX_ASSESSOR)
        if not isinstance(evidence, str) or len(evidence.strip()) > MAX_EVIDENCE:
            raise InvalidInput(f"Evidence must be text of at most {MAX_EVIDENCE} characters.")
        record = Score(
            assessment_id=assessment.id,
            assessor=name,
            clause=clause_id,
            score=value,
            evidence=evidence.strip(),
            created=_now(),
        )
        with self._connect() as db:
            db.execute(
                "insert into scores values (?, ?, ?, ?, ?, ?) on conflict "
                "(assessment_id, assessor, clause) do update set score = excluded.score, "
                "evidence = excluded.evidence, created = excluded.created",
                (record.assessment_id, name, clause_id, value, record.evidence, record.created),
            )
        return record

    def agree(self, assessment_id: str, clause: str, score: int, reason: str) -> Consensus:
        """Record the agreed score of an element and the reason; a new agreement replaces the old.

        Raises:
            NotFound: no assessment has this id.
            InvalidInput: a clause outside the assessment, a score outside 1–5, or a reason
                shorter than 3 characters.
        """
        assessment = self.get(assessment_id)
        clause_id = self._clause(assessment, clause)
        value = _check_score(score)
        why = _check_text(reason, "reason for the agreed score", 3, MAX_REASON)
        record = Consensus(clause=clause_id, score=value, reason=why, created=_now())
        with self._connect() as db:
            db.execute(
                "insert into consensus values (?, ?, ?, ?, ?) on conflict (assessment_id, clause) "
                "do update set score = excluded.score, reason = excluded.reason, "
                "created = excluded.created",
                (assessment.id, clause_id, value, why, record.created),
            )
        return record

    def scores(self, assessment_id: str) -> list[Score]:
        """Every score of an assessment, by assessor then clause."""
        self.get(assessment_id)
        with self._connect() as db:
            rows = db.execute(
                "select * from scores where assessment_id = ? order by assessor", (assessment_id,)
            ).fetchall()
        return [Score(**dict(r)) for r in rows]

    def agreements(self, assessment_id: str) -> dict[str, Consensus]:
        """The agreed scores of an assessment, by clause."""
        self.get(assessment_id)
        with self._connect() as db:
            rows = db.execute(
                "select clause, score, reason, created from consensus where assessment_id = ?",
                (assessment_id,),
            ).fetchall()
        return {r["clause"]: Consensus(**dict(r)) for r in rows}

    def result(self, corpus: Corpus, assessment_id: str) -> AssessmentResult:
        """The consensus view and the report's findings; raises `NotFound`."""
        assessment = self.get(assessment_id)
        return build_result(
            corpus, assessment, self.scores(assessment_id), self.agreements(assessment_id)
        )


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
            )
        )
    scored = [e for e in elements if e.value is not None]
    ranked = sorted(scored, key=lambda e: (-(e.value or 0), _sort_key(e.clause)))
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
        raise InvalidInput("Score at least one element before turning the gaps into a plan.")
    chosen = sorted(scored, key=lambda e: (e.value or 0, _sort_key(e.clause)))[:weakest]
    maturity = min(5, max(1, round(statistics.fmean(e.value or 0 for e in chosen))))
    profile = PlanProfile(
        organization=organization, horizon_months=horizon_months, maturity=maturity
    )
    return draft_plan(corpus, [e.clause for e in chosen], profile)

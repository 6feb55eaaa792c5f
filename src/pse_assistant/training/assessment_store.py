"""Where self-assessments are kept: assessments, scores and agreed scores in the shared database.

Every method validates its input before writing (text through the one validation layer), so a
rejected call leaves the database unchanged. Each score and agreement bumps the assessment's
`version` in the same transaction; charts and reports are cached per version. The bump comes first:
it locks the assessment's row (on PostgreSQL; SQLite's transactions hold the write lock from their
start), so writers of one assessment take turns and its scores' upserts never collide.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, Text, delete, select, tuple_, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from pse_assistant.core.db import Base, Database
from pse_assistant.core.errors import Conflict, InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.structure import normalize_clause_ref
from pse_assistant.training.assessment import (
    MAX_ASSESSOR,
    MAX_EVIDENCE,
    MAX_REASON,
    Assessment,
    AssessmentResult,
    Consensus,
    Score,
    build_result,
)
from pse_assistant.training.items import PRINCIPLES, SUB_ELEMENTS, sort_key

_OWNER = "assessments.id"


class AssessmentRecord(Base):
    """A row of `assessments`; `seq` keeps the order they were started in, for paging."""

    __tablename__ = "assessments"
    __table_args__ = (Index("assessments_by_created", "created", "seq"),)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    organization: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(Text)
    include_principles: Mapped[bool]
    items: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=0, server_default="0")


class ScoreRecord(Base):
    """A row of `scores`: one assessor's score of one clause (a new one replaces it)."""

    __tablename__ = "scores"
    assessment_id: Mapped[str] = mapped_column(
        Text, ForeignKey(_OWNER, ondelete="CASCADE"), primary_key=True
    )
    assessor: Mapped[str] = mapped_column(Text, primary_key=True)
    clause: Mapped[str] = mapped_column(Text, primary_key=True)
    score: Mapped[int]
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    created: Mapped[str] = mapped_column(Text)


class ConsensusRecord(Base):
    """A row of `consensus`: the agreed score of one clause and why."""

    __tablename__ = "consensus"
    assessment_id: Mapped[str] = mapped_column(
        Text, ForeignKey(_OWNER, ondelete="CASCADE"), primary_key=True
    )
    clause: Mapped[str] = mapped_column(Text, primary_key=True)
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(Text)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}…"


def _assessment(row: AssessmentRecord) -> Assessment:
    return Assessment(
        id=row.id,
        name=row.name,
        organization=row.organization,
        created=row.created,
        include_principles=bool(row.include_principles),
        items=row.items.split(","),
        version=row.version,
    )


def _bump(session: Session, assessment_id: str) -> None:
    """A new version of the assessment, in the same transaction as the write that changes it."""
    session.execute(
        update(AssessmentRecord)
        .where(AssessmentRecord.id == assessment_id)
        .values(version=AssessmentRecord.version + 1)
    )


def _check_score(score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(f"A score must be a whole number from 1 to 5 (got {score!r}).")
    return score


def _check_text(value: str, what: str, least: int, most: int, multiline: bool = False) -> str:
    """Cleaned of control characters (the one validation layer), stripped, and within bounds."""
    text = clean_text(value, multiline).strip() if isinstance(value, str) else ""
    if not least <= len(text) <= most:
        raise InvalidInput(f"The {what} must be {least} to {most} characters long.")
    return text


class AssessmentStore:
    """Assessments, scores and agreed scores in the shared database, one transaction per call.

    Every method validates its input before writing, so a rejected call leaves the database
    unchanged.

    Args:
        database: the database, already at the newest schema (`Database.upgrade`).
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, name: str, organization: str, include_principles: bool = False) -> Assessment:
        """Start an assessment of the sub-elements, and of the principles when asked."""
        items = [*SUB_ELEMENTS, *(PRINCIPLES if include_principles else ())]
        assessment = Assessment(
            id=uuid.uuid4().hex[:12],
            name=_check_text(name, "assessment name", 1, 120),
            organization=_check_text(organization, "organization", 1, 120),
            created=_now(),
            include_principles=include_principles,
            items=sorted(items, key=sort_key),
        )
        with self.database.session() as session:
            session.add(
                AssessmentRecord(**assessment.model_dump() | {"items": ",".join(assessment.items)})
            )
        return assessment

    def get(self, assessment_id: str) -> Assessment:
        """An assessment by id; raises `NotFound`."""
        with self.database.session() as session:
            row = session.scalar(
                select(AssessmentRecord).where(AssessmentRecord.id == assessment_id)
            )
        if row is None:
            raise NotFound(f"No assessment has the id '{_shown(assessment_id)}'.")
        return _assessment(row)

    def all(self) -> list[Assessment]:
        """Every assessment, newest first (one query)."""
        newest = AssessmentRecord.created.desc(), AssessmentRecord.seq.desc()
        with self.database.session() as session:
            return [
                _assessment(row)
                for row in session.scalars(select(AssessmentRecord).order_by(*newest))
            ]

    def page(self, limit: int, cursor: str | None = None) -> Page[Assessment]:
        """One page of assessments, newest first: one query per page."""
        limit = check_limit(limit)
        newest = AssessmentRecord.created.desc(), AssessmentRecord.seq.desc()
        query = select(AssessmentRecord).order_by(*newest).limit(limit + 1)
        if cursor:
            key = tuple_(AssessmentRecord.created, AssessmentRecord.seq)
            query = query.where(key < tuple(decode_cursor(cursor, (str, int))))
        with self.database.session() as session:
            rows = session.scalars(query).all()
        last = rows[limit - 1] if len(rows) > limit else None
        return Page(
            items=[_assessment(row) for row in rows[:limit]],
            next_cursor=encode_cursor(last.created, last.seq) if last else None,
        )

    def version(self, assessment_id: str) -> int:
        """How many scores and agreements were written: what cached charts are keyed by."""
        return self.get(assessment_id).version

    def delete(self, assessment_id: str) -> None:
        """Delete an assessment with its scores and agreements; raises `NotFound`."""
        self.get(assessment_id)
        with self.database.session() as session:
            session.execute(delete(AssessmentRecord).where(AssessmentRecord.id == assessment_id))

    def _clause(self, assessment: Assessment, clause: str) -> str:
        clause_id = normalize_clause_ref(str(clause))
        if clause_id not in assessment.items:
            raise Conflict(
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
        text = clean_text(evidence, multiline=True).strip() if isinstance(evidence, str) else None
        if text is None or len(text) > MAX_EVIDENCE:
            raise InvalidInput(f"Evidence must be text of at most {MAX_EVIDENCE} characters.")
        record = Score(
            assessment_id=assessment.id,
            assessor=name,
            clause=clause_id,
            score=value,
            evidence=text,
            created=_now(),
        )
        with self.database.session() as session:
            _bump(session, assessment.id)
            session.merge(ScoreRecord(**record.model_dump()))
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
        why = _check_text(reason, "reason for the agreed score", 3, MAX_REASON, multiline=True)
        record = Consensus(clause=clause_id, score=value, reason=why, created=_now())
        with self.database.session() as session:
            _bump(session, assessment.id)
            session.merge(ConsensusRecord(assessment_id=assessment.id, **record.model_dump()))
        return record

    def scores(self, assessment_id: str) -> list[Score]:
        """Every score of an assessment, by assessor then clause."""
        self.get(assessment_id)
        with self.database.session() as session:
            rows = session.scalars(
                select(ScoreRecord)
                .where(ScoreRecord.assessment_id == assessment_id)
                .order_by(ScoreRecord.assessor, ScoreRecord.clause)
            ).all()
        return [Score.model_validate(row, from_attributes=True) for row in rows]

    def agreements(self, assessment_id: str) -> dict[str, Consensus]:
        """The agreed scores of an assessment, by clause."""
        self.get(assessment_id)
        with self.database.session() as session:
            rows = session.scalars(
                select(ConsensusRecord).where(ConsensusRecord.assessment_id == assessment_id)
            ).all()
        return {row.clause: Consensus.model_validate(row, from_attributes=True) for row in rows}

    def result(self, corpus: Corpus, assessment_id: str) -> AssessmentResult:
        """The consensus view and the report's findings; raises `NotFound`."""
        assessment = self.get(assessment_id)
        return build_result(
            corpus, assessment, self.scores(assessment_id), self.agreements(assessment_id)
        )

"""Where self-assessments are kept: assessments, scores and agreed scores in one SQLite file.

Every method validates its input before writing (text through the one validation layer), so a
rejected call leaves the file unchanged. Each score and agreement bumps the assessment's `version` in
the same transaction; charts and reports are cached per version.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pse_assistant.core.errors import Conflict, InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor
from pse_assistant.core.store import SqliteStore
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

_SCHEMA = """
create table if not exists assessments (
  id text primary key, name text not null, organization text not null, created text not null,
  include_principles integer not null, items text not null, version integer not null default 0
);
create index if not exists assessments_by_created on assessments(created);
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}…"


def _assessment(row: Any) -> Assessment:
    values = dict(row)
    values.pop("rowid", None)
    return Assessment.model_validate(values | {"items": values["items"].split(",")})


def _bump(db: Any, assessment_id: str) -> None:
    """A new version of the assessment, in the same transaction as the write that changes it."""
    db.execute("update assessments set version = version + 1 where id = ?", (assessment_id,))


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


class AssessmentStore(SqliteStore):
    """Assessments, scores and agreed scores in one SQLite file, one short connection per call.

    Every method validates its input before writing, so a rejected call leaves the file unchanged.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)
        with self._connect() as db:
            columns = {row["name"] for row in db.execute("pragma table_info(assessments)")}
            if "version" not in columns:  # a file from before charts were cached per version
                db.execute("alter table assessments add column version integer not null default 0")

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
        with self._connect() as db:
            db.execute(
                "insert into assessments (id, name, organization, created, include_principles, "
                "items, version) values (:id, :name, :organization, :created, "
                ":include_principles, :items, :version)",
                assessment.model_dump() | {"items": ",".join(assessment.items)},
            )
        return assessment

    def get(self, assessment_id: str) -> Assessment:
        """An assessment by id; raises `NotFound`."""
        with self._connect() as db:
            row = db.execute("select * from assessments where id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise NotFound(f"No assessment has the id '{_shown(assessment_id)}'.")
        return _assessment(row)

    def all(self) -> list[Assessment]:
        """Every assessment, newest first (one query)."""
        with self._connect() as db:
            rows = db.execute("select * from assessments order by created desc, rowid desc")
            return [_assessment(row) for row in rows]

    def page(self, limit: int, cursor: str | None = None) -> Page[Assessment]:
        """One page of assessments, newest first: one query per page."""
        limit = check_limit(limit)
        where, args = "", ()
        if cursor:
            where, args = (
                "where (created, rowid) < (?, ?)",
                tuple(decode_cursor(cursor, (str, int))),
            )
        with self._connect() as db:
            rows = db.execute(
                f"select rowid, * from assessments {where} "
                "order by created desc, rowid desc limit ?",
                (*args, limit + 1),
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if more else None
        return Page(
            items=[_assessment(row) for row in rows],
            next_cursor=encode_cursor(last["created"], last["rowid"]) if last else None,
        )

    def version(self, assessment_id: str) -> int:
        """How many scores and agreements were written: what cached charts are keyed by."""
        return self.get(assessment_id).version

    def delete(self, assessment_id: str) -> None:
        """Delete an assessment with its scores and agreements; raises `NotFound`."""
        self.get(assessment_id)
        with self._connect() as db:
            db.execute("delete from assessments where id = ?", (assessment_id,))

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
        with self._connect() as db:
            _bump(db, assessment.id)
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
        why = _check_text(reason, "reason for the agreed score", 3, MAX_REASON, multiline=True)
        record = Consensus(clause=clause_id, score=value, reason=why, created=_now())
        with self._connect() as db:
            _bump(db, assessment.id)
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

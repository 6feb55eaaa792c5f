"""Copies the SQLite files of earlier versions (`pse.sqlite3`, `assessments.sqlite3`) into the database, once.

Before the shared database, conversations and feedback lived in `pse.sqlite3` and self-assessments
in `assessments.sqlite3`, in the data folder. On the first start of this version each file that
exists is copied into the (new, still empty) tables that replace it, in one transaction with a row
in `legacy_imports` that records it, so it never runs twice; the old file stays where it is. A
database that already holds saved work is never mixed with an old file: that is recorded as skipped.
The old tables are spelled out here rather than taken from the stores' models, as a migration's
must be.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Mapped, Session, mapped_column

from pse_assistant.core.db import Base, Database
from pse_assistant.core.errors import PseError

Row = dict[str, Any]


@dataclass(frozen=True)
class _Table:
    """One table of an old file: its columns with their defaults, and how to read it in order."""

    name: str
    columns: dict[str, Any]
    order: str
    parent: tuple[str, str] | None = None  # (column, table) a row belongs to
    convert: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


_CONVERSATIONS = _Table(
    "conversations",
    {"id": None, "title": None, "created": None, "updated": None, "focus": "", "intent": ""},
    "rowid",
)
_TURNS = _Table(
    "turns",
    {"id": None, "conversation_id": None, "position": None, "question": None, "answer": None}
    | {"created": None},
    "conversation_id, position, rowid",
    parent=("conversation_id", "conversations"),
)
_FEEDBACK = _Table(
    "feedback",
    {"id": None, "answer_id": None, "rating": None, "comment": "", "created": None},
    "rowid",
)
_ASSESSMENTS = _Table(
    "assessments",
    {"id": None, "name": None, "organization": None, "created": None}
    | {"include_principles": False, "items": None, "version": 0},
    "rowid",
    convert={"include_principles": bool, "version": int},
)
_SCORES = _Table(
    "scores",
    {"assessment_id": None, "assessor": None, "clause": None, "score": None, "evidence": ""}
    | {"created": None},
    "rowid",
    parent=("assessment_id", "assessments"),
    convert={"score": int},
)
_CONSENSUS = _Table(
    "consensus",
    {"assessment_id": None, "clause": None, "score": None, "reason": None, "created": None},
    "rowid",
    parent=("assessment_id", "assessments"),
    convert={"score": int},
)
# Each old file, and its tables in the order they are copied (parents first).
SOURCES = {
    "pse.sqlite3": (_CONVERSATIONS, _TURNS, _FEEDBACK),
    "assessments.sqlite3": (_ASSESSMENTS, _SCORES, _CONSENSUS),
}


class LegacyImportRecord(Base):
    """A row of `legacy_imports`: an old file that was copied (or skipped), never to be again."""

    __tablename__ = "legacy_imports"
    source: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    row_count: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text)
    created: Mapped[str] = mapped_column(sa.Text)


class LegacyImport(BaseModel):
    """What was done with one old file: how many rows were copied, or why it was skipped."""

    source: str
    rows: int
    note: str
    created: str


class DatabaseStatus(BaseModel):
    """What `pse db upgrade` reports: the database (password hidden), its revision, old files copied."""

    url: str
    revision: str
    imports: list[LegacyImport]


def _read(path: Path, tables: tuple[_Table, ...]) -> dict[str, list[Row]]:
    """Every row of the old file's tables, as dicts with each column (defaults for missing ones)."""
    try:
        with sqlite3.connect(path) as old:
            old.row_factory = sqlite3.Row
            present = {r[0] for r in old.execute("select name from sqlite_master")}
            found: dict[str, list[Row]] = {}
            for table in tables:
                rows = (
                    old.execute(f"select * from {table.name} order by {table.order}").fetchall()
                    if table.name in present
                    else []
                )
                found[table.name] = [_row(table, dict(r)) for r in rows]
        old.close()
    except sqlite3.Error as error:
        raise PseError(f"The old data file {path} cannot be read ({error}).") from error
    return found


def _row(table: _Table, values: Row) -> Row:
    row = {name: values.get(name, default) for name, default in table.columns.items()}
    for name, convert in table.convert.items():
        row[name] = convert(row[name])
    return row


def _fit(found: dict[str, list[Row]]) -> tuple[dict[str, list[Row]], int]:
    """Rows that fit the new schema: no orphans, and turn positions 0, 1, 2… per conversation.

    Files written before the unique (conversation, position) index may repeat a position: the
    turns are numbered again in the order they were written, as the old store did on opening.
    """
    left_out = 0
    for table in (*SOURCES["pse.sqlite3"], *SOURCES["assessments.sqlite3"]):
        if table.name not in found or table.parent is None:
            continue
        column, parent = table.parent
        owners = {r["id"] for r in found.get(parent, [])}
        kept = [r for r in found[table.name] if r[column] in owners]
        left_out += len(found[table.name]) - len(kept)
        found[table.name] = kept
    next_position: dict[str, int] = {}
    for turn in found.get("turns", []):
        turn["position"] = next_position.get(turn["conversation_id"], 0)
        next_position[turn["conversation_id"]] = turn["position"] + 1
    return found, left_out


def _copy(session: Session, path: Path, tables: tuple[_Table, ...]) -> tuple[int, str]:
    """Copy one old file's rows; the count copied and a note of what."""
    found, left_out = _fit(_read(path, tables))
    counts = []
    for table in tables:
        rows = found[table.name]
        if rows:
            target = sa.table(table.name, *(sa.column(name) for name in table.columns))
            session.execute(sa.insert(target), rows)
        counts.append(f"{len(rows)} {table.name}")
    note = f"copied {', '.join(counts)}"
    if left_out:
        note += f"; left out {left_out} rows whose conversation or assessment was gone"
    return sum(len(found[t.name]) for t in tables), note


def import_legacy(database: Database, data_dir: Path) -> list[LegacyImport]:
    """Copy each old SQLite file in the data folder that was never copied; what was done now.

    Each file is one transaction, serialized with other instances starting at the same time
    (`Database.lock`), so two of them never copy a file twice.

    Raises:
        PseError: an old file exists but cannot be read as SQLite.
    """
    done = []
    for source, tables in SOURCES.items():
        path = data_dir / source
        if not path.is_file():
            continue
        with database.session() as session:
            database.lock(session)
            if session.get(LegacyImportRecord, source) is not None:
                continue
            held = sum(
                session.scalar(sa.select(sa.func.count()).select_from(sa.table(t.name))) or 0
                for t in tables
            )
            rows, note = (0, "skipped: the database already held saved work")
            if not held:
                rows, note = _copy(session, path, tables)
            record = LegacyImport(
                source=source,
                rows=rows,
                note=note,
                created=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            session.add(
                LegacyImportRecord(source=source, row_count=rows, note=note, created=record.created)
            )
        done.append(record)
    return done


def recorded_imports(database: Database) -> list[LegacyImport]:
    """Every old file ever copied or skipped, oldest first."""
    with database.session() as session:
        rows = session.scalars(
            sa.select(LegacyImportRecord).order_by(LegacyImportRecord.created)
        ).all()
    return [
        LegacyImport(source=r.source, rows=r.row_count, note=r.note, created=r.created)
        for r in rows
    ]

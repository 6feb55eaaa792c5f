"""The audit log: who did what to what, when and from where, for admin and trainer actions.

Entries are only ever added; `pse audit` and `GET /api/audit` read them newest first, a page at a
time. An entry is written in the same transaction as the change it records where the change is in
the database (users, tokens), and right after it otherwise (an index rebuild, an evaluation run).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from pse_assistant.accounts.models import AuditEntry
from pse_assistant.accounts.roles import Principal
from pse_assistant.core.db import Database
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor


class AuditRecord(BaseModel):
    """One entry as the edges show it."""

    at: str
    actor: str
    role: str
    action: str
    target: str
    detail: str
    address: str


def now() -> str:
    """The time of an entry, ISO 8601 in UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_entry(
    session: Session,
    actor: Principal,
    action: str,
    target: str = "",
    detail: str = "",
) -> None:
    """Add an entry inside the caller's transaction."""
    session.add(
        AuditEntry(
            at=now(),
            actor=actor.name,
            role=actor.role.value,
            action=action,
            target=clean_text(target)[:200],
            detail=clean_text(detail)[:500],
            address=clean_text(actor.address)[:100] or actor.via,
        )
    )


class AuditLog:
    """The log in the shared database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(
        self,
        actor: Principal,
        action: str,
        target: str = "",
        detail: str = "",
    ) -> None:
        """Record an action done outside the database (an ingest, a rebuild, an evaluation run)."""
        with self.database.session() as session:
            add_entry(session, actor, action, target, detail)

    def page(self, limit: int, cursor: str | None = None) -> Page[AuditRecord]:
        """Entries newest first, one query per page."""
        limit = check_limit(limit)
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit + 1)
        if cursor:
            (seq,) = decode_cursor(cursor, (int,))
            query = query.where(AuditEntry.seq < seq)
        with self.database.session() as session:
            rows = list(session.scalars(query))
        items = [AuditRecord.model_validate(row, from_attributes=True) for row in rows[:limit]]
        more = len(rows) > limit
        return Page(items=items, next_cursor=encode_cursor(rows[limit - 1].seq) if more else None)

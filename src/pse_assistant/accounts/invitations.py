"""Invitations to score an assessment: a single-use code in the join link, bound to whoever uses it.

A trainer makes an invitation; the link carries a random code (only its SHA-256 is stored). The
first signed-in user to accept it becomes an assessor of that assessment, and the code is spent.
Codes expire after `LIFETIME`, so a forwarded old link opens nothing.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from pse_assistant.accounts.audit import add_entry, now
from pse_assistant.accounts.models import Invitation
from pse_assistant.accounts.roles import Principal
from pse_assistant.accounts.tokens import digest
from pse_assistant.core.db import Database
from pse_assistant.core.errors import NotFound

LIFETIME = timedelta(days=14)


class Invitations:
    """The invitations table."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def invite(self, assessment_id: str, actor: Principal) -> str:
        """A new single-use code for an assessment (the caller checked that it exists)."""
        code = secrets.token_urlsafe(24)
        expires = (datetime.now(UTC) + LIFETIME).isoformat(timespec="seconds")
        with self.database.session() as session:
            session.add(
                Invitation(
                    digest=digest(code),
                    assessment_id=assessment_id,
                    created_by=actor.name,
                    created=now(),
                    expires=expires,
                )
            )
            add_entry(session, actor, "assessment.invite", assessment_id, "")
        return code

    def accept(self, code: str, principal: Principal) -> str:
        """Spend a code: its assessment is the caller's to score from now on; returns its id."""
        with self.database.session() as session:
            row = session.get(Invitation, digest(code))
            if (
                row is None
                or row.expires <= now()
                or (row.used_by is not None and row.used_by != principal.name)
            ):
                raise NotFound("This invitation is not valid: unknown, already used or expired.")
            if row.used_by is None:
                row.used_by, row.used_at = principal.name, now()
            return row.assessment_id

    def invited(self, assessment_id: str, name: str) -> bool:
        """Whether `name` accepted an invitation to this assessment."""
        query = select(Invitation.digest).where(
            Invitation.assessment_id == assessment_id, Invitation.used_by == name
        )
        with self.database.session() as session:
            return session.scalar(query.limit(1)) is not None

    def assessments_of(self, name: str) -> set[str]:
        """The assessments `name` was invited to and accepted."""
        with self.database.session() as session:
            return set(
                session.scalars(select(Invitation.assessment_id).where(Invitation.used_by == name))
            )

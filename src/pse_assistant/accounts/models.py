"""The accounts tables on the store's `Base`: users, API tokens, assessment invitations, the audit log.

Times are ISO 8601 text in UTC, as in the store's other tables, so they sort and page the same on
SQLite and PostgreSQL. The schema itself is made by the Alembic revision `0002_accounts`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from pse_assistant.core.db import Base


class User(Base):
    """A person who signs in: a local account (with a password hash) or one made by single sign-on."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="local")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sessions signed in before this time are over (a password reset, a disabled account).
    sessions_after: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(Text)
    updated: Mapped[str] = mapped_column(Text)


class ApiToken(Base):
    """A token for scripts: only the SHA-256 of its text is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(Text)
    expires: Mapped[str] = mapped_column(Text)
    revoked: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_used: Mapped[str | None] = mapped_column(Text, nullable=True)


class Invitation(Base):
    """A single-use invitation to score an assessment; `used_by` is the assessor who accepted it."""

    __tablename__ = "invitations"

    digest: Mapped[str] = mapped_column(Text, primary_key=True)
    # No foreign key: the assessments' own store checks the id when the invitation is made.
    assessment_id: Mapped[str] = mapped_column(Text, index=True)
    created_by: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(Text)
    expires: Mapped[str] = mapped_column(Text)
    used_by: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    used_at: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditEntry(Base):
    """One admin or trainer action: who (and their role then), what, on what, when, from where."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(Text, index=True)
    actor: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")

"""Accounts: users, API tokens, assessment invitations, the audit log, and conversation owners.

`conversations.owner` is the account that started a conversation; it stays null for conversations
made with auth off (one person, no accounts), which every caller sees while auth is off.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision: str | None = "0001_initial"
branch_labels: str | None = None
depends_on: str | None = None


def _users_and_tokens() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("source", sa.Text, nullable=False, server_default="local"),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sessions_after", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("updated", sa.Text, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("expires", sa.Text, nullable=False),
        sa.Column("revoked", sa.Text, nullable=True),
        sa.Column("last_used", sa.Text, nullable=True),
    )


def upgrade() -> None:
    """Create the accounts tables and give conversations an owner."""
    _users_and_tokens()
    op.create_table(
        "invitations",
        sa.Column("digest", sa.Text, primary_key=True),
        # No foreign key: the assessments' store checks the id when the invitation is made.
        sa.Column("assessment_id", sa.Text, nullable=False, index=True),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("expires", sa.Text, nullable=False),
        sa.Column("used_by", sa.Text, nullable=True, index=True),
        sa.Column("used_at", sa.Text, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False, index=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
    )
    op.add_column("conversations", sa.Column("owner", sa.Text, nullable=True))
    op.create_index(
        "conversations_by_owner", "conversations", ["owner", "updated", "created", "id"]
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("conversations_by_owner", table_name="conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("owner")
    for table in ("audit_log", "invitations", "api_tokens", "users"):
        op.drop_table(table)

"""The first schema: conversations with their turns, answer feedback, and self-assessments.

The tables and columns keep the names of the SQLite files of earlier versions (`pse.sqlite3` and
`assessments.sqlite3`), so their rows copy across as they are. Two tables gain an integer `seq`
key: it keeps the order rows were written in (what SQLite's rowid gave before) for paging and for
"oldest first", on PostgreSQL too. `legacy_imports` records which old files were copied, once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _conversations() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("updated", sa.Text, nullable=False),
        sa.Column("focus", sa.Text, nullable=False, server_default=""),
        sa.Column("intent", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("conversations_by_update", "conversations", ["updated", "created", "id"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column(
            "conversation_id",
            sa.Text,
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.UniqueConstraint("conversation_id", "position", name="turns_unique_position"),
    )
    op.create_table(
        "feedback",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False, unique=True),
        sa.Column("answer_id", sa.Text, nullable=False, index=True),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Text, nullable=False),
    )


def _assessments() -> None:
    op.create_table(
        "assessments",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("organization", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("include_principles", sa.Boolean, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("assessments_by_created", "assessments", ["created", "seq"])
    owner = sa.ForeignKey("assessments.id", ondelete="CASCADE")
    op.create_table(
        "scores",
        sa.Column("assessment_id", sa.Text, owner, primary_key=True),
        sa.Column("assessor", sa.Text, primary_key=True),
        sa.Column("clause", sa.Text, primary_key=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Text, nullable=False),
    )
    op.create_table(
        "consensus",
        sa.Column(
            "assessment_id",
            sa.Text,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("clause", sa.Text, primary_key=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
    )


def upgrade() -> None:
    """Create every table of the first schema."""
    _conversations()
    _assessments()
    op.create_table(
        "legacy_imports",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop them, children first."""
    for table in ("legacy_imports", "consensus", "scores", "assessments", "feedback", "turns"):
        op.drop_table(table)
    op.drop_table("conversations")

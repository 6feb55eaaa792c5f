"""Conversations and feedback in the shared database: listed, exported, deleted, kept across restarts.

The tables are SQLAlchemy models on `core.db.Base` (created by the migration `0001_initial`). A turn
is written in one transaction that locks the conversation (`FOR UPDATE` on PostgreSQL; SQLite's
transactions hold the write lock from their start), checks it still exists and takes the next
position, and a unique constraint on (conversation, position) makes a duplicate position impossible
even for another writer. Deleting a conversation deletes its turns (the foreign key cascades).

With sign-in on, each conversation has an `owner` (the column comes with `0002_accounts`), and
every read, rename and delete that names an owner sees only that owner's conversations: another
user's conversation is `ConversationNotFound`, exactly like one that does not exist. `owner=None`
is auth off: one person, who sees every conversation.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import (
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from pse_assistant.answer.intents import Intent
from pse_assistant.core.db import Base, Database
from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor


class ConversationRecord(Base):
    """A row of `conversations`: what the conversation is about, and when it was last used."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("conversations_by_update", "updated", "created", "id"),
        Index("conversations_by_owner", "owner", "updated", "created", "id"),
    )
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(Text)
    updated: Mapped[str] = mapped_column(Text)
    focus: Mapped[str] = mapped_column(Text, default="", server_default="")
    intent: Mapped[str] = mapped_column(Text, default="", server_default="")
    owner: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)


class TurnRecord(Base):
    """A row of `turns`: one question and its answer's full JSON, at a position in its conversation."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("conversation_id", "position", name="turns_unique_position"),
    )
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        Text, ForeignKey("conversations.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(Text)


class FeedbackRecord(Base):
    """A row of `feedback`: a rating of an answer; `seq` keeps the order it was given in."""

    __tablename__ = "feedback"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(Text, unique=True)
    answer_id: Mapped[str] = mapped_column(Text, index=True)
    rating: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created: Mapped[str] = mapped_column(Text)


class ConversationNotFound(NotFound):
    """No conversation has this id."""

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(f"No conversation has the id {conversation_id!r}.")


class Turn(BaseModel):
    """One question and the answer given (the answer's full JSON)."""

    id: str
    question: str
    answer: dict[str, Any]
    created: str


class Conversation(BaseModel):
    """A conversation with its turns and what it is currently about."""

    id: str
    title: str
    created: str
    updated: str
    focus: list[str]
    intent: Intent | None = None
    turns: list[Turn] = []


class FeedbackEntry(BaseModel):
    """A thumbs up or down on an answer, with its comment, as trainers and evaluators read it."""

    id: str
    answer_id: str
    rating: str
    comment: str
    created: str


def _now() -> str:
    # Milliseconds: two conversations touched within one second still list newest first.
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _conversation(row: ConversationRecord, turns: list[TurnRecord]) -> Conversation:
    return Conversation(
        id=row.id,
        title=row.title,
        created=row.created,
        updated=row.updated,
        focus=[c for c in row.focus.split(",") if c],
        intent=Intent(row.intent) if row.intent in set(Intent) else None,
        turns=[
            Turn(id=t.id, question=t.question, answer=json.loads(t.answer), created=t.created)
            for t in turns
        ],
    )


def _owned(owner: str | None) -> Any:
    """The condition "owned by `owner`"; always true when no owner is named (auth off)."""
    return true() if owner is None else ConversationRecord.owner == owner


_NEWEST_FIRST = (
    ConversationRecord.updated.desc(),
    ConversationRecord.created.desc(),
    ConversationRecord.id.desc(),
)


class ConversationStore:
    """Conversations, their turns and answer feedback, in the shared database.

    Args:
        database: the database, already at the newest schema (`Database.upgrade`).
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, title: str, owner: str | None = None) -> str:
        """Start a conversation (owned by `owner` when sign-in is on); its id is returned."""
        conversation_id = uuid.uuid4().hex[:16]
        now = _now()
        with self.database.session() as session:
            session.add(
                ConversationRecord(
                    id=conversation_id,
                    title=clean_text(title).strip()[:120] or "Conversation",
                    created=now,
                    updated=now,
                    focus="",
                    intent="",
                    owner=owner,
                )
            )
        return conversation_id

    def get(
        self, conversation_id: str, with_turns: bool = True, owner: str | None = None
    ) -> Conversation:
        """A conversation and its turns; raises `ConversationNotFound` (also for another owner's)."""
        with self.database.session() as session:
            row = session.get(ConversationRecord, conversation_id)
            if row is None or (owner is not None and row.owner != owner):
                raise ConversationNotFound(conversation_id)
            turns = (
                list(
                    session.scalars(
                        select(TurnRecord)
                        .where(TurnRecord.conversation_id == conversation_id)
                        .order_by(TurnRecord.position)
                    )
                )
                if with_turns
                else []
            )
        return _conversation(row, turns)

    def add_turn(
        self,
        conversation_id: str,
        question: str,
        answer: dict[str, Any],
        focus: list[str],
        intent: Intent | None,
    ) -> None:
        """Record a turn and what the conversation is now about.

        The conversation's row is locked first, so a concurrent delete waits for this turn (and
        then deletes it too) or has already happened (and this raises), and two turns of one
        conversation never take the same position.

        Raises:
            ConversationNotFound: the conversation was deleted while the answer was written.
        """
        now = _now()
        with self.database.session() as session:
            row = session.scalar(
                select(ConversationRecord)
                .where(ConversationRecord.id == conversation_id)
                .with_for_update()
            )
            if row is None:
                raise ConversationNotFound(conversation_id)
            last = session.scalar(
                select(func.max(TurnRecord.position)).where(
                    TurnRecord.conversation_id == conversation_id
                )
            )
            session.add(
                TurnRecord(
                    id=str(answer["id"]),
                    conversation_id=conversation_id,
                    position=0 if last is None else last + 1,
                    question=clean_text(question, multiline=True),
                    answer=json.dumps(answer),
                    created=now,
                )
            )
            row.updated, row.focus, row.intent = now, ",".join(focus), intent or ""

    def last_turn(self, conversation_id: str) -> tuple[str, str]:
        """The conversation's last question and the text of its answer (both "" before the first)."""
        with self.database.session() as session:
            row = session.execute(
                select(TurnRecord.question, TurnRecord.answer)
                .where(TurnRecord.conversation_id == conversation_id)
                .order_by(TurnRecord.position.desc())
                .limit(1)
            ).first()
        if row is None:
            return "", ""
        return str(row.question), str(json.loads(row.answer).get("answer", ""))

    def all(self, owner: str | None = None) -> list[Conversation]:
        """Every conversation (of `owner`, if given), newest first, without turns (one query)."""
        query = select(ConversationRecord).order_by(*_NEWEST_FIRST)
        if owner is not None:
            query = query.where(ConversationRecord.owner == owner)
        with self.database.session() as session:
            rows = session.scalars(query).all()
        return [_conversation(row, []) for row in rows]

    def page(
        self, limit: int, cursor: str | None = None, owner: str | None = None
    ) -> Page[Conversation]:
        """One page of conversations (of `owner`, if given), newest first, without turns."""
        limit = check_limit(limit)
        query = select(ConversationRecord).order_by(*_NEWEST_FIRST).limit(limit + 1)
        if owner is not None:
            query = query.where(ConversationRecord.owner == owner)
        if cursor:
            key = ConversationRecord.updated, ConversationRecord.created, ConversationRecord.id
            query = query.where(tuple_(*key) < tuple(decode_cursor(cursor, (str, str, str))))
        with self.database.session() as session:
            rows = session.scalars(query).all()
        items = [_conversation(row, []) for row in rows[:limit]]
        last = items[-1] if len(rows) > limit else None
        return Page(
            items=items,
            next_cursor=encode_cursor(last.updated, last.created, last.id) if last else None,
        )

    def rename(self, conversation_id: str, title: str, owner: str | None = None) -> None:
        """Give a conversation a new title (1 to 120 characters); raises `ConversationNotFound`."""
        name = " ".join(title.split())[:120]
        if not name:
            raise InvalidInput("A conversation's title cannot be empty.")
        with self.database.session() as session:
            renamed = session.execute(
                update(ConversationRecord)
                .where(ConversationRecord.id == conversation_id, _owned(owner))
                .values(title=name)
            ).rowcount  # type: ignore[attr-defined]
        if not renamed:
            raise ConversationNotFound(conversation_id)

    def delete(self, conversation_id: str, owner: str | None = None) -> None:
        """Delete a conversation and its turns; raises `ConversationNotFound`."""
        with self.database.session() as session:
            deleted = session.execute(
                delete(ConversationRecord).where(
                    ConversationRecord.id == conversation_id, _owned(owner)
                )
            ).rowcount  # type: ignore[attr-defined]
        if not deleted:
            raise ConversationNotFound(conversation_id)

    def export(
        self, conversation_id: str, fmt: Literal["md", "json"] = "md", owner: str | None = None
    ) -> str:
        """The conversation as Markdown (questions, answers, sources) or JSON."""
        conversation = self.get(conversation_id, owner=owner)
        if fmt == "json":
            return conversation.model_dump_json(indent=2)
        lines = [f"# {conversation.title}", "", f"Started {conversation.created}", ""]
        for turn in conversation.turns:
            lines += [f"## {turn.question}", "", str(turn.answer.get("answer", "")), ""]
        return "\n".join(lines)

    def answer_exists(self, answer_id: str, owner: str | None = None) -> bool:
        """Whether an answer with this id was given (in one of `owner`'s conversations, if given)."""
        query = (
            select(TurnRecord.id)
            .join(ConversationRecord, ConversationRecord.id == TurnRecord.conversation_id)
            .where(TurnRecord.id == answer_id, _owned(owner))
        )
        with self.database.session() as session:
            return session.scalar(query) is not None

    def add_feedback(self, answer_id: str, rating: str, comment: str) -> str:
        """Store a thumbs up or down, with an optional comment, for evaluators."""
        feedback_id = uuid.uuid4().hex[:16]
        with self.database.session() as session:
            session.add(
                FeedbackRecord(
                    id=feedback_id,
                    answer_id=answer_id,
                    rating=rating,
                    comment=clean_text(comment, multiline=True),
                    created=_now(),
                )
            )
        return feedback_id

    def feedback_page(self, limit: int, cursor: str | None = None) -> Page[FeedbackEntry]:
        """One page of feedback, oldest first, one query per page (keyed on the order given)."""
        limit = check_limit(limit)
        query = select(FeedbackRecord).order_by(FeedbackRecord.seq).limit(limit + 1)
        if cursor:
            (seq,) = decode_cursor(cursor, (int,))
            query = query.where(FeedbackRecord.seq > seq)
        with self.database.session() as session:
            rows = session.scalars(query).all()
        items = [FeedbackEntry.model_validate(row, from_attributes=True) for row in rows[:limit]]
        more = len(rows) > limit
        return Page(items=items, next_cursor=encode_cursor(rows[limit - 1].seq) if more else None)

    def feedback(self) -> list[dict[str, Any]]:
        """All feedback, oldest first (in the order it was given)."""
        with self.database.session() as session:
            rows = session.scalars(select(FeedbackRecord).order_by(FeedbackRecord.seq)).all()
        fields = ("id", "answer_id", "rating", "comment", "created")
        return [{field: getattr(row, field) for field in fields} for row in rows]

"""Conversations and feedback in SQLite under the data folder: listed, exported, deleted, kept across restarts.

The standard library's sqlite3 is enough for a single-node store of small records; each call opens its
own short connection (WAL mode), so the API's worker threads never share one. A turn is written in one
write transaction that checks the conversation still exists and takes the next position, and a unique
index on (conversation, position) makes a duplicate position impossible even for another writer.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from pse_assistant.answer.intents import Intent
from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor
from pse_assistant.core.store import SqliteStore

_UNIQUE_POSITIONS = (
    "create unique index if not exists turns_unique_position on turns(conversation_id, position)"
)
# Files written before the unique index may hold duplicate positions: number each conversation's
# turns again in the order they were written, then the index can be created.
_RENUMBER = """
update turns set position = (
  select count(*) from turns as earlier where earlier.conversation_id = turns.conversation_id
  and (earlier.position < turns.position
       or (earlier.position = turns.position and earlier.rowid < turns.rowid))
)
"""
_SCHEMA = """
create table if not exists conversations (
  id text primary key, title text not null, created text not null, updated text not null,
  focus text not null default '', intent text not null default ''
);
create table if not exists turns (
  id text primary key, conversation_id text not null references conversations(id) on delete cascade,
  position integer not null, question text not null, answer text not null, created text not null
);
create index if not exists turns_by_conversation on turns(conversation_id, position);
create index if not exists conversations_by_update on conversations(updated, created, id);
create table if not exists feedback (
  id text primary key, answer_id text not null, rating text not null, comment text not null default '',
  created text not null
);
"""


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _conversation(row: sqlite3.Row, turns: list[sqlite3.Row]) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        created=row["created"],
        updated=row["updated"],
        focus=[c for c in row["focus"].split(",") if c],
        intent=Intent(row["intent"]) if row["intent"] in set(Intent) else None,
        turns=[
            Turn(
                id=t["id"],
                question=t["question"],
                answer=json.loads(t["answer"]),
                created=t["created"],
            )
            for t in turns
        ],
    )


class ConversationStore(SqliteStore):
    """Conversations, their turns and answer feedback, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)
        with self._connect() as db:
            try:
                db.execute(_UNIQUE_POSITIONS)
            except sqlite3.IntegrityError:
                db.execute(_RENUMBER)
                db.execute(_UNIQUE_POSITIONS)

    def create(self, title: str) -> str:
        """Start a conversation; its id is returned."""
        conversation_id = uuid.uuid4().hex[:16]
        now = _now()
        with self._connect() as db:
            db.execute(
                "insert into conversations values (?, ?, ?, ?, '', '')",
                (conversation_id, clean_text(title).strip()[:120] or "Conversation", now, now),
            )
        return conversation_id

    def get(self, conversation_id: str, with_turns: bool = True) -> Conversation:
        """A conversation and its turns; raises `ConversationNotFound`."""
        with self._connect() as db:
            row = db.execute(
                "select * from conversations where id = ?", (conversation_id,)
            ).fetchone()
            if row is None:
                raise ConversationNotFound(conversation_id)
            turns = (
                db.execute(
                    "select * from turns where conversation_id = ? order by position",
                    (conversation_id,),
                ).fetchall()
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

        Raises:
            ConversationNotFound: the conversation was deleted while the answer was written.
        """
        now = _now()
        with self._connect(immediate=True) as db:
            if db.execute(
                "select 1 from conversations where id = ?", (conversation_id,)
            ).fetchone():
                db.execute(
                    "insert into turns select ?, ?, coalesce(max(position) + 1, 0), ?, ?, ? "
                    "from turns where conversation_id = ?",
                    (
                        str(answer["id"]),
                        conversation_id,
                        clean_text(question, multiline=True),
                        json.dumps(answer),
                        now,
                        conversation_id,
                    ),
                )
                db.execute(
                    "update conversations set updated = ?, focus = ?, intent = ? where id = ?",
                    (now, ",".join(focus), intent or "", conversation_id),
                )
                return
        raise ConversationNotFound(conversation_id)

    def last_answer(self, conversation_id: str) -> str:
        """The text of the conversation's last answer ("" before the first)."""
        with self._connect() as db:
            row = db.execute(
                "select answer from turns where conversation_id = ? order by position desc limit 1",
                (conversation_id,),
            ).fetchone()
        return str(json.loads(row[0]).get("answer", "")) if row else ""

    def all(self) -> list[Conversation]:
        """Every conversation, newest first, without turns (one query)."""
        with self._connect() as db:
            rows = db.execute(
                "select * from conversations order by updated desc, created desc, id desc"
            ).fetchall()
        return [_conversation(row, []) for row in rows]

    def page(self, limit: int, cursor: str | None = None) -> Page[Conversation]:
        """One page of conversations, newest first, without turns: one query per page."""
        limit = check_limit(limit)
        where, args = "", ()
        if cursor:
            where, args = (
                "where (updated, created, id) < (?, ?, ?)",
                tuple(decode_cursor(cursor, (str, str, str))),
            )
        with self._connect() as db:
            rows = db.execute(
                f"select * from conversations {where} "
                "order by updated desc, created desc, id desc limit ?",
                (*args, limit + 1),
            ).fetchall()
        items = [_conversation(row, []) for row in rows[:limit]]
        last = items[-1] if len(rows) > limit else None
        return Page(
            items=items,
            next_cursor=encode_cursor(last.updated, last.created, last.id) if last else None,
        )

    def rename(self, conversation_id: str, title: str) -> None:
        """Give a conversation a new title (1 to 120 characters); raises `ConversationNotFound`."""
        name = " ".join(title.split())[:120]
        if not name:
            raise InvalidInput("A conversation's title cannot be empty.")
        with self._connect() as db:
            renamed = db.execute(
                "update conversations set title = ? where id = ?", (name, conversation_id)
            ).rowcount
        if not renamed:
            raise ConversationNotFound(conversation_id)

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation and its turns; raises `ConversationNotFound`."""
        with self._connect() as db:
            deleted = db.execute(
                "delete from conversations where id = ?", (conversation_id,)
            ).rowcount
        if not deleted:
            raise ConversationNotFound(conversation_id)

    def export(self, conversation_id: str, fmt: Literal["md", "json"] = "md") -> str:
        """The conversation as Markdown (questions, answers, sources) or JSON."""
        conversation = self.get(conversation_id)
        if fmt == "json":
            return conversation.model_dump_json(indent=2)
        lines = [f"# {conversation.title}", "", f"Started {conversation.created}", ""]
        for turn in conversation.turns:
            lines += [f"## {turn.question}", "", str(turn.answer.get("answer", "")), ""]
        return "\n".join(lines)

    def answer_exists(self, answer_id: str) -> bool:
        """Whether an answer with this id was given."""
        with self._connect() as db:
            return (
                db.execute("select 1 from turns where id = ?", (answer_id,)).fetchone() is not None
            )

    def add_feedback(self, answer_id: str, rating: str, comment: str) -> str:
        """Store a thumbs up or down, with an optional comment, for evaluators."""
        feedback_id = uuid.uuid4().hex[:16]
        with self._connect() as db:
            db.execute(
                "insert into feedback values (?, ?, ?, ?, ?)",
                (feedback_id, answer_id, rating, clean_text(comment, multiline=True), _now()),
            )
        return feedback_id

    def feedback(self) -> list[dict[str, Any]]:
        """All feedback, oldest first."""
        with self._connect() as db:
            return [dict(r) for r in db.execute("select * from feedback order by created")]

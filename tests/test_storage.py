"""Saved work in the shared database: SQLite and PostgreSQL, migrations, and earlier data folders.

The data folder of the previous version is written here with that version's own SQL (its schema
strings and statements, copied from the stores before the database layer), then opened by today's
`Assistant` and read back through the API and the command line. Tests taking `database_url` or
`database` run twice: on SQLite and on a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from pse_assistant.answer.conversations import ConversationNotFound, ConversationStore
from pse_assistant.api.app import create_api
from pse_assistant.assistant import Assistant, get_assistant
from pse_assistant.core.db import Database
from pse_assistant.core.errors import BackendUnavailable
from pse_assistant.core.settings import Settings
from pse_assistant.corpus.loader import Corpus
from pse_assistant.training.assessment import SUB_ELEMENTS
from pse_assistant.training.assessment_store import AssessmentStore
from tests.conftest import CORPUS_DIR, CliFor
from tests.fakes import HashEmbeddings
from tests.postgres import missing_server


def _head() -> str:
    """The newest revision of the migrations shipped (another branch's revisions may follow)."""
    from alembic.script import ScriptDirectory

    config = Database("sqlite://").alembic_config()
    return str(ScriptDirectory.from_config(config).get_current_head())


HEAD = _head()

# -- the previous version's SQL, as its stores wrote it ---------------------------------------------
OLD_CONVERSATIONS = """
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
OLD_UNIQUE_POSITIONS = (
    "create unique index if not exists turns_unique_position on turns(conversation_id, position)"
)
OLD_ADD_TURN = (
    "insert into turns select ?, ?, coalesce(max(position) + 1, 0), ?, ?, ? "
    "from turns where conversation_id = ?"
)
OLD_ASSESSMENTS = """
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
OLD_SCORE = (
    "insert into scores values (?, ?, ?, ?, ?, ?) on conflict "
    "(assessment_id, assessor, clause) do update set score = excluded.score, "
    "evidence = excluded.evidence, created = excluded.created"
)
OLD_BUMP = "update assessments set version = version + 1 where id = ?"
PRINCIPLES_ITEMS = (
    "5.1.1,5.1.2,5.1.3,5.1.4,5.1.5,5.1.6,5.1.7,5.2.1,5.2.2,5.2.3,5.2.4,5.2.5,5.2.6,5.2.7"
)

QUESTIONS = {
    "c1": ["gifts at the permit counter?", "what evidence would an assessor want?", "make a plan"],
    "c2": ["what does 7.4.2 ask for?"],
}
FEEDBACK = [
    ("f1", "c1-a0", "up", "Clear and cited.", "2025-03-01T09:06:00+00:00"),
    ("f2", "c2-a0", "down", "", "2025-03-02T10:01:00+00:00"),
]
SCORES = [("Ana", "7.1.1", 4, "Charter on the website"), ("Ana", "7.2.3", 2, "")]
SCORES += [("Ben", "7.1.1", 5, "Board minutes"), ("Ben", "7.2.3", 1, "No gifts register")]
SCORES += [("Ana", "7.1.1", 3, "Charter is two years old")]  # replaces Ana's first 7.1.1


def _write_conversations(path: Path, unique_index: bool = True) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(OLD_CONVERSATIONS)
        if unique_index:
            db.execute(OLD_UNIQUE_POSITIONS)
        for n, (cid, questions) in enumerate(QUESTIONS.items(), start=1):
            day = f"2025-03-0{n}T09:00:00+00:00"
            db.execute(
                "insert into conversations values (?, ?, ?, ?, '', '')", (cid, cid, day, day)
            )
            for i, question in enumerate(questions):
                answer = {"id": f"{cid}-a{i}", "answer": f"Answer {i} of {cid} [7.2.3]."}
                created = f"2025-03-0{n}T09:0{i + 1}:00+00:00"
                db.execute(
                    OLD_ADD_TURN, (answer["id"], cid, question, json.dumps(answer), created, cid)
                )
                db.execute(
                    "update conversations set updated = ?, focus = ?, intent = ? where id = ?",
                    (created, "7.2.3,7.4.2", "evidence", cid),
                )
        db.executemany("insert into feedback values (?, ?, ?, ?, ?)", FEEDBACK)
    db.close()


def _write_assessments(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(OLD_ASSESSMENTS)
        insert = (
            "insert into assessments (id, name, organization, created, include_principles, "
            "items, version) values (?, ?, ?, ?, ?, ?, 0)"
        )
        subs = ",".join(SUB_ELEMENTS)
        db.execute(
            insert, ("a1", "Town hall 2025", "Exampleton", "2025-02-01T08:00:00+00:00", 0, subs)
        )
        both = f"{PRINCIPLES_ITEMS},{subs}"
        db.execute(insert, ("a2", "Agency", "Riverside", "2025-02-02T08:00:00+00:00", 1, both))
        for assessor, clause, score, evidence in SCORES:
            db.execute(OLD_BUMP, ("a1",))
            db.execute(OLD_SCORE, ("a1", assessor, clause, score, evidence, "2025-02-03T08:00:00"))
        db.execute(OLD_BUMP, ("a1",))
        db.execute(
            "insert into consensus values (?, ?, ?, ?, ?) on conflict (assessment_id, clause) "
            "do update set score = excluded.score, reason = excluded.reason, "
            "created = excluded.created",
            ("a1", "7.2.3", 2, "Speak-up channel exists but is barely used.", "2025-02-04"),
        )
    db.close()


@pytest.fixture
def old_data_folder(tmp_path: Path) -> Path:
    """A data folder as the previous version left it: pse.sqlite3 and assessments.sqlite3."""
    data = tmp_path / "old-data"
    data.mkdir()
    _write_conversations(data / "pse.sqlite3")
    _write_assessments(data / "assessments.sqlite3")
    return data


def _assistant(data: Path, corpus: Corpus, url: str | None = None) -> Assistant:
    settings = Settings(corpus_dir=CORPUS_DIR, data_dir=data, database_url=url)
    return Assistant(settings, corpus=corpus, embedder=HashEmbeddings())


def _api(assistant: Assistant) -> TestClient:
    app = create_api(FastAPI(), assistant.settings)
    app.dependency_overrides[get_assistant] = lambda: assistant
    return TestClient(app, base_url="http://localhost")


def _check_conversations(api: TestClient, assistant: Assistant) -> None:
    listed = api.get("/api/conversations").json()
    assert [c["id"] for c in listed["items"]] == ["c2", "c1"]  # newest first
    for cid, questions in QUESTIONS.items():
        conversation = api.get(f"/api/conversations/{cid}").json()
        assert [t["question"] for t in conversation["turns"]] == questions
        assert [t["answer"]["answer"] for t in conversation["turns"]] == [
            f"Answer {i} of {cid} [7.2.3]." for i in range(len(questions))
        ]
        assert conversation["focus"] == ["7.2.3", "7.4.2"] and conversation["intent"] == "evidence"
    assert [tuple(f.values()) for f in assistant.conversations.feedback()] == FEEDBACK
    assert api.post("/api/feedback", json={"answer_id": "c1-a2", "rating": "up"}).status_code == 201


def _check_assessments(api: TestClient) -> None:
    listed = api.get("/api/assessments").json()["items"]
    assert [(a["id"], a["include_principles"], len(a["items"])) for a in listed] == [
        ("a2", True, 26),
        ("a1", False, 12),
    ]
    result = api.get("/api/assessments/a1/result").json()
    assert result["assessment"]["version"] == 6
    elements = {e["clause"]: e for e in result["elements"]}
    assert elements["7.1.1"]["scores"] == {"Ana": 3, "Ben": 5}
    assert elements["7.1.1"]["evidence"] == {
        "Ana": "Charter is two years old",
        "Ben": "Board minutes",
    }
    assert elements["7.2.3"]["scores"] == {"Ana": 2, "Ben": 1}
    assert elements["7.2.3"]["agreed"] == 2
    assert elements["7.2.3"]["reason"] == "Speak-up channel exists but is barely used."


def test_a_data_folder_of_the_previous_version_is_migrated_without_losing_a_row(
    old_data_folder: Path, database_url: str, corpus: Corpus, cli_for: CliFor
) -> None:
    from pse_assistant import cli

    # SQLite: the default file in the data folder (no PSE_DATABASE_URL); else PostgreSQL's URL.
    url = database_url if database_url.startswith("postgresql") else None
    assistant = _assistant(old_data_folder, corpus, url)
    api = _api(assistant)
    _check_conversations(api, assistant)
    _check_assessments(api)
    assistant.conversations.add_turn("c2", "and indicators?", {"id": "c2-a1"}, [], None)
    assert len(api.get("/api/conversations/c2").json()["turns"]) == 2  # the next position

    upgraded = cli_for(assistant).invoke(cli.app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"revision {HEAD}" in upgraded.output
    assert "pse.sqlite3: copied 2 conversations, 4 turns, 2 feedback (now)" in upgraded.output
    assert "assessments.sqlite3: copied 2 assessments, 4 scores, 1 consensus" in upgraded.output

    again = _assistant(old_data_folder, corpus, url)  # a restart copies nothing twice
    assert again.legacy_imports == [] and again.database_status().revision == HEAD
    assert len(again.conversations.all()) == 2 and len(again.training.assessments()) == 2
    assert len(again.conversations.feedback()) == 3
    assert (old_data_folder / "pse.sqlite3").is_file()  # the old files stay where they were
    with sqlite3.connect(old_data_folder / "assessments.sqlite3") as old:
        assert old.execute("select count(*) from scores").fetchone() == (4,)
    old.close()
    if url is None:
        assert (old_data_folder / "pse.db").is_file()


def test_turns_of_a_file_from_before_the_unique_index_keep_their_order(
    tmp_path: Path, corpus: Corpus
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _write_conversations(data / "pse.sqlite3", unique_index=False)
    with sqlite3.connect(data / "pse.sqlite3") as old:  # two writers once took the same position
        old.execute("insert into turns values ('dup', 'c1', 1, 'late', '{}', 'x')")
        old.execute("insert into turns values ('orphan', 'gone', 0, 'q', '{}', 'x')")
    old.close()
    assistant = _assistant(data, corpus)
    turns = assistant.conversations.get("c1").turns
    assert [t.id for t in turns] == ["c1-a0", "c1-a1", "dup", "c1-a2"]
    assert (
        "left out 1 rows whose conversation or assessment was gone"
        in assistant.legacy_imports[0].note
    )


def test_a_database_that_holds_work_is_never_mixed_with_an_old_file(
    tmp_path: Path, corpus: Corpus
) -> None:
    data = tmp_path / "data"
    kept = _assistant(data, corpus).conversations.create("Made by this version")
    _write_conversations(data / "pse.sqlite3")
    assistant = _assistant(data, corpus)
    assert [c.id for c in assistant.conversations.all()] == [kept]
    assert [(i.source, i.rows) for i in assistant.legacy_imports] == [("pse.sqlite3", 0)]
    assert assistant.legacy_imports[0].note == "skipped: the database already held saved work"


def test_pse_db_upgrade_migrates_and_reports_an_unreachable_database_in_one_line(
    tmp_path: Path, corpus: Corpus, cli_for: CliFor
) -> None:
    from pse_assistant import cli

    fresh = cli_for(_assistant(tmp_path / "data", corpus)).invoke(cli.app, ["db", "upgrade"])
    assert fresh.exit_code == 0, fresh.output
    assert f"sqlite:///{tmp_path / 'data' / 'pse.db'}" in fresh.output.replace("\n", "")
    assert f"revision {HEAD}" in fresh.output
    url = "postgresql+psycopg://pse:hunter2@127.0.0.1:9/nothing"
    down = cli_for(_assistant(tmp_path / "d2", corpus, url)).invoke(cli.app, ["db", "upgrade"])
    assert down.exit_code == 1
    assert down.output.startswith("Error: The database postgresql+psycopg://pse:***@127.0.0.1:9")
    assert "hunter2" not in down.output and "Traceback" not in down.output


# -- the stores on both engines ------------------------------------------------------------------
def test_a_session_is_one_transaction(database: Database) -> None:
    store = ConversationStore(database)
    kept = store.create("kept")
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(text("delete from conversations"))
        raise RuntimeError("half-way")
    assert [c.id for c in store.all()] == [kept]


def test_conversations_keep_turns_in_order_and_delete_them_with_the_conversation(
    database: Database,
) -> None:
    store = ConversationStore(database)
    cid = store.create("  Gifts\x01 at the counter ")
    for n in range(3):
        store.add_turn(
            cid, f"question {n}", {"id": f"a{n}", "answer": f"answer {n}"}, ["7.2.3"], None
        )
    conversation = store.get(cid)
    assert conversation.title == "Gifts at the counter"
    assert [t.question for t in conversation.turns] == ["question 0", "question 1", "question 2"]
    assert store.last_turn(cid) == ("question 2", "answer 2") and store.answer_exists("a1")
    store.rename(cid, "Renamed")
    assert store.page(1).items[0].title == "Renamed"
    store.add_feedback("a1", "down", "too long")
    store.add_feedback("a0", "up", "")
    assert [f["answer_id"] for f in store.feedback()] == ["a1", "a0"]  # in the order given
    store.delete(cid)
    assert not store.answer_exists("a1")  # the turns went with it
    for call in (lambda: store.get(cid), lambda: store.delete(cid), lambda: store.rename(cid, "x")):
        with pytest.raises(ConversationNotFound):
            call()
    with pytest.raises(ConversationNotFound):
        store.add_turn(cid, "late", {"id": "a9"}, [], None)


def test_concurrent_turns_and_a_delete_never_collide(database: Database) -> None:
    store = ConversationStore(database)
    cid, doomed = store.create("busy"), store.create("doomed")
    store.add_turn(doomed, "first", {"id": "d-first"}, [], None)
    outcomes: list[str] = []

    def add(conversation: str, n: int) -> None:
        try:
            store.add_turn(conversation, f"q{n}", {"id": f"{conversation}-{n}"}, [], None)
            outcomes.append("added")
        except ConversationNotFound:
            outcomes.append("gone")

    threads = [threading.Thread(target=add, args=(c, n)) for n in range(12) for c in (cid, doomed)]
    threads.insert(12, threading.Thread(target=store.delete, args=(doomed,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 24 and outcomes.count("added") >= 12
    assert len(store.get(cid).turns) == 12
    with database.session() as session:
        positions = session.scalars(
            text("select position from turns where conversation_id = :c order by position"),
            {"c": cid},
        ).all()
        left = session.scalar(
            text("select count(*) from turns where conversation_id = :c"), {"c": doomed}
        )
    assert positions == list(range(12)) and left == 0


def test_concurrent_assessors_are_all_recorded(database: Database) -> None:
    store = AssessmentStore(database)
    assessment = store.create("Round", "Town")
    errors: list[BaseException] = []

    def score(assessor: str) -> None:
        try:
            for clause in SUB_ELEMENTS[:4]:
                store.score(assessment.id, assessor, clause, 3)
        except BaseException as error:  # handed to the assertion below
            errors.append(error)

    threads = [threading.Thread(target=score, args=(f"Assessor {n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.scores(assessment.id)) == 24 and store.version(assessment.id) == 24


def test_two_instances_migrating_at_once_both_start(database_url: str) -> None:
    """Three processes upgrade the same empty database at the same moment: all start."""
    script = (
        "import sys\nfrom pse_assistant.core.db import Database\nDatabase(sys.argv[1]).upgrade()"
    )
    starts = [
        subprocess.Popen([sys.executable, "-c", script, database_url], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    errors = [start.communicate(timeout=120)[1].decode() for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0], errors
    assert Database(database_url).revision() == HEAD


def test_the_models_and_the_migrations_describe_the_same_schema(database: Database) -> None:
    """A model changed without a new revision (or the reverse) fails here, on both engines."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pse_assistant.migrations.schema import metadata

    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata())
    assert differences == []


def test_without_a_postgresql_server_the_tests_skip_off_ci_and_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="initdb was not found"):
        missing_server()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        missing_server()


def test_an_unreachable_database_is_backend_unavailable() -> None:
    database = Database("postgresql+psycopg://pse:secret@127.0.0.1:9/nothing")
    with pytest.raises(BackendUnavailable, match=r"pse:\*\*\*@127\.0\.0\.1:9") as raised:
        database.upgrade()
    assert "secret" not in str(raised.value)

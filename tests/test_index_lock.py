"""Index writers of a shared deployment take turns: one builds, the one that waited uses its result."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from langchain_core.documents import Document

from pse_assistant.core.db import Database, lock_key
from pse_assistant.core.errors import PseError
from pse_assistant.search.index import ChunkIndex
from tests.fakes import HashEmbeddings
from tests.postgres import new_database


class _Watched(HashEmbeddings):
    """Counts how many builds embed at the same moment (each call lingers a little)."""

    def __init__(self, gauge: dict[str, int], lock: threading.Lock) -> None:
        super().__init__()
        self.gauge, self.lock = gauge, lock

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self.lock:
            self.gauge["now"] += 1
            self.gauge["most"] = max(self.gauge["most"], self.gauge["now"])
        try:
            time.sleep(0.05)
            return super().embed_documents(texts)
        finally:
            with self.lock:
                self.gauge["now"] -= 1


def _docs() -> list[Document]:
    return [
        Document(f"passage {n} about complaints", metadata={"hash": f"h{n}"}, id=f"c{n}")
        for n in range(200)
    ]


@pytest.fixture
def postgres_db(postgres_server: str) -> Iterator[Callable[[], Database]]:
    """Opens the same new PostgreSQL database as often as asked: one engine per "instance"."""
    url = new_database(postgres_server)
    opened: list[Database] = []

    def another() -> Database:
        opened.append(Database(url))
        return opened[-1]

    yield another
    for database in opened:
        database.engine.dispose()


@pytest.mark.xdist_group("postgresql")
def test_advisory_lock_has_one_holder_and_a_waiter_gives_up_with_a_message(
    postgres_db: Callable[[], Database],
) -> None:
    first, second = postgres_db(), postgres_db()
    with first.advisory_lock("pse-index:test", wait=5):
        started = time.monotonic()
        with (
            pytest.raises(PseError, match="Another instance"),
            second.advisory_lock("pse-index:test", wait=0.6, poll=0.1),
        ):
            pass
        assert time.monotonic() - started >= 0.6
        with second.advisory_lock("pse-index:other", wait=0):  # another name is not held
            pass
    with second.advisory_lock("pse-index:test", wait=0):  # released with the block
        pass
    assert lock_key("pse-index:test") == lock_key("pse-index:test") != lock_key("pse-index:other")


def _race(
    make_lock: Callable[[], Callable[[], AbstractContextManager[None]] | None],
    lock_path: Path | None = None,
) -> tuple[list[tuple[bool, int]], int, list[str]]:
    """Two "instances" write the same chunks into one Chroma at once; what each did, the most
    that embedded at the same moment, and the generations left."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    for name in [c.name for c in client.list_collections()]:
        client.delete_collection(name)
    gauge, gauge_lock = {"now": 0, "most": 0}, threading.Lock()
    reports: list[tuple[bool, int]] = []
    errors: list[BaseException] = []

    def instance() -> None:
        index = ChunkIndex(
            client,
            _Watched(gauge, gauge_lock),
            "watched",
            lock_path=lock_path,
            lock_wait=30 if lock_path else 0,
            writer_lock=make_lock(),
        )
        try:
            report = index.write(keep=lambda d: False, add=_docs())
            reports.append((report.changed, report.embedded))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return reports, gauge["most"], [c.name for c in client.list_collections()]


@pytest.mark.xdist_group("postgresql")
def test_two_instances_on_postgresql_never_build_at_once(
    postgres_db: Callable[[], Database],
) -> None:
    """The second waits for the advisory lock, then finds the first one's generation complete."""

    def own_engine() -> Callable[[], AbstractContextManager[None]]:
        database = postgres_db()  # each instance has its own connections
        return lambda: database.advisory_lock("pse-index:pse:chunks", wait=60)

    reports, most, generations = _race(own_engine)
    assert most == 1
    assert sorted(reports) == [(False, 0), (True, 200)]
    assert generations == ["pse_chunks_g000001"]


def test_two_writers_without_postgresql_wait_on_the_file_lock(tmp_path: Path) -> None:
    reports, most, generations = _race(lambda: None, lock_path=tmp_path / "index.lock")
    assert most == 1
    assert sorted(reports) == [(False, 0), (True, 200)]
    assert generations == ["pse_chunks_g000001"]


def test_without_a_wait_the_second_writer_is_told_at_once(tmp_path: Path) -> None:
    """The embedded default (one person, `pse ingest` at the terminal) still fails fast."""
    import fcntl

    index = ChunkIndex(None, HashEmbeddings(), "hash", lock_path=tmp_path / "index.lock")
    with (tmp_path / "index.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PseError, match="Another process is writing"):
            index.write(keep=lambda d: False, add=_docs())

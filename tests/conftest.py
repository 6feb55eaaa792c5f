"""Shared fixtures: the shipped corpus, a writable copy of it, fake and real indexes, CLI runners.

The real index (the offline MiniLM over the whole corpus) is the one expensive thing: it is built
once per run, in a background thread that starts with the session while the fast tests run first,
and tests that write to it get a private copy.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from pse_assistant.assistant import Assistant
from pse_assistant.cli import common
from pse_assistant.core.settings import Settings, default_corpus_dir
from pse_assistant.corpus.loader import Corpus, load_corpus
from tests.fakes import HashEmbeddings
from tests.postgres import cluster, missing_server, new_database, server_bin

if TYPE_CHECKING:
    from pse_assistant.core.db import Database

CORPUS_DIR = default_corpus_dir()
# A test using one of these needs the real model, a live server or a browser: it is `slow`.
SLOW_FIXTURES = {"real_assistant", "private_real_assistant", "live_url", "client", "live"}


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The shipped corpus, loaded once."""
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def assistant(corpus: Corpus) -> Assistant:
    """An assistant over the shipped corpus."""
    return Assistant(Settings(corpus_dir=CORPUS_DIR), corpus=corpus)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A copy of the shipped corpus that the test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target, ignore=shutil.ignore_patterns("_fragments"))
    return target


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session (its `postgres` database's URL).

    Off CI a machine without the server skips these tests with a note; under CI=true they fail,
    since `make test` installs Debian's `postgresql` as root.
    """
    bin_dir = server_bin()
    if bin_dir is None:
        missing_server()
    assert bin_dir is not None
    with cluster(bin_dir) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in the test's folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'pse.db'}"
    return new_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The database at `database_url`, migrated to the newest schema."""
    from pse_assistant.core.db import Database

    opened = Database(database_url)
    opened.upgrade()
    yield opened
    opened.engine.dispose()


Edit = Callable[[Path, str, str], None]


@pytest.fixture
def edit() -> Edit:
    """Replace the first occurrence of `old` by `new` in a file, failing if `old` is absent."""

    def _edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return _edit


@pytest.fixture
def fake_assistant(tmp_path: Path, corpus: Corpus) -> Assistant:
    """An assistant with a fresh, empty embedded index and the fast deterministic embedder."""
    return Assistant(
        Settings(corpus_dir=CORPUS_DIR, data_dir=tmp_path / "data"),
        corpus=corpus,
        embedder=HashEmbeddings(),
    )


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> Path:
    """A data folder with the shipped corpus indexed by the fake embedder, built once per run."""
    data = tmp_path_factory.mktemp("fake-index")
    settings = Settings(corpus_dir=CORPUS_DIR, data_dir=data)
    Assistant(settings, corpus=corpus, embedder=HashEmbeddings()).build_index()
    return data


@pytest.fixture
def fake_indexed_assistant(tmp_path: Path, corpus: Corpus, fake_index: Path) -> Assistant:
    """The fast fake embedder over a private copy of an index of the shipped corpus."""
    data = tmp_path / "data"
    shutil.copytree(fake_index / "chroma", data / "chroma")
    return Assistant(
        Settings(corpus_dir=CORPUS_DIR, data_dir=data), corpus=corpus, embedder=HashEmbeddings()
    )


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


class _Background:
    """The real index, built in a thread while the fast tests run (they are ordered first).

    With pytest-xdist (`make test` runs two workers, one core each) the first worker to get the
    file lock builds it into a folder the workers share, and each worker works on its own copy.
    """

    def __init__(self, shared: Path, own: Path, corpus: Corpus) -> None:
        self.shared, self.own, self.corpus = shared, own, corpus
        self.assistant: Assistant | None = None
        self.error: BaseException | None = None
        self.threads = _torch_threads()
        self.thread = threading.Thread(target=self._build, name="real-index", daemon=True)
        self.thread.start()

    def _build(self) -> None:
        import torch
        from filelock import FileLock

        torch.set_num_threads(1)  # one core for the build, the other for the fast tests
        try:
            with FileLock(str(self.shared / "lock")):
                if not (self.shared / "done").exists():
                    settings = Settings(corpus_dir=CORPUS_DIR, data_dir=self.shared / "data")
                    Assistant(settings, corpus=self.corpus).build_index()
                    (self.shared / "done").touch()
            shutil.copytree(self.shared / "data" / "chroma", self.own / "chroma")
            settings = Settings(corpus_dir=CORPUS_DIR, data_dir=self.own)
            self.assistant = Assistant(settings, corpus=self.corpus)
        except BaseException as error:  # handed to the first test that needs the index
            self.error = error
        finally:
            torch.set_num_threads(self.threads)

    def result(self) -> Assistant:
        if self.thread.is_alive():  # the fast tests are done: give the build every core
            import torch

            torch.set_num_threads(os.cpu_count() or 2)
            self.thread.join()
            torch.set_num_threads(self.threads)
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.assistant is not None
        return self.assistant


def pytest_configure(config: pytest.Config) -> None:
    """Each pytest-xdist worker uses one core for the model, so two workers share two cores."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import torch

        torch.set_num_threads(1)


@pytest.fixture(scope="session", autouse=True)
def _real_index_in_background(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpus: Corpus
) -> _Background | None:
    """Start building the real index at once when any collected test will need it."""
    if not any(SLOW_FIXTURES & set(getattr(i, "fixturenames", ())) for i in request.session.items):
        return None
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "real-index-shared"
    shared.mkdir(parents=True, exist_ok=True)
    return _Background(shared, tmp_path_factory.mktemp("real-index"), corpus)


@pytest.fixture(scope="session")
def real_assistant(_real_index_in_background: _Background | None) -> Assistant:
    """The real offline MiniLM model and an index of the shipped corpus, built once per run."""
    assert _real_index_in_background is not None
    return _real_index_in_background.result()


def copy_real_index(real_assistant: Assistant, target: Path) -> Path:
    """A private copy of the session's real index data folder, for a test that writes to it."""
    shutil.copytree(real_assistant.settings.data_dir / "chroma", target / "chroma")
    return target


@pytest.fixture
def private_real_assistant(tmp_path: Path, real_assistant: Assistant) -> Assistant:
    """The real model over a private copy of the real index: writes stay in this test."""
    data = copy_real_index(real_assistant, tmp_path / "private-data")
    return Assistant(
        Settings(corpus_dir=CORPUS_DIR, data_dir=data),
        corpus=real_assistant.corpus,
        embedder=real_assistant.embedder,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the real model, a live server or a browser are `slow`: `-m "not slow"`
    skips them. They run after the fast ones, which keep the other core busy while the real index
    is built in the background."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        # Under pytest-xdist (`--dist loadgroup`) every PostgreSQL test runs on one worker, so the
        # cluster starts once; a module's slow tests share one worker, so its module-scoped
        # servers and evaluation runs are set up once.
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.xdist_group("postgresql"))
        elif item.get_closest_marker("slow") is not None and item.module is not None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)


CliFor = Callable[[Assistant], CliRunner]


@pytest.fixture
def cli_for(monkeypatch: pytest.MonkeyPatch) -> CliFor:
    """A CLI runner whose commands use the given assistant, on a wide enough terminal."""

    def make(assistant: Assistant) -> CliRunner:
        monkeypatch.setattr(common, "assistant_factory", lambda: assistant)
        monkeypatch.setattr(common.out, "width", 160)
        return CliRunner()

    return make

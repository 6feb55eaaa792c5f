"""Shared fixtures: the shipped corpus, and a writable copy of it that a test may break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.corpus import Corpus, load_corpus
from pse_assistant.settings import Settings, default_corpus_dir
from tests.fakes import HashEmbeddings

CORPUS_DIR = default_corpus_dir()


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
    """An assistant with a fresh embedded index and the fast deterministic embedder."""
    return Assistant(
        Settings(corpus_dir=CORPUS_DIR, data_dir=tmp_path / "data"),
        corpus=corpus,
        embedder=HashEmbeddings(),
    )


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> Assistant:
    """The real offline MiniLM model and an index of the shipped corpus, built once per run."""
    data = tmp_path_factory.mktemp("real-index")
    assistant = Assistant(Settings(corpus_dir=CORPUS_DIR, data_dir=data), corpus=corpus)
    assistant.build_index()
    return assistant


CliFor = Callable[[Assistant], CliRunner]


@pytest.fixture
def cli_for(monkeypatch: pytest.MonkeyPatch) -> CliFor:
    """A CLI runner whose commands use the given assistant, on a wide enough terminal."""

    def make(assistant: Assistant) -> CliRunner:
        monkeypatch.setattr(cli, "get_assistant", lambda: assistant)
        monkeypatch.setattr(cli.out, "width", 160)
        return CliRunner()

    return make

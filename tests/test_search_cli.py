"""`pse search` and `pse index` as users run them, and the index on a real Chroma server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.core.settings import Settings
from pse_assistant.corpus.loader import Corpus
from tests.conftest import CliFor, copy_real_index
from tests.fakes import HashEmbeddings

PSE = str(Path(sys.executable).with_name("pse"))


@pytest.fixture
def runner(real_assistant: Assistant, cli_for: CliFor) -> CliRunner:
    return cli_for(real_assistant)


def test_search_json_shape(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["search", "clause 7.2.3", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "clause 7.2.3"
    assert data["clauses"][0] == "7.2.3"
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert {"clause", "title", "section", "score", "text", "source"} <= set(hit)
    assert data["hits"][0]["title"] == "Integrity and conflict management"


def test_search_for_people(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["search", "what does clause 9.4.7 require?"])
    assert result.exit_code == 0
    assert (
        "There is no clause 9.4.7 in ISO 11367:2025. Nearest clauses: 7.4.3, 7.4.2, 7.4.1."
        in result.output
    )
    result = runner.invoke(cli.app, ["search", "gifts register at the counter", "--k", "2"])
    assert "[7.2.3] Integrity and conflict management" in result.output


def test_search_batch(runner: CliRunner, tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        '{"id": "q1", "question": "principle 5.2.4"}\n'
        "not json\n"
        '{"id": "q3", "question": "who is our customer when we enforce rules?"}\n'
        '{"id": "q4"}\n'
    )
    result = runner.invoke(cli.app, ["search", "--batch", str(batch), "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", None, "q3", "q4"]
    assert lines[0]["clauses"][0] == "5.2.4"
    assert lines[1]["line"] == 2 and "Expecting value" in lines[1]["error"]
    assert lines[2]["hits"]
    assert lines[3]["error"] == "each line needs a string field 'question'"


def test_search_needs_a_query_or_a_batch(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["search"])
    assert result.exit_code == 2
    assert "Give either a QUERY or --batch FILE.jsonl" in result.output
    assert runner.invoke(cli.app, ["search", "   "]).exit_code == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("chroma")),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("chroma run did not start")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)


def test_index_and_search_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, corpus: Corpus
) -> None:
    settings = Settings(chroma_url=chroma_server, data_dir=tmp_path / "unused")
    assistant = Assistant(settings, corpus=corpus, embedder=HashEmbeddings())
    report = assistant.build_index()
    assert report.changed and report.total > 500
    assert assistant.search("clause 7.4.2", k=3).clauses[0] == "7.4.2"
    again = Assistant(settings, corpus=corpus, embedder=HashEmbeddings())
    assert not again.build_index().changed  # a second process sees the same index on the server
    assert not (tmp_path / "unused" / "chroma").exists()


def test_killing_a_build_half_way_leaves_search_working(
    tmp_path: Path, real_assistant: Assistant
) -> None:
    """A real `pse index --rebuild` with the real model, killed mid-way: search still answers.

    The build reports each embedded batch on stderr; the test kills it at the first report after
    some chunks were written into the new generation, so no timing guess is involved.
    """
    data = copy_real_index(real_assistant, tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")} | {
        "PSE_DATA_DIR": str(data)
    }

    def fresh() -> Assistant:
        settings = Settings(data_dir=data)
        return Assistant(settings, corpus=real_assistant.corpus, embedder=real_assistant.embedder)

    before = fresh().search("principle 5.2.4").hits
    build = subprocess.Popen(
        [PSE, "index", "--rebuild"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stderr is not None
    for line in build.stderr:
        done, _, total = line.rpartition(": ")[2].strip().partition("/")
        if done.isdigit() and 0 < int(done) < int(total):
            build.send_signal(signal.SIGKILL)
            break
    else:
        pytest.fail("the rebuild finished before it could be interrupted")
    build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL

    after = fresh()
    assert after.search("principle 5.2.4").hits == before
    assert not after.build_index().changed  # the old generation is still the complete one

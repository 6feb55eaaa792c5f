"""Hostile files for `pse ingest`, made by the tests: each is refused with its reason or read within
its limits; symbolic links are refused by name unless followed on purpose (issue 12, points 5-6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.cli import common
from pse_assistant.search.retrieval import RetrievalConfig
from tests.hostile import TEST_LIMITS, cases, pdf

LEXICAL = RetrievalConfig(mode="bm25")


@pytest.fixture
def guarded(fake_indexed_assistant: Assistant) -> Assistant:
    """An indexed assistant with the ingest limits lowered to the test files' sizes."""
    settings = fake_indexed_assistant.settings.model_copy(update=TEST_LIMITS)
    return Assistant(
        settings, corpus=fake_indexed_assistant.corpus, embedder=fake_indexed_assistant.embedder
    )


def test_every_hostile_file_is_refused_with_its_reason_or_read(
    guarded: Assistant, tmp_path: Path
) -> None:
    made = {case.name: (case.make(tmp_path / case.name), case.refusal) for case in cases()}
    report = guarded.ingest([path for path, _ in made.values()])
    reasons = {Path(p).name: reason for p, reason in report.failed}
    for name, (_, refusal) in made.items():
        if refusal is None:
            assert name not in reasons, reasons.get(name)
        else:
            assert refusal in reasons.get(name, ""), (name, reasons.get(name))
    assert sorted(d["file"] for d in report.added) == ["hidden.html", "utf16.txt"]
    assert all("PSE_" in reason for name, reason in reasons.items() if "limit" in reason)


def test_utf16_text_is_decoded_and_hidden_html_text_is_not_indexed(
    guarded: Assistant, tmp_path: Path
) -> None:
    hostile = {c.name: c for c in cases()}
    files = [hostile[n].make(tmp_path / n) for n in ("utf16.txt", "hidden.html")]
    guarded.ingest(files)
    texts = " ".join(
        c.page_content
        for c in guarded.index.chunks()
        if c.metadata.get("doc_type") == "user document"
    )
    assert "kingfisher team" in texts and "pelican desk" in texts
    for hidden in ("zeppelin", "walrus", "narwhal", "okapi", "axolotl"):
        assert hidden not in texts
    hits = guarded.search("kingfisher complaints", k=10, config=LEXICAL).hits
    assert any("kingfisher" in h.text and h.origin == "user" for h in hits)


def test_a_file_over_its_time_budget_is_refused(guarded: Assistant, tmp_path: Path) -> None:
    hurried = Assistant(
        guarded.settings.model_copy(update={"ingest_max_seconds": 1e-6}),
        corpus=guarded.corpus,
        embedder=guarded.embedder,
    )
    report = hurried.ingest([pdf(tmp_path / "slow.pdf", 3)])
    assert report.failed == [
        (
            str(tmp_path / "slow.pdf"),
            "reading it took longer than 1e-06 s (the limit is PSE_INGEST_MAX_SECONDS)",
        )
    ]


def test_symbolic_links_are_refused_by_name_unless_followed(
    guarded: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd.txt"
    secret.write_text("root:x:0:0:the walrus account:/root:/bin/bash\n")
    (outside / "more.md").write_text("# More\n\nThe heron desk opens at nine.\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "policy.md").write_text("# Policy\n\nThe pelican desk answers in two days.\n")
    os.symlink(secret, inbox / "passwd.txt")
    os.symlink(outside, inbox / "linked-folder")
    os.symlink(inbox, inbox / "loop")  # a folder loop must end when links are followed
    monkeypatch.setattr(common, "assistant_factory", lambda: guarded)
    monkeypatch.setattr(common.out, "width", 300)
    runner = CliRunner()

    refused = runner.invoke(cli.app, ["ingest", str(inbox)])
    assert refused.exit_code == 1
    assert "added policy.md" in refused.output
    link = inbox / "passwd.txt"
    assert (
        f"skipped {link}: a symbolic link (to {secret}); not followed without --follow-symlinks"
        in refused.output
    )
    assert f"skipped {inbox / 'linked-folder'}: a symbolic link" in refused.output
    given = runner.invoke(cli.app, ["ingest", str(link)])
    assert given.exit_code == 1 and f"skipped {link}: a symbolic link" in given.output
    assert "walrus" not in " ".join(c.page_content for c in guarded.index.chunks())

    followed = runner.invoke(cli.app, ["ingest", "--follow-symlinks", str(inbox)])
    assert followed.exit_code == 0, followed.output
    files = sorted(d["file"] for d in guarded.documents())
    assert files == ["more.md", "passwd.txt", "policy.md"]

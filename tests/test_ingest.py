"""Ingesting the user's own files: every format, provenance, clause tags, and bad files refused alone."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.cli import common
from pse_assistant.core.errors import PseError
from pse_assistant.search.retrieval import RetrievalConfig


def make_pdf(path: Path, pages: list[str]) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    made = {
        "pdf": make_pdf(
            folder / "licensed-copy.pdf",
            [
                "Foreword. This copy belongs to the Riverside council and must stay on its machines.",
                "7.2.3 Integrity and conflict management\nThe council registers every gift offered to "
                "planning officers in the Zanzibar ledger and reviews it monthly.",
            ],
        ),
        "md": folder / "complaints.md",
        "txt": folder / "notes.txt",
        "html": folder / "charter.html",
        "docx": folder / "policy.docx",
    }
    made["md"].write_text(
        "# Complaints\n\nOur complaint process follows 7.4.1: a quokka answers in five days.\n"
    )
    made["txt"].write_text("Counter staff rotate weekly. Nothing else here mentions clauses.\n")
    made["html"].write_text(
        "<html><head><script>var x = 'ignore me';</script></head><body><h1>Service charter</h1>"
        "<p>We publish waiting times for the marmalade desk (see 5.2.3).</p></body></html>"
    )
    document = docx.Document()
    document.add_heading("7.2.2 Employee engagement", level=1)
    document.add_paragraph(
        "Staff of the pelican team choose their own training budget every spring."
    )
    document.save(str(made["docx"]))
    return made


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n this is not really a pdf \x00\x01\x02")
    empty = folder / "empty.txt"
    empty.write_text("")
    exe = folder / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00")
    big = folder / "huge.txt"
    big.write_text("word " * 400_000)
    protected = folder / "protected.pdf"
    writer = PdfWriter(clone_from=PdfReader(str(make_pdf(folder / "plain.pdf", ["secret text"]))))
    writer.encrypt("s3cret")
    with protected.open("wb") as handle:
        writer.write(handle)
    (folder / "plain.pdf").unlink()
    broken_docx = folder / "broken.docx"
    broken_docx.write_bytes(b"PK\x03\x04 not a zip really")
    return {
        "corrupt": corrupt,
        "empty": empty,
        "exe": exe,
        "big": big,
        "protected": protected,
        "docx": broken_docx,
    }


@pytest.fixture
def small_limit_assistant(fake_indexed_assistant: Assistant) -> Assistant:
    """An indexed assistant that refuses files over 1 MB."""
    settings = fake_indexed_assistant.settings.model_copy(update={"max_upload_mb": 1})
    return Assistant(
        settings, corpus=fake_indexed_assistant.corpus, embedder=fake_indexed_assistant.embedder
    )


def test_every_format_is_ingested_with_provenance_and_clauses(
    small_limit_assistant: Assistant, files: dict[str, Path]
) -> None:
    report = small_limit_assistant.ingest(list(files.values()))
    assert report.failed == []
    assert {d["file"] for d in report.added} == {p.name for p in files.values()}
    clauses = {d["file"]: d["clauses"] for d in report.added}
    assert clauses["licensed-copy.pdf"] == ["7.2.3"]
    assert clauses["complaints.md"] == ["7.4.1"]
    assert clauses["charter.html"] == ["5.2.3"]
    assert clauses["policy.docx"] == ["7.2.2"]
    assert clauses["notes.txt"] == []

    lexical = RetrievalConfig(
        mode="bm25"
    )  # the fake embedder's dense side is noise; test the plumbing
    hits = small_limit_assistant.search("Zanzibar ledger", k=10, config=lexical).hits
    hit = next(h for h in hits if h.doc_type == "user document")
    assert hit.clause == "7.2.3"
    assert hit.page == 2
    assert hit.source.endswith("licensed-copy.pdf#page=2")
    html_hits = small_limit_assistant.search("marmalade desk", k=10, config=lexical).hits
    assert any("marmalade desk" in h.text and "ignore me" not in h.text for h in html_hits)
    assert small_limit_assistant.search("7.2.3", k=1).clauses[0] == "7.2.3"  # corpus still there


def test_a_folder_is_ingested_and_reingesting_replaces(
    small_limit_assistant: Assistant, files: dict[str, Path]
) -> None:
    small_limit_assistant.ingest([files["pdf"].parent])
    assert len(small_limit_assistant.documents()) == 5
    files["md"].write_text("# Complaints\n\nRewritten: the quokka now answers in two days.\n")
    small_limit_assistant.ingest([files["md"]])
    docs = small_limit_assistant.documents()
    assert len(docs) == 5
    texts = [
        c.page_content
        for c in small_limit_assistant.index.chunks()
        if c.metadata.get("file") == "complaints.md"
    ]
    assert len(texts) == 1 and "two days" in texts[0]


def test_bad_files_are_refused_one_by_one_and_nothing_is_lost(
    small_limit_assistant: Assistant, files: dict[str, Path], bad_files: dict[str, Path]
) -> None:
    small_limit_assistant.ingest([files["pdf"]])
    before = small_limit_assistant.documents()
    report = small_limit_assistant.ingest(
        [*bad_files.values(), files["docx"], Path("/nowhere/missing.pdf")]
    )
    reasons = {Path(p).name: r for p, r in report.failed}
    assert reasons == {
        "corrupt.pdf": "not a readable PDF (damaged, or not a PDF at all)",
        "empty.txt": "the file is empty",
        "setup.exe": "unsupported file type '.exe' (supported: .docx, .htm, .html, .md, .pdf, .text, .txt)",
        "huge.txt": "too big (2.0 MB; the limit is 1 MB, PSE_MAX_UPLOAD_MB)",
        "protected.pdf": "the PDF is password protected; save an unprotected copy first",
        "broken.docx": "not a readable Word document (.docx)",
        "missing.pdf": "file not found",
    }
    assert [d["file"] for d in report.added] == ["policy.docx"]
    after = {d["file"] for d in small_limit_assistant.documents()}
    assert after == {d["file"] for d in before} | {"policy.docx"}


def test_remove_a_document(small_limit_assistant: Assistant, files: dict[str, Path]) -> None:
    small_limit_assistant.ingest([files["pdf"], files["md"]])
    doc_id = next(
        d["id"] for d in small_limit_assistant.documents() if d["file"] == "licensed-copy.pdf"
    )
    small_limit_assistant.remove_document(doc_id)
    assert [d["file"] for d in small_limit_assistant.documents()] == ["complaints.md"]
    hits = small_limit_assistant.search("Zanzibar ledger", k=5).hits
    assert all(h.doc_type != "user document" or "Zanzibar" not in h.text for h in hits)
    with pytest.raises(PseError, match="No ingested document has the id 'nope'"):
        small_limit_assistant.remove_document("nope")


def test_cli_ingest_list_remove(
    small_limit_assistant: Assistant,
    files: dict[str, Path],
    bad_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common, "assistant_factory", lambda: small_limit_assistant)
    monkeypatch.setattr(common.out, "width", 200)
    runner = CliRunner()
    result = runner.invoke(cli.app, ["ingest", str(files["md"]), str(bad_files["exe"])])
    assert result.exit_code == 1
    assert "added complaints.md as complaints-md-" in result.output
    assert "skipped " + str(bad_files["exe"]) + ": unsupported file type '.exe'" in result.output
    listed = runner.invoke(cli.app, ["docs", "list"])
    assert "complaints.md" in listed.output and "7.4.1" in listed.output
    doc_id = small_limit_assistant.documents()[0]["id"]
    removed = runner.invoke(cli.app, ["docs", "remove", doc_id])
    assert removed.exit_code == 0 and f"Removed {doc_id}" in removed.output
    assert "No documents ingested yet" in runner.invoke(cli.app, ["docs", "list"]).output
    unknown = runner.invoke(cli.app, ["docs", "remove", "nope"])
    assert unknown.exit_code == 2 and "No ingested document has the id 'nope'" in unknown.output
    assert os.path.exists(files["md"])  # the user's file is never touched


def test_an_ingested_policy_answers_questions_with_the_real_model(
    tmp_path: Path, private_real_assistant: Assistant
) -> None:
    """With the real MiniLM, a user's own policy surfaces for a question in other words."""
    fresh = private_real_assistant
    policy = tmp_path / "gifts-policy.md"
    policy.write_text(
        "# Riverside gifts policy\n\nUnder 7.2.3, planning officers at Riverside must refuse any present "
        "from an applicant and record the offer in the Riverside gifts ledger within one working day.\n"
    )
    fresh.ingest([policy])
    result = fresh.search(
        "what must a planning officer do when an applicant offers a present?", k=5
    )
    assert result.clauses[0] == "7.2.3"
    own = [h for h in result.hits[:3] if h.doc_type == "user document"]
    assert own and own[0].clause == "7.2.3" and "gifts ledger" in own[0].text
    assert own[0].source == str(policy.resolve())

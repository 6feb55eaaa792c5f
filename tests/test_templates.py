"""Templates as a practitioner gets them: listed, read, and downloaded as Word or Excel files that open.

Every template is rendered in both formats and read back with python-docx and openpyxl; the CLI, the
API and the facade's download folder are exercised the way people touch them.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.corpus.loader import Corpus
from pse_assistant.server import create_app
from pse_assistant.templates.export import sheet_title, to_docx, to_xlsx
from pse_assistant.templates.filling import ILLUSTRATIVE, fill_template
from tests.conftest import CliFor

TEMPLATE_IDS = [
    "codesign-brief",
    "complaint-log",
    "evidence-checklist",
    "gifts-register",
    "indicator-sheet",
    "journey-map",
    "raci-map",
    "recommendations-register",
    "service-blueprint",
    "service-charter",
]


def docx_text(document: docx.document.Document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_opens_as_a_word_document(
    corpus: Corpus, template_id: str, tmp_path: Path
) -> None:
    filled = fill_template(corpus, template_id)
    t = filled.template
    document = docx.Document(str(to_docx(filled, tmp_path / f"{template_id}.docx")))
    text = docx_text(document)
    assert document.core_properties.title == t.title
    assert document.paragraphs[0].text == t.title and t.summary in text
    assert all(corpus.structure.get(c).label in text for c in t.clauses)
    assert all(line in text for line in t.guidance)
    help_table, table = document.tables[0], document.tables[1]
    assert [r.cells[0].text for r in help_table.rows[1:]] == [c.name for c in t.columns]
    assert [c.text for c in table.rows[0].cells] == [c.name for c in t.columns]
    example = [c.text for c in table.rows[1].cells]
    assert example == [f"{ILLUSTRATIVE}: {t.example[0]}", *t.example[1:]]
    assert all(run.italic for c in table.rows[1].cells for p in c.paragraphs for run in p.runs)
    for section in t.sections:
        assert section.heading in text and section.prompt in text
        assert f"{ILLUSTRATIVE}: {section.example}" in text


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_opens_as_a_workbook(
    corpus: Corpus, template_id: str, tmp_path: Path
) -> None:
    filled = fill_template(corpus, template_id)
    t = filled.template
    book = openpyxl.load_workbook(to_xlsx(filled, tmp_path / f"{template_id}.xlsx"))
    assert book.sheetnames[:2] == ["Guidance", sheet_title(t.title)]
    guidance = [[c or "" for c in row] for row in book["Guidance"].iter_rows(values_only=True)]
    flat = "\n".join(" ".join(str(v) for v in row) for row in guidance)
    assert t.summary in flat and all(line in flat for line in t.guidance)
    assert all(c.help in flat for c in t.columns) and "illustrative example" in flat
    assert all(s.heading in flat for s in t.sections)
    table = book[sheet_title(t.title)]
    header = [c.value for c in table[1]]
    assert header == [c.name for c in t.columns]
    assert [c.comment.text for c in table[1]] == [c.help for c in t.columns]
    assert [c.value for c in table[2]][: len(t.example)] == [
        f"{ILLUSTRATIVE}: {t.example[0]}",
        *t.example[1:],
    ]
    assert table[2][0].value == f"{ILLUSTRATIVE}: {t.example[0]}"
    assert table[2][0].font.italic
    assert table.max_row == 2 + len(filled.rows)
    choice_columns = [c for c in t.columns if c.choices]
    assert len(table.data_validations.dataValidation) == len(choice_columns)


def test_indicator_rows_come_from_the_catalogue(corpus: Corpus) -> None:
    filled = fill_template(corpus, "indicator-sheet")
    names = [c.name for c in filled.template.columns]
    assert len(filled.rows) == len(corpus.indicators)
    first = dict(zip(names, filled.rows[0], strict=True))
    entry = corpus.indicators[first["Indicator id"]]
    assert first["Definition"] == entry.definition and first["Target"] == entry.target
    assert first["Formula"] == entry.formula and first["Target source"] == "Our suggestion"
    frequencies = {dict(zip(names, r, strict=True))["Frequency"] for r in filled.rows}
    allowed = next(c.choices for c in filled.template.columns if c.name == "Frequency")
    assert frequencies <= set(allowed)  # "annually" is written as the column's "Yearly"


def test_evidence_rows_come_from_each_sub_element_note(corpus: Corpus) -> None:
    filled = fill_template(corpus, "evidence-checklist")
    expected = [
        (clause.label, bullet.text)
        for clause in corpus.structure
        if clause.kind.value == "sub-element"
        for bullet in corpus.notes[clause.id].bullets("Evidence an assessor looks for")
    ]
    assert [(r[0], r[1]) for r in filled.rows] == expected
    assert {r[0].split()[0] for r in filled.rows} == {
        f"7.{e}.{s}" for e in (1, 2, 3, 4) for s in (1, 2, 3)
    }


@pytest.fixture
def runner(assistant: Assistant, cli_for: CliFor) -> CliRunner:
    return cli_for(assistant)


def test_cli_lists_shows_and_writes_templates(runner: CliRunner, tmp_path: Path) -> None:
    listed = runner.invoke(cli.app, ["template", "list"])
    assert listed.exit_code == 0, listed.output
    assert all(template_id in listed.output for template_id in TEMPLATE_IDS)
    shown = runner.invoke(cli.app, ["template", "complaint-log"])
    assert shown.exit_code == 0 and "How to fill it in" in shown.output
    assert "pse template complaint-log --out complaint-log.xlsx" in shown.output
    target = tmp_path / "charter.docx"
    written = runner.invoke(cli.app, ["template", "service-charter", "--out", str(target)])
    assert written.exit_code == 0, written.output
    assert docx.Document(str(target)).paragraphs[0].text == "Service charter"
    folder = runner.invoke(cli.app, ["template", "raci-map", "--out", str(tmp_path)])
    assert folder.exit_code == 0 and (tmp_path / "raci-map.xlsx").is_file()


def test_cli_names_the_templates_when_one_is_unknown(runner: CliRunner, tmp_path: Path) -> None:
    unknown = runner.invoke(cli.app, ["template", "service-chart"])
    assert unknown.exit_code == 2
    assert "There is no template 'service-chart'" in unknown.output
    assert "service-charter" in unknown.output
    bad = runner.invoke(cli.app, ["template", "raci-map", "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "Choose one of: docx, xlsx" in bad.output


@pytest.fixture
def api(fake_assistant: Assistant) -> TestClient:
    return TestClient(create_app(fake_assistant, refresh_index=False), base_url="http://localhost")


def test_api_lists_templates_and_serves_both_formats(api: TestClient) -> None:
    listed = api.get("/api/templates").json()
    assert [t["id"] for t in listed] == TEMPLATE_IDS
    charter = next(t for t in listed if t["id"] == "service-charter")
    assert charter["default_format"] == "docx" and charter["formats"] == ["docx", "xlsx"]
    one = api.get("/api/templates/indicator-sheet").json()
    assert one["template"]["fill"] == "indicators" and len(one["rows"]) == 63
    assert "path" not in one["template"]
    as_docx = api.get("/api/templates/service-charter", params={"format": "docx"})
    assert as_docx.status_code == 200
    assert as_docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="service-charter.docx"' in as_docx.headers["content-disposition"]
    assert docx.Document(io.BytesIO(as_docx.content)).paragraphs[0].text == "Service charter"
    as_xlsx = api.get("/api/templates/complaint-log?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    assert book["Complaint log"]["A1"].value == "Reference"


def test_api_errors_for_templates(api: TestClient) -> None:
    missing = api.get("/api/templates/charter")
    assert missing.status_code == 404 and "service-charter" in missing.json()["message"]
    bad = api.get("/api/templates/raci-map?format=pdf")
    assert bad.status_code == 422


def test_downloads_go_to_the_managed_folder(fake_assistant: Assistant) -> None:
    path = fake_assistant.template_download("gifts-register")
    assert path.name == "gifts-register.xlsx" and fake_assistant.downloads.owns(path)
    assert fake_assistant.template_download("gifts-register", "docx").suffix == ".docx"

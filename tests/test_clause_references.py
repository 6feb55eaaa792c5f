"""A clause's references and review date, as the terminal, the API and the Browse tab show them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from pse_assistant.server import create_app
from tests.conftest import CliFor


def test_the_clause_view_carries_the_notes_references(assistant: Assistant) -> None:
    view = assistant.clause("7.2.3")
    assert [r.id for r in view.references] == assistant.corpus.notes["7.2.3"].meta.references
    assert view.last_reviewed is not None
    markdown = view.markdown()
    assert "#### References" in markdown
    assert "- ISO 37001:2016, *Anti-bribery management systems" in markdown
    assert "<http://data.europa.eu/eli/dir/2019/1937/oj>" in markdown
    assert f"*Guidance last reviewed {view.last_reviewed.isoformat()}.*" in markdown
    unpublished = assistant.clause("7").markdown()
    assert "ISO/NP TS 26263" in unpublished and "in development" in unpublished
    assert "as of 2026-11-30" in unpublished
    assert assistant.clause("2").references == []
    assert [t.id for t in assistant.clause("7.4.1").templates][:2] == [
        "complaint-log",
        "service-blueprint",
    ]
    assert "- Complaint log (template `complaint-log`)" in assistant.clause("7.4.1").markdown()


def test_pse_clause_lists_the_references(assistant: Assistant, cli_for: CliFor) -> None:
    result = cli_for(assistant).invoke(cli.app, ["clause", "7.2.3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "References" in out and "ISO 37001:2016" in out and "Directive (EU) 2019/1937" in out
    assert "http://data.europa.eu/" in out  # folded over lines in the table, never cut
    assert "Guidance last reviewed 2026-11-30." in out
    assert "Templates: Gifts and hospitality register (gifts-register)" in out
    as_json = cli_for(assistant).invoke(cli.app, ["clause", "7.2.3", "--json"])
    assert '"identifier": "ISO 37001:2016"' in as_json.output


def test_the_api_clause_view_includes_them(fake_assistant: Assistant) -> None:
    client = TestClient(
        create_app(fake_assistant, refresh_index=False), base_url="http://localhost"
    )
    one = client.get("/api/clauses/7.2.3").json()
    assert one["last_reviewed"] == "2026-11-30"
    refs = {r["id"]: r for r in one["references"]}
    assert refs["iso-10002-2018"] == {
        "id": "iso-10002-2018",
        "identifier": "ISO 10002:2018",
        "title": "Quality management — Customer satisfaction — Guidelines for complaints "
        "handling in organizations",
        "publisher": "ISO",
        "kind": "standard",
        "status": "published",
        "url": "https://www.iso.org/standard/71580.html",
        "as_of": None,
        "note": "Gives complaint-handling principles and process guidance; it sets no fixed day "
        "limits.",
    }

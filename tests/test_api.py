"""The HTTP API with FastAPI's TestClient: every endpoint, and every error as JSON a person can read."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from pse_assistant.assistant import Assistant
from pse_assistant.core.settings import Settings
from pse_assistant.server import create_app


@pytest.fixture(scope="module")
def client(real_assistant: Assistant) -> TestClient:
    return TestClient(create_app(real_assistant, refresh_index=False), base_url="http://localhost")


def test_ask_and_conversations(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": "how do we engage staff when pay is fixed?"})
    assert first.status_code == 200
    answer = first.json()
    assert answer["status"] == "answered" and answer["citations"]
    assert answer["citations"][0]["clause"] == answer["clauses"][0]
    cid = answer["conversation_id"]
    follow = client.post(
        "/api/ask", json={"question": "give me indicators", "conversation_id": cid}
    ).json()
    assert follow["intent"] == "indicators" and follow["clauses"][0] == answer["clauses"][0]
    listed = client.get("/api/conversations").json()
    assert listed["items"][0]["id"] == cid  # newest first (other tests share the store)
    conversation = client.get(f"/api/conversations/{cid}").json()
    assert [t["question"] for t in conversation["turns"]] == [
        "how do we engage staff when pay is fixed?",
        "give me indicators",
    ]
    assert client.delete(f"/api/conversations/{cid}").status_code == 204
    gone = client.get(f"/api/conversations/{cid}")
    assert gone.status_code == 404
    assert gone.json() == {"error": "not_found", "message": f"No conversation has the id '{cid}'."}
    missing = client.post("/api/ask", json={"question": "more", "conversation_id": "nope"})
    assert missing.status_code == 404


def test_ask_stream_sends_tokens_then_the_answer(client: TestClient) -> None:
    with client.stream("POST", "/api/ask/stream", json={"question": "principle 5.2.4"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = [block for block in body.split("\r\n\r\n") if block.strip()]
    names = [
        line.split(": ", 1)[1]
        for block in events
        for line in block.splitlines()
        if line.startswith("event:")
    ]
    assert names.count("token") > 3 and names[-1] == "answer"
    final = json.loads(events[-1].split("data: ", 1)[1])
    assert final["citations"][0]["clause"] == "5.2.4"


def test_search_and_clauses(client: TestClient) -> None:
    found = client.post("/api/search", json={"query": "clause 7.4.2", "k": 3}).json()
    assert found["clauses"][0] == "7.4.2" and len(found["hits"]) == 3
    tree = client.get("/api/clauses").json()
    assert {
        "id": "7.2.3",
        "title": "Integrity and conflict management",
        "page": 21,
        "parent": "7.2",
        "kind": "sub-element",
    } in tree
    one = client.get("/api/clauses/7.2.3").json()
    assert one["clause"]["title"] == "Integrity and conflict management"
    assert one["guidance"].startswith("## In brief")
    assert {link["framework"] for link in one["links"]} >= {"iso9001", "caf2020", "cse", "iso23592"}
    missing = client.get("/api/clauses/9.4.7")
    assert missing.status_code == 404
    assert (
        missing.json()["message"]
        == "There is no clause 9.4.7 in ISO 11367:2025. Nearest clauses: 7.4.3, 7.4.2, 7.4.1."
    )


PLAN = {
    "clauses": ["7.2.2"],
    "organization": "regional health agency",
    "horizon_months": 12,
    "maturity": 2,
}


def test_plans_as_json_and_downloads(client: TestClient, tmp_path: Path) -> None:
    plan = client.post("/api/plans", json=PLAN).json()
    assert plan["clauses"] == ["7.2.2"] and plan["actions"]
    titles = [a["title"] for a in plan["actions"]]
    word = client.post("/api/plans?format=docx", json=PLAN)
    assert word.status_code == 200
    assert word.headers["content-disposition"].endswith('filename="plan-7.2.2-12m.docx"')
    document = docx.Document(io.BytesIO(word.content))
    assert any(p.text for p in document.paragraphs)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.post("/api/plans?format=xlsx", json=PLAN).content)
    )["Actions"]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == titles
    markdown = client.post("/api/plans?format=md", json=PLAN).text
    assert all(t in markdown for t in titles)
    assert client.post("/api/plans?format=json", json=PLAN).json()["actions"] == plan["actions"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        (
            "post",
            "/api/ask",
            {"question": ""},
            422,
            "question: String should have at least 1 character",
        ),
        ("post", "/api/ask", {}, 422, "question: Field required"),
        (
            "post",
            "/api/search",
            {"query": "accessibility", "k": 0},
            422,
            "k: Input should be greater than or equal to 1",
        ),
        (
            "post",
            "/api/plans",
            PLAN | {"maturity": 7},
            422,
            "maturity: Input should be less than or equal to 5",
        ),
        # clause 4 exists but has no plan: that plan is not found (it was 422 before issue 12)
        ("post", "/api/plans", PLAN | {"clauses": ["4"]}, 404, "Clause 4 Relevance and benefits"),
        ("post", "/api/plans", PLAN | {"clauses": ["7.9"]}, 404, "There is no clause 7.9"),
        (
            "post",
            "/api/plans?format=pdf",
            PLAN,
            422,
            "format: Input should be 'md', 'docx', 'xlsx' or 'json'",
        ),
        (
            "post",
            "/api/feedback",
            {"answer_id": "nope", "rating": "up"},
            404,
            "No answer has the id 'nope'.",
        ),
        (
            "post",
            "/api/feedback",
            {"answer_id": "x", "rating": "meh"},
            422,
            "rating: Input should be 'up' or 'down'",
        ),
        ("delete", "/api/conversations/nope", None, 404, "No conversation has the id 'nope'."),
    ],
)
def test_errors_are_json_with_a_clear_message(
    client: TestClient, method: str, path: str, body: object, status: int, message: str
) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status
    data = response.json()
    assert set(data) == {"error", "message"}
    assert message in data["message"]


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post(
        "/api/ask",
        content=b'{"question": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["message"]


def test_feedback_is_stored_for_evaluators(client: TestClient, real_assistant: Assistant) -> None:
    answer = client.post("/api/ask", json={"question": "what does 7.3.3 say?"}).json()
    stored = client.post(
        "/api/feedback", json={"answer_id": answer["id"], "rating": "down", "comment": " too long "}
    )
    assert stored.status_code == 201
    rows = [f for f in real_assistant.conversations.feedback() if f["answer_id"] == answer["id"]]
    assert rows and rows[0]["rating"] == "down" and rows[0]["comment"] == "too long"


def test_health_docs_and_ui(client: TestClient, real_assistant: Assistant) -> None:
    assert client.get("/api/health").json() | {"version": "x"} == {
        "status": "ok",
        "index_ready": True,
        "chunks": len(real_assistant.corpus_chunks()),  # the corpus grows; its chunks are all there
        "llm": False,
        "version": "x",
    }
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()


def test_503_while_the_index_is_not_ready(tmp_path: Path, real_assistant: Assistant) -> None:
    empty = Assistant(
        Settings(data_dir=tmp_path), corpus=real_assistant.corpus, embedder=real_assistant.embedder
    )
    client = TestClient(create_app(empty, refresh_index=False), base_url="http://localhost")
    assert client.get("/api/health").json()["status"] == "starting"
    for path, body in [
        ("/api/ask", {"question": "principle 5.2.4"}),
        ("/api/search", {"query": "accessibility"}),
    ]:
        response = client.post(path, json=body)
        assert response.status_code == 503
        assert response.json()["error"] == "index_not_ready"


def test_health_waits_for_the_answer_units_as_well_as_the_chunks(
    fake_assistant: Assistant,
) -> None:
    # A start stopped after the chunks were written and before the answer units: the next start
    # said "ok" for the ten seconds the units took, while every question got a 503.
    fake_assistant.index.write(keep=lambda d: False, add=fake_assistant.corpus_chunks())
    client = TestClient(
        create_app(fake_assistant, refresh_index=False), base_url="http://localhost"
    )
    health = client.get("/api/health").json()
    assert (health["status"], health["index_ready"]) == ("starting", False)
    assert client.post("/api/ask", json={"question": "principle 5.2.4"}).status_code == 503
    fake_assistant.ensure_index()
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.post("/api/ask", json={"question": "principle 5.2.4"}).status_code == 200


def test_an_evaluation_run_through_the_api(client: TestClient) -> None:
    response = client.post("/api/evals", json={"split": "dev"})
    assert response.status_code == 200
    data = response.json()
    assert data["summary"]["metrics"]["recall@5"] > 0.8
    assert {"summary.json", "results.jsonl", "report.html", "junit.xml"} <= set(data["files"])
    assert Path(data["files"]["report.html"]).read_text().count("<svg") >= 3
    assert client.post("/api/evals", json={"split": "holdout"}).status_code == 422

"""Trainers and assessors through the API: a whole assessment with three assessors, packs and the quiz."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from pptx import Presentation

from pse_assistant.assistant import Assistant
from pse_assistant.server import create_app

SCORES = {  # three assessors' scores for the twelve sub-elements
    "Ana": [2, 3, 1, 4, 3, 2, 3, 4, 2, 1, 2, 3],
    "Ben": [2, 4, 1, 4, 2, 2, 3, 5, 3, 1, 2, 3],
    "Chloé": [3, 3, 2, 5, 3, 1, 4, 4, 1, 2, 2, 4],
}


@pytest.fixture
def trainer_client(fake_assistant: Assistant) -> TestClient:
    """The whole app; trainers' routes need no search index, so the fast fake assistant does."""
    return TestClient(create_app(fake_assistant, refresh_index=False), base_url="http://localhost")


def test_a_whole_assessment_with_three_assessors(trainer_client: TestClient) -> None:
    items = trainer_client.get("/api/assessment-items").json()
    clauses = [i["clause"] for i in items]
    assert len(clauses) == 12 and all(len(i["levels"]) == 5 for i in items)
    created = trainer_client.post(
        "/api/assessments", json={"name": "Spring review", "organization": "Riverside council"}
    )
    assert created.status_code == 201
    aid = created.json()["id"]
    for assessor, scores in SCORES.items():
        for clause, score in zip(clauses, scores, strict=True):
            body = {
                "assessor": assessor,
                "clause": clause,
                "score": score,
                "evidence": f"{assessor} saw {clause}",
            }
            assert (
                trainer_client.put(f"/api/assessments/{aid}/scores", json=body).status_code == 200
            )
    result = trainer_client.get(f"/api/assessments/{aid}/result").json()
    assert result["assessors"] == ["Ana", "Ben", "Chloé"]
    spread = {e["clause"]: e["spread"] for e in result["elements"]}
    assert result["disagreements"][0]["spread"] == max(spread.values()) == 2
    agreed = trainer_client.put(
        f"/api/assessments/{aid}/consensus",
        json={"clause": "7.3.3", "score": 2, "reason": "Pilots exist but none scaled"},
    )
    assert agreed.status_code == 200
    element = next(
        e
        for e in trainer_client.get(f"/api/assessments/{aid}/result").json()["elements"]
        if e["clause"] == "7.3.3"
    )
    assert element["agreed"] == 2 and element["reason"] == "Pilots exist but none scaled"

    radar = trainer_client.get(f"/api/assessments/{aid}/charts/radar-7.1.png")
    assert radar.status_code == 200 and radar.content[:4] == b"\x89PNG"
    heat = trainer_client.get(f"/api/assessments/{aid}/charts/heat-map.svg")
    assert heat.status_code == 200 and b"<svg" in heat.content
    sheet = openpyxl.load_workbook(
        io.BytesIO(trainer_client.get(f"/api/assessments/{aid}/report?format=xlsx").content)
    )
    assert sheet["Scores"].max_row == 13
    report = docx.Document(
        io.BytesIO(trainer_client.get(f"/api/assessments/{aid}/report?format=docx").content)
    )
    assert len(report.inline_shapes) >= 5

    plan = trainer_client.post(
        f"/api/assessments/{aid}/plan", json={"organization": "Riverside council", "weakest": 3}
    ).json()
    assert len(plan["clauses"]) == 3 and plan["actions"]
    weakest = sorted(result["elements"], key=lambda e: e["mean"])[:2]
    assert {e["clause"] for e in weakest} <= set(plan["clauses"]) | {"7.3.3"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"assessor": "Ana", "clause": "7.1.1", "score": 6},
            "score: Input should be less than or equal to 5",
        ),
        (
            {"assessor": "Ana", "clause": "7.1.1", "score": 0},
            "score: Input should be greater than or equal to 1",
        ),
        (
            {"assessor": "Ana", "clause": "7.1.1", "score": "3"},
            "score: must be a whole number",
        ),
        ({"assessor": "Ana", "clause": "9.9", "score": 3}, "9.9"),
        ({"assessor": "Ana", "clause": "4", "score": 3}, "7.1.1"),
    ],
)
def test_bad_scores_are_refused_and_change_nothing(
    trainer_client: TestClient, body: dict[str, object], message: str
) -> None:
    aid = trainer_client.post(
        "/api/assessments", json={"name": "Check", "organization": "Riverside council"}
    ).json()["id"]
    trainer_client.put(
        f"/api/assessments/{aid}/scores", json={"assessor": "Ana", "clause": "7.1.1", "score": 2}
    )
    before = trainer_client.get(f"/api/assessments/{aid}/result").json()
    response = trainer_client.put(f"/api/assessments/{aid}/scores", json=body)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert trainer_client.get(f"/api/assessments/{aid}/result").json() == before


def test_an_unknown_assessment(trainer_client: TestClient) -> None:
    response = trainer_client.put(
        "/api/assessments/nope/scores", json={"assessor": "Ana", "clause": "7.1.1", "score": 3}
    )
    assert response.status_code == 404
    assert response.json()["message"] == "No assessment has the id 'nope'."
    assert trainer_client.get("/api/assessments/nope/result").status_code == 404


def test_workshop_packs_download_and_read_back(trainer_client: TestClient) -> None:
    request = {"clause": "5.1.1", "minutes": 90, "audience": "managers"}
    pack = trainer_client.post("/api/workshops", json=request).json()
    assert sum(slot["minutes"] for slot in pack["agenda"]) == 90 and len(pack["quiz"]) == 4
    slides = trainer_client.post("/api/workshops?format=pptx", json=request)
    assert slides.headers["content-disposition"].endswith(
        'filename="workshop-5.1.1-90min-managers.pptx"'
    )
    titles = [
        s.shapes.title.text
        for s in Presentation(io.BytesIO(slides.content)).slides
        if s.shapes.title
    ]
    assert [t for t in titles if t.startswith("Question ")] == [
        f"Question {n}" for n in range(1, len(pack["quiz"]) + 1)
    ]
    word = docx.Document(
        io.BytesIO(trainer_client.post("/api/workshops?format=docx", json=request).content)
    )
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert sum(h.startswith("Question ") for h in headings) == len(pack["quiz"])
    assert "Answer key" in headings
    bad = trainer_client.post("/api/workshops", json=request | {"minutes": 45})
    assert bad.status_code == 422
    wrong_audience = trainer_client.post("/api/workshops", json=request | {"audience": "interns"})
    assert wrong_audience.status_code == 422 and "'managers'" in wrong_audience.json()["message"]


def test_the_quiz_for_participants(trainer_client: TestClient) -> None:
    questions = trainer_client.get("/api/quiz/7.2.3").json()
    assert len(questions) == 4 and "answer" not in questions[0]  # 7.2.3's own questions
    first = questions[0]
    feedback = [
        trainer_client.post("/api/quiz/7.2.3/answers", json={"number": 1, "answer": letter}).json()
        for letter in first["options"]
    ]
    assert sum(f["correct"] for f in feedback) == 1
    assert all(
        f["citation"].startswith(f"[{first['clause']}]") and f["explanation"] for f in feedback
    )
    assert (
        trainer_client.post(
            "/api/quiz/7.2.3/answers", json={"number": 99, "answer": "A"}
        ).status_code
        == 404  # there is no question 99
    )

"""Workshop packs: built from the real corpus, checked for timings and quizzes, exported and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from pse_assistant.core.errors import ClauseNotFound, InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.training.workshop import (
    AUDIENCES,
    NOTICE,
    WorkshopPack,
    build_pack,
    check_answer,
    quiz,
)
from pse_assistant.training.workshop_export import export, suggested_filename, to_markdown


@pytest.fixture(scope="module")
def pack(corpus: Corpus) -> WorkshopPack:
    """The issue's example: 5.1.1 for managers in 90 minutes."""
    return build_pack(corpus, "5.1.1", 90, "managers")


@pytest.mark.parametrize(
    ("clause", "own"),
    [("5.1.1", {"5.1.1"}), ("7.2.3", {"7.2.3"}), ("7.2", {"7.2.1", "7.2.2", "7.2.3"})],
)
def test_pack_for_principle_sub_element_and_element(
    corpus: Corpus, clause: str, own: set[str]
) -> None:
    built = build_pack(corpus, clause, 90, "managers")
    assert built.clause == clause
    assert built.title.startswith(corpus.structure.get(clause).label)
    assert built.notice == NOTICE
    assert built.scenario.clause in own
    example = corpus.notes[built.scenario.clause].section("Example")
    assert example is not None
    assert built.scenario.text in " ".join(example.text.split())
    assert built.scenario.text.endswith((".", "!", "?"))
    assert 2 <= len(built.scenario.questions) <= 3
    first_four = {q.clause for q in built.quiz[:4]}
    assert first_four <= own
    assert all(p.clause in own for p in built.discussion)
    assert any(
        p.text.startswith("Which of these pitfalls do you recognise") for p in built.discussion
    )
    assert any("Related clauses to mention" in n for n in built.facilitator_notes)


@pytest.mark.parametrize("minutes", [60, 90, 180])
def test_agenda_sums_to_the_length(corpus: Corpus, minutes: int) -> None:
    built = build_pack(corpus, "5.2.4", minutes, "front-line staff")
    assert sum(s.minutes for s in built.agenda) == minutes
    assert built.agenda[0].start == 0
    for before, after in zip(built.agenda, built.agenda[1:], strict=False):
        assert after.start == before.start + before.minutes
    titles = [s.title for s in built.agenda]
    assert titles[-1].startswith("Wrap-up")
    assert {"Scenario work", "Exercise", "Discussion", "Quiz"} <= set(titles)
    exercise = next(s for s in built.agenda if s.title == "Exercise")
    assert exercise.activity == " ".join((corpus.notes["5.2.4"].exercise() or "").split())
    assert ("Maturity self-check" in titles) == (minutes == 180)
    assert len(built.quiz) == (10 if minutes == 180 else 8)


@pytest.mark.parametrize("clause", ["5.1.1", "5.2.7", "7.1.3", "7.4"])
def test_quiz_questions_come_from_their_source_notes(corpus: Corpus, clause: str) -> None:
    items = quiz(corpus, clause)
    assert len(items) >= 8
    assert [i.number for i in items] == list(range(1, len(items) + 1))
    assert len({(i.clause, i.question) for i in items}) == len(items)
    for item in items:
        assert item.answer in item.options
        source = {q.question: q for q in corpus.notes[item.clause].quiz()}
        assert item.question in source
        assert source[item.question].answer == item.answer


def test_answer_key_matches_the_quiz(pack: WorkshopPack) -> None:
    assert [(k.number, k.answer, k.clause) for k in pack.answer_key] == [
        (q.number, q.answer, q.clause) for q in pack.quiz
    ]
    assert "answer_key" in pack.model_dump()


def test_audiences_change_the_objectives(corpus: Corpus) -> None:
    objectives = {a: build_pack(corpus, "7.3.2", 60, a).objectives for a in AUDIENCES}
    assert len({tuple(o) for o in objectives.values()}) == len(AUDIENCES)
    assert "counter" in " ".join(objectives["front-line-staff"])
    assert "indicators" in " ".join(objectives["managers"])
    assert "evidence" in " ".join(objectives["leadership"])
    assert "maturity levels" in " ".join(objectives["assessors"])


def test_friendly_audience_names_are_accepted(corpus: Corpus) -> None:
    assert build_pack(corpus, "5.1.1", 60, "Front-line staff").audience == "front-line-staff"
    assert build_pack(corpus, "5.1.1", 60, "ASSESSOR").audience == "assessors"


def test_bad_minutes_audience_and_clause_give_clear_errors(corpus: Corpus) -> None:
    with pytest.raises(InvalidInput, match=r"60, 90 or 180 minutes \(got 45\)"):
        build_pack(corpus, "5.1.1", 45, "managers")
    with pytest.raises(InvalidInput, match="front-line-staff, managers, leadership, assessors"):
        build_pack(corpus, "5.1.1", 60, "interns")
    with pytest.raises(InvalidInput, match=r"principle .* element .* sub-element"):
        build_pack(corpus, "4", 60, "managers")
    with pytest.raises(InvalidInput, match="principle-group"):
        build_pack(corpus, "5.1", 60, "managers")
    with pytest.raises(ClauseNotFound, match=r"no clause 9\.9"):
        build_pack(corpus, "9.9", 60, "managers")


def test_check_answer_right_wrong_and_invalid(pack: WorkshopPack) -> None:
    item = pack.quiz[0]
    wrong = next(letter for letter in item.options if letter != item.answer)
    right = check_answer(item, item.answer.lower())
    assert right.correct
    assert right.citation == "[5.1.1] Managing the organization from outside-in"
    assert right.explanation == item.explanation
    missed = check_answer(item, wrong)
    assert not missed.correct
    assert missed.answer == item.answer
    with pytest.raises(InvalidInput, match="Choose one of A, B, C"):
        check_answer(item, "E")


def test_pptx_read_back(pack: WorkshopPack, tmp_path: Path) -> None:
    path = export(pack, "pptx", tmp_path)
    assert path.name == "workshop-5.1.1-90min-managers.pptx"
    deck = Presentation(str(path))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0] == pack.title
    assert [f"Question {n}" for n in range(1, 9)] == [t for t in titles if t.startswith("Question")]
    assert {"Learning objectives", "Agenda", "Discussion", "Answer key", "Wrap-up"} <= set(titles)
    question = deck.slides[titles.index("Question 2")]
    body = question.placeholders[1].text_frame.text
    item = pack.quiz[1]
    assert item.question in body
    assert f"Answer: {item.answer})" in question.notes_slide.notes_text_frame.text
    assert f"{item.answer})" not in body.split("\n")[0]


def test_docx_read_back(pack: WorkshopPack, tmp_path: Path) -> None:
    path = export(pack, "docx", tmp_path / "pack.docx")
    doc = Document(str(path))
    headings = [
        p.text for p in doc.paragraphs if p.style and str(p.style.name).startswith("Heading")
    ]
    quiz_part = headings[headings.index("Quiz") + 1 : headings.index("Answer key")]
    assert quiz_part == [f"Question {n}" for n in range(1, 9)]
    assert "Facilitator notes" in headings
    agenda, key = doc.tables
    assert len(agenda.rows) == len(pack.agenda) + 1
    assert [c.text for c in key.rows[0].cells] == ["No.", "Answer", "Explanation", "Clause"]
    assert len(key.rows) == 9
    assert key.rows[5].cells[3].text == pack.quiz[4].clause


def test_markdown_has_every_question(pack: WorkshopPack, tmp_path: Path) -> None:
    text = to_markdown(pack)
    for item in pack.quiz:
        assert f"{item.number}. {item.question}" in text
    assert "## Answer key" in text
    assert pack.notice in text
    written = export(pack, "markdown", tmp_path / "pack.md")
    assert written.read_text(encoding="utf-8") == text


def test_unknown_format_is_refused(pack: WorkshopPack, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="md, docx, pptx"):
        export(pack, "pdf", tmp_path)
    assert suggested_filename(pack, ".DOCX") == "workshop-5.1.1-90min-managers.docx"

"""Self-assessment: items from the notes, scoring and consensus in the database, charts, exports, plans.

The store's tests run on SQLite and on PostgreSQL (the `database` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from pse_assistant.core.db import Database
from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.structure import ClauseKind
from pse_assistant.training.assessment import (
    PRINCIPLES,
    SUB_ELEMENTS,
    AssessmentResult,
    assessment_items,
    gaps_to_plan,
)
from pse_assistant.training.assessment_export import to_docx, to_xlsx
from pse_assistant.training.assessment_store import (
    AssessmentRecord,
    AssessmentStore,
    ConsensusRecord,
    ScoreRecord,
)
from pse_assistant.training.charts import write_charts

# Three assessors who agree on 7.1.x, split widely on 7.2.3 and rate 7.4.x low.
SCORES = {
    "Ana": [4, 4, 5, 3, 3, 1, 3, 3, 3, 2, 2, 1],
    "Ben": [4, 5, 5, 3, 3, 5, 3, 2, 3, 2, 1, 1],
    "Cleo": [5, 4, 4, 3, 4, 3, 3, 3, 3, 1, 2, 2],
}


@pytest.fixture
def store(database: Database) -> AssessmentStore:
    return AssessmentStore(database)


@pytest.fixture
def scored(store: AssessmentStore) -> str:
    """An assessment with three assessors' scores on all twelve sub-elements."""
    assessment = store.create("Town hall 2025", "Town of Exampleton")
    for assessor, values in SCORES.items():
        for clause, value in zip(SUB_ELEMENTS, values, strict=True):
            store.score(assessment.id, assessor, clause, value, evidence=f"{assessor} saw {clause}")
    return assessment.id


@pytest.fixture
def result(store: AssessmentStore, scored: str, corpus: Corpus) -> AssessmentResult:
    store.agree(scored, "7.2.3", 3, "Speak-up channel exists but is barely used.")
    return store.result(corpus, scored)


def _counts(store: AssessmentStore) -> tuple[int, ...]:
    with store.database.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (AssessmentRecord, ScoreRecord, ConsensusRecord)
        )


def test_items_cover_the_sub_elements_with_the_notes_scale(corpus: Corpus) -> None:
    items = assessment_items(corpus)
    subs = [c.id for c in corpus.structure if c.kind is ClauseKind.SUB_ELEMENT]
    assert [i.clause for i in items] == subs == list(SUB_ELEMENTS)
    for item in items:
        note = corpus.note(item.clause)
        assert note is not None
        assert [(m.label, m.description) for m in item.levels] == [
            (m.label, m.description) for m in note.maturity()
        ]
        assert len(item.levels) == 5
        assert 2 <= len(item.questions) <= 3
        assert all(q.endswith("?") for q in item.questions)
        assert item.evidence_prompts == [
            b.text for b in note.bullets("Evidence an assessor looks for")
        ]
        assert item.group == item.clause.rsplit(".", 1)[0]
    first = items[0]
    assert first.questions[0].startswith("To what extent does the organization ")


def test_items_with_principles(corpus: Corpus) -> None:
    items = assessment_items(corpus, include_principles=True)
    principles = [c.id for c in corpus.structure if c.kind is ClauseKind.PRINCIPLE]
    assert len(items) == 26
    assert principles == list(PRINCIPLES)
    assert {i.group for i in items} == {"5.1", "5.2", "7.1", "7.2", "7.3", "7.4"}


def test_consensus_view(store: AssessmentStore, result: AssessmentResult) -> None:
    assert result.assessors == ["Ana", "Ben", "Cleo"]
    assert [e.clause for e in result.elements] == list(SUB_ELEMENTS)
    split = result.disagreements[0]
    assert split.clause == "7.2.3"
    assert (split.scores, split.min, split.max, split.spread) == (
        {"Ana": 1, "Ben": 5, "Cleo": 3},
        1,
        5,
        4,
    )
    assert split.mean == 3.0 and split.stdev == 1.63
    assert (split.agreed, split.reason) == (3, "Speak-up channel exists but is barely used.")
    assert split.level() is not None and split.level() == split.levels[2]
    spreads = [e.spread for e in result.disagreements]
    assert spreads == sorted(spreads, reverse=True)
    assert result.elements[3].spread == 0
    assert result.elements[0].evidence["Ben"] == "Ben saw 7.1.1"


def test_strengths_and_areas_for_improvement(result: AssessmentResult) -> None:
    assert [e.clause for e in result.strengths] == ["7.1.3", "7.1.1", "7.1.2"]
    assert [e.clause for e in result.improvements] == ["7.4.3", "7.4.2", "7.4.1"]
    assert result.group_means["7.1"] == pytest.approx(4.44, abs=0.01)
    assert set(result.group_means) == {"7.1", "7.2", "7.3", "7.4"}


def test_rescore_replaces_the_old_score(
    store: AssessmentStore, scored: str, corpus: Corpus
) -> None:
    before = _counts(store)
    store.score(scored, "Ana", "7.2.3", 4, evidence="New register seen")
    assert _counts(store) == before
    element = store.result(corpus, scored).elements[5]
    assert element.scores["Ana"] == 4 and element.evidence["Ana"] == "New register seen"


@pytest.mark.parametrize(
    ("clause", "score", "error", "message"),
    [
        ("7.1.1", 0, InvalidInput, "A score must be a whole number from 1 to 5 (got 0)."),
        ("7.1.1", 6, InvalidInput, "A score must be a whole number from 1 to 5 (got 6)."),
        ("7.1.1", "3", InvalidInput, "A score must be a whole number from 1 to 5 (got '3')."),
        ("9.9", 3, InvalidInput, "Clause '9.9' is not assessed"),
        ("4", 3, InvalidInput, "Choose one of: 7.1.1, 7.1.2"),
        ("5.1.1", 3, InvalidInput, "Clause '5.1.1' is not assessed"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    store: AssessmentStore, scored: str, clause: str, score: object, error: type, message: str
) -> None:
    before = _counts(store)
    with pytest.raises(error) as raised:
        store.score(scored, "Ana", clause, score, evidence="x")  # type: ignore[arg-type]
    assert message in str(raised.value)
    with pytest.raises(error):
        store.agree(scored, clause, score, "a good reason")  # type: ignore[arg-type]
    assert _counts(store) == before


def test_unknown_assessment_and_bad_agreement(store: AssessmentStore, scored: str) -> None:
    before = _counts(store)
    with pytest.raises(NotFound, match=r"No assessment has the id 'nope'\."):
        store.score("nope", "Ana", "7.1.1", 3)
    with pytest.raises(NotFound, match="No assessment has the id 'nope'"):
        store.agree("nope", "7.1.1", 3, "because")
    with pytest.raises(InvalidInput, match="reason"):
        store.agree(scored, "7.1.1", 3, " x ")
    with pytest.raises(InvalidInput, match="assessor"):
        store.score(scored, "A" * 81, "7.1.1", 3)
    with pytest.raises(InvalidInput, match="Evidence"):
        store.score(scored, "Ana", "7.1.1", 3, evidence="e" * 2001)
    assert _counts(store) == before
    with pytest.raises(NotFound):
        store.delete("nope")


def test_store_lists_and_deletes(store: AssessmentStore, scored: str) -> None:
    other = store.create("With principles", "Agency", include_principles=True)
    assert len(other.items) == 26
    assert {a.id for a in store.all()} == {scored, other.id}
    reopened = Database(store.database.engine.url.render_as_string(hide_password=False))
    assert AssessmentStore(reopened).get(scored).name == "Town hall 2025"
    reopened.engine.dispose()
    store.delete(scored)
    assert _counts(store) == (1, 0, 0)
    with pytest.raises(NotFound):
        store.get(scored)


def test_charts_are_written_as_png_and_svg(result: AssessmentResult, tmp_path: Path) -> None:
    paths = write_charts(result, tmp_path / "charts")
    assert {p.name for p in paths} == {
        f"{name}.{ext}"
        for name in ("radar-7.1", "radar-7.2", "radar-7.3", "radar-7.4", "heat-map")
        for ext in ("png", "svg")
    }
    assert all(p.stat().st_size > 1000 for p in paths)
    assert all("<svg" in p.read_text(encoding="utf-8") for p in paths if p.suffix == ".svg")
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths if p.suffix == ".png")


def test_xlsx_holds_scores_evidence_and_summary(result: AssessmentResult, tmp_path: Path) -> None:
    book = load_workbook(to_xlsx(result, tmp_path / "assessment.xlsx"))
    assert book.sheetnames == ["Scores", "Evidence", "Summary", "Indicators", "Rubric"]
    rows = list(book["Scores"].iter_rows(values_only=True))
    header = rows[0]
    assert header[3:6] == ("Ana", "Ben", "Cleo") and "Spread" in header
    assert len(rows) == 1 + 12
    split = rows[1 + SUB_ELEMENTS.index("7.2.3")]
    assert split[3:6] == (1, 5, 3)
    assert split[header.index("Spread")] == 4 and split[header.index("Agreed")] == 3
    assert len(list(book["Evidence"].iter_rows())) == 1 + 36
    summary = [r[0] for r in book["Summary"].iter_rows(min_row=2, values_only=True)]
    assert summary.count("Strength") == 3 and summary.count("Area for improvement") == 3
    rubric = list(book["Rubric"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in rubric[:5]] == [(a.level, a.name) for a in result.anchors]
    assert rubric[5][0] == "Between two levels" and rubric[5][2] == result.in_between
    assert rubric[6][0] == "Maturity levels are not pyramid levels"
    assert "four levels of the service excellence pyramid" in rubric[6][2]
    indicators = list(book["Indicators"].iter_rows(min_row=2, values_only=True))
    assert len(indicators) == sum(len(e.indicators) for e in result.elements) >= 36


def test_docx_report_has_findings_and_charts(result: AssessmentResult, tmp_path: Path) -> None:
    path = to_docx(result, tmp_path / "report.docx", tmp_path / "charts")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "Town hall 2025"
    for heading in ("Strengths", "Areas for improvement", "Where assessors disagree", "Charts"):
        assert heading in text
    assert len(doc.inline_shapes) == 5
    level = result.elements[5].level()
    assert level is not None and level.description in text
    assert doc.tables[0].rows[1].cells[0].text.startswith("7.2.3")
    assert f"Shared anchor, {result.anchors[level.level - 1].name}:" in text
    assert "How the levels are read" in text and result.in_between in text
    assert text.count("Maturity levels are not pyramid levels. ") == 2  # summary and rubric
    assert "Indicators to watch: " in text
    anchors = doc.tables[-1]
    assert [r.cells[0].text for r in anchors.rows[1:]] == [
        f"{a.level} {a.name}" for a in result.anchors
    ]


def test_items_and_results_carry_the_rubric_and_catalogue_indicators(
    corpus: Corpus, result: AssessmentResult
) -> None:
    assert corpus.rubric is not None
    for item in assessment_items(corpus):
        assert item.anchors == corpus.rubric.levels and item.in_between == corpus.rubric.in_between
        note = corpus.notes[item.clause]
        entries = [i.entry for i in note.indicators()]
        assert [(i.catalogue_id, i.definition, i.target) for i in item.indicators] == [
            (e.id, e.definition, e.target) for e in entries if e is not None
        ]
    findings = result.findings()
    assert findings["Between two levels"] == corpus.rubric.in_between
    assert findings["Maturity levels are not pyramid levels"] == corpus.rubric.warning


def test_gaps_become_one_programme(result: AssessmentResult, corpus: Corpus) -> None:
    plan = gaps_to_plan(corpus, result, "Town of Exampleton", horizon_months=12, weakest=3)
    assert plan.clauses == ["7.4.1", "7.4.2", "7.4.3"]
    assert plan.profile.maturity == 2  # means 1.67, 1.67, 1.33 round to 2
    assert plan.title.startswith("Programme plan")
    assert {a.source_clause for a in plan.actions} == {"7.4.1", "7.4.2", "7.4.3"}


def test_gaps_need_scores(store: AssessmentStore, corpus: Corpus) -> None:
    empty = store.create("Empty", "Agency")
    with pytest.raises(InvalidInput, match="Score at least one element"):
        gaps_to_plan(corpus, store.result(corpus, empty.id), "Agency")


def test_a_join_link_opens_the_assessment_with_progress_per_assessor(
    store: AssessmentStore, scored: str, corpus: Corpus
) -> None:
    from pse_assistant.training.service import Training

    training = Training(corpus, store)
    joined = training.join(f"  {scored} ", invite="token-for-later")
    assert joined.id == scored and joined.items == list(SUB_ELEMENTS)
    late = training.create("Town hall 2025", "Town of Exampleton", include_principles=True)
    training.score(late.id, "Dee", "5.1.1", 2)
    assert training.join(late.id).items[:2] == ["5.1.1", "5.1.2"]
    result = training.result(scored)
    assert result.progress() == {"Ana": 12, "Ben": 12, "Cleo": 12}
    training.score(late.id, "Eve", "7.2.3", 4, "register seen")
    assert training.result(late.id).progress() == {"Dee": 1, "Eve": 1}
    mine = training.my_scores(late.id, " Eve ")
    assert list(mine) == ["7.2.3"] and mine["7.2.3"].evidence == "register seen"
    with pytest.raises(NotFound):
        training.join("nope")


def test_gaps_plan_for_the_assessment_own_organization(
    store: AssessmentStore, scored: str, corpus: Corpus
) -> None:
    from pse_assistant.training.service import Training

    training = Training(corpus, store)
    assert training.plan_from_gaps(scored).profile.organization == "Town of Exampleton"
    assert training.plan_from_gaps(scored, "Other body").profile.organization == "Other body"

"""Retrieval as users ask: in their own words, by clause in every spelling, and by topic."""

from __future__ import annotations

import pytest
from langchain_core.runnables import RunnableLambda

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.references import find_references


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ("7.2.3", "7.2.3"),
        ("what does 7.2.3 say", "7.2.3"),
        ("section 7.4", "7.4"),
        ("clause 5.1.5?", "5.1.5"),
        ("§7.1", "7.1"),
        ("principle 5.2.4", "5.2.4"),
        ("Explain ISO 11367 clause 6 to me", "6"),
    ],
)
def test_a_named_clause_comes_first(real_assistant: Assistant, query: str, clause: str) -> None:
    result = real_assistant.search(query, k=5)
    assert result.clauses[0] == clause
    assert result.referenced == [clause]
    assert result.hits[0].clause == clause
    assert result.hits[0].section == "In brief"
    assert not result.missing


def test_a_question_about_a_named_clause_keeps_relevance_order(real_assistant: Assistant) -> None:
    result = real_assistant.search("what evidence would an assessor want for 7.2.3?", k=5)
    assert [h.clause for h in result.hits] == ["7.2.3"] * 5
    assert result.hits[0].section == "Evidence an assessor looks for"


def test_a_clause_that_does_not_exist(real_assistant: Assistant) -> None:
    result = real_assistant.search("what does clause 9.4.7 require?", k=5)
    assert [m.clause for m in result.missing] == ["9.4.7"]
    assert result.missing[0].nearest[0] == "7.4.3"
    assert "7.5.2" in [m.clause for m in real_assistant.search("explain 7.5.2", k=3).missing]


@pytest.mark.parametrize(
    "query",
    [
        "Do we need WCAG 2.2 or 2.1 AA?",
        "we're ISO 9001 certified, which part maps to our 8.2.1?",
        "cut 3.5% of costs",
    ],
)
def test_numbers_that_are_not_our_clauses(real_assistant: Assistant, query: str) -> None:
    assert real_assistant.search(query, k=5).missing == []


def test_iso_9001_clause_finds_its_crosswalked_clauses(
    real_assistant: Assistant, corpus: Corpus
) -> None:
    linked = {
        c
        for c, links in corpus.crosswalks["iso9001"].links.items()
        if any(lk.target == "8.2.1" for lk in links)
    }
    result = real_assistant.search(
        "We're ISO 9001 certified. Which part of 11367 maps to our 8.2.1?", k=5
    )
    assert set(result.clauses[:3]) <= linked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how do we stop corruption at the permit counter?", {"7.2.3"}),
        ("we're a tax office, who is our customer anyway?", {"4", "5.2.1", "6"}),
        ("which accessibility standard applies to our website?", {"5.2.4", "7.4.2"}),
        ("our call centre staff are burnt out and pay is fixed by the civil service", {"7.2.2"}),
        ("how do we pilot a new idea without getting blamed if it fails?", {"7.3.3"}),
    ],
)
def test_questions_in_peoples_own_words(
    real_assistant: Assistant, query: str, expected: set[str]
) -> None:
    result = real_assistant.search(query, k=5)
    assert set(result.clauses[:3]) & expected, result.clauses


def test_results_are_diverse_and_grouped_by_clause(real_assistant: Assistant) -> None:
    result = real_assistant.search("how should we handle complaints and measure satisfaction?", k=8)
    clauses = [h.clause for h in result.hits]
    assert len(set(clauses)) >= 4
    assert max(clauses.count(c) for c in clauses) <= 2
    # passages of one clause sit together, in the order of the clause ranking
    order = list(dict.fromkeys(clauses))
    assert clauses == [c for c in order for _ in range(clauses.count(c))]
    assert order == result.clauses[: len(order)]
    assert all(result.related[c] for c in order if c in real_assistant.corpus.notes)


def test_hits_carry_what_a_citation_needs(real_assistant: Assistant) -> None:
    result = real_assistant.search("gifts and hospitality register", k=5)
    assert result.clauses[0] == "7.2.3"
    hit = next(h for h in result.hits if h.doc_type == "guidance" and h.clause == "7.2.3")
    assert hit.title == "Integrity and conflict management"
    assert hit.source == "corpus/guidance/7.2.3.md"
    assert hit.section and hit.text and hit.score > 0
    assert not hit.text.startswith("7.2.3 Integrity")  # the header is metadata, not passage text


def test_langchain_retriever_composes(real_assistant: Assistant) -> None:
    retriever = real_assistant.retriever(k=3)
    docs = retriever.invoke("principle 5.2.4")
    assert len(docs) == 3
    assert {d.metadata["clause"] for d in docs} == {"5.2.4"}
    chain = retriever | RunnableLambda(lambda found: sorted({d.metadata["clause"] for d in found}))
    assert chain.invoke("integrity at the counter")


@pytest.mark.parametrize("query", ["", "   ", "x" * 2001])
def test_bad_queries_get_a_clear_error(real_assistant: Assistant, query: str) -> None:
    with pytest.raises(InvalidInput):
        real_assistant.search(query)


@pytest.mark.parametrize(
    ("text", "clauses", "missing", "foreign"),
    [
        ("clauses 7.2.3 and 7.4.2", ["7.2.3", "7.4.2"], [], []),
        ("see § 5.1.1, 5.1.2", ["5.1.1", "5.1.2"], [], []),
        ("ISO 9001 clause 8.5 and CAF 3.3", [], [], [("iso9001", "8.5"), ("caf2020", "3.3")]),
        ("UK CSE customer insight", [], [], [("cse", "1")]),
        ("a 2.5 day turnaround, WCAG 2.2, 40.5%", [], [], []),
        ("what is in 7.9?", [], ["7.9"], []),
        ("the matrix in annex B", [], ["Annex B"], []),
    ],
)
def test_find_references(
    corpus: Corpus,
    text: str,
    clauses: list[str],
    missing: list[str],
    foreign: list[tuple[str, str]],
) -> None:
    targets = {name: dict(cw.targets) for name, cw in corpus.crosswalks.items()}
    refs = find_references(text, corpus.structure, targets)
    assert (refs.clauses, refs.missing, refs.foreign) == (clauses, missing, foreign)


def test_worked_cases_are_found_and_weighted_below_guidance(
    fake_indexed_assistant: Assistant,
) -> None:
    from pse_assistant.search.retrieval import RetrievalConfig

    query = "7.2.3 building inspector brother-in-law contractor declarations reciprocal arrangement"

    def case_hits(weight: float | None) -> dict[str, float]:
        config = RetrievalConfig() if weight is None else RetrievalConfig(case_weight=weight)
        hits = fake_indexed_assistant.search(query, k=40, config=config).hits
        return {h.chunk_id: h.score for h in hits if h.doc_type == "case"}

    full = fake_indexed_assistant.search(query, k=40, config=RetrievalConfig(case_weight=1.0))
    case = next(h for h in full.hits if h.doc_type == "case" and "brother-in-law" in h.text)
    assert case.clause == "7.2.3" and case.source == "corpus/cases/small-municipality.md"
    assert case.section == "Illustrative case: small-municipality"
    weighted = case_hits(None)[case.chunk_id]
    assert weighted == pytest.approx(case.score * RetrievalConfig().case_weight, rel=1e-3)
    assert all(score == 0 for score in case_hits(0.0).values())


def test_a_case_passage_never_adds_to_its_clauses_score() -> None:
    from langchain_core.documents import Document

    from pse_assistant.search.retrieval import HybridSearcher, RetrievalConfig

    docs = [
        Document(page_content="a", metadata={"doc_type": "guidance"}),
        Document(page_content="b", metadata={"doc_type": "guidance"}),
        Document(page_content="c", metadata={"doc_type": "case"}),
    ]
    cfg = RetrievalConfig()
    guidance = 0.5 + cfg.passage_decay * 0.25
    score = HybridSearcher._clause_score
    assert score([(0.5, 0), (0.4, 2), (0.25, 1)], docs, cfg) == pytest.approx(guidance)
    assert score([(0.9, 2), (0.5, 0), (0.25, 1)], docs, cfg) == pytest.approx(0.9)
    assert score([(0.3, 2)], docs, cfg) == pytest.approx(0.3)  # a clause only a case names

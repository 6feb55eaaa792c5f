"""The shipped corpus: complete, valid, deep enough, and loaded as clause-tagged documents."""

from __future__ import annotations

import itertools
import re

from pse_assistant.core.settings import default_corpus_dir
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.structure import ClauseKind
from pse_assistant.corpus.validation import FULL_SECTIONS, validate_corpus

CORPUS_DIR = default_corpus_dir()

NOTE_IDS = (
    ["1", "3", "4", "5", "5.1", *[f"5.1.{i}" for i in range(1, 8)], "5.2"]
    + [f"5.2.{i}" for i in range(1, 8)]
    + ["6", "7"]
    + [x for e in range(1, 5) for x in (f"7.{e}", *(f"7.{e}.{s}" for s in range(1, 4)))]
)


def test_shipped_corpus_validates() -> None:
    assert [str(p) for p in validate_corpus(CORPUS_DIR)] == []


def test_structure_has_every_table_of_contents_entry(corpus: Corpus) -> None:
    s = corpus.structure
    assert len(s) == 40
    assert s.get("7.2.3").title == "Integrity and conflict management"
    assert s.get("7.2.3").page == 21
    assert s.get("7.4.1").parent == "7.4"
    assert s.get("bibliography").page == 34
    kinds = {c.kind for c in s}
    assert kinds == set(ClauseKind)


def test_there_are_38_notes_with_their_sections_and_lengths(corpus: Corpus) -> None:
    assert sorted(corpus.notes) == sorted(NOTE_IDS)
    assert len(NOTE_IDS) == 38
    minimum = {ClauseKind.SUB_ELEMENT: 700, ClauseKind.PRINCIPLE: 400}
    for clause_id, note in corpus.notes.items():
        kind = corpus.structure.get(clause_id).kind
        assert note.words >= minimum.get(kind, 250), clause_id
        if kind in minimum:
            assert [s.title for s in note.sections] == list(FULL_SECTIONS), clause_id
            assert len(note.steps()) >= 5
            assert len(note.indicators()) >= 3
            assert all(i.good_target for i in note.indicators())
            assert len(note.quiz()) >= 3
            assert all(q.answer in q.options for q in note.quiz())
            assert [m.level for m in note.maturity()] == [1, 2, 3, 4, 5]


def test_model_and_benefits_notes_explain_pyramid_bridge_and_customer(corpus: Corpus) -> None:
    for clause_id in ("4", "6"):
        body = corpus.notes[clause_id].body.lower()
        assert "iso 9001" in body
        assert "customer/citizen" in body
        assert "## the four levels" in body
        assert re.search(r"level 3|third (level|layer)", body), clause_id
        assert re.search(r"level 4|fourth (level|layer)", body), clause_id


def test_no_sentence_of_twelve_words_is_shared_between_notes(corpus: Corpus) -> None:
    seen: dict[str, str] = {}
    for note in corpus.notes.values():
        for sentence, _ in note.sentences(12):
            assert seen.setdefault(sentence, note.clause) == note.clause, sentence
    assert len(seen) > 1000


def test_crosswalks_cover_every_framework_with_rationales(corpus: Corpus) -> None:
    assert set(corpus.crosswalks) == {"iso9001", "caf2020", "cse", "iso23592"}
    for crosswalk in corpus.crosswalks.values():
        assert crosswalk.links, crosswalk.framework
        for clause_id, links in crosswalk.links.items():
            assert clause_id in corpus.structure
            assert all(len(link.rationale.split()) >= 8 for link in links)
    iso9001 = {link.target for link in corpus.crosswalks["iso9001"].for_clause("7.3.1")}
    assert iso9001 & {"8.2.1", "8.2.2", "9.1.2"}


def test_glossary_has_our_terms(corpus: Corpus) -> None:
    terms = {t.term.lower(): t for t in corpus.glossary}
    assert len(terms) >= 30
    for needed in ("customer/citizen", "co-creation", "touchpoint", "service blueprint"):
        assert needed in terms
        assert terms[needed].clauses


def test_documents_carry_clause_metadata(corpus: Corpus) -> None:
    docs = corpus.documents()
    by_type = {d.metadata["doc_type"] for d in docs}
    assert by_type == {"structure", "guidance", "crosswalk", "glossary", "case"}
    evidence = [
        d
        for d in docs
        if d.metadata["clause"] == "7.2.3"
        and d.metadata["section"] == "Evidence an assessor looks for"
    ]
    assert len(evidence) == 1
    meta = evidence[0].metadata
    assert meta["clause_title"] == "Integrity and conflict management"
    assert meta["kind"] == "sub-element"
    assert meta["source"] == "corpus/guidance/7.2.3.md"
    assert all(d.page_content.strip() for d in docs)


def test_each_case_section_is_an_illustrative_document_of_its_clause(corpus: Corpus) -> None:
    cases = [d for d in corpus.documents() if d.metadata["doc_type"] == "case"]
    assert len(cases) == 24  # two cases, twelve sub-elements each
    assert {d.metadata["case"] for d in cases} == {"small-municipality", "national-agency"}
    sub_elements = [c.id for c in corpus.structure if c.kind.value == "sub-element"]
    assert sorted({d.metadata["clause"] for d in cases}) == sorted(sub_elements)
    for doc in cases:
        header = doc.page_content.split("\n\n")[0]
        assert header.startswith(doc.metadata["clause"] + " ")
        assert "Illustrative case, not a real organization" in header
        assert doc.metadata["illustrative"] is True
        assert doc.metadata["source"].startswith("corpus/cases/")


def test_the_toolkit_is_loaded_as_typed_objects(corpus: Corpus) -> None:
    assert len(corpus.indicators) == 63 and len(corpus.references) == 33
    assert len(corpus.templates) == 10 and corpus.rubric is not None
    assert [lv.level for lv in corpus.rubric.levels] == [1, 2, 3, 4, 5]
    indicators = corpus.notes["7.2.3"].indicators()
    assert all(i.entry is not None and i.entry.id == i.catalogue for i in indicators)
    first = indicators[0].entry
    assert first is not None and first.formula and first.data_source and first.frequency
    refs = corpus.references_of(corpus.notes["7.2.3"])
    assert [r.id for r in refs] == corpus.notes["7.2.3"].meta.references
    assert {t.id for t in corpus.templates_for("7.2.3")} >= {"gifts-register"}


def test_a_clause_view_can_sit_under_a_page_headings_in_order(corpus: Corpus) -> None:
    from pse_assistant.corpus.views import clause_view

    view = clause_view(corpus, "7.2.3")
    levels = [
        len(line.split(" ")[0])
        for line in view.markdown(top=3).splitlines()
        if line.startswith("#")
    ]
    assert levels[0] == 3 and min(levels[1:]) == 4
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert view.markdown().startswith("### 7.2.3")  # the terminal's layout is unchanged


def test_a_paragraph_after_a_numbered_list_is_not_part_of_its_last_item(corpus: Corpus) -> None:
    steps = corpus.note("7").steps("Sequencing the work")
    assert [s.number for s in steps] == [1, 2, 3, 4, 5, 6]
    assert "lighthouse" not in steps[-1].text  # the paragraph below the list stands on its own
    assert "lighthouse" in corpus.note("7").section("Sequencing the work").text

"""What an assessment asks about each element: questions, the note's levels, evidence, indicators, and
the rubric's shared anchors, all built from the corpus so the scale is the corpus's, word for word."""

from __future__ import annotations

from pydantic import BaseModel, Field

from pse_assistant.core.errors import InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import MaturityLevel, Note
from pse_assistant.corpus.toolkit import RubricLevel

# The standard fixes these ids; tests check them against the corpus's structure, so the store can
# validate a clause without loading the corpus.
SUB_ELEMENTS = tuple(f"7.{e}.{s}" for e in range(1, 5) for s in range(1, 4))
PRINCIPLES = tuple(f"5.{g}.{p}" for g in (1, 2) for p in range(1, 8))
EVIDENCE_SECTION = "Evidence an assessor looks for"
_THIRD_PERSON = {"your": "its", "yourself": "itself", "you": "it"}


class ItemIndicator(BaseModel):
    """An indicator worth looking at when scoring an element, as the catalogue defines it."""

    name: str
    catalogue_id: str | None = None
    definition: str
    target: str
    target_source: str | None = None


class AssessmentItem(BaseModel):
    """One element to score: its questions, the note's five levels, what evidence to ask for, the
    indicators that show progress, and the rubric's shared anchors and rule for in-between cases,
    which keep scores comparable across elements."""

    clause: str
    title: str
    group: str
    group_title: str
    in_brief: str
    questions: list[str]
    levels: list[MaturityLevel]
    evidence_prompts: list[str]
    indicators: list[ItemIndicator] = Field(default_factory=list)
    anchors: list[RubricLevel] = Field(default_factory=list)
    in_between: str = ""


def sort_key(clause_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause_id.split("."))


def _sentence_start(text: str) -> str:
    """Lower-case the first letter so a step title reads inside a question; keep acronyms."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _questions(note: Note) -> list[str]:
    """Questions on the first and a middle step of the note, and one on the evidence to show.

    One step per question keeps each answerable; the middle step samples the later, harder work.
    """
    steps = [s.title for s in note.steps() if s.title]
    picked = list(dict.fromkeys(steps[i] for i in {0, len(steps) // 2} if steps))
    questions = [f"To what extent does the organization {_third_person(t)}?" for t in picked]
    evidence = note.bullets(EVIDENCE_SECTION)
    if evidence:
        questions.append(
            f"What evidence can you show, for example {_sentence_start(evidence[0].text)}?"
        )
    return questions


def _third_person(title: str) -> str:
    """Turn an imperative step title ("Walk the journey yourself") into words about the organization."""
    words = [_THIRD_PERSON.get(w, w) for w in _sentence_start(title).split(" ")]
    return " ".join(words)


def assessment_items(corpus: Corpus, include_principles: bool = False) -> list[AssessmentItem]:
    """The elements to score, built from the notes so that the scale is the corpus's, word for word.

    Raises:
        InvalidInput: an element whose note is missing or has no five maturity levels.
    """
    ids = [*SUB_ELEMENTS, *(PRINCIPLES if include_principles else ())]
    rubric = corpus.rubric
    items = []
    for clause_id in sorted(ids, key=sort_key):
        clause = corpus.structure.get(clause_id)
        note = corpus.note(clause_id)
        if note is None or len(note.maturity()) != 5:
            raise InvalidInput(f"Clause {clause.label} has no five maturity levels to assess.")
        group = corpus.structure.get(clause.parent or clause_id)
        brief = note.section("In brief")
        items.append(
            AssessmentItem(
                clause=clause.id,
                title=clause.title,
                group=group.id,
                group_title=group.title,
                in_brief=brief.text if brief else "",
                questions=_questions(note),
                levels=note.maturity(),
                evidence_prompts=[b.text for b in note.bullets(EVIDENCE_SECTION)],
                indicators=_indicators(note),
                anchors=list(rubric.levels) if rubric else [],
                in_between=rubric.in_between if rubric else "",
            )
        )
    return items


def _indicators(note: Note) -> list[ItemIndicator]:
    """The note's indicators, defined and targeted as the catalogue has them (else as written)."""
    found = []
    for indicator in note.indicators():
        entry = indicator.entry
        source = (
            None if entry is None else "our suggestion" if entry.suggested else entry.target_source
        )
        found.append(
            ItemIndicator(
                name=indicator.name,
                catalogue_id=entry.id if entry else None,
                definition=entry.definition if entry else indicator.definition or "",
                target=entry.target if entry else indicator.good_target or "",
                target_source=source,
            )
        )
    return found

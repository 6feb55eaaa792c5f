"""Answer units: the sentences and list items answers are composed from, embedded once at index time.

An answer quotes whole units: a step of "How to meet it", an evidence bullet, an indicator, a pitfall,
a sentence of "In brief", of "Why it matters" or of the example, a maturity level, a glossary entry.
A step too long to quote whole also has each of its sentences embedded, so an answer quotes the ones
closest to the question rather than always the first.
Each unit is embedded when the index is built and stored in its own Chroma collection beside the
chunks (same generations, same incremental refresh), so composing an answer costs no model call
beyond the question's own encoding: the composer scores units by a dot product with the question
vector that search already computed.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from langchain_core.documents import Document

from pse_assistant.core.text import content_stems, sentences, trim_sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Note, Section
from pse_assistant.search.index import BuildReport, ChunkIndex

_MARKER = re.compile(r"^(?:[-*]|\d+\.)\s+")
STEP_WORDS = 55  # a step is quoted with its title and whole sentences up to about this many words


class UnitKind(StrEnum):
    """Where a unit comes from, which decides what kind of answer it serves."""

    BRIEF = "brief"
    WHY = "why"
    STEP = "step"
    EVIDENCE = "evidence"
    INDICATOR = "indicator"
    PITFALL = "pitfall"
    EXAMPLE = "example"
    MATURITY = "maturity"
    PROSE = "prose"
    GLOSSARY = "glossary"
    QUESTION = "question"  # a labelled example question for the intent classifier
    PART = "part"  # one sentence of a step too long to quote whole, to choose what is quoted


SECTION_KINDS = {
    "In brief": UnitKind.BRIEF,
    "Why it matters in public services": UnitKind.WHY,
    "Example": UnitKind.EXAMPLE,
}
SKIPPED_SECTIONS = {"Workshop prompts", "Related"}
# Sections whose numbered items are steps: a note's own, and a group note's first moves.
STEP_SECTIONS = ("How to meet it", "Where to start", "Sequencing the work")


@dataclass(frozen=True)
class Unit:
    """One quotable unit: its clause, section and kind, the text an answer quotes, its title."""

    clause: str
    section: str
    kind: UnitKind
    text: str
    title: str = ""
    order: int = 0
    label: str = ""  # the intent of a labelled example question
    detail: str = ""  # the rest of a step, read for relevance but not quoted

    @property
    def id(self) -> str:
        """Stable while the unit's place and words stay the same."""
        key = f"{self.kind}|{self.clause}|{self.section}|{self.order}|{self.label}|{self.text}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]

    @property
    def quote(self) -> str:
        """The unit as an answer quotes it: a step or indicator with its title first."""
        return f"{self.title}. {self.text}" if self.title else self.text

    def embedded(self) -> str:
        """What is embedded: the quote with the rest of the step, so relevance sees all of it."""
        return " ".join(p for p in (self.quote, self.detail) if p)


def note_units(note: Note) -> list[Unit]:
    """The units of one guidance note, in the order the note gives them."""
    units: list[Unit] = []
    for section in note.sections:
        if section.title in SKIPPED_SECTIONS:
            continue
        units.extend(_section_units(note, section))
    return units


def _section_units(note: Note, section: Section) -> Iterable[Unit]:
    clause, title = note.clause, section.title
    steps = note.steps(title) if title in STEP_SECTIONS else []
    if title == "How to meet it" or steps:
        for step in steps:
            quoted = trim_sentences(step.text, max_words=STEP_WORDS)
            rest = step.text[len(quoted) :].strip() if step.text.startswith(quoted) else ""
            yield Unit(clause, title, UnitKind.STEP, quoted, step.title, step.number, detail=rest)
            if rest:
                for sentence in sentences(step.text):
                    yield Unit(clause, title, UnitKind.PART, sentence, step.title, step.number)
        # A group note's section also says things around its list ("A smaller body may prefer…").
        if title != "How to meet it":
            around = _prose(section.around(numbered=True))
            for n, sentence in enumerate(sentences(around), 1):
                yield Unit(clause, title, UnitKind.PROSE, sentence, order=n)
    elif title == "Evidence an assessor looks for":
        for n, block in enumerate(note.bullets(title), 1):
            yield Unit(clause, title, UnitKind.EVIDENCE, _flat(block.text), order=n)
    elif title == "Common pitfalls":
        for n, block in enumerate(note.bullets(title), 1):
            yield Unit(clause, title, UnitKind.PITFALL, _flat(block.text), order=n)
    elif title == "Indicators":
        for n, ind in enumerate(note.indicators(), 1):
            text = " ".join(
                p
                for p in (
                    ind.definition,
                    f"Good target: {ind.good_target}" if ind.good_target else "",
                )
                if p
            )
            yield Unit(clause, title, UnitKind.INDICATOR, text, ind.name, n)
    elif title == "Maturity levels":
        for level in note.maturity():
            text = f"Level {level.level}, {level.label}: {_flat(level.description)}"
            yield Unit(clause, title, UnitKind.MATURITY, text, order=level.level)
    else:
        kind = SECTION_KINDS.get(title, UnitKind.PROSE)
        for n, sentence in enumerate(sentences(_prose(section.text)), 1):
            yield Unit(clause, title, kind, sentence, order=n)


def _flat(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def _prose(text: str) -> str:
    """A section's text without headings or list markers, so every line reads as prose."""
    lines = [_MARKER.sub("", line.strip()) for line in text.split("\n")]
    return "\n".join(line for line in lines if not line.startswith("#"))


def corpus_units(corpus: Corpus) -> list[Unit]:
    """Every unit of every note, then one per glossary term."""
    units = [u for note in corpus.notes.values() for u in note_units(note)]
    for n, term in enumerate(corpus.glossary, 1):
        clause = term.clauses[0] if term.clauses else ""
        text = f"{term.term}: {_flat(term.definition)}"
        units.append(Unit(clause, "Glossary", UnitKind.GLOSSARY, text, order=n))
    return units


def unit_documents(units: Sequence[Unit]) -> list[Document]:
    """The units as documents for a `ChunkIndex` (ids and hashes keep a refresh incremental)."""
    docs = []
    for unit in units:
        meta = {"clause": unit.clause, "section": unit.section, "kind": str(unit.kind)}
        meta["hash"] = hashlib.sha256(unit.embedded().encode("utf-8")).hexdigest()[:32]
        docs.append(Document(page_content=unit.embedded(), metadata=meta, id=unit.id))
    return docs


@dataclass
class UnitMatrix:
    """Units with their stored vectors (one unit-length row each), grouped for quick lookup."""

    units: list[Unit]
    vectors: np.ndarray
    by_clause: dict[str, list[int]] = field(default_factory=dict)
    questions: list[int] = field(default_factory=list)
    parts: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    _stems: dict[int, set[str]] = field(default_factory=dict, repr=False)

    def stems(self, row: int) -> set[str]:
        """The content stems of a unit's text, computed once."""
        found = self._stems.get(row)
        if found is None:
            found = self._stems[row] = content_stems(self.units[row].embedded())
        return found

    @classmethod
    def of(cls, units: list[Unit], vectors: np.ndarray) -> UnitMatrix:
        """Index the rows by clause (answer units), the sentences of long steps by their step, and
        collect the example questions."""
        matrix = cls(units, vectors)
        for row, unit in enumerate(units):
            if unit.kind is UnitKind.QUESTION:
                matrix.questions.append(row)
            elif unit.kind is UnitKind.PART:
                matrix.parts.setdefault(part_key(unit), []).append(row)
            else:
                matrix.by_clause.setdefault(unit.clause, []).append(row)
        return matrix


def part_key(unit: Unit) -> tuple[str, str, int]:
    """The step a unit belongs to: its clause, section and number (a step's sentences share it)."""
    return (unit.clause, unit.section, unit.order)


class UnitIndex:
    """The embedded units of the active generation, reloaded when another generation appears.

    Args:
        index: the Chroma collections of units (a `ChunkIndex` of kind "units").
        units: the units the corpus (and the example questions) give today; stored vectors are
            matched to them by id, so a unit that changed since the last build has no vector until
            the index is refreshed.
    """

    def __init__(self, index: ChunkIndex, units: Callable[[], list[Unit]]) -> None:
        self.index = index
        self._units = units
        self._lock = threading.Lock()
        self._state: tuple[str, UnitMatrix] | None = None
        self._checked = 0.0

    def write(
        self, rebuild: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> BuildReport:
        """Bring the stored units up to date (only changed ones are embedded again)."""
        report = self.index.write(
            keep=lambda d: False,
            add=unit_documents(self._units()),
            rebuild=rebuild,
            progress=progress,
        )
        self.invalidate()
        return report

    def ready(self) -> bool:
        """Whether a complete generation of units exists."""
        return self.index.active() is not None

    def invalidate(self) -> None:
        """Forget the loaded generation."""
        with self._lock:
            self._state = None

    def current(self) -> UnitMatrix:
        """The units with vectors, re-checked for a new generation at most every two seconds."""
        with self._lock:
            now = time.monotonic()
            if self._state is not None and now - self._checked <= 2.0:
                return self._state[1]
            self._checked = now
            collection = self.index.require_active()
            if self._state is None or self._state[0] != collection.name:
                self._state = (collection.name, self._load(collection))
            return self._state[1]

    def _load(self, collection: Any) -> UnitMatrix:
        docs = self.index.chunks(collection)
        vectors = self.index.vectors(collection)
        rows = {str(d.id): i for i, d in enumerate(docs)}
        units = [u for u in self._units() if u.id in rows]
        matrix = vectors[[rows[u.id] for u in units]] if units else vectors[:0]
        return UnitMatrix.of(units, matrix)

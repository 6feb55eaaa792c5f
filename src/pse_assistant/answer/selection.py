"""Choosing what an answer says: the units of the chosen clauses that answer the question asked.

Each candidate unit (a step, an evidence item, an indicator, a pitfall, a sentence of a note) is
scored by how close it is to the question (a dot product with its stored vector), by how well its
section fits what was asked, by how high its clause ranked in retrieval, and by whether it speaks to
the situation the question describes. Units are then picked by maximal marginal relevance, so an
answer covers different points instead of three wordings of one; a unit the previous answer already
quoted, or one that would repeat a sentence, is never picked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from pse_assistant.answer.intents import Intent
from pse_assistant.core.text import content_stems, sentences, statements
from pse_assistant.plans.situations import Situation
from pse_assistant.search.units import STEP_WORDS, Unit, UnitKind, UnitMatrix, part_key

K = UnitKind
# How well each kind of unit answers each intent (0 = never used for it).
SECTION_FIT: dict[Intent, dict[UnitKind, float]] = {
    Intent.HOW_TO: {K.STEP: 1.0, K.PITFALL: 0.45, K.BRIEF: 0.35, K.WHY: 0.2, K.PROSE: 0.45},
    Intent.EVIDENCE: {K.EVIDENCE: 1.0, K.INDICATOR: 0.35, K.STEP: 0.25, K.PROSE: 0.2},
    Intent.INDICATORS: {K.INDICATOR: 1.0, K.PITFALL: 0.35, K.STEP: 0.3, K.EVIDENCE: 0.3, K.PROSE: 0.2},
    Intent.PITFALLS: {K.PITFALL: 1.0, K.STEP: 0.4, K.PROSE: 0.2},
    Intent.EXAMPLE: {K.EXAMPLE: 1.0, K.STEP: 0.3},
    Intent.MATURITY: {K.MATURITY: 1.0},
    Intent.SUMMARY: {K.BRIEF: 1.0, K.WHY: 0.7, K.PROSE: 0.7, K.STEP: 0.45},
    Intent.DEFINITION: {K.GLOSSARY: 1.0, K.BRIEF: 0.5, K.PROSE: 0.4, K.STEP: 0.3},
    Intent.COMPARISON: {K.BRIEF: 1.0, K.WHY: 0.5, K.PROSE: 0.6, K.STEP: 0.4},
}  # fmt: skip
RELEVANCE_WEIGHT = 1.5  # closeness to the question (cosine similarity, about 0.1 to 0.6)
SECTION_WEIGHT = 0.35  # how well the unit's section fits what was asked (0 to 1)
CLAUSE_WEIGHT = 0.6  # the clause's retrieval score against the best clause's, squared (0 to 1)
LEXICAL_WEIGHT = 0.3  # the share of the question's content words the unit uses (0 to 1)
SITUATION_WEIGHT = 0.06  # a unit that speaks to the recognised situation
# Units this far below the closest unit of their clause and kind are not candidates (per kind, so a
# close step does not rule out the indicators of its clause that an indicators question asks for).
RELEVANCE_FLOOR = 0.25
MMR_LAMBDA = 0.72  # relevance against novelty when picking the next unit
TITLED_KINDS = frozenset({K.PROSE, K.WHY, K.BRIEF})  # running text, whose lists' titles stand alone
TITLE_ONLY_WORDS = 5  # a unit of those this short is such a title
BACK_REFERENCES = frozenset("this that these those it its they their them such there".split())
# Two sentences of long steps this close make one point (the ombudsman's stages cited in 7.4.1 and
# 5.2.6 score 0.83; the closest pair that makes two points, 0.58).
SAME_POINT = 0.65
DETAIL_SHARED = 2  # question words a step's unquoted sentence must add before it is quoted too
RANK_PRIOR = (
    0.3  # what first place in retrieval is worth against a unit's closeness, when ranking clauses
)


def said(text: str) -> set[str]:
    """What a text states, sentence by sentence (see `core.text.statements`)."""
    return statements(text)


def rank_clauses(
    matrix: UnitMatrix,
    vector: np.ndarray,
    ranked: Sequence[str],
    fit: dict[UnitKind, float],
    depth: int = 8,
) -> list[str]:
    """Retrieval's clauses re-ranked by how closely their best unit answers the question.

    Retrieval ranks clauses by their passages as a whole; the clause whose one step or pitfall
    answers the question can sit fourth or sixth behind clauses that share more of its words. Each
    of the first `depth` clauses scores its closest unit of a kind the answer uses, plus a prior
    that falls from `RANK_PRIOR` at first place to nothing below `depth`.
    """
    scores: dict[str, float] = {}
    for rank, clause in enumerate(ranked[:depth]):
        rows = [r for r in matrix.by_clause.get(clause, []) if fit.get(matrix.units[r].kind, 0) > 0]
        if not rows:
            continue
        closest = float((matrix.vectors[rows] @ vector).max())
        scores[clause] = closest + RANK_PRIOR * (1 - rank / depth)
    return sorted(scores, key=lambda c: -scores[c])


@dataclass(frozen=True)
class Scored:
    """A candidate unit with its relevance to the question and its total score."""

    row: int
    unit: Unit
    relevance: float
    score: float


class Selector:
    """Scores and picks units for one question.

    Args:
        matrix: every unit with its stored vector.
        vector: the question's vector (unit length), from the same model.
        clause_weights: each chosen clause with its weight in [0, 1] (the first is 1).
        situations: the situations the question describes.
        avoid: normalised sentences that must not be said again (the previous answer's).
    """

    def __init__(
        self,
        matrix: UnitMatrix,
        vector: np.ndarray,
        clause_weights: dict[str, float],
        situations: Sequence[Situation] = (),
        avoid: Iterable[str] = (),
    ) -> None:
        self.matrix = matrix
        self.vector = vector
        self.clause_weights = clause_weights
        self.fits = [f for s in situations for f in s.fits]
        self.used: set[str] = set(avoid)
        self.words: set[str] = set()

    def asked(self, question: str) -> Selector:
        """Remember the question's content words, for the lexical part of the score."""
        self.words = content_stems(question)
        return self

    def candidates(
        self, fit: dict[UnitKind, float], clauses: Sequence[str], floor: bool = True
    ) -> list[Scored]:
        """The units of `clauses` whose kind serves the answer, best first (without `floor`, also
        those far below the closest of their clause and kind)."""
        rows = [
            r
            for c in clauses
            for r in self.matrix.by_clause.get(c, [])
            if fit.get((u := self.matrix.units[r]).kind, 0.0) > 0 and not _title_only(u)
        ]
        if not rows:
            return []
        relevance = self.matrix.vectors[rows] @ self.vector
        best: dict[tuple[str, UnitKind], float] = {}
        for row, rel in zip(rows, relevance, strict=True):
            key = self._floor_key(self.matrix.units[row])
            best[key] = max(best.get(key, -1.0), float(rel))
        scored = []
        for row, rel in zip(rows, relevance, strict=True):
            unit = self.matrix.units[row]
            score = RELEVANCE_WEIGHT * float(rel) + SECTION_WEIGHT * fit[unit.kind]
            if self.words:
                shared = len(self.words & self.matrix.stems(row)) / len(self.words)
                score += LEXICAL_WEIGHT * shared
            score += CLAUSE_WEIGHT * self.clause_weights.get(unit.clause, 0.0) ** 2
            if self.fits and any(f in unit.quote.lower() for f in self.fits):
                score += SITUATION_WEIGHT
            scored.append(Scored(row, unit, float(rel), score))
        scored.sort(key=lambda s: -s.score)
        if not floor:
            return scored
        return [s for s in scored if s.relevance >= best[self._floor_key(s.unit)] - RELEVANCE_FLOOR]

    def focused(
        self,
        unit: Unit,
        fresh: Callable[[str], bool],
        detail: bool = False,
        said_rows: Sequence[int] = (),
    ) -> tuple[Unit, list[int]]:
        """A step too long to quote whole, quoting its sentences closest to the question; and the
        rows of the sentences quoted.

        Sentences are taken closest first while they fit `STEP_WORDS` (the closest always), and
        quoted in the note's order; the others become the unquoted rest. With `detail`, the
        sentence of the rest that adds most of the question's own words is quoted too (see
        `detail_for`). A sentence that opens by pointing back ("Those obligations…") is taken only
        with the sentence before it. One `fresh` rejects is not taken, nor one that makes the
        same point as a sentence in `said_rows` (the two notes that cite the ombudsman's stages).
        A step quoted whole, or one whose sentences the index does not hold yet, is returned
        unchanged.
        """
        rows = self.matrix.parts.get(part_key(unit), [])
        if not unit.detail or not rows:
            return unit, []
        parts = [self.matrix.units[r].text for r in rows]
        vectors = self.matrix.vectors[rows]
        repeated = (
            (vectors @ self.matrix.vectors[list(said_rows)].T).max(axis=1) >= SAME_POINT
            if said_rows
            else np.zeros(len(rows), dtype=bool)
        )
        usable = [fresh(p) and not repeated[i] for i, p in enumerate(parts)]
        kept: set[int] = set()
        for i in map(int, np.argsort(-(vectors @ self.vector), kind="stable")):
            take = {i - 1, i} if i > 0 and _refers_back(parts[i]) else {i}
            new = take - kept
            size = sum(len(parts[j].split()) for j in kept | new)
            if new and all(usable[j] for j in new) and (not kept or size <= STEP_WORDS):
                kept |= new
        if not kept:
            return unit, []
        if detail:
            rest = {
                p: i
                for i, p in enumerate(parts)
                if i not in kept and usable[i] and (i - 1 in kept or not _refers_back(p))
            }
            asked = self._asked_about(" ".join(parts[i] for i in kept), rest)
            kept |= {rest[asked]} if asked else set()
        quoted = " ".join(parts[i] for i in sorted(kept))
        rest_text = " ".join(p for i, p in enumerate(parts) if i not in kept)
        return replace(unit, text=quoted, detail=rest_text), [rows[i] for i in sorted(kept)]

    def detail_for(self, unit: Unit) -> str:
        """The sentence of a unit's unquoted rest that shares most of the question's own words.

        Only words the quoted part does not already share count, and at least `DETAIL_SHARED` of
        them, so the sentence adds what was asked about rather than more of the same.
        """
        best = self._asked_about(unit.quote, sentences(unit.detail)) if unit.detail else ""
        return best if best and self.fresh(best) else ""

    def _asked_about(self, quoted: str, candidates: Iterable[str]) -> str:
        """The candidate sharing most question words that `quoted` lacks (`DETAIL_SHARED` at least)."""
        if not self.words:
            return ""
        new = self.words - content_stems(quoted)
        best, most = "", DETAIL_SHARED - 1
        for sentence in candidates:
            shared = len(new & content_stems(sentence))
            if shared > most:
                best, most = sentence, shared
        return best

    @staticmethod
    def _floor_key(unit: Unit) -> tuple[str, UnitKind]:
        return (unit.clause, unit.kind)

    def fresh(self, text: str) -> bool:
        """Whether none of the text's sentences was said already."""
        return not (said(text) & self.used)

    def take(self, text: str) -> None:
        """Remember the text's sentences as said."""
        self.used |= said(text)

    def sequence(self, clause: str, kind: UnitKind) -> list[Scored]:
        """Every unit of one kind in a clause, in the note's order, that was not said already."""
        found = self.candidates({kind: 1.0}, [clause], floor=False)
        ordered = sorted(found, key=lambda s: s.unit.order)
        return [s for s in ordered if self.fresh(s.unit.quote)]

    def pick(self, candidates: list[Scored], limit: int) -> list[Scored]:
        """Up to `limit` units by maximal marginal relevance, skipping anything already said."""
        chosen: list[Scored] = []
        pool = [c for c in candidates if self.fresh(c.unit.quote)]
        while pool and len(chosen) < limit:
            if chosen:
                picked = self.matrix.vectors[[c.row for c in chosen]]
                overlap = (self.matrix.vectors[[c.row for c in pool]] @ picked.T).max(axis=1)
                values = [
                    MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * float(o)
                    for c, o in zip(pool, overlap, strict=True)
                ]
                best = pool[int(np.argmax(values))]
            else:
                best = pool[0]
            pool.remove(best)
            if self.fresh(best.unit.quote):
                chosen.append(best)
                self.take(best.unit.quote)
        return chosen


def _refers_back(sentence: str) -> bool:
    """Whether a sentence opens with a word that points to the one before ("Those obligations…")."""
    first = sentence.split(maxsplit=1)[0].lower() if sentence.strip() else ""
    return first in BACK_REFERENCES


def _title_only(unit: Unit) -> bool:
    """A list item's bold title standing alone in running text ("Staff who stay."): not a statement
    an answer can quote by itself."""
    return unit.kind in TITLED_KINDS and len(unit.quote.split()) <= TITLE_ONLY_WORDS

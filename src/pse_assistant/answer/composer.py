"""Grounded answers: a direct answer first, then the steps, evidence, indicators or pitfalls that fit.

No language model is involved. The units that answer the question are chosen by
`answer.selection.Selector` (closeness to the question, the section that fits what was asked, the
clause's rank, the situation described, maximal marginal relevance). The composer only adds short
connective words ("Start here:", "Watch out:", "For your situation (…):"); every statement of what
good practice looks like is a unit quoted whole from a guidance note, with its clause cited as [7.2.3]
and the passage kept in the answer's citations. No sentence is said twice in an answer, and a
follow-up never repeats a sentence of the answer before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from pse_assistant.answer.intents import Intent
from pse_assistant.answer.models import Citation
from pse_assistant.answer.selection import SECTION_FIT, TITLED_KINDS, Scored, Selector, said
from pse_assistant.core.text import lead
from pse_assistant.corpus.loader import Corpus
from pse_assistant.plans.situations import Situation
from pse_assistant.search.retrieval import Hit
from pse_assistant.search.units import Unit, UnitKind

MAX_WORDS = 350
K = UnitKind
# What each intent lists after its direct answer: (kind, heading, how many), in order.
BODY: dict[Intent, tuple[tuple[UnitKind, str, int], ...]] = {
    Intent.HOW_TO: ((K.STEP, "Steps that fit your question:", 5), (K.PROSE, "", 1), (K.PITFALL, "Watch out:", 2)),
    Intent.EVIDENCE: ((K.EVIDENCE, "What an assessor looks for:", 5), (K.INDICATOR, "A figure that backs it up:", 1)),
    Intent.INDICATORS: ((K.INDICATOR, "Indicators to track:", 4), (K.STEP, "To set them up:", 1), (K.PITFALL, "Watch out:", 1), (K.EVIDENCE, "Evidence beside the figures:", 1)),
    Intent.PITFALLS: ((K.PITFALL, "Common pitfalls:", 4), (K.STEP, "What helps:", 2)),
    Intent.EXAMPLE: ((K.EXAMPLE, "", 6), (K.STEP, "To try it yourself:", 2)),
    Intent.SUMMARY: ((K.WHY, "", 2), (K.PROSE, "", 2), (K.STEP, "In practice:", 4)),
}  # fmt: skip
# After the body, the titles of the main clauses' other steps (or indicators), so the reader sees the
# whole approach each clause sets out and can ask about any of it.
OUTLINE = {Intent.HOW_TO: (K.STEP, "More steps in"), Intent.SUMMARY: (K.STEP, "More steps in"), Intent.INDICATORS: (K.INDICATOR, "Other indicators in"), Intent.EVIDENCE: (K.EVIDENCE, "Other evidence in"), Intent.PITFALLS: (K.PITFALL, "Other pitfalls in")}  # fmt: skip
OUTLINE_CLAUSES = 2
OUTLINE_ITEM_WORDS = 16  # an untitled item (an evidence bullet) this short is named whole
OUTLINE_WORDS = 80  # the outline may run this far past MAX_WORDS: a list of titles reads quickly
ALSO_CLAUSES = 2  # other clauses retrieval found close that the answer points to, with their steps
ALSO_WORDS = 100  # and those pointers this far
ALSO_TITLES = 3  # with at most this many of their step titles, the closest to the question
PICKS = {Intent.HOW_TO: 11, Intent.EVIDENCE: 7, Intent.INDICATORS: 9, Intent.PITFALLS: 7, Intent.EXAMPLE: 9, Intent.SUMMARY: 8}  # fmt: skip
NUMBERED = {K.STEP}
MATURITY_SCALES = 2  # a follow-up rates the conversation's clauses, at most this many
WHETHER_MARGIN = 0.1  # a yes/no question opens with a sentence this much closer than the lead step
WHETHER_CLAUSES = 2  # from the first of the chosen clauses
# A follow-up's closest passage, already quoted before, this close and WHETHER_MARGIN closer than
# the new lead is pointed to by its title.
COVERED_SIMILARITY = 0.35
LEAD_WITHIN = 3  # the opening is the closest to the question of the first picks of its kind
_YES_NO = re.compile(
    r"^\s*(can|could|should|must|may|is|are|do|does|did|will|would|shall|have|has)\b", re.I
)
_WHICH_CLAUSE = re.compile(
    r"\b(which|what) (clause|part|section|principle|element|sub-element)s?\b|\bwhere (?:in|does) (?:the standard|iso 11367|11367)\b",
    re.I,
)


@dataclass
class Composed:
    """A composed answer before it is wrapped with its id, status and mode."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)


@dataclass
class Ask:
    """What to compose: the intent, the question as read, the chosen clauses and what surrounds it."""

    intent: Intent
    question: str
    clauses: list[str]
    hits: list[Hit] = field(default_factory=list)
    situations: list[Situation] = field(default_factory=list)
    follow_up: bool = False
    related: list[str] = field(default_factory=list)  # other clauses retrieval found close
    opens_with: str | None = None  # the clause the direct answer must come from, when one must
    term: tuple[str, str, list[str]] | None = None  # a glossary term the question puts in quotes

    @property
    def yes_no(self) -> bool:
        """A question that asks whether, not how ("Can we still …?")."""
        return bool(_YES_NO.match(self.question)) and not self.which_clause

    @property
    def which_clause(self) -> bool:
        """A question about where in the standard something is covered."""
        return bool(_WHICH_CLAUSE.search(self.question))


class Composition:
    """The bookkeeping every answer shares: parts, citations, the word budget, what was said."""

    def __init__(self, corpus: Corpus, selector: Selector | None = None) -> None:
        self.corpus = corpus
        self.selector = selector
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.said: set[str] = set(selector.used) if selector else set()
        self.quoted: dict[str, Unit] = {}  # the units quoted so far, by id
        self.points: list[int] = []  # the rows of long steps' sentences quoted so far

    def fresh(self, text: str) -> bool:
        """Whether none of the text's sentences was said already (here or in the answer before)."""
        return not (said(text) & self.said)

    def cite(self, clause_id: str, section: str, quote: str) -> str:
        """Record a citation of `quote` and return its inline marker."""
        clause = self.corpus.structure.get(clause_id)
        note = self.corpus.note(clause_id)
        source = (
            f"corpus/guidance/{clause_id}.md" if note else "corpus/standard/iso-11367-2025.yaml"
        )
        if section == "Glossary":
            source = "corpus/glossary.yaml"
        if not any(c.clause == clause_id and c.quote == quote for c in self.citations):
            self.citations.append(
                Citation(
                    clause=clause_id,
                    title=clause.title,
                    section=section,
                    quote=quote,
                    source=source,
                )
            )
        return f"[{clause_id}]"

    def mark(self) -> tuple[int, int, int]:
        """Where the citations and quoted units stand, before a line that may be left out."""
        return len(self.citations), len(self.quoted), len(self.points)

    def undo(self, mark: tuple[int, int, int]) -> None:
        """Forget the citations and quoted units recorded since `mark`: the line drafted with them
        was left out, and an answer cites only what it says."""
        citations, quoted, points = mark
        del self.citations[citations:]
        for unit_id in list(self.quoted)[quoted:]:
            del self.quoted[unit_id]
        del self.points[points:]

    def words(self) -> int:
        """Words written so far."""
        return sum(len(p.split()) for p in self.parts)

    def fits(self, text: str, beyond: int = 0) -> bool:
        """Whether `text` still fits the answer's length (allowed to run `beyond` it)."""
        return self.words() + len(text.split()) <= MAX_WORDS + beyond

    def say(self, text: str) -> None:
        """Add a paragraph, and remember its sentences so none is said twice."""
        self.parts.append(text)
        self.said |= said(text)
        if self.selector is not None:
            self.selector.take(text)

    def quote(self, scored: Scored, detail: bool = False) -> str:
        """A unit as the answer quotes it, with its citation.

        A step too long to quote whole quotes its sentences closest to the question
        (`Selector.focused`). With `detail`, it also quotes the one sentence of its unquoted rest
        that speaks to the question's own words (the GDPR article behind "audit outcomes for
        fairness"), if any: in the note's order, or after the quote when the index does not hold
        the step's sentences.
        """
        unit = scored.unit
        self.quoted[unit.id] = unit
        extra = ""
        if self.selector is not None:
            shown, rows = self.selector.focused(unit, self.fresh, detail, self.points)
            self.points.extend(rows)
            if detail and shown is unit:
                extra = self.selector.detail_for(unit)
            unit = shown
        text = self._listed(unit)
        text = f"{text} {extra}" if extra else text
        body = f"**{unit.title}.** {text}" if unit.title else text
        quoted = f"{unit.title}. {text}" if unit.title else text
        return f"{body} {self.cite(unit.clause, unit.section, quoted)}"

    def _listed(self, unit: Unit) -> str:
        """A sentence that introduces a list and ends with its first item's title ("Three benefits
        persuade a board: Less avoidable contact.") names every item, not the first alone."""
        head, colon, last = unit.text.rstrip(".").rpartition(": ")
        note = self.corpus.note(unit.clause) if colon and unit.kind in TITLED_KINDS else None
        section = note.section(unit.section) if note else None
        titles = section.titles() if section else []  # parsed only for a sentence with a colon
        if not titles or last != titles[0]:
            return unit.text
        return f"{head}: {'; '.join(titles)}."

    def finish(self, clauses: list[str]) -> Composed:
        """The answer with its sources line."""
        cited = list(dict.fromkeys(c.clause for c in self.citations))
        sources = "; ".join(f"[{c}] {self.corpus.structure.get(c).title}" for c in cited)
        body = "\n\n".join(self.parts)
        return Composed(
            text=f"{body}\n\n**Sources:** {sources}",
            citations=self.citations,
            clauses=clauses or cited,
        )


class Composer:
    """Builds the grounded answer for one question from the units the selector picks."""

    def __init__(self, corpus: Corpus, selector: Selector) -> None:
        self.corpus = corpus
        self.selector = selector

    def compose(self, ask: Ask) -> Composed:
        """The answer to `ask` (most relevant clause first)."""
        out = Composition(self.corpus, self.selector)
        intent = ask.intent if ask.intent in BODY else Intent.HOW_TO
        if ask.intent is Intent.MATURITY:
            return self._maturity(out, ask)
        fit = SECTION_FIT[intent]
        found = self.selector.candidates(fit, ask.clauses)
        picks = self.selector.pick(found, PICKS[intent])
        if ask.opens_with is not None and BODY[intent][0][0] is K.STEP:
            picks = self._first_moves(picks, ask.opens_with)
        if not picks:
            return self._opening_only(out, ask)
        head = self._lead(picks, intent, ask.opens_with)
        covered = self._covered(out, ask, found, head)
        self._direct(out, ask, head, picks, covered)
        self._word(out, ask)
        self._body(out, intent, [p for p in picks if p.unit.id not in out.quoted])
        if not ask.follow_up:
            self._outline(out, intent, head)
        self._also(out, ask)
        return out.finish([])

    def _covered(self, out: Composition, ask: Ask, found: list[Scored], head: Scored) -> bool:
        """A follow-up whose closest passage the answer before already quoted says so, naming the
        passage, rather than leave it out unmentioned ("does the directive even apply to us?"
        after the step that says whom it reaches). Only a passage on the point and clearly closer
        than the new lead counts."""
        if not ask.follow_up:
            return False
        said = [s for s in found if s.unit.title and not out.fresh(s.unit.quote)]
        closest = max(said, key=lambda s: s.relevance, default=None)
        if (
            closest is None
            or closest.relevance < COVERED_SIMILARITY
            or closest.relevance < head.relevance + WHETHER_MARGIN
        ):
            return False
        unit = closest.unit
        cite = out.cite(unit.clause, unit.section, unit.title)
        out.say(f"The answer above already covers this, under “{unit.title}” {cite}.")
        return True

    def _first_moves(self, picks: list[Scored], clause: str) -> list[Scored]:
        """A group note's first moves are a sequence ("Pick one high-volume service", "Gather what
        you hold", …, "Fix the quick wins"): asked where to start, the answer gives it whole and
        in order, not only the moves closest to the question's words."""
        moves = self.selector.sequence(clause, K.STEP)
        ids = {m.unit.id for m in moves}
        return [*moves, *(p for p in picks if p.unit.id not in ids)]

    def _outline(self, out: Composition, intent: Intent, head: Scored) -> None:
        """The titles of the main clauses' steps (or indicators) that the answer did not quote."""
        if intent not in OUTLINE:
            return
        kind, heading = OUTLINE[intent]
        # The clauses the answer quoted most of this kind, the lead's clause first among equals.
        counts = Counter(u.clause for u in out.quoted.values() if u.kind is kind)
        ranked = sorted(counts, key=lambda c: (-counts[c], c != head.unit.clause))
        for clause in (ranked or [head.unit.clause])[:OUTLINE_CLAUSES]:
            line = self._titled(out, clause, kind, f"{heading} {clause}", OUTLINE_WORDS)
            if line:
                out.say(line)

    def _also(self, out: Composition, ask: Ask) -> None:
        """Point to the other clauses retrieval found close, when the answer did not use them,
        with the titles of their steps, so the reader sees what each would add."""
        cited = {c.clause for c in out.citations}
        others = [
            c
            for c in ask.related
            if c not in cited and out.fresh(self.corpus.structure.get(c).label)  # not said before
        ][:ALSO_CLAUSES]
        lines = []
        for other in others:
            label = self.corpus.structure.get(other).label
            titled = self._titled(
                out, other, K.STEP, f"{label}, whose steps include", ALSO_WORDS, ALSO_TITLES
            )
            lines.append(titled or f"{label} {out.cite(other, 'structure', label)}.")
        if len(lines) == 1:
            out.say(f"Also relevant: {lines[0]}")
        elif lines:
            out.say("Also relevant:\n\n" + "\n".join(f"- {line}" for line in lines))

    def _titled(
        self,
        out: Composition,
        clause: str,
        kind: UnitKind,
        opening: str,
        beyond: int,
        most: int | None = None,
    ) -> str | None:
        """`opening: A; B; C. [clause]`, cited: the titles of the clause's units of `kind` that the
        answer did not quote, in the note's order, as many as fit `beyond` the word budget (and at
        most `most`, the closest to the question)."""
        matrix = self.selector.matrix
        rows = [
            r
            for r in matrix.by_clause.get(clause, [])
            if (u := matrix.units[r]).kind is kind and _named(u) and u.id not in out.quoted
        ]
        if most is not None and len(rows) > most:
            closeness = matrix.vectors[rows] @ self.selector.vector
            rows = sorted(rows[i] for i in np.argsort(-closeness)[:most])
        titles = [_named(matrix.units[r]) for r in rows]
        section = matrix.units[rows[0]].section if rows else ""
        while titles:
            line = f"{opening}: {'; '.join(titles)}. [{clause}]"
            if out.fits(line, beyond) and out.fresh(line):
                out.cite(clause, section, "".join(f"{t}. " for t in titles).strip())
                return line
            titles.pop()
        return None

    def _lead(self, picks: list[Scored], intent: Intent, clause: str | None = None) -> Scored:
        """The unit the direct answer opens with: of the kind the question asks for, the closest
        to the question among the first picks (a favoured clause's step may score higher), or
        the best of that kind from `clause` when the opening must come from it."""
        first_kind = BODY[intent][0][0]
        own = [p for p in picks if p.unit.clause == clause and p.unit.kind is first_kind]
        if own:  # a group note's first moves are a sequence: the earliest picked opens
            return min(own, key=lambda p: p.unit.order)
        # A group note without steps (the case for the standard) opens a how-to answer with its
        # closest sentence; a question for indicators or evidence still opens with one of those.
        anything = [p for p in picks if p.unit.clause == clause and first_kind is K.STEP]
        if anything:
            return max(anything, key=lambda p: p.relevance)
        near = [p for p in picks[:LEAD_WITHIN] if p.unit.kind is first_kind]
        if near:
            return max(near, key=lambda p: p.relevance)
        return next((p for p in picks if p.unit.kind is first_kind), picks[0])

    def _direct(
        self, out: Composition, ask: Ask, head: Scored, picks: list[Scored], covered: bool = False
    ) -> None:
        """Two or three sentences that respond to what was asked, then the clause behind them.

        When the answer before already `covered` the question, the lead is not offered as the
        short answer to a yes/no question."""
        situation = "; ".join(s.label for s in ask.situations)
        prefix = f"For your situation ({situation}): " if situation else ""
        unit = head.unit
        whether = ask.yes_no and not covered
        short = self._whether(out, ask, head) if whether else None
        if ask.which_clause:
            label = self.corpus.structure.get(unit.clause).label
            opening = f"The clause that covers this is {label}. {prefix}{out.quote(head)}"
        elif short is not None:
            opening = f"In short: {out.quote(short)}\n\n{prefix}{'Start here: ' if unit.kind is K.STEP else ''}{out.quote(head)}"
        elif whether:
            opening = f"{prefix or 'In short: '}{out.quote(head)}"
        elif unit.kind is K.STEP:
            opening = f"{prefix}Start here: {self._first_move(out, head)}{out.quote(head)}"
        elif unit.kind is K.EVIDENCE:
            opening = f"{prefix}An assessor will look first for this: {out.quote(head)}"
        elif unit.kind is K.INDICATOR:
            opening = f"{prefix}A good first indicator: {out.quote(head)}"
        elif unit.kind is K.PITFALL:
            opening = f"{prefix}The trap to avoid first: {out.quote(head)}"
        elif unit.kind is K.EXAMPLE:
            label = self.corpus.structure.get(unit.clause).label
            opening = f"An illustrative example from {label}: {out.quote(head)}"
        else:
            opening = f"{prefix}{out.quote(head)}"
        out.say(opening)
        if not ask.which_clause and unit.kind is not K.EXAMPLE:
            self._behind(out, ask, head, picks)

    def _first_move(self, out: Composition, head: Scored) -> str:
        """What a group note's first moves build on ("Pick one high-volume journey…"), cited, when
        the opening is its first move: the steps after it say "that journey"."""
        note = self.corpus.note(head.unit.clause)
        section = note.section(head.unit.section) if note else None
        if section is None or head.unit.order != 1 or section.title == "How to meet it":
            return ""
        intro = section.intro(numbered=True)
        if not intro or not out.fresh(intro):
            return ""
        return f"{intro} {out.cite(head.unit.clause, section.title, intro)} "

    def _word(self, out: Composition, ask: Ask) -> None:
        """The glossary's reading of a word the question puts in quotes ("people we fine
        'customers'"): the question is partly about the word itself."""
        if ask.term is None:
            return
        name, text, clauses = ask.term
        clause = clauses[0] if clauses else ask.clauses[0]
        if out.fresh(text):
            out.say(f"On the word itself: **{name}**: {text} {out.cite(clause, 'Glossary', text)}")

    def _whether(self, out: Composition, ask: Ask, head: Scored) -> Scored | None:
        """For a question that asks whether, the sentence of the main clauses that is closest to
        it, when it is clearly closer than the opening step: it says whether before steps say how
        ("Does the European Accessibility Act cover our website?")."""
        running = dict.fromkeys(TITLED_KINDS, 1.0)  # the sentences around steps and lists
        found = self.selector.candidates(running, ask.clauses[:WHETHER_CLAUSES])
        closer = [s for s in found if s.relevance >= head.relevance + WHETHER_MARGIN]
        best = max(closer, key=lambda s: s.score, default=None)  # the main clause's, if close
        return best if best is not None and out.fresh(best.unit.text) else None

    def _behind(self, out: Composition, ask: Ask, head: Scored, picks: list[Scored]) -> None:
        """Name the clause (or two) the answer draws on, with the clause's own summary when new.

        The opening's clause is named first, so the summary that follows is of the clause the
        reader has just been quoted, not of another one.
        """
        if ask.follow_up:
            return
        cited = list(dict.fromkeys([head.unit.clause, *(p.unit.clause for p in picks)]))[:2]
        labels = " and ".join(self.corpus.structure.get(c).label for c in cited)
        note = self.corpus.note(cited[0])
        brief = note.section("In brief") if note else None
        summary = lead(brief.text, 1) if brief else ""
        line = f"This draws on {labels}"
        if summary and out.fresh(summary) and out.fits(summary):
            line += f": {summary} {out.cite(cited[0], 'In brief', summary)}"
        else:
            line += (
                " "
                + " ".join(
                    out.cite(c, "structure", self.corpus.structure.get(c).label) for c in cited
                )
                + "."
            )
        out.say(line)

    def _body(self, out: Composition, intent: Intent, rest: list[Scored]) -> None:
        """The remaining picks, grouped as the intent lists them, within the word budget."""
        for kind, heading, limit in BODY[intent]:
            group = [p for p in rest if p.unit.kind is kind][:limit]
            if kind in NUMBERED:
                group.sort(key=lambda p: (self._clause_rank(out, p), p.unit.order))
            lines = []
            for number, item in enumerate(group, 1):
                marker = f"{number}." if kind in NUMBERED else "-"
                mark = out.mark()
                line = f"{marker} {out.quote(item, True)}" if heading else out.quote(item, True)
                if not out.fits(line):
                    out.undo(mark)
                    break
                lines.append(line)
            if lines:
                joined = "\n".join(lines) if heading else " ".join(lines)
                out.say(f"{heading}\n\n{joined}" if heading else joined)

    @staticmethod
    def _clause_rank(out: Composition, scored: Scored) -> int:
        cited = [c.clause for c in out.citations]
        return cited.index(scored.unit.clause) if scored.unit.clause in cited else len(cited)

    def _opening_only(self, out: Composition, ask: Ask) -> Composed:
        """A clause with no unit of the kind asked for: its summary and where it sits."""
        clause = self.corpus.structure.get(ask.clauses[0])
        note = self.corpus.note(clause.id)
        brief = note.section("In brief") if note else None
        if brief is not None:
            text = lead(brief.text, 2)
            out.say(f"**{clause.label}.** {text} {out.cite(clause.id, 'In brief', text)}")
        else:
            out.say(
                f"{clause.label} (page {clause.page}) {out.cite(clause.id, 'structure', clause.label)}."
            )
        return out.finish(ask.clauses)

    def _maturity(self, out: Composition, ask: Ask) -> Composed:
        """The five maturity levels of the first clause that has them, in order; in a follow-up
        ("what levels would you rate us on?"), of each of the conversation's first two such
        clauses, since the answer before drew on both."""
        rated = [c for c in ask.clauses if (n := self.corpus.note(c)) and n.maturity()]
        if not rated:
            return self._opening_only(out, ask)
        for clause_id in rated[: MATURITY_SCALES if ask.follow_up else 1]:
            self._scale(out, clause_id)
        return out.finish(ask.clauses)

    def _scale(self, out: Composition, clause_id: str) -> None:
        """One clause's maturity levels, each with its first sentence, cited."""
        note = self.corpus.note(clause_id)
        assert note is not None
        levels = note.maturity()
        label = self.corpus.structure.get(clause_id).label
        out.say(
            f"{label} has five maturity levels, from “{levels[0].label}” to “{levels[-1].label}”."
        )
        lines = []
        for level in levels:
            text = lead(level.description, 1)
            quote = f"{level.label}. {text}"
            lines.append(
                f"{level.level}. **{level.label}.** {text} {out.cite(clause_id, 'Maturity levels', quote)}"
            )
        out.say("\n".join(lines))


def _named(unit: Unit) -> str:
    """How an outline names a unit: its title, or a short untitled item (an evidence bullet) whole."""
    if unit.title:
        return unit.title
    return unit.quote.rstrip(".") if len(unit.quote.split()) <= OUTLINE_ITEM_WORDS else ""

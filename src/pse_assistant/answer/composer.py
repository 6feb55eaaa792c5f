"""Grounded answers: composed from the corpus's own sentences, each with an inline clause citation.

No language model is involved. The composer picks the parts of the notes that fit the question (steps,
evidence, indicators, pitfalls, a definition, crosswalk links...), keeps them whole, cites each one as
[7.2.3], and ends with the sources. Only short connective phrases are the composer's own; every
sentence that says what good practice looks like comes from a corpus passage, which the citation quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pse_assistant.answer.intents import Intent
from pse_assistant.answer.models import Citation
from pse_assistant.core.text import lead, sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Note
from pse_assistant.plans.models import ActionPlan
from pse_assistant.search.retrieval import Hit

MAX_WORDS = 350
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the and or of to in on for with at by from is are was be we our us you your i my it this that "
    "how what which who when where why do does can could should would will there their they them as not "
    "into about any all more most some such than then so if".split()
)


@dataclass
class Composed:
    """A composed answer before it is wrapped with its id, status and mode."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def overlap(question: str, text: str) -> float:
    """How many of the question's content words a passage shares (a cheap relevance signal)."""
    asked = _words(question)
    return len(asked & _words(text)) / (len(asked) or 1)


class Composer:
    """Builds the grounded answer for one intent from the notes of the chosen clauses."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._parts: list[str] = []
        self._citations: list[Citation] = []

    # -- bookkeeping -----------------------------------------------------------------------------
    def _cite(self, clause_id: str, section: str, quote: str) -> str:
        clause = self.corpus.structure.get(clause_id)
        note = self.corpus.note(clause_id)
        source = (
            f"corpus/guidance/{clause_id}.md" if note else "corpus/standard/iso-11367-2025.yaml"
        )
        if not any(c.clause == clause_id and c.quote == quote for c in self._citations):
            self._citations.append(
                Citation(
                    clause=clause_id,
                    title=clause.title,
                    section=section,
                    quote=quote,
                    source=source,
                )
            )
        return f"[{clause_id}]"

    def _say(self, text: str) -> None:
        self._parts.append(text)

    def _words_so_far(self) -> int:
        return sum(len(p.split()) for p in self._parts)

    def _fits(self, text: str) -> bool:
        return self._words_so_far() + len(text.split()) <= MAX_WORDS

    def _finish(self, clauses: list[str]) -> Composed:
        cited = list(dict.fromkeys(c.clause for c in self._citations))
        sources = "; ".join(f"[{c}] {self.corpus.structure.get(c).title}" for c in cited)
        body = "\n\n".join(self._parts)
        return Composed(
            text=f"{body}\n\n**Sources:** {sources}",
            citations=self._citations,
            clauses=clauses or cited,
        )

    # -- building blocks -------------------------------------------------------------------------
    def _opening(self, clause_id: str, framing: str | None = None) -> None:
        note = self.corpus.note(clause_id)
        clause = self.corpus.structure.get(clause_id)
        if note is None or note.section("In brief") is None:
            self._say(
                f"{framing or ''}{clause.label} (page {clause.page}) {self._cite(clause_id, 'structure', clause.label)}."
            )
            return
        brief = lead(note.section("In brief").text, 2)  # type: ignore[union-attr]
        prefix = framing if framing is not None else f"**{clause.label}.** "
        self._say(f"{prefix}{brief} {self._cite(clause_id, 'In brief', brief)}")

    def _steps(self, note: Note, question: str, limit: int) -> None:
        steps = note.steps()
        ranked = sorted(steps, key=lambda s: -overlap(question, f"{s.title} {s.text}"))
        chosen = sorted(ranked[:limit], key=lambda s: s.number) if question else steps[:limit]
        lines: list[str] = []
        for number, step in enumerate(chosen, start=1):
            first = lead(step.text, 1)
            line = f"{number}. **{step.title}.** {first} {self._cite(note.clause, 'How to meet it', f'{step.title}. {first}')}"
            if not self._fits(line) and lines:
                break
            lines.append(line)
        if lines:
            self._say("\n".join(lines))

    def _bullets(self, note: Note, section: str, question: str, limit: int, intro: str) -> None:
        items = note.bullets(section)
        ranked = sorted(items, key=lambda b: -overlap(question, b.text))[:limit]
        chosen = [b for b in items if b in ranked]
        lines: list[str] = []
        for block in chosen:
            text = " ".join(block.text.split())
            line = f"- {text} {self._cite(note.clause, section, text)}"
            if not self._fits(line) and lines:
                break
            lines.append(line)
        if lines:
            self._say(intro + "\n\n" + "\n".join(lines))

    def _passages(self, hits: list[Hit], question: str, limit: int) -> None:
        """Fallback for notes without the structured section asked for: the best retrieved sentences."""
        used = 0
        for hit in hits:
            if not hit.clause or used >= limit or hit.doc_type not in {"guidance", "user document"}:
                continue
            best = sorted(sentences(hit.text), key=lambda s: -overlap(question, s))[:2]
            text = " ".join(s for s in sentences(hit.text) if s in best)
            if text and self._fits(text):
                self._say(f"{text} {self._cite(hit.clause, hit.section, text)}")
                used += 1

    # -- answers by intent -----------------------------------------------------------------------
    def compose(
        self, intent: Intent, question: str, clauses: list[str], hits: list[Hit]
    ) -> Composed:
        """The answer for `intent` about `clauses` (most relevant first)."""
        self._parts, self._citations = [], []
        main = clauses[0]
        note = self.corpus.note(main)
        handler = {
            Intent.EVIDENCE: self._evidence,
            Intent.INDICATORS: self._indicators,
            Intent.PITFALLS: self._pitfalls,
            Intent.EXAMPLE: self._example,
            Intent.MATURITY: self._maturity,
            Intent.WORKSHOP: self._workshop,
            Intent.CROSSWALK: self._crosswalk,
            Intent.COMPARISON: self._comparison,
            Intent.SUMMARY: self._summary,
        }.get(intent, self._how_to)
        handler(question, clauses, note, hits)
        if self._words_so_far() < 120 and note is not None:
            self._enrich(question, clauses, hits)
        return self._finish(clauses)

    def _enrich(self, question: str, clauses: list[str], hits: list[Hit]) -> None:
        """Short answers get the next most relevant passage, so a reader has enough to act on."""
        cited = {c.quote for c in self._citations}
        for hit in hits:
            if (
                hit.doc_type != "guidance"
                or hit.clause not in clauses[:2]
                or self._words_so_far() >= 120
            ):
                continue
            text = lead(hit.text, 2)
            if (
                text
                and text not in cited
                and not hit.text.lstrip().startswith(("1.", "-"))
                and self._fits(text)
            ):
                self._say(f"{text} {self._cite(hit.clause, hit.section, text)}")
                cited.add(text)

    def _how_to(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        if note is not None and note.steps():
            self._say("Steps that fit your question:")
            self._steps(note, question, 5)
        else:
            self._passages([h for h in hits if h.clause == main] or hits, question, 3)
        if len(clauses) > 1 and (other := self.corpus.note(clauses[1])) and other.steps():
            step = max(other.steps(), key=lambda s: overlap(question, f"{s.title} {s.text}"))
            first = lead(step.text, 1)
            line = f"See also {self.corpus.structure.get(clauses[1]).label}: **{step.title}.** {first} {self._cite(other.clause, 'How to meet it', f'{step.title}. {first}')}"
            if self._fits(line):
                self._say(line)

    def _summary(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        clause = self.corpus.structure.get(main)
        self._opening(main)
        if note is None:
            return
        why = note.section("Why it matters in public services")
        if why is not None:
            text = lead(why.text, 2)
            self._say(f"{text} {self._cite(main, why.title, text)}")
        steps = note.steps()
        if steps:
            titles = "; ".join(s.title.lower() for s in steps[:6])
            quote = " ".join(f"{s.title}." for s in steps[:6])
            self._say(f"In practice: {titles} {self._cite(main, 'How to meet it', quote)}.")
        elif children := self.corpus.structure.children(main):
            names = "; ".join(c.label for c in children)
            self._say(f"{clause.label} groups {names} {self._cite(main, 'structure', names)}.")
        links = note.related_links()[:3]
        if links:
            related = "; ".join(f"{self.corpus.structure.get(r.clause).label}" for r in links)
            self._say(f"Related: {related}.")

    def _evidence(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        if note is not None and note.bullets("Evidence an assessor looks for"):
            self._bullets(
                note, "Evidence an assessor looks for", question, 6, "What an assessor looks for:"
            )
        else:
            self._passages(hits, question, 3)

    def _indicators(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        indicators = note.indicators() if note else []
        if not indicators:
            self._passages(hits, question, 3)
            return
        lines = ["Indicators to track:"]
        for ind in indicators[:4]:
            quote = f"{ind.definition} {ind.good_target}"
            line = (
                f"- **{ind.name}**: {ind.definition} Measure: {ind.how_to_measure} "
                f"Good target: {ind.good_target} {self._cite(main, 'Indicators', quote)}"
            )
            if not self._fits(line) and len(lines) > 2:
                break
            lines.append(line)
        self._say("\n".join(lines))

    def _pitfalls(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        if note is not None and note.bullets("Common pitfalls"):
            self._bullets(note, "Common pitfalls", question, 5, "Common pitfalls:")
        else:
            self._passages(hits, question, 3)

    def _example(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        section = note.section("Example") if note else None
        if section is None:
            self._passages(hits, question, 2)
            return
        text = " ".join(sentences(section.text)[:6])
        self._say(f"An example: {text} {self._cite(main, 'Example', text)}")

    def _maturity(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        levels = note.maturity() if note else []
        if not levels:
            self._passages(hits, question, 3)
            return
        lines = ["Five maturity levels:"]
        for level in levels:
            text = lead(level.description, 1)
            lines.append(
                f"{level.level}. **{level.label}.** {text} {self._cite(main, 'Maturity levels', f'{level.label}. {text}')}"
            )
        self._say("\n".join(lines))

    def _workshop(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        main = clauses[0]
        self._opening(main)
        if note is None or not note.quiz():
            self._passages(hits, question, 2)
            return
        exercise = note.exercise()
        if exercise:
            text = lead(exercise, 3)
            self._say(f"Exercise: {text} {self._cite(main, 'Workshop prompts', text)}")
        lines = ["Quiz:"]
        for number, q in enumerate(note.quiz()[:3], start=1):
            options = "; ".join(f"{k}) {v}" for k, v in q.options.items())
            line = f"{number}. {q.question} {options}. Answer: {q.answer}. {lead(q.explanation, 1)} {self._cite(main, 'Workshop prompts', q.question)}"
            if not self._fits(line) and len(lines) > 1:
                break
            lines.append(line)
        self._say("\n".join(lines))

    def _crosswalk(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        wanted = [
            fw for fw, pattern in _FRAMEWORK_WORDS.items() if pattern.search(question)
        ] or list(self.corpus.crosswalks)
        lines: list[str] = []
        for clause_id in clauses[:3]:
            for framework in wanted:
                crosswalk = self.corpus.crosswalks[framework]
                for link in crosswalk.for_clause(clause_id)[:3]:
                    target = crosswalk.targets.get(link.target, "")
                    line = (
                        f"- {self.corpus.structure.get(clause_id).label} ↔ {crosswalk.name.split(' —')[0]} "
                        f"{link.target} {target}: {link.rationale} {self._cite(clause_id, framework, link.rationale)}"
                    )
                    if self._fits(line):
                        lines.append(line)
        self._say(
            "How the clauses line up (the project's mapping, to check against each framework):"
        )
        if lines:
            self._say("\n".join(lines))
        else:
            self._opening(clauses[0])

    def definition(
        self, term: str, definition: str, clauses: list[str], question: str, hits: list[Hit]
    ) -> Composed:
        """A glossary definition, then the clause where the term matters most."""
        self._parts, self._citations = [], []
        main = clauses[0] if clauses else (hits[0].clause if hits else "3")
        self._say(f"**{term}**: {definition} {self._cite(main, 'Glossary', definition)}")
        if clauses:
            names = ", ".join(self.corpus.structure.get(c).label for c in clauses[:3])
            self._say(f"Where it matters: {names}.")
        self._opening(main, framing="In practice: ")
        if self._words_so_far() < 120:
            self._enrich(question, [main], hits)
        return self._finish(clauses or [main])

    def _comparison(
        self, question: str, clauses: list[str], note: Note | None, hits: list[Hit]
    ) -> None:
        pair = clauses[:2]
        for clause_id in pair:
            self._opening(clause_id)
        if len(pair) == 2 and note is not None:
            link = next((r for r in note.related_links() if r.clause == pair[1]), None)
            if link is not None and link.why:
                text = link.why
                self._say(f"How they connect: {text} {self._cite(pair[0], 'Related', text)}")
            other = self.corpus.note(pair[1])
            if other is not None and (steps := other.steps()) and note.steps():
                a, b = note.steps()[0], steps[0]
                self._say(
                    f"Where each starts in practice: {a.title.lower()} {self._cite(pair[0], 'How to meet it', a.title)}, "
                    f"against {b.title.lower()} {self._cite(pair[1], 'How to meet it', b.title)}."
                )


def compose_plan(corpus: Corpus, plan: ActionPlan, command: str) -> Composed:
    """A chat-sized view of a drafted plan: its summary, objectives and first actions, each cited."""
    composer = Composer(corpus)
    main = plan.clauses[0]
    note = corpus.note(main)
    brief = note.section("In brief") if note else None
    opening = lead(brief.text, 2) if brief else plan.title
    composer._say(f"**{plan.title}.** {plan.summary} {composer._cite(main, 'In brief', opening)}")
    composer._say("Objectives:\n\n" + "\n".join(f"- {o.text}" for o in plan.objectives[:3]))
    lines = []
    for action in plan.actions[:5]:
        note = corpus.note(action.source_clause)
        step = (
            next((s for s in note.steps() if s.number == action.source_step), None)
            if note
            else None
        )
        quote = f"{step.title}. {lead(step.text, 1)}" if step else action.title
        months = f"M{action.start_month}" + (
            f"–M{action.end_month}" if action.end_month != action.start_month else ""
        )
        line = f"- {months} **{action.title}** ({action.owner_role}) {composer._cite(action.source_clause, 'How to meet it', quote)}"
        if composer._fits(line):
            lines.append(line)
    composer._say("First actions:\n\n" + "\n".join(lines))
    composer._say(
        f"The full plan has {len(plan.actions)} actions, {len(plan.indicators)} indicators and "
        f"{len(plan.risks)} risks. Tailor and download it (DOCX, XLSX, Markdown) in the Plan tab, or run "
        f"`{command}`."
    )
    return composer._finish(plan.clauses)


def find_term(corpus: Corpus, question: str) -> tuple[str, str, list[str]] | None:
    """The glossary term (or alias) a question names: (term, definition, clauses), longest match first."""
    lowered = f" {question.lower()} "
    best: tuple[int, tuple[str, str, list[str]]] | None = None
    for term in corpus.glossary:
        for name in [term.term, *term.aliases]:
            name_l = name.lower()
            if re.search(rf"(?<![a-z]){re.escape(name_l)}s?(?![a-z])", lowered) and (
                best is None or len(name_l) > best[0]
            ):
                best = (len(name_l), (term.term, term.definition, term.clauses))
    return best[1] if best else None


_FRAMEWORK_WORDS = {
    "iso9001": re.compile(r"9001", re.I),
    "caf2020": re.compile(r"\bCAF\b", re.I),
    "cse": re.compile(r"\bCSE\b|Customer Service Excellence", re.I),
    "iso23592": re.compile(r"23592", re.I),
}

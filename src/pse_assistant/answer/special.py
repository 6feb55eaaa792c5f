"""Answers with a shape of their own: definitions, crosswalks, comparisons, workshop material, plans.

Like every grounded answer, these quote the corpus (a glossary entry, a crosswalk rationale, a note's
summary, a quiz question, a plan's own steps) with the clause cited, and never say a sentence twice.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache

from pse_assistant.answer.composer import Composed, Composition
from pse_assistant.core.text import lead, trim_sentences
from pse_assistant.corpus.loader import Corpus, within
from pse_assistant.corpus.notes import Note
from pse_assistant.plans.models import ActionPlan

SUMMARY_STEP_WORDS = 22  # a step's first sentence is quoted in a summary when it is this short
SUMMARY_RESERVE = 30  # words kept free for the related clauses and the sources line
HOMES = 5  # the clauses shown that map to a framework clause the question names
START = "Where to start"  # a group note's first steps
PARTS_SKIPPED = frozenset({"In brief", "Related"})
FRAMEWORK_WORDS = {
    "iso9001": re.compile(r"9001", re.I),
    "caf2020": re.compile(r"\bCAF\b", re.I),
    "cse": re.compile(r"\bCSE\b|Customer Service Excellence", re.I),
    "iso23592": re.compile(r"23592", re.I),
}


def opening(out: Composition, clause_id: str, framing: str | None = None) -> None:
    """A clause's own summary (its "In brief"), or its place in the structure when it has no note."""
    note = out.corpus.note(clause_id)
    clause = out.corpus.structure.get(clause_id)
    brief = note.section("In brief") if note else None
    if brief is None:
        cite = out.cite(clause_id, "structure", clause.label)
        out.say(f"{framing or ''}{clause.label} (page {clause.page}) {cite}.")
        return
    text = lead(brief.text, 2)
    if not out.fresh(text):
        text = lead(brief.text, 1) if out.fresh(lead(brief.text, 1)) else ""
    prefix = framing if framing is not None else f"**{clause.label}.** "
    if text:
        out.say(f"{prefix}{text} {out.cite(clause_id, 'In brief', text)}")


def summary(out: Composition, clauses: list[str]) -> Composed:
    """A clause as a whole: what it is about, why it matters, its steps in brief, what it groups."""
    main = clauses[0]
    clause = out.corpus.structure.get(main)
    opening(out, main)
    note = out.corpus.note(main)
    if note is None:
        return out.finish(clauses)
    why = note.section("Why it matters in public services")
    if why is not None and out.fresh(text := lead(why.text, 2)):
        out.say(f"{text} {out.cite(main, why.title, text)}")
    grouped: set[str] = set()
    if not note.steps() and (children := out.corpus.structure.children(main)):
        names = "; ".join(c.label for c in children)
        out.say(f"{clause.label} groups {names} {out.cite(main, 'structure', names)}.")
        grouped = {c.id for c in children}
    # A group note's steps are where to start; a terms or benefits note has none: its parts instead.
    section = "How to meet it" if note.steps() else START
    lines = []
    for step in note.steps(section):
        first = trim_sentences(step.text, max_words=SUMMARY_STEP_WORDS)
        if not step.title:  # an untitled step is said by its first sentence, however long
            first = lead(step.text, 1)
        elif len(first.split()) > SUMMARY_STEP_WORDS:
            first = ""  # a long first sentence: the title alone says what the step is
        quote = f"{step.title}. {first}".strip() if step.title else first
        mark = out.mark()
        cite = out.cite(main, section, quote)
        titled = f"**{step.title}.** " if step.title else ""
        line = f"{step.number}. {titled}{first} {cite}".replace("  ", " ")
        if not out.fits(line + " " * SUMMARY_RESERVE) or (first and not out.fresh(first)):
            out.undo(mark)
            break
        lines.append(line)
    if lines:
        heading = "In practice:" if section != START else f"{START}:"
        out.say(f"{heading}\n\n" + "\n".join(lines))
    elif not grouped:
        _parts(out, main, note)
    links = [r.clause for r in note.related_links() if r.clause not in grouped]
    related = [out.corpus.structure.get(c).label for c in links[:3]]
    if related:
        out.say(f"Related: {'; '.join(related)}.")
    return out.finish(clauses)


def _parts(out: Composition, main: str, note: Note) -> None:
    """What a note without steps sets out, section by section: the items its lists name ("Terms
    that need care: Customer/citizen; Stakeholder; …"), or the section's opening sentence."""
    lines = []
    for section in note.sections:
        if section.title in PARTS_SKIPPED:
            continue
        titles = section.titles()
        said = "; ".join(titles) if titles else lead(section.around(False), 1)
        if not said or not out.fresh(said):
            continue
        mark = out.mark()
        line = f"- {section.title}: {said} {out.cite(main, section.title, said)}"
        if not out.fits(line + " " * SUMMARY_RESERVE):
            out.undo(mark)
            break
        lines.append(line)
    if lines:
        out.say("Our note sets out:\n\n" + "\n".join(lines))


def definition(out: Composition, term: str, text: str, clauses: list[str], main: str) -> Composed:
    """A glossary definition, then where the term matters and what it means in practice."""
    out.say(f"**{term}**: {text} {out.cite(main, 'Glossary', text)}")
    if clauses:
        labels = {c: out.corpus.structure.get(c).label for c in clauses[:3]}
        names = "; ".join(
            f"{label} {out.cite(c, 'structure', label)}" for c, label in labels.items()
        )
        out.say(f"Where it matters: {names}.")
    opening(out, main, framing="In practice: ")
    return out.finish(clauses or [main])


def crosswalk(
    out: Composition, question: str, clauses: list[str], named: Sequence[tuple[str, str]] = ()
) -> Composed:
    """How the clauses line up with the frameworks the question names (all four when none); the
    links to a framework clause the question `named` ("ISO 9001 10.2") come first."""
    wanted = [fw for fw, p in FRAMEWORK_WORDS.items() if p.search(question)] or list(
        out.corpus.crosswalks
    )
    lines: list[str] = []
    for clause_id in clauses[: HOMES if named else 3]:
        label = out.corpus.structure.get(clause_id).label
        for framework in wanted:
            cw = out.corpus.crosswalks[framework]
            links = cw.for_clause(clause_id)
            asked = [
                link
                for link in links
                if any(fw == framework and within(link.target, t) for fw, t in named)
            ]
            for link in asked if named else links[:3]:
                target = cw.targets.get(link.target, "")
                mark = out.mark()
                cite = out.cite(clause_id, framework, link.rationale)
                line = f"- {label} ↔ {cw.name.split(' —')[0]} {link.target} {target}: {link.rationale} {cite}"
                if out.fits(line) and out.fresh(link.rationale):
                    lines.append(line)
                else:
                    out.undo(mark)
    out.say("How the clauses line up (the project's mapping, to check against each framework):")
    if lines:
        out.say("\n".join(lines))
    else:
        opening(out, clauses[0])
    return out.finish(clauses)


def comparison(out: Composition, clauses: list[str]) -> Composed:
    """Two clauses side by side: what each is about, how they connect, where each starts."""
    pair = clauses[:2]
    for clause_id in pair:
        opening(out, clause_id)
    note = out.corpus.note(pair[0])
    if len(pair) == 2 and note is not None:
        link = next((r for r in note.related_links() if r.clause == pair[1]), None)
        if link is not None and link.why and out.fresh(link.why):
            out.say(f"How they connect: {link.why} {out.cite(pair[0], 'Related', link.why)}")
        other = out.corpus.note(pair[1])
        if other is not None and other.steps() and note.steps():
            a, b = note.steps()[0], other.steps()[0]
            out.say(
                f"Where each starts in practice: {a.title.lower()} "
                f"{out.cite(pair[0], 'How to meet it', a.title)}, against {b.title.lower()} "
                f"{out.cite(pair[1], 'How to meet it', b.title)}."
            )
    return out.finish(clauses)


def workshop(out: Composition, clauses: list[str]) -> Composed:
    """An exercise and quiz questions from the first clause that has them."""
    main = next((c for c in clauses if (n := out.corpus.note(c)) and n.quiz()), None)
    if main is None:  # no exercise or quiz for these clauses: what they set out, to build one on
        return summary(out, clauses)
    opening(out, main)
    note = out.corpus.note(main)
    assert note is not None
    exercise = note.exercise()
    if exercise:
        text = lead(exercise, 3)
        out.say(f"Exercise: {text} {out.cite(main, 'Workshop prompts', text)}")
    lines = ["Quiz:"]
    for number, q in enumerate(note.quiz()[:3], start=1):
        options = "; ".join(f"{k}) {v.rstrip('.')}" for k, v in q.options.items())
        mark = out.mark()
        cite = out.cite(main, "Workshop prompts", q.question)
        line = (
            f"{number}. {q.question} {options}. Answer: {q.answer}. {lead(q.explanation, 1)} {cite}"
        )
        if not out.fits(line) and len(lines) > 1:
            out.undo(mark)
            break
        lines.append(line)
    out.say("\n".join(lines))
    return out.finish([main, *[c for c in clauses if c != main]])


def compose_plan(
    corpus: Corpus, plan: ActionPlan, command: str, said_before: Collection[str] = ()
) -> Composed:
    """A chat-sized view of a drafted plan: its summary, objectives and first actions, each cited.

    An objective that would say again a sentence of `said_before` (the answer the plan is made
    from) is left to the full plan.
    """
    out = Composition(corpus)
    out.said |= set(said_before)
    main = plan.clauses[0]
    note = corpus.note(main)
    brief = note.section("In brief") if note else None
    summary = lead(brief.text, 2) if brief else plan.title
    out.say(f"**{plan.title}.** {plan.summary} {out.cite(main, 'In brief', summary)}")
    objectives = [o.text for o in plan.objectives if out.fresh(o.text)][:3]
    if objectives:
        out.say("Objectives:\n\n" + "\n".join(f"- {o}" for o in objectives))
    lines = []
    for action in plan.actions[:10]:
        source = corpus.note(action.source_clause)
        step = (
            next((s for s in source.steps() if s.number == action.source_step), None)
            if source
            else None
        )
        # What the action does, in the step's first sentence, unless the answer before said it.
        does = lead(step.text, 1) if step else ""
        quote = f"{step.title}. {does}" if step else action.title
        months = f"M{action.start_month}" + (
            f"–M{action.end_month}" if action.end_month != action.start_month else ""
        )
        named = f"- {months} **{action.title}** ({action.owner_role})"
        full = [f"{named}: {does} [{action.source_clause}]"] if does and out.fresh(does) else []
        for candidate in [*full, f"{named} [{action.source_clause}]"]:
            if out.fits(candidate):
                out.cite(action.source_clause, "How to meet it", quote)
                lines.append(candidate)
                break
    out.say("First actions:\n\n" + "\n".join(lines))
    names = ", ".join(i.name for i in plan.indicators[:6])
    if names:
        out.say(f"Indicators: {names}.")
    out.say(
        f"The full plan has {len(plan.actions)} actions, {len(plan.indicators)} indicators and "
        f"{len(plan.risks)} risks. Tailor and download it (DOCX, XLSX, Markdown) in the Plan tab, or run "
        f"`{command}`."
    )
    return out.finish(plan.clauses)


def find_term(
    corpus: Corpus, question: str, quoted: bool = False
) -> tuple[str, str, list[str]] | None:
    """The glossary term (or alias) a question names: (term, definition, clauses), longest first;
    with `quoted`, only a term in quotation marks ("people we fine 'customers'")."""
    lowered = f" {question.lower()} "
    best: tuple[int, tuple[str, str, list[str]]] | None = None
    for term in corpus.glossary:
        for name in [term.term, *term.aliases]:
            name_l = name.lower()
            if _term_pattern(name_l, quoted).search(lowered) and (
                best is None or len(name_l) > best[0]
            ):
                best = (len(name_l), (term.term, term.definition, term.clauses))
    return best[1] if best else None


@cache
def _term_pattern(name: str, quoted: bool) -> re.Pattern[str]:
    """A glossary name (or its plural) as a whole word, or in quotation marks: compiled once, as
    the glossary's few hundred names would otherwise overflow `re`'s own cache on every question."""
    before, after = (r"['‘“\"]", r"['’”\"]") if quoted else (r"(?<![a-z])", r"(?![a-z])")
    return re.compile(rf"{before}{re.escape(name)}s?{after}")

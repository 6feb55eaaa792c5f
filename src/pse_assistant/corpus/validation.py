"""Corpus validation: every problem reported at once, as `file:line: message`, for editors and CI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pse_assistant.core.errors import CorpusError
from pse_assistant.corpus.loader import GLOSSARY_FILE, GUIDANCE_DIR, Corpus, load_corpus
from pse_assistant.corpus.notes import Note
from pse_assistant.corpus.structure import ClauseKind
from pse_assistant.corpus.toolkit import Case
from pse_assistant.corpus.validation_toolkit import check_toolkit

FULL_SECTIONS = (
    "In brief",
    "Why it matters in public services",
    "How to meet it",
    "Evidence an assessor looks for",
    "Indicators",
    "Common pitfalls",
    "Example",
    "Workshop prompts",
    "Maturity levels",
    "Related",
)
FULL_KINDS = {ClauseKind.PRINCIPLE, ClauseKind.SUB_ELEMENT}
NO_NOTE_KINDS = {ClauseKind.REFERENCES, ClauseKind.BIBLIOGRAPHY}
MIN_WORDS = {ClauseKind.SUB_ELEMENT: 700, ClauseKind.PRINCIPLE: 400}
DEFAULT_MIN_WORDS = 250
MIN_GLOSSARY_TERMS = 30
SHARED_SENTENCE_WORDS = 12
MIN_ITEMS = {"How to meet it": 5, "Evidence an assessor looks for": 4, "Common pitfalls": 3}
MIN_INDICATORS = 3
MIN_QUIZ = 3
MATURITY_LEVELS = 5


def validate_corpus(root: Path) -> list[CorpusError]:
    """Load and check the corpus under `root`; an empty list means it is valid."""
    problems: list[CorpusError] = []
    try:
        corpus = load_corpus(root, problems)
    except CorpusError as error:
        return [error]
    unreadable = {p.path for p in problems}
    problems.extend(check_corpus(corpus, check_glossary=root / GLOSSARY_FILE not in unreadable))
    return sorted(problems, key=lambda p: (str(p.path), p.line))


def check_corpus(corpus: Corpus, check_glossary: bool = True) -> list[CorpusError]:
    """Every content check on a loaded corpus (the glossary's only when it could be read)."""
    problems = list(_structure(corpus))
    for clause in corpus.structure:
        if clause.kind not in NO_NOTE_KINDS and clause.id not in corpus.notes:
            path = corpus.root / GUIDANCE_DIR / f"{clause.id}.md"
            problems.append(CorpusError(path, 1, f"missing guidance note for clause {clause.id}"))
    for note in corpus.notes.values():
        problems.extend(_note(corpus, note))
    problems.extend(_shared_sentences(corpus))
    problems.extend(_crosswalks(corpus))
    problems.extend(check_toolkit(corpus))
    if check_glossary:
        problems.extend(_glossary(corpus))
    return problems


def _structure(corpus: Corpus) -> Iterator[CorpusError]:
    path = corpus.root / "standard" / "iso-11367-2025.yaml"
    last_page = 0
    for clause in corpus.structure:
        if clause.parent is not None and clause.parent not in corpus.structure:
            yield CorpusError(path, 1, f"clause {clause.id} has unknown parent {clause.parent}")
        if clause.page < last_page:
            yield CorpusError(path, 1, f"clause {clause.id} page {clause.page} goes backwards")
        last_page = clause.page


def _note(corpus: Corpus, note: Note) -> Iterator[CorpusError]:
    meta, path = note.meta, note.path

    def at(key: str) -> int:
        return note.meta_lines.get(key, 2)

    if note.path.stem != meta.clause:
        yield CorpusError(path, at("clause"), f"file name should be {meta.clause}.md")
    if meta.clause not in corpus.structure:
        nearest = ", ".join(corpus.structure.nearest(meta.clause))
        yield CorpusError(path, at("clause"), f"unknown clause {meta.clause} (nearest: {nearest})")
        return
    clause = corpus.structure.get(meta.clause)
    if meta.title != clause.title:
        yield CorpusError(
            path, at("title"), f"title {meta.title!r} differs from the structure: {clause.title!r}"
        )
    if meta.kind != clause.kind:
        yield CorpusError(
            path, at("kind"), f"kind {meta.kind} differs from the structure: {clause.kind}"
        )
    for ref in meta.related:
        if ref == meta.clause:
            yield CorpusError(path, at("related"), f"related lists the note's own clause {ref}")
        elif ref not in corpus.structure:
            nearest = ", ".join(corpus.structure.nearest(ref))
            yield CorpusError(
                path, at("related"), f"unknown clause {ref} in related (nearest: {nearest})"
            )
    yield from _links(corpus, note)
    yield from _sections(note, clause.kind)
    minimum = MIN_WORDS.get(clause.kind, DEFAULT_MIN_WORDS)
    if note.words < minimum:
        yield CorpusError(
            path,
            note.body_line,
            f"{note.words} words, below the {minimum}-word minimum for a {clause.kind}",
        )


def _links(corpus: Corpus, note: Note) -> Iterator[CorpusError]:
    """Front-matter framework links must exist in their framework and in its crosswalk file."""
    declared = {"iso9001": note.meta.iso9001} | note.meta.frameworks.model_dump()
    for framework, targets in declared.items():
        crosswalk = corpus.crosswalks.get(framework)
        if crosswalk is None:
            continue
        key = "iso9001" if framework == "iso9001" else "frameworks"
        line = note.meta_lines.get(key, 2)
        linked = {link.target for link in crosswalk.for_clause(note.clause)}
        for target in targets:
            if target not in crosswalk.targets:
                yield CorpusError(note.path, line, f"unknown {framework} id {target!r}")
            elif target not in linked:
                yield CorpusError(
                    note.path,
                    line,
                    f"{framework} {target} has no rationale in {crosswalk.path.name}",
                )
        for target in sorted(linked - set(targets)):
            yield CorpusError(
                note.path,
                line,
                f"{crosswalk.path.name} links {framework} {target}; front matter does not",
            )


def _sections(note: Note, kind: ClauseKind) -> Iterator[CorpusError]:
    titles = [s.title for s in note.sections]
    end = note.body_line + note.body.count("\n")
    if not titles:
        yield CorpusError(note.path, note.body_line, "no sections (H2 headings)")
        return
    if kind not in FULL_KINDS:
        if titles[0] != "In brief":
            yield CorpusError(
                note.path, note.sections[0].line, "the first section must be 'In brief'"
            )
        if titles[-1] != "Related":
            yield CorpusError(
                note.path, note.sections[-1].line, "the last section must be 'Related'"
            )
    else:
        for expected in FULL_SECTIONS:
            if expected not in titles:
                yield CorpusError(note.path, end, f"missing section '{expected}'")
        present = [t for t in titles if t in FULL_SECTIONS]
        order = [t for t in FULL_SECTIONS if t in present]
        for section in note.sections:
            if section.title not in FULL_SECTIONS:
                yield CorpusError(note.path, section.line, f"unexpected section '{section.title}'")
        if present != order:
            first_wrong = next(a for a, b in zip(present, order, strict=True) if a != b)
            line = next(s.line for s in note.sections if s.title == first_wrong)
            yield CorpusError(note.path, line, f"section '{first_wrong}' is out of order")
        yield from _shapes(note)
    related = set(note.meta.related)
    for link in note.related_links():
        if link.clause not in related:
            yield CorpusError(
                note.path,
                link.line,
                f"Related names [{link.clause}], which front matter 'related' lacks",
            )


def _shapes(note: Note) -> Iterator[CorpusError]:
    """The list shapes that plans, workshops and assessments read."""
    for title, minimum in MIN_ITEMS.items():
        section = note.section(title)
        if section is None:
            continue
        count = len(section.items(numbered=title == "How to meet it"))
        if count < minimum:
            yield CorpusError(
                note.path, section.line, f"'{title}' has {count} items; at least {minimum}"
            )
    for step in note.steps():
        if not step.title:
            yield CorpusError(
                note.path, step.line, "a step must start with a bold title: 1. **Title.** ..."
            )
    indicators = note.section("Indicators")
    if indicators is not None:
        found = note.indicators()
        if len(found) < MIN_INDICATORS:
            yield CorpusError(
                note.path, indicators.line, f"{len(found)} indicators; at least {MIN_INDICATORS}"
            )
        for ind in found:
            for field in ("definition", "how_to_measure", "good_target"):
                if getattr(ind, field) is None:
                    label = field.replace("_", " ").capitalize()
                    yield CorpusError(
                        note.path, ind.line, f"indicator '{ind.name}' lacks '- {label}:'"
                    )
    workshop = note.section("Workshop prompts")
    if workshop is not None:
        if note.exercise() is None:
            yield CorpusError(note.path, workshop.line, "Workshop prompts lacks an '### Exercise'")
        quiz = note.quiz()
        if len(quiz) < MIN_QUIZ:
            yield CorpusError(
                note.path, workshop.line, f"{len(quiz)} quiz questions; at least {MIN_QUIZ}"
            )
        for q in quiz:
            if len(q.options) < 3:
                yield CorpusError(note.path, q.line, "a quiz question needs options A), B), C)")
            if q.answer is None or q.answer not in q.options:
                yield CorpusError(
                    note.path, q.line, "a quiz question needs '- Answer: X.' naming an option"
                )
    maturity = note.section("Maturity levels")
    if maturity is not None:
        levels = note.maturity()
        if len(levels) != MATURITY_LEVELS or any(not lv.label for lv in levels):
            yield CorpusError(
                note.path,
                maturity.line,
                "Maturity levels needs exactly five items '1. **Label.** ...'",
            )


def _shared_sentences(corpus: Corpus) -> Iterator[CorpusError]:
    """No long sentence in two notes, nor in a worked case and a note, nor in both cases."""
    seen: dict[str, tuple[Note | Case, int]] = {}
    docs: list[Note | Case] = [*corpus.notes.values(), *corpus.cases.values()]
    for doc in docs:
        for sentence, line in doc.sentences(SHARED_SENTENCE_WORDS):
            first = seen.get(sentence)
            if first is None:
                seen[sentence] = (doc, line)
            elif first[0].path != doc.path:
                where = f"{first[0].path.parent.name}/{first[0].path.name}:{first[1]}"
                preview = " ".join(sentence.split()[:8])
                yield CorpusError(doc.path, line, f"sentence shared with {where}: '{preview} ...'")


def _crosswalks(corpus: Corpus) -> Iterator[CorpusError]:
    for crosswalk in corpus.crosswalks.values():
        for clause_id, links in crosswalk.links.items():
            line = crosswalk.link_lines.get(clause_id, 1)
            if clause_id not in corpus.structure:
                nearest = ", ".join(corpus.structure.nearest(clause_id))
                yield CorpusError(
                    crosswalk.path, line, f"unknown clause {clause_id} (nearest: {nearest})"
                )
            for link in links:
                if link.target not in crosswalk.targets:
                    yield CorpusError(
                        crosswalk.path,
                        link.line,
                        f"unknown {crosswalk.framework} id {link.target!r}",
                    )
            targets = [link.target for link in links]
            for target in {t for t in targets if targets.count(t) > 1}:
                yield CorpusError(crosswalk.path, line, f"{clause_id} links {target} twice")


def _glossary(corpus: Corpus) -> Iterator[CorpusError]:
    path = corpus.root / GLOSSARY_FILE
    terms = corpus.glossary
    if len(terms) < MIN_GLOSSARY_TERMS:
        yield CorpusError(path, 1, f"{len(terms)} terms; at least {MIN_GLOSSARY_TERMS}")
    names: dict[str, int] = {}
    for term in terms:
        key = term.term.lower()
        if key in names:
            yield CorpusError(
                path, term.line, f"duplicate term '{term.term}' (first at line {names[key]})"
            )
        names.setdefault(key, term.line)
    for term in terms:
        for ref in term.clauses:
            if ref not in corpus.structure:
                yield CorpusError(path, term.line, f"term '{term.term}' names unknown clause {ref}")
        for other in term.see_also:
            if other.lower() not in names:
                yield CorpusError(
                    path, term.line, f"term '{term.term}' sees also unknown term '{other}'"
                )

"""Checks on what the notes point at: catalogue ids and targets, references and years, `last_reviewed`,
and the shapes of templates, worked cases and the rubric. `validation.check_corpus` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pse_assistant.core.errors import CorpusError
from pse_assistant.corpus.catalogue import INDICATORS_FILE, OUR_SUGGESTION, REFERENCES_FILE
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import WORD, Note
from pse_assistant.corpus.structure import ClauseKind
from pse_assistant.corpus.toolkit import CASE_CLOSING, CASE_INTRO, RUBRIC_FILE, Case, Template

FULL_KINDS = {ClauseKind.PRINCIPLE, ClauseKind.SUB_ELEMENT}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A standard as note bodies name it: ISO 10002:2018, ISO/TS 24082:2021, ISO/IEC 27001:2022,
# EN 301 549 V3.2.1. "ISO/TC 312" (a committee) is not a standard and does not match.
STANDARD = re.compile(
    r"(?<![\w/])(?:ISO/IEC(?: TS| TR)?|ISO/(?:NP |DIS |FDIS )?(?:TS|TR|PAS)|ISO|CEN/TS|ETSI EN|EN)"
    r"\s+\d{2,5}(?:[- ]\d+)*(?::\d{4}|\s+V\d+(?:\.\d+)*)?(?!\w)"
)
_DATED = re.compile(r"(?::\d{4}|\sV?\d+(?:\.\d+)+)$")  # ":2018", " V3.2.1", WCAG's " 2.1"
TEMPLATE_GUIDANCE = (4, 8)
CASE_SECTION_WORDS = (130, 220)
RUBRIC_LEVELS = 5
RUBRIC_EVIDENCE = (3, 4)
RUBRIC_TIPS = (3, 5)


def check_toolkit(corpus: Corpus) -> Iterator[CorpusError]:
    """Every check on the catalogue, the references, templates, cases and the rubric."""
    for note in corpus.notes.values():
        yield from _note_indicators(corpus, note)
        yield from _note_references(corpus, note)
    yield from _catalogue(corpus)
    yield from _reference_entries(corpus)
    for template in corpus.templates.values():
        yield from _template(corpus, template)
    for case in corpus.cases.values():
        yield from _case(corpus, case)
    yield from _rubric(corpus)


def numbers(text: str) -> set[str]:
    """The numbers written in a text ("98 %", "3 working days", "1,000" give 98, 3, 1,000)."""
    return set(NUMBER.findall(text))


def _note_indicators(corpus: Corpus, note: Note) -> Iterator[CorpusError]:
    """Each indicator names a catalogue entry, and its Good target states no other number."""
    for ind in note.indicators():
        if ind.catalogue is None:
            if note.meta.kind in FULL_KINDS:
                yield CorpusError(
                    note.path, ind.line, f"indicator '{ind.name}' lacks '- Catalogue:'"
                )
            continue
        entry = corpus.indicators.get(ind.catalogue)
        if entry is None:
            yield CorpusError(
                note.path,
                ind.line,
                f"indicator '{ind.name}' names catalogue id '{ind.catalogue}', "
                f"which {INDICATORS_FILE} lacks",
            )
            continue
        if stray := sorted(numbers(ind.good_target or "") - numbers(entry.target)):
            yield CorpusError(
                note.path,
                ind.line,
                f"indicator '{ind.name}': Good target states {', '.join(stray)}, which the "
                f"catalogue target of '{entry.id}' does not ({entry.target!r})",
            )


def citations(text: str) -> list[tuple[int, str]]:
    """The standards a text names, with the offset of the line they are on."""
    return [
        (offset, match.group(0))
        for offset, line in enumerate(text.split("\n"))
        for match in STANDARD.finditer(line)
    ]


def _note_references(corpus: Corpus, note: Note) -> Iterator[CorpusError]:
    """Listed ids exist and are cited; cited standards carry a year and are listed; a review date."""
    line = note.meta_lines.get("references", 2)
    listed = set(note.meta.references)
    for ref_id in note.meta.references:
        if ref_id not in corpus.references:
            yield CorpusError(
                note.path, line, f"unknown reference id '{ref_id}' ({REFERENCES_FILE})"
            )
    by_identifier = {r.identifier: r for r in corpus.references.values()}
    for offset, cited in citations(note.body):
        at = note.body_line + offset
        ref = by_identifier.get(cited)
        if ref is None and not _DATED.search(cited):
            yield CorpusError(note.path, at, f"'{cited}' is cited without its year or version")
        elif ref is None:
            yield CorpusError(note.path, at, f"'{cited}' is not in {REFERENCES_FILE}")
    for ref in corpus.references.values():
        cited_here = re.search(rf"(?<![\w/]){re.escape(ref.identifier)}(?![\w-]|:\d)", note.body)
        if cited_here and ref.id not in listed:
            at = note.body_line + note.body.count("\n", 0, cited_here.start())
            yield CorpusError(
                note.path,
                at,
                f"cites {ref.identifier} but front matter 'references' lacks {ref.id}",
            )
        elif not cited_here and ref.id in listed:
            yield CorpusError(
                note.path,
                line,
                f"references lists {ref.id}, but the body never cites {ref.identifier}",
            )
    if note.meta.last_reviewed is None:
        yield CorpusError(note.path, 2, "front matter lacks last_reviewed (a date, YYYY-MM-DD)")


def _catalogue(corpus: Corpus) -> Iterator[CorpusError]:
    """Each entry's clauses exist and are exactly the clauses whose notes use it.

    A clause whose note is missing is left out: the missing note is reported once, elsewhere.
    """
    path = corpus.root / INDICATORS_FILE
    used: dict[str, set[str]] = {}
    for note in corpus.notes.values():
        for ind in note.indicators():
            used.setdefault(ind.catalogue or "", set()).add(note.clause)
    for entry in corpus.indicators.values():
        users = used.get(entry.id, set())
        with_notes = [c for c in entry.clauses if c in corpus.notes]
        if not users and (with_notes or not entry.clauses):
            yield CorpusError(path, entry.line, f"indicator '{entry.id}' is used by no note")
        for clause_id in entry.clauses:
            if clause_id not in corpus.structure:
                yield CorpusError(
                    path, entry.line, f"'{entry.id}' names unknown clause {clause_id}"
                )
            elif users and clause_id in corpus.notes and clause_id not in users:
                yield CorpusError(
                    path, entry.line, f"'{entry.id}' lists {clause_id}, whose note does not use it"
                )
        for clause_id in sorted(users - set(entry.clauses)):
            yield CorpusError(
                path, entry.line, f"'{entry.id}' is used by {clause_id}, which its clauses lack"
            )
        if entry.target_source != OUR_SUGGESTION and entry.target_source not in corpus.references:
            yield CorpusError(
                path,
                entry.line,
                f"'{entry.id}' target_source '{entry.target_source}' is neither "
                f"{OUR_SUGGESTION} nor a reference id",
            )


def _reference_entries(corpus: Corpus) -> Iterator[CorpusError]:
    """A published standard is identified with its year or version; one in development is dated."""
    path = corpus.root / REFERENCES_FILE
    for ref in corpus.references.values():
        if ref.kind == "standard" and ref.published and not _DATED.search(ref.identifier):
            yield CorpusError(
                path, ref.line, f"'{ref.identifier}' is published: give its year or version"
            )
        if not ref.published and ref.as_of is None:
            yield CorpusError(path, ref.line, f"'{ref.id}' is in development: add an as_of date")


def _template(corpus: Corpus, template: Template) -> Iterator[CorpusError]:
    """File name, clause ids, guidance length, and an example row that fits the columns."""
    path, at = template.path, template.key_lines.get
    if path.stem != template.id:
        yield CorpusError(path, at("id", 1), f"file name should be {template.id}.yaml")
    for clause_id in template.clauses:
        if clause_id not in corpus.structure:
            nearest = ", ".join(corpus.structure.nearest(clause_id))
            yield CorpusError(
                path, at("clauses", 1), f"unknown clause {clause_id} (nearest: {nearest})"
            )
    least, most = TEMPLATE_GUIDANCE
    if not least <= len(template.guidance) <= most:
        yield CorpusError(
            path,
            at("guidance", 1),
            f"{len(template.guidance)} guidance items; {least} to {most} expected",
        )
    columns, example = template.columns, template.example
    if len(example) != len(columns):
        yield CorpusError(
            path,
            at("example", 1),
            f"the example row has {len(example)} values for {len(columns)} columns",
        )
    for column, value in zip(columns, example, strict=False):
        if not value.strip():
            yield CorpusError(path, at("example", 1), f"the example leaves '{column.name}' empty")
        elif column.choices and value not in column.choices:
            yield CorpusError(
                path,
                at("example", 1),
                f"the example's '{column.name}' is {value!r}, not one of its choices",
            )


def _case(corpus: Corpus, case: Case) -> Iterator[CorpusError]:
    """In brief, one section per sub-element headed with the structure's title, then the lessons."""
    path, at = case.path, case.meta_lines.get
    if path.stem != case.id:
        yield CorpusError(path, at("id", 2), f"file name should be {case.id}.md")
    subs = [c.id for c in corpus.structure if c.kind is ClauseKind.SUB_ELEMENT]
    if case.meta.clauses != subs:
        yield CorpusError(
            path, at("clauses", 2), "clauses must be the twelve sub-elements in document order"
        )
    expected = [CASE_INTRO]
    expected += [corpus.structure.get(c).label for c in case.meta.clauses if c in corpus.structure]
    expected.append(CASE_CLOSING)
    titles = [s.title for s in case.sections]
    for index, want in enumerate(expected):
        if index >= len(titles):
            end = case.body_line + case.body.count("\n")
            yield CorpusError(path, end, f"missing section '## {want}'")
        elif titles[index] != want:
            line = case.sections[index].line
            yield CorpusError(path, line, f"heading '{titles[index]}' should be '{want}'")
    for section in case.sections[len(expected) :]:
        yield CorpusError(path, section.line, f"unexpected section '{section.title}'")
    least, most = CASE_SECTION_WORDS
    for _, section in case.clause_sections():
        words = len(WORD.findall(section.text))
        if not least <= words <= most:
            yield CorpusError(
                path, section.line, f"{words} words in this section; {least} to {most} expected"
            )


def _rubric(corpus: Corpus) -> Iterator[CorpusError]:
    """Five levels numbered 1 to 5, three or four kinds of evidence each, three to five tips."""
    rubric = corpus.rubric
    if rubric is None:
        return
    path, at = corpus.root / RUBRIC_FILE, rubric.key_lines.get
    if [lv.level for lv in rubric.levels] != list(range(1, RUBRIC_LEVELS + 1)):
        yield CorpusError(path, at("levels", 1), "levels must be numbered 1 to 5, in order")
    least, most = RUBRIC_EVIDENCE
    for level in rubric.levels:
        if not least <= len(level.evidence) <= most:
            yield CorpusError(
                path,
                at("levels", 1),
                f"level {level.level} lists {len(level.evidence)} kinds of evidence; "
                f"{least} to {most} expected",
            )
    least, most = RUBRIC_TIPS
    if not least <= len(rubric.scoring_tips) <= most:
        yield CorpusError(
            path,
            at("scoring_tips", 1),
            f"{len(rubric.scoring_tips)} scoring tips; {least} to {most} expected",
        )

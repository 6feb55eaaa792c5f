"""Guidance notes: Markdown files with YAML front matter, parsed into sections and structured parts.

The structured parts (steps, indicators, quiz questions, maturity levels) are what plans, workshops and
self-assessments are built from, so they are parsed once here rather than re-read by each feature.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pse_assistant.core.errors import CorpusError
from pse_assistant.core.text import sentences
from pse_assistant.corpus.catalogue import CatalogueIndicator
from pse_assistant.corpus.structure import ClauseKind
from pse_assistant.corpus.yamlfile import LineDict, parse_yaml

WORD = re.compile(r"[A-Za-z0-9][\w'’/-]*")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$", re.DOTALL)
_OPTION = re.compile(r"^\s*[-*]\s+([A-E])\)\s*(.*)$")
_ANSWER = re.compile(r"^\s*[-*]\s+Answer:\s*([A-E])\b[.):]?\s*(.*)$")
_RELATED = re.compile(r"^\[([^\]]+)\]\s*[—–:-]?\s*(.*)$", re.DOTALL)


class Audience(StrEnum):
    """Who a note speaks to; workshop packs and example questions are chosen by it."""

    CIVIL_SERVANT = "civil-servant"
    FRONT_LINE_STAFF = "front-line-staff"
    MANAGER = "manager"
    LEADERSHIP = "leadership"
    TRAINER = "trainer"
    ASSESSOR = "assessor"
    EVALUATOR = "evaluator"


class Frameworks(BaseModel):
    """Links from a clause to the frameworks public bodies already use."""

    model_config = ConfigDict(extra="forbid")

    caf2020: list[str] = Field(default_factory=list)
    cse: list[str] = Field(default_factory=list)
    iso23592: list[str] = Field(default_factory=list)


class NoteMeta(BaseModel):
    """A note's front matter."""

    model_config = ConfigDict(extra="forbid")

    clause: str
    title: str
    kind: ClauseKind
    related: list[str] = Field(default_factory=list)
    iso9001: list[str] = Field(default_factory=list)
    frameworks: Frameworks = Field(default_factory=Frameworks)
    audiences: list[Audience] = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    references: list[str] = Field(default_factory=list)
    last_reviewed: date | None = None


class Block(BaseModel):
    """A list item or subsection with the line it starts on."""

    line: int
    text: str


class Section(BaseModel):
    """An H2 section: its heading, its Markdown body, and the line of the heading."""

    title: str
    line: int
    text: str
    lines: list[str] = Field(repr=False)

    def items(self, numbered: bool) -> list[Block]:
        """Top-level list items (numbered or bulleted), with their continuation lines joined."""
        return _list_items(self.lines, self.line + 1, _NUMBERED if numbered else _BULLET)

    def around(self, numbered: bool) -> str:
        """The section's text without its top-level list items, nor the sentence that introduces
        them ("The order we suggest:"): what is said around the list."""
        items = _item_lines(self.lines, _NUMBERED if numbered else _BULLET)
        listed = {o for item in items for o in item}
        kept = {o: line for o, line in enumerate(self.lines) if o not in listed}
        for first, *_ in items:
            intro = max((o for o in range(first) if self.lines[o].strip()), default=None)
            if intro in kept and kept[intro].rstrip().endswith(":"):
                kept[intro] = " ".join(sentences(kept[intro])[:-1])
        return "\n".join(kept.values()).strip()

    def intro(self, numbered: bool) -> str:
        """What the section says before its list, without the sentence that introduces the list
        ("Pick one high-volume journey…", not "Then, over about three months:")."""
        items = _item_lines(self.lines, _NUMBERED if numbered else _BULLET)
        before = self.lines[: items[0][0]] if items else []
        said = sentences(" ".join(line.strip() for line in before if line.strip()))
        return " ".join(said[:-1] if said and said[-1].endswith(":") else said)

    def titles(self) -> list[str]:
        """The bold titles its bullet items open with ("**Stakeholder.** Broader than…")."""
        return [t for item in self.items(numbered=False) if (t := _bold_lead(item.text)[0])]

    def subsections(self) -> list[Section]:
        """H3 subsections of this section."""
        return _split(self.lines, self.line + 1, "### ")


class Step(BaseModel):
    """One numbered step of "How to meet it"."""

    number: int
    title: str
    text: str
    line: int


class Indicator(BaseModel):
    """A note's indicator as the note words it, merged with its catalogue entry.

    `definition`, `how_to_measure` and `good_target` are the note's words for its clause; `entry` is
    the catalogue's one definition, formula, data source, frequency and target, which plans and
    assessments use so an indicator reads the same everywhere.
    """

    name: str
    line: int
    catalogue: str | None = None
    definition: str | None = None
    how_to_measure: str | None = None
    good_target: str | None = None
    entry: CatalogueIndicator | None = None


class QuizQuestion(BaseModel):
    """A multiple-choice question with its answer key."""

    question: str
    line: int
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | None = None
    explanation: str = ""


class MaturityLevel(BaseModel):
    """One of the five maturity levels of a clause."""

    level: int
    label: str
    description: str
    line: int


class RelatedLink(BaseModel):
    """A line of the Related section: a clause id and why it is related."""

    clause: str
    why: str
    line: int


class Note(BaseModel):
    """A guidance note: front matter, sections, and the structured parts inside them."""

    path: Path
    meta: NoteMeta
    meta_lines: dict[str, int]
    body: str
    body_line: int
    sections: list[Section]
    catalogue: dict[str, CatalogueIndicator] = Field(default_factory=dict, exclude=True, repr=False)

    @property
    def clause(self) -> str:
        """The clause id the note is about."""
        return self.meta.clause

    @property
    def words(self) -> int:
        """Words in the body, the measure the minimum lengths are stated in."""
        return len(WORD.findall(self.body))

    def section(self, title: str) -> Section | None:
        """The section with this heading, if the note has it."""
        return next((s for s in self.sections if s.title.lower() == title.lower()), None)

    def steps(self, title: str = "How to meet it") -> list[Step]:
        """The numbered steps of "How to meet it" (or of another section, such as a group note's
        "Where to start")."""
        section = self.section(title)
        if section is None:
            return []
        steps = []
        for number, block in enumerate(section.items(numbered=True), start=1):
            title, text = _bold_lead(block.text)
            steps.append(Step(number=number, title=title, text=text, line=block.line))
        return steps

    def bullets(self, title: str) -> list[Block]:
        """The bullet items of a section such as "Evidence an assessor looks for"."""
        section = self.section(title)
        return section.items(numbered=False) if section else []

    def indicators(self) -> list[Indicator]:
        """The H3 indicators with their definition, measurement and target, and catalogue entry."""
        section = self.section("Indicators")
        if section is None:
            return []
        found = []
        for sub in section.subsections():
            indicator = Indicator(name=sub.title, line=sub.line)
            for block in sub.items(numbered=False):
                key, _, value = block.text.partition(":")
                field = key.strip().lower().replace(" ", "_")
                if (
                    field in {"catalogue", "definition", "how_to_measure", "good_target"}
                    and value.strip()
                ):
                    setattr(indicator, field, value.strip())
            indicator.entry = self.catalogue.get(indicator.catalogue or "")
            found.append(indicator)
        return found

    def _workshop_part(self, name: str) -> Section | None:
        section = self.section("Workshop prompts")
        if section is None:
            return None
        return next((s for s in section.subsections() if s.title.lower() == name), None)

    def exercise(self) -> str | None:
        """The workshop exercise, as Markdown."""
        part = self._workshop_part("exercise")
        return part.text if part and part.text else None

    def quiz(self) -> list[QuizQuestion]:
        """The multiple-choice questions with their answer keys."""
        part = self._workshop_part("quiz")
        if part is None:
            return []
        questions = []
        for block in _list_items(part.lines, part.line + 1, _NUMBERED, keep_lines=True):
            first, *rest = block.text.split("\n")
            question = QuizQuestion(question=first.strip(), line=block.line)
            for raw in rest:
                if answer := _ANSWER.match(raw):
                    question.answer, question.explanation = answer.group(1), answer.group(2).strip()
                elif option := _OPTION.match(raw):
                    question.options[option.group(1)] = option.group(2).strip()
                elif raw.strip() and question.answer is not None:
                    question.explanation = f"{question.explanation} {raw.strip()}".strip()
                elif raw.strip() and question.options:
                    last = list(question.options)[-1]
                    question.options[last] = f"{question.options[last]} {raw.strip()}"
                elif raw.strip():
                    question.question = f"{question.question} {raw.strip()}"
            questions.append(question)
        return questions

    def maturity(self) -> list[MaturityLevel]:
        """The five maturity levels, as written."""
        section = self.section("Maturity levels")
        if section is None:
            return []
        levels = []
        for number, block in enumerate(section.items(numbered=True), start=1):
            label, text = _bold_lead(block.text)
            levels.append(
                MaturityLevel(level=number, label=label, description=text, line=block.line)
            )
        return levels

    def related_links(self) -> list[RelatedLink]:
        """The clause ids named in the Related section, with the reason given."""
        links = []
        for block in self.bullets("Related"):
            match = _RELATED.match(block.text)
            if match:
                links.append(
                    RelatedLink(
                        clause=match.group(1).strip(), why=match.group(2).strip(), line=block.line
                    )
                )
        return links

    def sentences(self, min_words: int = 12) -> list[tuple[str, int]]:
        """Sentences of at least `min_words` words, normalised for comparison, with their lines."""
        return body_sentences(self.body, self.body_line, min_words)


def _bold_lead(text: str) -> tuple[str, str]:
    match = _BOLD_LEAD.match(text.strip())
    if not match:
        return "", text.strip()
    return match.group(1).strip().rstrip("."), match.group(2).strip()


def _split(lines: list[str], first_line: int, marker: str) -> list[Section]:
    sections: list[Section] = []
    title, start = "", 0
    body: list[str] = []
    for offset, line in enumerate(lines):
        if line.startswith(marker):
            if title:
                sections.append(_section(title, start, body))
            title, start, body = line[len(marker) :].strip(), first_line + offset, []
        elif title:
            body.append(line)
    if title:
        sections.append(_section(title, start, body))
    return sections


def _section(title: str, line: int, body: list[str]) -> Section:
    return Section(title=title, line=line, text="\n".join(body).strip(), lines=body)


def _list_items(
    lines: list[str], first_line: int, pattern: re.Pattern[str], keep_lines: bool = False
) -> list[Block]:
    """Top-level list items, with their continuation lines joined (see `_item_lines`)."""
    items = []
    for offsets in _item_lines(lines, pattern):
        match = pattern.match(lines[offsets[0]])
        assert match is not None  # an item starts at its marker
        parts = [match.group(match.lastindex or 1), *(lines[o] for o in offsets[1:])]
        items.append(Block(line=first_line + offsets[0], text=_join(parts, keep_lines)))
    return items


def _item_lines(lines: list[str], pattern: re.Pattern[str]) -> list[list[int]]:
    """The line offsets of each top-level list item: a marker at column 0 starts one; indented or
    plain lines continue it, except a plain line after a blank one, which is a paragraph after the
    list (as in Markdown); a heading or a list of the other kind ends the list."""
    items: list[list[int]] = []
    current: list[int] = []
    blank = False
    for offset, line in enumerate(lines):
        after_blank, blank = blank, not line.strip()
        if pattern.match(line):
            if current:
                items.append(current)
            current = [offset]
        elif current and line.strip() and not line.startswith("#"):
            if not line[0].isspace() and (_NUMBERED.match(line) or _BULLET.match(line)):
                break
            if after_blank and not line[0].isspace():
                items.append(current)
                current = []
                continue
            current.append(offset)
        elif current and line.startswith("#"):
            items.append(current)
            current = []
    if current:
        items.append(current)
    return items


def _join(parts: list[str], keep_lines: bool) -> str:
    return "\n".join(parts) if keep_lines else " ".join(p.strip() for p in parts)


def split_front_matter(path: Path) -> tuple[LineDict, list[str], int]:
    """Read a Markdown file with YAML front matter: the front matter, the body lines, its first line.

    A missing or broken front matter raises `CorpusError` with its line. Notes and worked cases
    share this shape.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(path, 1, f"cannot read file: {exc}") from exc
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(path, 1, "missing YAML front matter (the file must start with '---')")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise CorpusError(path, 1, "front matter is not closed by a '---' line") from None
    raw = parse_yaml("\n".join(lines[1:end]), path, first_line=2)
    if not isinstance(raw, LineDict):
        raise CorpusError(path, 2, "front matter must be a YAML mapping")
    return raw, lines[end + 1 :], end + 2


def front_matter(model: type[BaseModel], raw: LineDict, path: Path) -> Any:
    """The front matter as `model`; its first problem becomes a `CorpusError` at the key's line."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else ""
        where = ".".join(str(p) for p in error["loc"])
        raise CorpusError(path, raw.line_of(key), f"front matter {where}: {error['msg']}") from exc


def split_sections(body_lines: list[str], body_line: int) -> list[Section]:
    """The H2 sections of a Markdown body whose first line is `body_line` in its file."""
    return _split(body_lines, body_line, "## ")


def body_sentences(body: str, body_line: int, min_words: int) -> list[tuple[str, int]]:
    """Sentences of at least `min_words` words, normalised for comparison, with their lines."""
    found: list[tuple[str, int]] = []
    for offset, line in enumerate(body.split("\n")):
        if line.lstrip().startswith("#"):
            continue
        text = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line)
        for sentence in sentences(text):
            words = WORD.findall(sentence.lower())
            if len(words) >= min_words:
                found.append((" ".join(words), body_line + offset))
    return found


def parse_note(path: Path) -> Note:
    """Read a guidance note; a missing or broken front matter raises `CorpusError` with its line."""
    raw, body_lines, body_line = split_front_matter(path)
    meta = front_matter(NoteMeta, raw, path)
    return Note(
        path=path,
        meta=meta,
        meta_lines=dict(raw.key_lines),
        body="\n".join(body_lines),
        body_line=body_line,
        sections=split_sections(body_lines, body_line),
    )

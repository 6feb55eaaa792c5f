"""What a practitioner works with besides the notes: templates, illustrative worked cases, the rubric.

Each is plain text in the corpus (`templates/<id>.yaml`, `cases/<id>.md`, `rubric.yaml`) loaded into
typed models here; rendering a template as DOCX or XLSX is the `templates` package's job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pse_assistant.core.errors import CorpusError
from pse_assistant.corpus.catalogue import SLUG, validated
from pse_assistant.corpus.notes import (
    Section,
    body_sentences,
    front_matter,
    split_front_matter,
    split_sections,
)
from pse_assistant.corpus.yamlfile import LineDict, load_yaml

TEMPLATES_DIR = Path("templates")
CASES_DIR = Path("cases")
RUBRIC_FILE = Path("rubric.yaml")
CASE_INTRO = "In brief"
CASE_CLOSING = "Lessons across the model"
Collect = Callable[[CorpusError], None]


class TemplateFormat(StrEnum):
    """The office formats a template is offered in."""

    DOCX = "docx"
    XLSX = "xlsx"


class TemplateColumn(BaseModel):
    """One column of a template's table, with the help shown to whoever fills it in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    help: str = Field(min_length=1)
    choices: list[str] = Field(default_factory=list)


class TemplateSection(BaseModel):
    """A narrative part of a document template: what to write, and an illustrative example."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    example: str = Field(min_length=1)


class Template(BaseModel):
    """A practitioner template tied to clauses; `fill` names where pre-filled rows come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    clauses: list[str] = Field(min_length=1)
    default_format: TemplateFormat
    guidance: list[str] = Field(min_length=1)
    columns: list[TemplateColumn] = Field(min_length=1)
    example: list[str] = Field(min_length=1)
    sections: list[TemplateSection] = Field(default_factory=list)
    fill: Literal["indicators", "evidence"] | None = None
    path: Path = Field(default=Path(), exclude=True)
    line: int = Field(default=0, exclude=True)
    key_lines: dict[str, int] = Field(default_factory=dict, repr=False, exclude=True)


class CaseMeta(BaseModel):
    """A worked case's front matter."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    illustrative: Literal[True]
    setting: str = Field(min_length=1)
    clauses: list[str] = Field(min_length=1)
    last_reviewed: date


class Case(BaseModel):
    """An illustrative worked case: one H2 section per sub-element, headed `<id> <title>`."""

    path: Path
    meta: CaseMeta
    meta_lines: dict[str, int]
    body: str
    body_line: int
    sections: list[Section]

    @property
    def id(self) -> str:
        """The case's id (its file name)."""
        return self.meta.id

    def clause_sections(self) -> list[tuple[str, Section]]:
        """The sections that walk through a clause, with that clause's id (from the heading)."""
        found = []
        for section in self.sections:
            clause_id, _, rest = section.title.partition(" ")
            if clause_id in self.meta.clauses and rest:
                found.append((clause_id, section))
        return found

    def sentences(self, min_words: int = 12) -> list[tuple[str, int]]:
        """Sentences of at least `min_words` words, normalised as the notes' are, with their lines."""
        return body_sentences(self.body, self.body_line, min_words)


class RubricLevel(BaseModel):
    """What one maturity level means for any note, and the evidence that shows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: int = Field(ge=1, le=5)
    name: str = Field(min_length=1)
    anchor: str = Field(min_length=1)
    evidence: list[str] = Field(min_length=1)


class Rubric(BaseModel):
    """The shared self-assessment rubric: anchors, the rule for in-between cases, the warning."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    levels: list[RubricLevel] = Field(min_length=1)
    in_between: str = Field(min_length=1)
    warning: str = Field(min_length=1)
    scoring_tips: list[str] = Field(min_length=1)
    line: int = 0
    key_lines: dict[str, int] = Field(default_factory=dict, repr=False)


def load_template(path: Path) -> Template:
    """Read one template file."""
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise CorpusError(path, 1, "expected a YAML mapping")
    template: Template = validated(Template, data, path, "template")
    return template.model_copy(update={"path": path, "key_lines": dict(data.key_lines)})


def load_templates(root: Path, collect: Collect) -> dict[str, Template]:
    """Every template under `templates/`, by id (none when the folder is absent)."""
    found: dict[str, Template] = {}
    for path in sorted((root / TEMPLATES_DIR).glob("*.yaml")):
        try:
            template = load_template(path)
        except CorpusError as error:
            collect(error)
            continue
        if template.id in found:
            other = found[template.id].path.name
            collect(
                CorpusError(
                    path,
                    template.key_lines.get("id", 1),
                    f"duplicate template id {template.id} (also {other})",
                )
            )
            continue
        found[template.id] = template
    return found


def parse_case(path: Path) -> Case:
    """Read one worked case; a broken front matter raises `CorpusError` with its line."""
    raw, body_lines, body_line = split_front_matter(path)
    return Case(
        path=path,
        meta=front_matter(CaseMeta, raw, path),
        meta_lines=dict(raw.key_lines),
        body="\n".join(body_lines),
        body_line=body_line,
        sections=split_sections(body_lines, body_line),
    )


def load_cases(root: Path, collect: Collect) -> dict[str, Case]:
    """Every worked case under `cases/`, by id (none when the folder is absent)."""
    found: dict[str, Case] = {}
    for path in sorted((root / CASES_DIR).glob("*.md")):
        try:
            case = parse_case(path)
        except CorpusError as error:
            collect(error)
            continue
        if case.id in found:
            line = case.meta_lines.get("id", 2)
            collect(CorpusError(path, line, f"duplicate case id {case.id}"))
            continue
        found[case.id] = case
    return found


def load_rubric(root: Path) -> Rubric:
    """Read the self-assessment rubric."""
    path = root / RUBRIC_FILE
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise CorpusError(path, 1, "expected a YAML mapping")
    rubric: Rubric = validated(Rubric, data, path, "rubric")
    return rubric.model_copy(update={"key_lines": dict(data.key_lines)})

"""A template with its rows filled from the corpus: indicators from the catalogue, evidence from the notes.

The rows are worked out once here, so the Word and Excel renderings and every edge show the same ones.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from pse_assistant.corpus.catalogue import CatalogueIndicator
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.structure import Clause, ClauseKind
from pse_assistant.corpus.toolkit import Template, TemplateColumn, TemplateFormat

EVIDENCE_SECTION = "Evidence an assessor looks for"
ILLUSTRATIVE = "Illustrative example"
NOTICE = (
    "A template written by the pse-assistant project (CC BY 4.0). It does not reproduce "
    "ISO 11367:2025; adapt it to your organization. The example row is illustrative, not a real case."
)
SOURCES = {
    "indicators": "Rows pre-filled from the project's indicator catalogue (corpus/indicators.yaml).",
    "evidence": "Rows pre-filled from the 'Evidence an assessor looks for' list of each "
    "sub-element's guidance note.",
}


class TemplateSummary(BaseModel):
    """A template as a listing shows it: what it is, which clauses it serves, how to get it."""

    id: str
    title: str
    summary: str
    clauses: list[str]
    default_format: TemplateFormat
    formats: list[TemplateFormat]
    prefilled: bool


class FilledTemplate(BaseModel):
    """A template ready to render: its data, its clauses as labels, and pre-filled rows."""

    template: Template
    related: list[Clause]
    rows: list[list[str]]
    source: str | None = None

    @property
    def example(self) -> list[str]:
        """The example row, its first value marked illustrative so no one mistakes it for data."""
        first, *rest = self.template.example
        return [f"{ILLUSTRATIVE}: {first}", *rest]

    def markdown(self) -> str:
        """The template as the terminal and the Browse tab show it before it is downloaded."""
        t = self.template
        lines = [f"### {t.title}", "", t.summary, ""]
        lines += ["**Related clauses:** " + "; ".join(c.label for c in self.related), ""]
        lines += ["#### How to fill it in", ""]
        lines += [f"{n}. {g}" for n, g in enumerate(t.guidance, 1)]
        lines += ["", "#### Columns", ""]
        for column, value in zip(t.columns, t.example, strict=False):
            lines.append(f"- **{column.name}**: {column.help} *({ILLUSTRATIVE.lower()}: {value})*")
        if t.sections:
            lines += ["", "#### Sections", ""] + [
                f"- **{s.heading}**: {s.prompt}" for s in t.sections
            ]
        if self.rows:
            lines += ["", f"{len(self.rows)} rows come pre-filled. {self.source}"]
        lines += ["", f"*{NOTICE}*"]
        return "\n".join(lines)


def summarize(template: Template) -> TemplateSummary:
    """The listing entry of a template."""
    return TemplateSummary(
        id=template.id,
        title=template.title,
        summary=template.summary,
        clauses=template.clauses,
        default_format=template.default_format,
        formats=list(TemplateFormat),
        prefilled=template.fill is not None,
    )


def fill_template(corpus: Corpus, template_id: str) -> FilledTemplate:
    """A template with its related clauses and the rows its `fill` asks for; raises `NotFound`."""
    template = corpus.template(template_id)
    related = [corpus.structure.get(c) for c in template.clauses if c in corpus.structure]
    rows: list[list[str]] = []
    if template.fill == "indicators":
        rows = _indicator_rows(corpus, template.columns)
    elif template.fill == "evidence":
        rows = _evidence_rows(corpus, template.columns)
    return FilledTemplate(
        template=template,
        related=related,
        rows=rows,
        source=SOURCES.get(template.fill or ""),
    )


def _key(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


def _choice(column: TemplateColumn, value: str) -> str:
    """The column's own spelling of a value ("annually" is "Yearly" in a Frequency column)."""
    wanted = {"annually": "yearly"}.get(value.lower(), value.lower())
    return next((c for c in column.choices if c.lower() == wanted), value)


def _indicator_rows(corpus: Corpus, columns: list[TemplateColumn]) -> list[list[str]]:
    """One row per catalogue entry, matched to the columns by name; unknown columns stay empty."""

    def source(entry: CatalogueIndicator) -> str:
        if entry.suggested:
            return "Our suggestion"
        ref = corpus.references.get(entry.target_source)
        return ref.identifier if ref else entry.target_source

    values: dict[str, Callable[[CatalogueIndicator], str]] = {
        "indicator id": lambda e: e.id,
        "name": lambda e: e.name,
        "definition": lambda e: e.definition,
        "formula": lambda e: e.formula,
        "data source": lambda e: e.data_source,
        "frequency": lambda e: e.frequency.value,
        "target": lambda e: e.target,
        "target source": source,
        "clauses": lambda e: ", ".join(e.clauses),
    }
    rows = []
    for entry in corpus.indicators.values():
        row = []
        for column in columns:
            get = values.get(_key(column.name))
            row.append(_choice(column, get(entry)) if get else "")
        rows.append(row)
    return rows


def _evidence_rows(corpus: Corpus, columns: list[TemplateColumn]) -> list[list[str]]:
    """One row per evidence bullet of each sub-element's note, in document order."""
    rows = []
    for clause in corpus.structure:
        note = corpus.note(clause.id)
        if clause.kind is not ClauseKind.SUB_ELEMENT or note is None:
            continue
        for bullet in note.bullets(EVIDENCE_SECTION):
            known = {"sub element": clause.label, "evidence item": bullet.text}
            rows.append([known.get(_key(c.name), "") for c in columns])
    return rows

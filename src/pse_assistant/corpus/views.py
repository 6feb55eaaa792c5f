"""A clause as a reader sees it: its place in the tree, its note, related clauses, crosswalks, references.

One model that the CLI, the API and the UI all show, so each edge only decides how it looks.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, computed_field

from pse_assistant.core.text import shift_headings
from pse_assistant.corpus.catalogue import Reference
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Note
from pse_assistant.corpus.structure import Clause

NO_NOTE = "This clause lists other documents; it has no guidance note."


class FrameworkLink(BaseModel):
    """A crosswalk link as a reader sees it: the other framework's id, its title and why."""

    framework: str
    framework_name: str
    target: str
    target_title: str
    rationale: str


class TemplateLink(BaseModel):
    """A template tied to the clause: its id (to download it) and its title."""

    id: str
    title: str


class ClauseView(BaseModel):
    """Everything known about one clause: its place in the tree, its note, its links."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    clause: Clause
    ancestors: list[Clause]
    children: list[Clause]
    related: list[Clause]
    note: Note | None = Field(exclude=True)
    links: list[FrameworkLink]
    references: list[Reference] = Field(default_factory=list)
    last_reviewed: date | None = None
    templates: list[TemplateLink] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def guidance(self) -> str | None:
        """The guidance note's Markdown body, or None for a clause without a note."""
        return self.note.body.strip() if self.note else None

    @property
    def where(self) -> str:
        """The clause's ancestors as a breadcrumb, or "top level"."""
        return " › ".join(a.label for a in self.ancestors) or "top level"

    def markdown(self, top: int | None = None) -> str:
        """The whole view as Markdown: heading, place in the tree, the note, the crosswalk table.

        With `top`, the clause's title is a heading of that level and every heading below it sits
        one or two levels deeper, in order, so the view can go under a page's own headings (the UI
        uses 3). Without it the terminal's layout is kept.
        """
        c = self.clause
        title = "#" * (top or 3)
        guidance = self.guidance or f"_{NO_NOTE}_"
        if top is not None:
            guidance = shift_headings(guidance, top - 1)
        parts = [
            f"{title} {c.label}",
            f"*ISO 11367:2025 · page {c.page} · {c.kind.value} · in {self.where}*",
        ]
        if self.children:
            parts.append("**Contains:** " + "; ".join(ch.label for ch in self.children))
        parts.append(guidance)
        if self.links:
            rows = "\n".join(
                f"| {ln.framework_name} | {ln.target} {ln.target_title} | {ln.rationale} |"
                for ln in self.links
            )
            parts.append(
                f"{'#' * (top + 1) if top else '####'} Crosswalks (the project's mapping)\n\n"
                "| Framework | Clause | Why |\n|---|---|---|\n" + rows
            )
        if self.templates:
            listed = "\n".join(f"- {t.title} (template `{t.id}`)" for t in self.templates)
            parts.append(f"#### Templates for this clause\n\n{listed}")
        if self.references:
            parts.append(
                "#### References\n\n" + "\n".join(f"- {reference_line(r)}" for r in self.references)
            )
        if self.last_reviewed:
            parts.append(f"*Guidance last reviewed {self.last_reviewed.isoformat()}.*")
        return "\n\n".join(parts)


def reference_line(ref: Reference) -> str:
    """A reference in one line: identifier, title, publisher, status if unpublished, link, as-of date."""
    text = f"{ref.identifier}, *{ref.title}* ({ref.publisher})"
    if not ref.published:
        text += f", {ref.status.value}"
    if ref.url:
        text += f", <{ref.url}>"
    if ref.as_of:
        text += f"; as of {ref.as_of.isoformat()}"
    return text


def clause_view(corpus: Corpus, ref: str) -> ClauseView:
    """One clause by id or reference (`7.2.3`, `§7.2.3`, `clause 7.2.3`); raises `ClauseNotFound`."""
    structure = corpus.structure
    clause = structure.get(ref)
    note = corpus.note(clause.id)
    related = [structure.get(r) for r in note.meta.related if r in structure] if note else []
    links = [
        FrameworkLink(
            framework=cw.framework,
            framework_name=cw.name,
            target=link.target,
            target_title=cw.targets.get(link.target, ""),
            rationale=link.rationale,
        )
        for cw in corpus.crosswalks.values()
        for link in cw.for_clause(clause.id)
    ]
    return ClauseView(
        clause=clause,
        ancestors=structure.ancestors(clause.id),
        children=structure.children(clause.id),
        related=related,
        note=note,
        links=links,
        references=corpus.references_of(note) if note else [],
        last_reviewed=note.meta.last_reviewed if note else None,
        templates=[TemplateLink(id=t.id, title=t.title) for t in corpus.templates_for(clause.id)],
    )

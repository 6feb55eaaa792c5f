"""`pse corpus validate`, `pse clauses` and `pse clause`: the CLI edge of the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pse_assistant.cli.common import EXIT_PROBLEMS, current_assistant, err, out

if TYPE_CHECKING:
    from pse_assistant.corpus.views import ClauseView

app = typer.Typer()
corpus_app = typer.Typer(help="Check the corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("validate")
def corpus_validate(
    path: Annotated[
        Path | None, typer.Argument(help="Corpus folder; the configured one when omitted.")
    ] = None,
) -> None:
    """Check every corpus file; print each problem as file:line: message and exit 1 if any."""
    from pse_assistant.assistant import Assistant
    from pse_assistant.core.settings import Settings

    assistant = Assistant(Settings(corpus_dir=path)) if path else current_assistant()
    problems = assistant.validate_corpus()
    for problem in problems:
        out.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        err.print(f"[bold red]{len(problems)} problem(s)[/] in {assistant.settings.corpus_dir}")
        raise typer.Exit(EXIT_PROBLEMS)
    s = assistant.corpus_summary()
    out.print(
        f"[green]Corpus OK[/]: {s.clauses} clauses, {s.notes} guidance notes "
        f"({s.words:,} words), {s.crosswalk_links} crosswalk links, {s.glossary_terms} glossary terms, "
        f"{s.indicators} indicators, {s.references} references, {s.templates} templates, "
        f"{s.cases} worked cases."
    )


@app.command("clauses")
def clauses(
    as_json: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False,
) -> None:
    """Show the clause tree of ISO 11367:2025 with page numbers."""
    from rich.tree import Tree

    items = current_assistant().clauses()
    if as_json:
        out.print_json(json.dumps([c.model_dump(mode="json") for c in items]))
        return
    tree = Tree("[bold]ISO 11367:2025[/] Service excellence — public service organizations")
    nodes: dict[str, Tree] = {}
    for clause in items:
        parent = nodes.get(clause.parent or "", tree)
        label = f"[bold cyan]{clause.id}[/] {clause.title} [dim]p. {clause.page}[/]"
        if clause.id == "bibliography":
            label = f"{clause.title} [dim]p. {clause.page}[/]"
        nodes[clause.id] = parent.add(label, highlight=False)
    out.print(tree)


@app.command("clause")
def clause(
    ref: Annotated[str, typer.Argument(help="A clause id such as 7.2.3 (or §7.2.3).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the clause as JSON.")] = False,
) -> None:
    """Show one clause: where it sits, its guidance note, related clauses and crosswalks."""
    view = current_assistant().clause(ref)
    if as_json:
        out.print_json(view.model_dump_json())
        return
    _render_clause(view)


def _render_clause(view: ClauseView) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table

    c = view.clause
    out.print(
        Panel(
            f"[dim]ISO 11367:2025 · page {c.page} · {c.kind.value} · in {view.where}[/]",
            title=f"[bold]{c.label}[/]",
            title_align="left",
        ),
        highlight=False,
    )
    if view.children:
        out.print("Contains: " + "; ".join(ch.label for ch in view.children), highlight=False)
    if view.guidance is None:
        out.print(
            "[yellow]No guidance note for this clause:[/] it lists other documents rather than "
            "setting out practice."
        )
    else:
        out.print(Markdown(view.guidance))
    if view.links:
        table = Table(title="Crosswalks (the project's mapping)", show_lines=False, expand=True)
        for column in ("Framework", "Clause", "Why"):
            table.add_column(column)
        for link in view.links:
            table.add_row(link.framework_name, f"{link.target} {link.target_title}", link.rationale)
        out.print(table)
    if view.templates:
        listed = ", ".join(f"{t.title} ({t.id})" for t in view.templates)
        out.print(
            f"Templates: {listed}. Write one with: pse template ID --out FILE", highlight=False
        )
    _render_references(view)
    out.print(
        "[dim]Guidance written by the pse-assistant project (CC BY 4.0); it does not reproduce "
        "ISO 11367:2025. Read the standard for its requirements.[/]"
    )


def _render_references(view: ClauseView) -> None:
    """The documents the note cites, with where to find them and how current the facts are."""
    from rich.table import Table

    if view.references:
        table = Table(title="References", show_lines=False, expand=True)
        for column in ("Document", "Title", "Publisher", "Link", "As of"):
            table.add_column(column, overflow="fold")  # links stay whole, to copy
        for ref in view.references:
            status = "" if ref.published else f" ({ref.status.value})"
            table.add_row(
                ref.identifier + status,
                ref.title,
                ref.publisher,
                ref.url or "",
                ref.as_of.isoformat() if ref.as_of else "",
            )
        out.print(table, highlight=False)
    if view.last_reviewed:
        out.print(f"[dim]Guidance last reviewed {view.last_reviewed.isoformat()}.[/]")

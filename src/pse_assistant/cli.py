"""The `pse` command line: a thin edge over the `Assistant` facade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.tree import Tree

from .assistant import Assistant, ClauseView, get_assistant
from .errors import InvalidInput, NotFound, PseError
from .settings import Settings

app = typer.Typer(
    help="pse-assistant: guidance for ISO 11367:2025 public service excellence.",
    no_args_is_help=True,
    add_completion=False,
)
corpus_app = typer.Typer(help="Check the corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
docs_app = typer.Typer(help="Your own documents in the index.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")

EXIT_PROBLEMS = 1
EXIT_NOT_FOUND = 2

out = Console()
err = Console(stderr=True)


def current_assistant() -> Assistant:
    """The assistant every command uses; tests swap `get_assistant` for their own."""
    return get_assistant()


def _fail(error: PseError) -> typer.Exit:
    not_found = isinstance(error, NotFound | InvalidInput)
    code = EXIT_NOT_FOUND if not_found else EXIT_PROBLEMS
    err.print(f"[bold red]Error:[/] {error}", highlight=False)
    return typer.Exit(code)


@corpus_app.command("validate")
def corpus_validate(
    path: Annotated[
        Path | None, typer.Argument(help="Corpus folder; the configured one when omitted.")
    ] = None,
) -> None:
    """Check every corpus file; print each problem as file:line: message and exit 1 if any."""
    assistant = Assistant(Settings(corpus_dir=path)) if path else current_assistant()
    problems = assistant.validate_corpus()
    for problem in problems:
        out.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        err.print(f"[bold red]{len(problems)} problem(s)[/] in {assistant.settings.corpus_dir}")
        raise typer.Exit(EXIT_PROBLEMS)
    corpus = assistant.corpus
    words = sum(n.words for n in corpus.notes.values())
    links = sum(len(v) for cw in corpus.crosswalks.values() for v in cw.links.values())
    out.print(
        f"[green]Corpus OK[/]: {len(corpus.structure)} clauses, {len(corpus.notes)} guidance notes "
        f"({words:,} words), {links} crosswalk links, {len(corpus.glossary)} glossary terms."
    )


@app.command("clauses")
def clauses(
    as_json: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False,
) -> None:
    """Show the clause tree of ISO 11367:2025 with page numbers."""
    try:
        items = current_assistant().clauses()
    except PseError as error:
        raise _fail(error) from error
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
    try:
        view = current_assistant().clause(ref)
    except PseError as error:
        raise _fail(error) from error
    if as_json:
        data = view.model_dump(mode="json", exclude={"note"})
        data["guidance"] = view.note.body.strip() if view.note else None
        out.print_json(json.dumps(data))
        return
    _render_clause(view)


def _render_clause(view: ClauseView) -> None:
    c = view.clause
    where = " › ".join(a.label for a in view.ancestors) or "top level"
    out.print(
        Panel(
            f"[dim]ISO 11367:2025 · page {c.page} · {c.kind.value} · in {where}[/]",
            title=f"[bold]{c.label}[/]",
            title_align="left",
        ),
        highlight=False,
    )
    if view.children:
        out.print("Contains: " + "; ".join(ch.label for ch in view.children), highlight=False)
    if view.note is None:
        out.print(
            "[yellow]No guidance note for this clause:[/] it lists other documents rather than "
            "setting out practice."
        )
    else:
        out.print(Markdown(view.note.body))
    if view.links:
        table = Table(title="Crosswalks (the project's mapping)", show_lines=False, expand=True)
        for column in ("Framework", "Clause", "Why"):
            table.add_column(column)
        for link in view.links:
            table.add_row(link.framework_name, f"{link.target} {link.target_title}", link.rationale)
        out.print(table)
    out.print(
        "[dim]Guidance written by the pse-assistant project (CC BY 4.0); it does not reproduce "
        "ISO 11367:2025. Read the standard for its requirements.[/]"
    )


def main() -> None:
    """Console-script entry point."""
    app()


from . import cli_chat, cli_eval, cli_index, cli_trainers  # noqa: E402, F401 - register the rest

"""`pse index`, `pse search`, `pse ingest` and `pse docs`: the CLI edge of the search engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pse_assistant.accounts.roles import operator
from pse_assistant.cli.common import (
    EXIT_PROBLEMS,
    current_assistant,
    ensure_index,
    err,
    out,
    progress,
)
from pse_assistant.core.errors import InvalidInput, PseError

if TYPE_CHECKING:
    from pse_assistant.search.retrieval import SearchResult

app = typer.Typer()
docs_app = typer.Typer(help="Your own documents in the index.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@app.command("index")
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Embed every chunk again.")] = False,
) -> None:
    """Build or refresh the search index; only changed chunks are embedded again."""
    with progress("Embedding chunks") as update:
        report = current_assistant().build_index(rebuild=rebuild, progress=update, actor=operator())
    if report.changed:
        out.print(
            f"[green]Index ready[/]: {report.total} chunks ({report.embedded} embedded, "
            f"{report.copied} unchanged, {report.removed} removed) and {report.units} answer units "
            f"({report.units_embedded} embedded) in {report.seconds:.1f} s."
        )
    else:
        out.print(
            f"[green]Index up to date[/]: {report.total} chunks, nothing changed ({report.seconds:.1f} s)."
        )


def _print_result(result: SearchResult) -> None:
    for missing in result.missing:
        nearest = ", ".join(missing.nearest)
        out.print(
            f"[yellow]There is no clause {missing.clause} in ISO 11367:2025.[/] Nearest clauses: {nearest}."
        )
    if not result.hits:
        out.print("No passages found.")
        return
    titles = {c.id: c.title for c in current_assistant().clauses()}
    out.print(
        "Clauses: " + "; ".join(f"{c} {titles.get(c, '')}" for c in result.clauses[:5]),
        highlight=False,
    )
    for hit in result.hits:
        text = " ".join(hit.text.split())
        text = text if len(text) <= 320 else text[:317] + "..."
        label = f"[{hit.clause}] {hit.title}" if hit.clause else hit.title
        out.print(
            f"\n[bold cyan]{label}[/] — {hit.section} [dim]({hit.score:.3f}, {hit.source})[/]",
            highlight=False,
        )
        out.print(text, highlight=False, markup=False)


@app.command("search")
def search(
    query: Annotated[
        str | None, typer.Argument(help="Your question, in your own words or by clause.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="A JSONL file of {id, question} lines.", dir_okay=False),
    ] = None,
) -> None:
    """Search the corpus and your documents: passages grouped by clause."""
    if (query is None) == (batch is None):
        raise InvalidInput("Give either a QUERY or --batch FILE.jsonl, not both and not neither.")
    ensure_index()
    if batch is not None:
        _search_batch(batch, k)
        return
    assert query is not None
    result = current_assistant().search(query, k=k)
    if as_json:
        out.print_json(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        _print_result(result)


def _search_batch(path: Path, k: int) -> None:
    """One JSON object per input line, `id` kept; a bad line gets an error object, the rest go on."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read {path}: {exc}") from exc
    failed = 0
    assistant = current_assistant()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_id: Any = None
        try:
            item = json.loads(line)
            if isinstance(item, dict):
                item_id = item.get("id", number)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise InvalidInput("each line needs a string field 'question'")
            payload: dict[str, Any] = {"id": item_id} | assistant.search(
                item["question"], k=k
            ).as_json()
        except (json.JSONDecodeError, PseError) as exc:
            failed += 1
            payload = {"id": item_id, "line": number, "error": str(exc)}
        typer.echo(json.dumps(payload, ensure_ascii=False))
    if failed:
        err.print(f"{failed} line(s) of {path} could not be searched.")
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="PDF, DOCX, Markdown, text or HTML files, or folders.")
    ],
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Follow symbolic links (refused by default, by name)."
        ),
    ] = False,
) -> None:
    """Add your own documents (policies, or your licensed copy of the standard) to the local index."""
    with progress("Embedding new chunks") as update:
        report = current_assistant().ingest(
            paths, progress=update, follow_symlinks=follow_symlinks, actor=operator()
        )
    for doc in report.added:
        clauses = ", ".join(doc["clauses"][:8]) or "no clause references found"
        out.print(
            f"[green]added[/] {doc['file']} as {doc['id']}: {doc['chunks']} chunks ({clauses})",
            highlight=False,
        )
    for path, reason in report.failed:
        out.print(f"[red]skipped[/] {path}: {reason}", highlight=False)
    if report.failed:
        raise typer.Exit(EXIT_PROBLEMS)


@docs_app.command("list")
def docs_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the documents you have ingested."""
    docs = current_assistant().documents()
    if as_json:
        out.print_json(json.dumps(docs))
        return
    if not docs:
        out.print("No documents ingested yet. Add some with: pse ingest FILE...")
    for doc in docs:
        clauses = ", ".join(doc["clauses"][:8]) or "-"
        out.print(
            f"[bold]{doc['id']}[/]  {doc['file']}  {doc['chunks']} chunks, {doc['pages'] or '-'} pages, "
            f"clauses: {clauses}  [dim]{doc['ingested']}[/]",
            highlight=False,
        )


@docs_app.command("remove")
def docs_remove(doc_id: Annotated[str, typer.Argument(help="An id from `pse docs list`.")]) -> None:
    """Remove one ingested document from the index."""
    report = current_assistant().remove_document(doc_id, actor=operator())
    out.print(f"Removed {doc_id} ({report.removed} chunks).")

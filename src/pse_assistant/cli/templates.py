"""`pse template list` and `pse template ID --out FILE`: the CLI edge of the practitioner templates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pse_assistant.cli.common import current_assistant, out

if TYPE_CHECKING:
    from pse_assistant.templates.filling import FilledTemplate

app = typer.Typer()


@app.command("template")
def template(
    ref: Annotated[
        str,
        typer.Argument(help="A template id such as service-charter, or 'list' to see them all."),
    ] = "list",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write to .docx or .xlsx (by its suffix), or into a folder."),
    ] = None,
) -> None:
    """List the templates, show one, or write it as a Word or Excel file to fill in."""
    assistant = current_assistant()
    if ref == "list":
        _list()
        return
    if out_file is None:
        _show(assistant.template(ref))
        return
    fmt = out_file.suffix.lstrip(".").lower() or None
    written = assistant.export_template(ref, fmt, out_file)
    out.print(f"Wrote {written}.", highlight=False)


def _list() -> None:
    from rich.table import Table

    table = Table(title="Templates (pse template ID --out file.docx|.xlsx)", expand=True)
    for column in ("Id", "Title", "Clauses", "Default", "What it is for"):
        table.add_column(column, overflow="fold")
    for t in current_assistant().templates():
        table.add_row(t.id, t.title, ", ".join(t.clauses), t.default_format.value, t.summary)
    out.print(table, highlight=False)


def _show(filled: FilledTemplate) -> None:
    from rich.markdown import Markdown

    t = filled.template
    out.print(Markdown(filled.markdown()))
    out.print(f"Write it with: pse template {t.id} --out {t.id}.{t.default_format.value}")

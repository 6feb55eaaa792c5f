"""The `pse` command line: a thin edge over the `Assistant` facade.

Lives here: one module per command group (`corpus`, `search`, `answer`, `plans`, `templates`,
`training`, `evals`, `serve`, `db`, `accounts`: users, tokens and audit), each with its own `typer.Typer()` merged into the root below,
and `common` (the consoles, the assistant, progress bars, and the one error handler in
`Commands`). May import: the
facade and the public models of the core packages, lazily inside commands; command modules never
import this root module, and nothing here imports the API or the UI.
"""

from __future__ import annotations

import typer

from pse_assistant.cli import (
    accounts,
    answer,
    common,
    corpus,
    db,
    evals,
    plans,
    search,
    serve,
    templates,
    training,
)

app = typer.Typer(
    cls=common.Commands,
    help="pse-assistant: guidance for ISO 11367:2025 public service excellence.",
    no_args_is_help=True,
    add_completion=False,
)
for module in (corpus, search, answer, plans, templates, training, evals, serve, db, accounts):
    app.add_typer(module.app)


def main() -> None:
    """Console-script entry point."""
    app()

"""`pse db upgrade`: bring the database of saved work to the newest schema, as `pse serve` does on start."""

from __future__ import annotations

import typer

from pse_assistant.cli.common import current_assistant, out

app = typer.Typer()
db_app = typer.Typer(
    help="The database of saved work (SQLite or PSE_DATABASE_URL).", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the newest schema and copy, once, an earlier version's SQLite files.

    Safe to run again: a database at the newest revision is left as it is, and an old file is
    never copied twice. `pse serve` does the same on start; this runs it ahead, e.g. in a
    deployment step before the app instances start.
    """
    assistant = current_assistant()
    status = assistant.database_status()
    out.print(f"Database {status.url} is at revision [bold]{status.revision}[/].", highlight=False)
    copied_now = {done.source for done in assistant.legacy_imports}
    for done in status.imports:
        when = "now" if done.source in copied_now else f"on {done.created}"
        out.print(f"{done.source}: {done.note} ({when}).", highlight=False)

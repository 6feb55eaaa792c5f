"""What every `pse` command shares: the consoles, the assistant, the one error handler, progress bars.

Nothing heavy is imported here: the facade is imported when a command first needs it, so `pse --help`
stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from pse_assistant.core.errors import InvalidInput, NotFound, PseError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from pse_assistant.assistant import Assistant

EXIT_PROBLEMS = 1
EXIT_NOT_FOUND = 2

out = Console()
err = Console(stderr=True)
# Tests (and embedding applications) put their own assistant here; None means the process-wide one.
assistant_factory: Callable[[], Assistant] | None = None


def current_assistant() -> Assistant:
    """The assistant every command uses."""
    if assistant_factory is not None:
        return assistant_factory()
    from pse_assistant.assistant import get_assistant

    return get_assistant()


def exit_code(error: PseError) -> int:
    """2 for something not found or not valid (the user can fix the input); 1 otherwise."""
    return EXIT_NOT_FOUND if isinstance(error, NotFound | InvalidInput) else EXIT_PROBLEMS


def invalid(error: ValidationError) -> InvalidInput:
    """A pydantic validation error as the one-line message a person reads."""
    from pse_assistant.core.fields import field_message

    return InvalidInput(field_message(error.errors()[0]))


class Commands(typer.core.TyperGroup):
    """The root command group: the one place a `PseError` becomes a message and an exit code.

    Every command raises `PseError` (or pydantic's `ValidationError` for options that make a model);
    this handler prints "Error: ..." on stderr and exits 2 for input the user can fix, 1 otherwise.
    A file that cannot be written or read (`--out` in a folder without permission, a full disk)
    is a one-line error too, never a traceback.
    """

    def invoke(self, ctx: Any) -> Any:
        from pydantic import ValidationError

        try:
            return super().invoke(ctx)
        except ValidationError as error:
            _report(invalid(error))
        except PseError as error:
            _report(error)
        except OSError as error:
            where = f": {error.filename}" if error.filename else ""
            _report(PseError(f"{error.strerror or error}{where}"))


def _report(error: PseError) -> None:
    err.print(f"[bold red]Error:[/] {error}", highlight=False)
    raise typer.Exit(exit_code(error))


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, shown only once there is work to report.

    When stderr is not a terminal (a log file, systemd, CI) each update is one plain line instead,
    `label: done/total`, so the log shows how far a long build got.
    """
    if not err.is_terminal:

        def line(done: int, total: int) -> None:
            if total != done or done:
                err.print(f"{label}: {done}/{total}", highlight=False)

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )
    task: list[TaskID] = []

    def update(done: int, total: int) -> None:
        if not task:
            if total == done:
                return
            bar.start()
            task.append(bar.add_task(label, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        if task:
            bar.stop()


def ensure_index() -> None:
    """Build the index once, with a progress bar, before a command that searches."""
    assistant = current_assistant()
    if not assistant.index_status().ready:
        err.print("No index yet: building it once (about half a minute).")
        with progress("Embedding chunks") as update:
            assistant.ensure_index(progress=update)

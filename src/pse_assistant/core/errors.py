"""The error hierarchy every edge maps to its own way of telling a person what went wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PseError(Exception):
    """Base of every error the assistant raises on purpose; its message is meant for a person."""


class CorpusError(PseError):
    """A corpus file that cannot be read or parsed, located by file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.detail = message
        super().__init__(f"{display_path(self.path)}:{line}: {message}")


class NotFound(PseError):
    """Something asked for by id does not exist (a clause, a conversation, a document, an answer)."""


class ClauseNotFound(NotFound):
    """A clause id that is not in ISO 11367:2025, with the nearest ids that are."""

    def __init__(self, clause_id: str, nearest: Sequence[str]) -> None:
        self.clause_id = clause_id
        self.nearest = list(nearest)
        hint = f" Nearest clauses: {', '.join(self.nearest)}." if self.nearest else ""
        shown = clause_id if len(clause_id) <= 40 else f"{clause_id[:40]}…"
        super().__init__(f"There is no clause {shown} in ISO 11367:2025.{hint}")


class BackendUnavailable(PseError):
    """A component the assistant needs (model, vector store, LLM endpoint) cannot be reached."""


class IndexNotReady(PseError):
    """The search index has not been built yet."""


class InvalidInput(PseError):
    """A request that cannot be served as given: empty, too long, or malformed."""


class NotApplicable(NotFound, InvalidInput):
    """Something that exists but has none of what was asked: no plan for clause 1 (Scope), no
    question 28 in an eight-question quiz, no element 5.1.1 in an assessment of the sub-elements.

    The API answers 404 (that plan, question or element does not exist); for other callers it is
    also invalid input, as it always was.
    """


class Conflict(InvalidInput):
    """A request the current state does not allow yet (a plan from gaps before any score): 409."""


class Unauthorized(PseError):
    """No credentials, or credentials that prove nothing (unknown, expired, revoked): 401."""


class Forbidden(PseError):
    """Known credentials whose role does not allow the action: 403."""


class TooManyAttempts(PseError):
    """Too many failed sign-ins from this account or address: 429 until `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many failed sign-ins; try again in about {minutes} minute{'s' * (minutes > 1)}."
        )


class IngestError(PseError):
    """A user document that cannot be ingested, with a one-line reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it, as editors expect."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

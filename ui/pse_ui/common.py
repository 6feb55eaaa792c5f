"""What every tab shares: the copyright notice, the page style, and the one error guard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import gradio as gr
from pydantic import ValidationError

from pse_assistant.core.errors import PseError
from pse_assistant.core.fields import field_message

COPYRIGHT = (
    "The guidance here is written by the pse-assistant project (CC BY 4.0). It interprets ISO 11367:2025 "
    "and does not reproduce it: ISO 11367 is a copyrighted standard. If your organization owns a licensed "
    "copy, ingest it on your own machine with `pse ingest` — it stays there."
)
CSS = """
.chips .wrap { gap: 6px; }
@media (max-width: 720px) { .side-panel { min-width: 100% !important; } }
"""
F = TypeVar("F", bound=Callable[..., Any])


def message(error: Exception) -> str:
    """The first line of an error, as a person reads it (pydantic's field and reason)."""
    if isinstance(error, ValidationError):
        return field_message(error.errors()[0])
    return str(error).splitlines()[0]


def guard(fn: F) -> F:
    """Show a `PseError` or an invalid value as a warning and leave the outputs as they were."""

    @wraps(fn)
    def wrapped(*args: Any) -> Any:
        try:
            return fn(*args)
        except (PseError, ValidationError) as error:
            gr.Warning(message(error))
            return gr.skip()

    return wrapped  # type: ignore[return-value]

"""What every tab shares: the copyright notice, clause links, tab headings and the one error guard."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar

import gradio as gr
from pydantic import ValidationError

from pse_assistant.accounts.roles import Principal, Role
from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import PseError
from pse_assistant.core.fields import field_message

COPYRIGHT = (
    "The guidance here is written by the pse-assistant project (CC BY 4.0). It interprets ISO 11367:2025 "
    "and does not reproduce it: ISO 11367 is a copyrighted standard. If your organization owns a licensed "
    "copy, ingest it on your own machine with `pse ingest` — it stays there."
)
F = TypeVar("F", bound=Callable[..., Any])
_CITATION = re.compile(r"\[(\d+(?:\.\d+){0,2})\](?!\()")


def message(error: Exception) -> str:
    """The first line of an error, as a person reads it (pydantic's field and reason)."""
    if isinstance(error, ValidationError):
        return field_message(error.errors()[0])
    return str(error).splitlines()[0]


def guard(fn: F) -> F:
    """Show a `PseError` or an invalid value as a warning and leave the outputs as they were."""

    @wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (PseError, ValidationError) as error:
            gr.Warning(message(error))
            return gr.skip()

    return wrapped  # type: ignore[return-value]


def caller(assistant: Assistant, request: gr.Request | None, role: Role = Role.VIEWER) -> Principal:
    """Who triggered an event (Gradio's user is the session's, see `server`), if their role
    reaches `role`; the facade raises `Unauthorized` or `Forbidden` otherwise, as the API does."""
    name = getattr(request, "username", None) if request is not None else None
    return assistant.require(assistant.principal(name), role)


def owner(assistant: Assistant, request: gr.Request | None) -> str | None:
    """The owner of the conversations an event may touch: the signed-in user, None with auth off."""
    return caller(assistant, request).owner


def clause_href(clause_id: str) -> str:
    """The in-page link that opens a clause where it is clicked (see `theme.JS`)."""
    return f"#clause-{clause_id}"


def link_citations(markdown: str, known: Collection[str]) -> str:
    """Turn each `[7.2.3]` citation of a known clause into a link that opens the clause panel."""

    def linked(match: re.Match[str]) -> str:
        clause = match.group(1)
        return f"[\\[{clause}\\]]({clause_href(clause)})" if clause in known else match.group(0)

    return _CITATION.sub(linked, markdown)


def tab_heading(title: str, lead: str = "") -> gr.Markdown:
    """The tab's h2 (under the page's h1), with an optional one-line lead."""
    text = f"## {title}" + (f"\n\n{lead}" if lead else "")
    return gr.Markdown(text, elem_classes=["tab-heading"])


def hidden_request(elem_id: str) -> tuple[gr.Textbox, gr.Button]:
    """A hidden text box and button that the page script fills and clicks when a clause link is
    followed (`theme.JS`); the box's label names it for assistive technology all the same."""
    box = gr.Textbox(label="Clause to open", visible="hidden", elem_id=elem_id)
    button = gr.Button("Open clause", visible="hidden", elem_id=f"{elem_id}-go")
    return box, button

"""The Workshop tab: a pack for a principle or element, shown on the page and downloadable."""

from __future__ import annotations

from typing import Any

import gradio as gr

from pse_assistant.accounts.roles import Role
from pse_assistant.assistant import Assistant
from pse_assistant.core.text import shift_headings

from .common import caller, guard, tab_heading

PACK_FORMATS = ("pptx", "docx", "handout", "md")


def workshop_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """The clauses a workshop or a quiz can be about: principles, elements and sub-elements."""
    kinds = {"principle", "element", "sub-element"}
    return [(c.label, c.id) for c in assistant.clauses() if c.kind.value in kinds]


def workshop_tab(assistant: Assistant) -> None:
    """Render the Workshop tab inside the app's `gr.Tabs()`."""

    @guard
    def build(
        clause: str, minutes: str, audience: str, request: gr.Request | None = None
    ) -> tuple[str, Any]:
        caller(assistant, request, Role.TRAINER)
        pack = assistant.training.workshop(clause, int(minutes), audience)
        files = [str(assistant.workshop_download(pack, fmt)) for fmt in PACK_FORMATS]
        return shift_headings(assistant.workshop_markdown(pack), 2), gr.update(
            value=files, visible=True
        )

    with gr.Tab("Workshop", id="workshop", elem_id="workshop-tab"):
        tab_heading(
            "Workshop pack",
            "Slides, a facilitator's pack and a one-page participant handout for one clause.",
        )
        with gr.Row():
            clause = gr.Dropdown(
                workshop_choices(assistant), value="5.1.1", label="Principle or element"
            )
            minutes = gr.Radio(["60", "90", "180"], value="90", label="Length (minutes)")
            audience = gr.Radio(
                ["front-line-staff", "managers", "leadership", "assessors"],
                value="managers",
                label="Audience",
            )
        button = gr.Button("Build the workshop pack", variant="primary", elem_id="workshop-button")
        files = gr.File(
            label="Downloads (PPTX slides, DOCX facilitator's pack, DOCX handout, Markdown)",
            file_count="multiple",
            visible=False,
        )
        view = gr.Markdown(elem_id="workshop-view")
    button.click(build, [clause, minutes, audience], [view, files], api_name="workshop")

"""The Browse tab: the clause tree with pages, a clause's guidance, relations and crosswalks, templates."""

from __future__ import annotations

import gradio as gr

from pse_assistant.assistant import Assistant

from .templates import templates_section


def browse_tab(assistant: Assistant) -> None:
    """Render the Browse tab inside the app's `gr.Tabs()`."""
    clauses = assistant.clauses()
    choices = [(f"{c.label} (p. {c.page})", c.id) for c in clauses]
    tree = "\n".join(
        f"{'  ' * c.depth}- **{c.id}** {c.title} (p. {c.page})"
        if c.id != "bibliography"
        else f"- {c.title} (p. {c.page})"
        for c in clauses
    )
    with gr.Tab("Browse", id="browse"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=280):
                picker = gr.Dropdown(
                    choices=choices, label="Clause", value="7.2.3", elem_id="clause-picker"
                )
                gr.Markdown(tree)
            with gr.Column(scale=2, min_width=320):
                guidance = gr.Markdown(
                    assistant.clause("7.2.3").markdown(), elem_id="browse-guidance"
                )
        templates_section(assistant)
    picker.change(
        lambda ref: assistant.clause(ref).markdown() if ref else gr.update(),
        picker,
        guidance,
        api_name="clause",
    )

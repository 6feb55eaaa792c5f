"""The Browse tab: the clause tree as links, a clause's guidance, relations and crosswalks, templates."""

from __future__ import annotations

import gradio as gr

from pse_assistant.assistant import Assistant

from .common import clause_href, guard, hidden_request, link_citations, tab_heading
from .templates import templates_section

START = "7.2.3"


def tree_markdown(assistant: Assistant) -> str:
    """The table of contents as nested links; each opens its clause beside the tree."""
    lines = []
    for c in assistant.clauses():
        label = c.title if c.id == "bibliography" else f"**{c.id}** {c.title}"
        lines.append(f"{'  ' * c.depth}- [{label}]({clause_href(c.id)}) (p. {c.page})")
    return "\n".join(lines)


def browse_tab(assistant: Assistant) -> None:
    """Render the Browse tab inside the app's `gr.Tabs()`."""
    choices = [(f"{c.label} (p. {c.page})", c.id) for c in assistant.clauses()]
    known = set(assistant.corpus.structure.ids)

    def guidance_of(ref: str) -> str:
        return link_citations(assistant.clause(ref).markdown(top=3), known)

    @guard
    def pick(ref: str | None) -> str:
        return guidance_of(ref.strip()) if ref and ref.strip() else gr.skip()

    @guard
    def show(ref: str | None) -> tuple[str, str]:
        ref = (ref or "").strip()
        if not ref:
            return gr.skip(), gr.skip()
        clause_id = assistant.clause(ref).clause.id
        return guidance_of(clause_id), clause_id

    with gr.Tab("Browse", id="browse", elem_id="browse-tab"):
        tab_heading("Browse the standard", "Choose a clause in the list or in the tree.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=280):
                picker = gr.Dropdown(
                    choices=choices, label="Clause", value=START, elem_id="clause-picker"
                )
                gr.Markdown("### Table of contents")
                gr.Markdown(tree_markdown(assistant), elem_id="clause-tree")
            with gr.Column(scale=2, min_width=300):
                guidance = gr.Markdown(guidance_of(START), elem_id="browse-guidance")
        templates_section(assistant)
        request, go = hidden_request("browse-request")
    picker.change(pick, picker, guidance, api_name="clause")
    go.click(show, request, [guidance, picker], api_visibility="private")

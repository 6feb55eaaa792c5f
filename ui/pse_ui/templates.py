"""The templates section of the Browse tab: pick a template, read how to fill it in, download it."""

from __future__ import annotations

import gradio as gr

from pse_assistant.assistant import Assistant

from .common import guard

TEMPLATE_FORMATS = ("docx", "xlsx")


def templates_section(assistant: Assistant) -> None:
    """Render the templates accordion inside the Browse tab."""
    listed = assistant.templates()
    if not listed:
        return
    choices = [(f"{t.title} ({', '.join(t.clauses[:3])})", t.id) for t in listed]

    @guard
    def describe(template_id: str) -> str:
        return assistant.template(template_id).markdown() if template_id else ""

    @guard
    def files(template_id: str) -> list[str]:
        return [str(assistant.template_download(template_id, fmt)) for fmt in TEMPLATE_FORMATS]

    title = "Templates to fill in (Word and Excel)"
    with (
        gr.Accordion(title, open=False, elem_id="templates"),
        gr.Row(equal_height=False),
    ):
        with gr.Column(scale=1, min_width=280):
            picker = gr.Dropdown(
                choices, value=listed[0].id, label="Template", elem_id="template-picker"
            )
            button = gr.Button("Download DOCX and XLSX", elem_id="template-button")
            downloads = gr.File(label="Downloads", file_count="multiple", elem_id="template-files")
        with gr.Column(scale=2, min_width=320):
            view = gr.Markdown(describe(listed[0].id), elem_id="template-view")
    picker.change(describe, picker, view, api_name="template")
    button.click(files, picker, downloads, api_name="template_files")

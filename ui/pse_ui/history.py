"""Saved conversations beside the chat: reopen, rename, delete, or export one as Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import PseError

from .common import guard, owner


@dataclass
class HistoryParts:
    """The conversation list's components; `deleted` holds the id last deleted, for the chat."""

    picker: gr.Dropdown
    open_button: gr.Button
    deleted: gr.State
    assistant: Assistant

    def choices(self, request: gr.Request | None) -> list[tuple[str, str]]:
        """Each of the user's saved conversations as "title · date", newest first."""
        saved = self.assistant.conversation_list(owner(self.assistant, request))
        return [(f"{c.title} · {c.updated[:10]}", c.id) for c in saved]

    def refresh(self, request: gr.Request | None = None) -> Any:
        """The list after a question, a rename or a delete."""
        try:
            return gr.update(choices=self.choices(request))
        except PseError:  # signed out meanwhile: nothing of theirs to list
            return gr.update(choices=[])


def history_panel(assistant: Assistant) -> HistoryParts:
    """Render the "Your conversations" panel and wire its own buttons."""
    with gr.Accordion("Your conversations", open=False, elem_id="history"):
        picker = gr.Dropdown(
            [],
            label="Saved conversations (title from the first question, date)",
            elem_id="history-picker",
        )
        with gr.Row():
            open_button = gr.Button("Open", size="sm", min_width=80)
            delete_button = gr.Button("Delete", size="sm", min_width=80)
            export_button = gr.Button("Export Markdown", size="sm", min_width=120)
        title = gr.Textbox(label="New title", max_lines=1, elem_id="history-title")
        rename_button = gr.Button("Rename", size="sm")
        exported = gr.File(label="Exported conversation", visible=False)
    parts = HistoryParts(picker, open_button, gr.State(""), assistant)

    @guard
    def rename(
        conversation_id: str | None, new_title: str, request: gr.Request | None = None
    ) -> tuple[Any, str]:
        if not conversation_id:
            gr.Warning("Choose a conversation to rename.")
            return gr.update(), new_title
        assistant.rename_conversation(conversation_id, new_title or "", owner(assistant, request))
        return gr.update(choices=parts.choices(request), value=conversation_id), ""

    @guard
    def delete(conversation_id: str | None, request: gr.Request | None = None) -> tuple[Any, str]:
        if not conversation_id:
            gr.Warning("Choose a conversation to delete.")
            return gr.update(), ""
        assistant.delete_conversation(conversation_id, owner(assistant, request))
        gr.Info("Conversation deleted.")
        return gr.update(choices=parts.choices(request), value=None), conversation_id

    @guard
    def export(conversation_id: str | None, request: gr.Request | None = None) -> Any:
        if not conversation_id:
            gr.Warning("Choose a conversation to export.")
            return gr.update()
        path = assistant.conversation_download(conversation_id, "md", owner(assistant, request))
        return gr.update(value=str(path), visible=True)

    rename_button.click(rename, [picker, title], [picker, title], api_visibility="private")
    delete_button.click(delete, picker, [picker, parts.deleted], api_visibility="private")
    export_button.click(export, picker, exported, api_visibility="private")
    return parts

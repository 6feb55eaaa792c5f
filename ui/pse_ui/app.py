"""The Gradio Blocks app: one module per tab, assembled here over the one `Assistant` facade."""

from __future__ import annotations

import gradio as gr

from pse_assistant.assistant import Assistant

from .ask import ask_tab
from .assess import assess_tab
from .browse import browse_tab
from .common import COPYRIGHT
from .evaluate import evaluate_tab
from .links import link_tabs
from .plan import plan_tab
from .quiz import quiz_tab
from .workshop import workshop_tab


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The whole UI for one assistant (mount it with `pse_ui.look()` for its theme and script).

    Gradio's copies of downloads (its cache) are deleted on the same schedule as the assistant's
    own download folder, and all of them when the server stops.
    """
    age = assistant.settings.downloads_max_age
    with gr.Blocks(
        title="pse-assistant — ISO 11367 public service excellence",
        delete_cache=(min(300, age // 4), age),
    ) as demo:
        gr.Markdown(
            "# pse-assistant\nGuidance for **ISO 11367:2025** public service excellence, with clause "
            "citations you can check."
        )
        with gr.Tabs(elem_id="tabs") as tabs:
            ask = ask_tab(assistant)
            browse_tab(assistant)
            plan = plan_tab(assistant)
            assess = assess_tab(assistant)
            workshop_tab(assistant)
            quiz_tab(assistant)
            evaluate_tab(assistant)
        gr.Markdown(f"---\n{COPYRIGHT}", elem_id="copyright")
        link_tabs(assistant, demo, tabs, ask, plan, assess)
    blocks: gr.Blocks = demo
    return blocks

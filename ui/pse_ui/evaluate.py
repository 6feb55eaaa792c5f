"""The Evaluate tab: run a shipped question set or your own, read the headline figures, get the files."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from pse_assistant.assistant import Assistant
from pse_assistant.evals import metric_rows

from .common import guard


def summary_markdown(summary: dict[str, object], name: str) -> str:
    """The run's headline figures with plain names, and the retrieval ablation when it was run."""
    rows = "\n".join(
        f"| {row.label} | {row.shown} | {row.explanation} |" for row in metric_rows(summary)
    )
    text = (
        f"### Evaluation of {name}\n\n| Measure | Value | What it measures |\n|---|---|---|\n{rows}"
    )
    ablation = summary.get("ablation") or {}
    if isinstance(ablation, dict) and ablation:
        lines = "\n".join(
            f"| {variant} | {m.get('recall@5') or 0:.3f} | {m.get('mrr@10') or 0:.3f} |"
            for variant, m in ablation.items()
        )
        text += (
            "\n\n#### Retrieval ablation\n\n| Variant | Right clause in the top 5 | "
            f"Rank of the first right clause |\n|---|---|---|\n{lines}"
        )
    return text


def evaluate_tab(assistant: Assistant) -> None:
    """Render the Evaluate tab inside the app's `gr.Tabs()`."""

    @guard
    def run(split: str, ablation: bool, own: str | None) -> tuple[str, list[str]]:
        # Only a file uploaded through the component is read (the facade checks the folder).
        result, paths = assistant.evaluation_download(
            split, ablation, Path(own) if own else None, Path(get_upload_folder())
        )
        name = Path(own).name if own else f"the {split} split"
        return summary_markdown(result.summary, name), [str(p) for p in paths.values()]

    with gr.Tab("Evaluate", id="evaluate"):
        gr.Markdown(
            "Run the hand-written question set through the assistant: retrieval, citations, key points, "
            "refusals and plans, scored offline. Open `report.html` for the charts per clause, type and persona."
        )
        with gr.Row():
            split = gr.Radio(["test", "dev"], value="test", label="Question set split")
            ablation = gr.Checkbox(value=False, label="Also run the retrieval ablation (slower)")
        own = gr.File(
            label="Or your own question set (JSONL or CSV, see evals/README.md)",
            file_types=[".jsonl", ".csv"],
            type="filepath",
        )
        button = gr.Button("Run evaluation", variant="primary", elem_id="eval-button")
        files = gr.File(
            label="Run files (report.html, summary.json, results.jsonl, junit.xml)",
            file_count="multiple",
        )
        summary = gr.Markdown(elem_id="eval-summary")
    button.click(run, [split, ablation, own], [summary, files], api_name="evaluate")

"""The Evaluate tab: run a shipped question set or your own, with a progress bar; read the figures
in plain words, the report inside the page, and download the run's files."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from pse_assistant.accounts.roles import Role
from pse_assistant.assistant import Assistant
from pse_assistant.evals import metric_rows

from .common import caller, guard, tab_heading

REPORT_HINT = (
    "The run's report (charts by clause, type and persona, and the worst items) opens here."
)


def summary_markdown(summary: dict[str, Any], name: str) -> str:
    """The run's headline figures with plain names and what each measures, then the ablation."""
    metrics = summary.get("metrics", {})
    count = int(metrics.get("items") or 0)
    rows = "\n".join(
        f"| {row.label} | {row.shown} | {row.explanation} |" for row in metric_rows(summary)
    )
    seconds = summary.get("seconds")
    took = f" in {int(seconds)} s" if seconds else ""
    text = (
        f"### Evaluation of {name}\n\n{count} questions answered{took}.\n\n"
        f"| Measure | Value | What it measures |\n|---|---|---|\n{rows}"
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


def report_frame(path: Path) -> str:
    """The HTML report in a sandboxed frame: its own page, no script, nothing it can reach."""
    page = html.escape(path.read_text(encoding="utf-8"), quote=True)
    return f'<iframe title="Evaluation report" sandbox srcdoc="{page}"></iframe>'


def _runner(assistant: Assistant) -> Any:
    """The Run button's handler: an admin's evaluation run, written to the audit log."""

    @guard
    def run(
        split: str,
        ablation: bool,
        own: str | None,
        request: gr.Request | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio asks for one)
    ) -> tuple[str, Any, str]:
        who = caller(assistant, request, Role.ADMIN)

        def step(done: int, total: int) -> None:
            progress((done, total), desc=f"Question {done} of {total}", unit="questions")

        progress(0, desc="Loading the question set")
        # Only a file uploaded through the component is read (the facade checks the folder).
        result, paths = assistant.evaluation_download(
            split,
            ablation,
            Path(own) if own else None,
            Path(get_upload_folder()),
            progress=step,
            actor=who,
        )
        name = Path(own).name if own else f"the {split} split"
        report = paths.get("report.html")
        frame = report_frame(report) if report else REPORT_HINT
        written = gr.update(value=[str(p) for p in paths.values()], visible=True)
        return summary_markdown(result.summary, name), written, frame

    return run


def evaluate_tab(assistant: Assistant) -> None:
    """Render the Evaluate tab inside the app's `gr.Tabs()`."""

    run = _runner(assistant)

    with gr.Tab("Evaluate", id="evaluate", elem_id="evaluate-tab"):
        tab_heading(
            "Evaluate the assistant",
            "Run the hand-written question set through the assistant: retrieval, citations, key points, "
            "refusals and plans, scored offline.",
        )
        with gr.Row():
            split = gr.Radio(["test", "dev"], value="test", label="Question set split")
            ablation = gr.Checkbox(value=False, label="Also run the retrieval ablation (slower)")
        with gr.Row():
            upload = gr.UploadButton(
                "Or upload your own question set (JSONL or CSV)",
                file_types=[".jsonl", ".csv"],
                type="filepath",
                elem_id="eval-upload",
            )
            chosen = gr.Markdown("No file chosen: the shipped split is used.", elem_id="eval-own")
        button = gr.Button("Run evaluation", variant="primary", elem_id="eval-button")
        summary = gr.Markdown(elem_id="eval-summary")
        files = gr.File(
            label="Run files (report.html, summary.json, results.jsonl, junit.xml)",
            file_count="multiple",
            visible=False,
        )
        gr.Markdown("### The report")
        report = gr.HTML(REPORT_HINT, elem_id="report-frame")
    upload.upload(
        lambda path: (
            f"Your question set: **{Path(path).name}** (see evals/README.md for the format)."
        ),
        upload,
        chosen,
        api_visibility="private",
    )
    button.click(run, [split, ablation, upload], [summary, files, report], api_name="evaluate")

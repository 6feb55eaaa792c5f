"""The Assess tab: each assessor scores the elements; the consensus view, charts, reports and a plan."""

from __future__ import annotations

from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import InvalidInput

from .common import guard


def consensus_markdown(assistant: Assistant, assessment_id: str) -> str:
    """The consensus table and the findings, as Markdown."""
    result = assistant.training.result(assessment_id)
    header, rows = result.table()
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    findings = "\n\n".join(f"**{k}:** {v}" for k, v in result.findings().items())
    return "\n".join(lines) + "\n\n" + findings


class AssessTab:
    """The Assess tab's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.training = assistant.training
        self.elements = [(f"{i.clause} {i.title}", i.clause) for i in self.training.items(True)]

    def scale(self, clause: str | None) -> str:
        """An element's questions and its five maturity levels."""
        item = next((i for i in self.training.items(True) if i.clause == clause), None)
        if item is None:
            return ""
        questions = "\n".join(f"- {q}" for q in item.questions)
        levels = "\n".join(f"{lv.level}. **{lv.label}.** {lv.description}" for lv in item.levels)
        return f"**{item.clause} {item.title}**\n\n{questions}\n\n{levels}"

    @guard
    def start(self, name: str, organization: str, principles: bool) -> tuple[str, Any]:
        created = self.training.create(name or "Self-assessment", organization, principles)
        gr.Info(f"Assessment {created.id} started: share this id with the other assessors.")
        choices = [c for c in self.elements if c[1] in created.items]
        return created.id, gr.update(choices=choices, value=created.items[0])

    @guard
    def save(self, aid: str, assessor: str, clause: str, score: int | None, evidence: str) -> str:
        if score is None:
            raise InvalidInput("Choose a score from 1 to 5.")
        self.training.score(aid.strip(), assessor.strip(), clause, int(score), evidence or "")
        gr.Info(f"Saved {assessor}'s score {score} for {clause}.")
        return consensus_markdown(self.assistant, aid.strip())

    @guard
    def agree(self, aid: str, clause: str, score: int | None, reason: str) -> str:
        if score is None:
            raise InvalidInput("Choose the agreed score from 1 to 5.")
        self.training.agree(aid.strip(), clause, int(score), reason or "")
        return consensus_markdown(self.assistant, aid.strip())

    @guard
    def results(self, aid: str) -> tuple[str, list[str], list[str]]:
        aid = aid.strip()
        charts = self.assistant.assessment_charts_download(aid)
        files = [str(self.assistant.assessment_report_download(aid, f)) for f in ("xlsx", "docx")]
        pngs = [str(p) for p in charts if p.suffix == ".png"]
        svgs = [str(p) for p in charts if p.suffix == ".svg"]
        return consensus_markdown(self.assistant, aid), pngs, files + svgs

    @guard
    def gaps(self, aid: str, organization: str) -> str:
        plan = self.training.plan_from_gaps(
            aid.strip(), organization or "public service organization"
        )
        return self.assistant.plan_markdown(plan)


def assess_tab(assistant: Assistant) -> None:
    """Render the Assess tab inside the app's `gr.Tabs()`."""
    tab = AssessTab(assistant)
    with gr.Tab("Assess", id="assess"):
        gr.Markdown(
            "Everyone scores on their own; then the consensus view shows the spread; record the "
            "agreed score and its reason."
        )
        with gr.Row():
            name = gr.Textbox(label="Assessment name", value="Self-assessment")
            organization = gr.Textbox(label="Organization", value="Riverside council")
            principles = gr.Checkbox(label="Also score the 14 principles", value=False)
            start_button = gr.Button("Start assessment")
        aid = gr.Textbox(label="Assessment id (to resume, paste it here)", elem_id="assessment-id")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                assessor = gr.Textbox(label="Your name (assessor)")
                element = gr.Dropdown(tab.elements[:12], value="7.1.1", label="Element")
                score = gr.Radio([1, 2, 3, 4, 5], label="Your score (1–5)")
                evidence = gr.Textbox(label="Evidence for your score", lines=3)
                save_button = gr.Button("Save my score", variant="primary")
            scale = gr.Markdown(tab.scale("7.1.1"))
        with gr.Accordion("Consensus meeting", open=False):
            agreed = gr.Radio([1, 2, 3, 4, 5], label="Agreed score (1–5)")
            reason = gr.Textbox(label="Reason for the agreed score")
            agree_button = gr.Button("Record the agreed score for the chosen element")
        results_button = gr.Button("Show consensus, charts and reports")
        consensus = gr.Markdown()
        gallery = gr.Gallery(label="Radar charts and heat map", columns=3, height="auto")
        reports = gr.File(label="Downloads (XLSX, DOCX, SVG charts)", file_count="multiple")
        gaps_button = gr.Button("Turn the gaps into a plan")
        gap_plan = gr.Markdown()
    start_button.click(
        tab.start, [name, organization, principles], [aid, element], api_name="start_assessment"
    )
    element.change(tab.scale, element, scale, api_visibility="private")
    save_button.click(
        tab.save, [aid, assessor, element, score, evidence], consensus, api_name="score"
    )
    agree_button.click(tab.agree, [aid, element, agreed, reason], consensus, api_name="agree")
    results_button.click(
        tab.results, aid, [consensus, gallery, reports], api_name="assessment_results"
    )
    gaps_button.click(tab.gaps, [aid, organization], gap_plan, api_name="gap_plan")

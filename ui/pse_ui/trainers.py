"""The Assess, Workshop and Quiz tabs: self-assessment with consensus, workshop packs, a quiz mode."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.errors import PseError
from pse_assistant.plan_export import to_markdown as plan_markdown
from pse_assistant.workshop_export import to_markdown as pack_markdown


def _scale(assistant: Assistant, clause: str | None) -> str:
    if not clause:
        return ""
    item = next((i for i in assistant.training.items(True) if i.clause == clause), None)
    if item is None:
        return ""
    questions = "\n".join(f"- {q}" for q in item.questions)
    levels = "\n".join(f"{lv.level}. **{lv.label}.** {lv.description}" for lv in item.levels)
    return f"**{item.clause} {item.title}**\n\n{questions}\n\n{levels}"


def _consensus_markdown(assistant: Assistant, assessment_id: str) -> str:
    result = assistant.training.result(assessment_id)
    head = "| Element | " + " | ".join(result.assessors) + " | Mean | Spread | Agreed |"
    rows = [head, "|---" * (len(result.assessors) + 4) + "|"]
    for e in result.elements:
        scores = " | ".join(str(e.scores.get(a, "")) for a in result.assessors)
        mean = "" if e.mean is None else f"{e.mean:.1f}"
        rows.append(f"| {e.clause} {e.title} | {scores} | {mean} | {e.spread} | {e.agreed or ''} |")
    strengths = ", ".join(f"{e.clause} {e.title}" for e in result.strengths) or "none yet"
    improvements = ", ".join(f"{e.clause} {e.title}" for e in result.improvements) or "none yet"
    disagree = ", ".join(
        f"{e.clause} (spread {e.spread})" for e in result.disagreements[:3] if e.spread
    )
    return (
        "\n".join(rows)
        + f"\n\n**Strengths:** {strengths}\n\n**Areas for improvement:** {improvements}"
        + (f"\n\n**Most disagreement:** {disagree}" if disagree else "")
    )


def trainer_tabs(assistant: Assistant) -> None:
    """Render the three tabs inside the app's `gr.Tabs()`."""
    training = assistant.training
    elements = [(f"{i.clause} {i.title}", i.clause) for i in training.items(True)]
    workshop_choices = [
        (c.label, c.id)
        for c in assistant.clauses()
        if c.kind.value in {"principle", "element", "sub-element"}
    ]

    def guard(fn: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            try:
                return fn(*args)
            except (PseError, ValueError) as error:
                gr.Warning(str(error).splitlines()[0])
                return gr.skip()

        return wrapped

    @guard
    def start(name: str, organization: str, principles: bool) -> tuple[str, Any]:
        created = training.create(name or "Self-assessment", organization, principles)
        gr.Info(f"Assessment {created.id} started: share this id with the other assessors.")
        return created.id, gr.update(
            choices=[c for c in elements if c[1] in created.items], value=created.items[0]
        )

    @guard
    def save(aid: str, assessor: str, clause: str, score: int | None, evidence: str) -> str:
        if score is None:
            raise PseError("Choose a score from 1 to 5.")
        training.score(aid.strip(), assessor.strip(), clause, int(score), evidence or "")
        gr.Info(f"Saved {assessor}'s score {score} for {clause}.")
        return _consensus_markdown(assistant, aid.strip())

    @guard
    def agree(aid: str, clause: str, score: int | None, reason: str) -> str:
        if score is None:
            raise PseError("Choose the agreed score from 1 to 5.")
        training.agree(aid.strip(), clause, int(score), reason or "")
        return _consensus_markdown(assistant, aid.strip())

    @guard
    def results(aid: str) -> tuple[str, list[str], list[str]]:
        folder = Path(tempfile.mkdtemp(prefix="pse-ui-assessment-"))
        charts = training.charts(aid.strip(), folder / "charts")
        files = [str(training.report(aid.strip(), fmt, folder)) for fmt in ("xlsx", "docx")]
        pngs = [str(p) for p in charts if p.suffix == ".png"]
        return (
            _consensus_markdown(assistant, aid.strip()),
            pngs,
            files + [str(p) for p in charts if p.suffix == ".svg"],
        )

    @guard
    def gaps(aid: str, organization: str) -> str:
        return plan_markdown(
            training.plan_from_gaps(aid.strip(), organization or "public service organization")
        )

    @guard
    def build(clause: str, minutes: str, audience: str) -> tuple[str, list[str]]:
        pack = training.workshop(clause, int(minutes), audience)
        folder = Path(tempfile.mkdtemp(prefix="pse-ui-workshop-"))
        files = [str(training.export_workshop(pack, fmt, folder)) for fmt in ("pptx", "docx", "md")]
        return pack_markdown(pack), files

    def show(items: list[dict[str, Any]], index: int) -> tuple[str, Any, str]:
        if not items:
            return "Choose a clause and start the quiz.", gr.update(choices=[], value=None), ""
        item = items[index]
        choices = [(f"{k}) {v}", k) for k, v in item["options"].items()]
        return (
            f"**Question {index + 1} of {len(items)}.** {item['question']}",
            gr.update(choices=choices, value=None),
            "",
        )

    @guard
    def start_quiz(clause: str) -> tuple[list[dict[str, Any]], int, str, Any, str]:
        items = [
            {"number": i.number, "question": i.question, "options": i.options}
            for i in training.quiz(clause)
        ]
        return items, 0, *show(items, 0)

    @guard
    def check(clause: str, items: list[dict[str, Any]], index: int, letter: str | None) -> str:
        if not items or letter is None:
            raise PseError("Start the quiz and choose an answer first.")
        feedback = training.check(clause, items[index]["number"], letter)
        verdict = (
            "✅ Right." if feedback.correct else f"❌ Not quite: the answer is {feedback.answer}."
        )
        return f"{verdict} {feedback.explanation} {feedback.citation}"

    def advance(items: list[dict[str, Any]], index: int) -> tuple[int, str, Any, str]:
        index = min(index + 1, max(len(items) - 1, 0))
        return index, *show(items, index)

    with gr.Tab("Assess", id="assess"):
        gr.Markdown(
            "Everyone scores on their own; then the consensus view shows the spread; record the agreed score and its reason."
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
                element = gr.Dropdown(elements[:12], value="7.1.1", label="Element")
                score = gr.Radio([1, 2, 3, 4, 5], label="Your score (1–5)")
                evidence = gr.Textbox(label="Evidence for your score", lines=3)
                save_button = gr.Button("Save my score", variant="primary")
            scale = gr.Markdown(_scale(assistant, "7.1.1"))
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
            start, [name, organization, principles], [aid, element], api_name="start_assessment"
        )
        element.change(lambda c: _scale(assistant, c), element, scale, api_visibility="private")
        save_button.click(
            save, [aid, assessor, element, score, evidence], consensus, api_name="score"
        )
        agree_button.click(agree, [aid, element, agreed, reason], consensus, api_name="agree")
        results_button.click(
            results, aid, [consensus, gallery, reports], api_name="assessment_results"
        )
        gaps_button.click(gaps, [aid, organization], gap_plan, api_name="gap_plan")

    with gr.Tab("Workshop", id="workshop"):
        with gr.Row():
            w_clause = gr.Dropdown(workshop_choices, value="5.1.1", label="Principle or element")
            w_minutes = gr.Radio(["60", "90", "180"], value="90", label="Length (minutes)")
            w_audience = gr.Radio(
                ["front-line-staff", "managers", "leadership", "assessors"],
                value="managers",
                label="Audience",
            )
        w_button = gr.Button("Build the workshop pack", variant="primary")
        w_files = gr.File(label="Downloads (PPTX slides, DOCX, Markdown)", file_count="multiple")
        w_view = gr.Markdown()
        w_button.click(
            build, [w_clause, w_minutes, w_audience], [w_view, w_files], api_name="workshop"
        )

    with gr.Tab("Quiz", id="quiz"):
        q_items = gr.State([])
        q_index = gr.State(0)
        with gr.Row():
            q_clause = gr.Dropdown(workshop_choices, value="5.2.4", label="Quiz on")
            q_start = gr.Button("Start the quiz")
        q_text = gr.Markdown("Choose a clause and start the quiz.")
        q_options = gr.Radio([], label="Your answer", elem_id="quiz-options")
        with gr.Row():
            q_check = gr.Button("Check my answer", variant="primary")
            q_next = gr.Button("Next question")
        q_feedback = gr.Markdown(elem_id="quiz-feedback")
        q_start.click(
            start_quiz,
            q_clause,
            [q_items, q_index, q_text, q_options, q_feedback],
            api_name="start_quiz",
        )
        q_check.click(
            check, [q_clause, q_items, q_index, q_options], q_feedback, api_name="check_answer"
        )
        q_next.click(
            advance,
            [q_items, q_index],
            [q_index, q_text, q_options, q_feedback],
            api_visibility="private",
        )

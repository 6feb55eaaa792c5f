"""The Gradio Blocks app: a streaming chat with clause chips, a clause browser and the plan form."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.chat import Answer
from pse_assistant.errors import PseError
from pse_assistant.plans import PlanProfile

from .trainers import trainer_tabs

COPYRIGHT = (
    "The guidance here is written by the pse-assistant project (CC BY 4.0). It interprets ISO 11367:2025 "
    "and does not reproduce it: ISO 11367 is a copyrighted standard. If your organization owns a licensed "
    "copy, ingest it on your own machine with `pse ingest` — it stays there."
)
EXAMPLES = {
    "Civil servants": [
        "How do we stop corruption at the permit counter?",
        "We're a tax office: who is our customer anyway?",
        "Which accessibility standard applies to our website?",
    ],
    "Trainers": [
        "I need a quiz on principle 5.2.2 for front-line staff",
        "Give me an example of 7.3.2 in practice",
        "What does clause 5.1.5 cover?",
    ],
    "Evaluators": [
        "What evidence would an assessor want for 7.4.3?",
        "What do the maturity levels of 7.1.3 look like?",
        "Which ISO 9001 clauses line up with 7.3.1?",
    ],
}
CSS = """
.chips .wrap { gap: 6px; }
@media (max-width: 720px) { .side-panel { min-width: 100% !important; } }
"""


def _answer_markdown(answer: Answer) -> str:
    notices = "".join(f"\n\n> **Note:** {n}" for n in answer.notices)
    return answer.answer + notices


def _clause_markdown(assistant: Assistant, clause_id: str) -> str:
    view = assistant.clause(clause_id)
    c = view.clause
    where = " › ".join(a.label for a in view.ancestors) or "top level"
    parts = [f"### {c.label}", f"*ISO 11367:2025 · page {c.page} · {c.kind.value} · in {where}*"]
    if view.children:
        parts.append("**Contains:** " + "; ".join(ch.label for ch in view.children))
    parts.append(
        view.note.body.strip()
        if view.note
        else "_This clause lists other documents; it has no guidance note._"
    )
    if view.links:
        rows = "\n".join(
            f"| {ln.framework_name} | {ln.target} {ln.target_title} | {ln.rationale} |"
            for ln in view.links
        )
        parts.append(
            "#### Crosswalks (the project's mapping)\n\n| Framework | Clause | Why |\n|---|---|---|\n"
            + rows
        )
    return "\n\n".join(parts)


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The whole UI for one assistant."""
    clause_choices = [(f"{c.label} (p. {c.page})", c.id) for c in assistant.clauses()]
    plannable = [
        (f"{c.label}", c.id)
        for c in assistant.clauses()
        if c.kind.value in {"sub-element", "element", "principle"}
    ]

    def respond(
        question: str,
        history: list[dict[str, Any]],
        conversation_id: str,
        answer_ids: list[str | None],
    ) -> Iterator[Any]:
        question = (question or "").strip()
        if not question:
            gr.Warning("Please type a question first.")
            yield history, conversation_id, answer_ids, gr.update(), gr.update(), question
            return
        history = [
            *history,
            {"role": "user", "content": question},
            {"role": "assistant", "content": ""},
        ]
        answer_ids = [*answer_ids, None, None]
        text = ""
        try:
            for event in assistant.ask_stream(question, conversation_id or None):
                if event["type"] == "reset":
                    text = ""
                elif event["type"] == "token":
                    text += event["text"]
                    history[-1]["content"] = text
                    yield history, conversation_id, answer_ids, gr.update(), gr.update(), ""
                elif event["type"] == "answer":
                    answer: Answer = event["answer"]
                    history[-1]["content"] = _answer_markdown(answer)
                    answer_ids[-1] = answer.id
                    cited = list(dict.fromkeys(c.clause for c in answer.citations))
                    chips = [(f"{c} {assistant.corpus.structure.get(c).title}", c) for c in cited]
                    panel = _clause_markdown(assistant, cited[0]) if cited else gr.update()
                    yield (
                        history,
                        answer.conversation_id,
                        answer_ids,
                        gr.update(choices=chips, value=cited[0] if cited else None),
                        panel,
                        "",
                    )
        except PseError as error:
            gr.Warning(str(error))
            history[-1]["content"] = f"_{error}_"
            yield history, conversation_id, answer_ids, gr.update(), gr.update(), question

    def open_clause(clause_id: str | None) -> Any:
        return _clause_markdown(assistant, clause_id) if clause_id else gr.update()

    def on_like(data: gr.LikeData, answer_ids: list[str | None], comment: str) -> str:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        answer_id = (
            answer_ids[index] if isinstance(index, int) and index < len(answer_ids) else None
        )
        if not answer_id:
            gr.Warning("Feedback can only be given on an answer.")
            return comment
        assistant.feedback(answer_id, "up" if data.liked else "down", comment or "")
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return ""

    def send_feedback(
        rating: str | None, comment: str, answer_ids: list[str | None]
    ) -> tuple[Any, str]:
        last = next((a for a in reversed(answer_ids) if a), None)
        if last is None:
            gr.Warning("Ask a question first: feedback is kept per answer.")
            return gr.update(), comment
        if rating is None:
            gr.Warning("Choose helpful or not helpful first.")
            return gr.update(), comment
        assistant.feedback(last, "up" if rating.startswith("Helpful") else "down", comment)
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return gr.update(value=None), ""

    def draft(
        clauses: list[str],
        organization: str,
        size: str,
        months: float,
        maturity: float,
        priorities: str,
        constraints: str,
    ) -> tuple[str, list[str]]:
        if not clauses:
            gr.Warning("Choose at least one element, sub-element or principle.")
            return "", []
        try:
            profile = PlanProfile(
                organization=organization or "public service organization",
                size=size,
                horizon_months=int(months),
                maturity=int(maturity),
                priorities=priorities or "",
                constraints=constraints or "",
            )
            plan = assistant.draft_plan(clauses, profile)
        except (PseError, ValueError) as error:
            gr.Warning(str(error).splitlines()[0])
            return "", []
        folder = Path(tempfile.mkdtemp(prefix="pse-ui-plan-"))
        files = [str(assistant.export_plan(plan, fmt, folder)) for fmt in ("docx", "xlsx", "md")]
        from pse_assistant.plan_export import to_markdown

        return to_markdown(plan), files

    def evaluate(split: str, ablation: bool, own: str | None) -> tuple[str, list[str]]:
        try:
            if own:
                run, paths = assistant.evaluate(split=None, dataset=Path(own), ablation=ablation)
            else:
                run, paths = assistant.evaluate(split=split, ablation=ablation)
        except PseError as error:
            gr.Warning(str(error))
            return "", []
        metrics = run.summary.get("metrics", {})
        rows = "\n".join(
            f"| {name} | {value:.3f} |"
            for name, value in metrics.items()
            if isinstance(value, int | float)
        )
        name = Path(own).name if own else f"the {split} split"
        text = f"### Evaluation of {name}\n\n| metric | value |\n|---|---|\n{rows}"
        ablation_rows = run.summary.get("ablation") or {}
        if ablation_rows:
            lines = "\n".join(
                f"| {name} | {m.get('recall@5') or 0:.3f} | {m.get('mrr@10') or 0:.3f} |"
                for name, m in ablation_rows.items()
            )
            text += f"\n\n#### Retrieval ablation\n\n| variant | recall@5 | MRR@10 |\n|---|---|---|\n{lines}"
        return text, [str(p) for p in paths.values()]

    with gr.Blocks(title="pse-assistant — ISO 11367 public service excellence") as demo:
        gr.Markdown(
            "# pse-assistant\nGuidance for **ISO 11367:2025** public service excellence, with clause citations you can check."
        )
        conversation_id = gr.State("")
        answer_ids = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat")
                        question = gr.Textbox(
                            label="Your question",
                            placeholder="e.g. How do we meet 7.2.3 at the counter?",
                            lines=2,
                            elem_id="question",
                        )
                        with gr.Row():
                            ask_button = gr.Button("Ask", variant="primary", elem_id="ask-button")
                            new_button = gr.Button("New conversation")
                        for label, items in EXAMPLES.items():
                            gr.Examples(
                                examples=[[q] for q in items],
                                inputs=[question],
                                label=f"Examples for {label.lower()}",
                            )
                        with gr.Accordion("Feedback on the last answer", open=False):
                            rating = gr.Radio(
                                ["Helpful", "Not helpful"], label="Was the last answer helpful?"
                            )
                            comment = gr.Textbox(label="Comment (optional)", lines=2)
                            feedback_button = gr.Button("Send feedback")
                    with gr.Column(scale=2, min_width=280, elem_classes=["side-panel"]):
                        chips = gr.Radio(
                            choices=[],
                            label="Cited clauses — choose one to read its guidance",
                            elem_id="citations",
                            elem_classes=["chips"],
                        )
                        panel = gr.Markdown(
                            "Citations of an answer appear above; their guidance opens here.",
                            elem_id="clause-panel",
                        )
                outputs = [chatbot, conversation_id, answer_ids, chips, panel, question]
                ask_button.click(
                    respond,
                    [question, chatbot, conversation_id, answer_ids],
                    outputs,
                    api_name="ask",
                )
                question.submit(
                    respond,
                    [question, chatbot, conversation_id, answer_ids],
                    outputs,
                    api_visibility="private",
                )
                new_button.click(
                    lambda: ([], "", [], gr.update(choices=[], value=None)),
                    None,
                    [chatbot, conversation_id, answer_ids, chips],
                    api_visibility="private",
                )
                chips.change(open_clause, chips, panel, api_visibility="private")
                chatbot.like(on_like, [answer_ids, comment], comment, api_visibility="private")
                feedback_button.click(
                    send_feedback,
                    [rating, comment, answer_ids],
                    [rating, comment],
                    api_visibility="private",
                )
            with gr.Tab("Browse", id="browse"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=280):
                        picker = gr.Dropdown(
                            choices=clause_choices,
                            label="Clause",
                            value="7.2.3",
                            elem_id="clause-picker",
                        )
                        tree = "\n".join(
                            f"{'  ' * c.depth}- **{c.id}** {c.title} (p. {c.page})"
                            if c.id != "bibliography"
                            else f"- {c.title} (p. {c.page})"
                            for c in assistant.clauses()
                        )
                        gr.Markdown(tree)
                    with gr.Column(scale=2, min_width=320):
                        guidance = gr.Markdown(
                            _clause_markdown(assistant, "7.2.3"), elem_id="browse-guidance"
                        )
                picker.change(open_clause, picker, guidance, api_name="clause")
            with gr.Tab("Plan", id="plan"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=280):
                        plan_clauses = gr.Dropdown(
                            plannable,
                            multiselect=True,
                            value=["7.2.2"],
                            label="Elements, sub-elements or principles",
                        )
                        organization = gr.Textbox(
                            label="Organization", value="regional health agency"
                        )
                        size = gr.Radio(["small", "medium", "large"], value="medium", label="Size")
                        months = gr.Slider(3, 36, value=12, step=1, label="Horizon (months)")
                        maturity = gr.Slider(1, 5, value=2, step=1, label="Current maturity (1–5)")
                        priorities = gr.Textbox(label="Priorities (optional)", lines=2)
                        constraints = gr.Textbox(label="Constraints (optional)", lines=2)
                        plan_button = gr.Button(
                            "Draft plan", variant="primary", elem_id="plan-button"
                        )
                    with gr.Column(scale=2, min_width=320):
                        files = gr.File(
                            label="Downloads (DOCX, XLSX, Markdown)",
                            file_count="multiple",
                            elem_id="plan-files",
                        )
                        plan_view = gr.Markdown(elem_id="plan-view")
                plan_button.click(
                    draft,
                    [plan_clauses, organization, size, months, maturity, priorities, constraints],
                    [plan_view, files],
                    api_name="plan",
                )
            trainer_tabs(assistant)
            with gr.Tab("Evaluate", id="evaluate"):
                gr.Markdown(
                    "Run the hand-written question set through the assistant: retrieval, citations, key points, "
                    "refusals and plans, scored offline. Open `report.html` for the charts per clause, type and persona."
                )
                with gr.Row():
                    eval_split = gr.Radio(["test", "dev"], value="test", label="Question set split")
                    eval_ablation = gr.Checkbox(
                        value=False, label="Also run the retrieval ablation (slower)"
                    )
                eval_own = gr.File(
                    label="Or your own question set (JSONL or CSV, see evals/README.md)",
                    file_types=[".jsonl", ".csv"],
                    type="filepath",
                )
                eval_button = gr.Button("Run evaluation", variant="primary", elem_id="eval-button")
                eval_files = gr.File(
                    label="Run files (report.html, summary.json, results.jsonl, junit.xml)",
                    file_count="multiple",
                )
                eval_summary = gr.Markdown(elem_id="eval-summary")
                eval_button.click(
                    evaluate,
                    [eval_split, eval_ablation, eval_own],
                    [eval_summary, eval_files],
                    api_name="evaluate",
                )
        gr.Markdown(f"---\n{COPYRIGHT}", elem_id="copyright")
    blocks: gr.Blocks = demo
    return blocks

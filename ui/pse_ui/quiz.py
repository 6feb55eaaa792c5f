"""The Quiz tab: a participant answers one question at a time and sees why, with its citation."""

from __future__ import annotations

from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import InvalidInput

from .common import guard
from .workshop import workshop_choices

Items = list[dict[str, Any]]


def _show(items: Items, index: int) -> tuple[str, Any, str]:
    if not items:
        return "Choose a clause and start the quiz.", gr.update(choices=[], value=None), ""
    item = items[index]
    choices = [(f"{k}) {v}", k) for k, v in item["options"].items()]
    return (
        f"**Question {index + 1} of {len(items)}.** {item['question']}",
        gr.update(choices=choices, value=None),
        "",
    )


def quiz_tab(assistant: Assistant) -> None:
    """Render the Quiz tab inside the app's `gr.Tabs()`."""
    training = assistant.training

    @guard
    def start(clause: str) -> tuple[Items, int, str, Any, str]:
        items = [
            {"number": i.number, "question": i.question, "options": i.options}
            for i in training.quiz(clause)
        ]
        return items, 0, *_show(items, 0)

    @guard
    def check(clause: str, items: Items, index: int, letter: str | None) -> str:
        if not items or letter is None:
            raise InvalidInput("Start the quiz and choose an answer first.")
        feedback = training.check(clause, items[index]["number"], letter)
        verdict = (
            "✅ Right." if feedback.correct else f"❌ Not quite: the answer is {feedback.answer}."
        )
        return f"{verdict} {feedback.explanation} {feedback.citation}"

    def advance(items: Items, index: int) -> tuple[int, str, Any, str]:
        index = min(index + 1, max(len(items) - 1, 0))
        return index, *_show(items, index)

    with gr.Tab("Quiz", id="quiz"):
        items = gr.State([])
        index = gr.State(0)
        with gr.Row():
            clause = gr.Dropdown(workshop_choices(assistant), value="5.2.4", label="Quiz on")
            start_button = gr.Button("Start the quiz")
        text = gr.Markdown("Choose a clause and start the quiz.")
        options = gr.Radio([], label="Your answer", elem_id="quiz-options")
        with gr.Row():
            check_button = gr.Button("Check my answer", variant="primary")
            next_button = gr.Button("Next question")
        feedback = gr.Markdown(elem_id="quiz-feedback")
    start_button.click(
        start, clause, [items, index, text, options, feedback], api_name="start_quiz"
    )
    check_button.click(check, [clause, items, index, options], feedback, api_name="check_answer")
    next_button.click(
        advance, [items, index], [index, text, options, feedback], api_visibility="private"
    )

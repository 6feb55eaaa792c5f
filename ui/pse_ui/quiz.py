"""The Quiz tab: one question at a time with its explanation, then the score and the wrong answers.

The quiz in progress (its clause, questions and answers) is held in one state, so changing the
clause starts a new quiz and an answer is always graded against the key of the quiz it belongs to.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import InvalidInput
from pse_assistant.training.workshop import QuizResult

from .common import guard, tab_heading
from .workshop import workshop_choices

Quiz = dict[str, Any]  # {"clause", "items", "index", "answers", "done"}
START_TEXT = "Choose a clause and start the quiz; choosing another clause starts a new one."


def question_view(quiz: Quiz) -> tuple[str, Any, str]:
    """The current question, its options (none chosen) and an empty feedback line."""
    items = quiz.get("items") or []
    if not items:
        return START_TEXT, gr.update(choices=[], value=None), ""
    index = quiz["index"]
    item = items[index]
    choices = [(f"{k}) {v}", k) for k, v in item["options"].items()]
    text = f"**Question {index + 1} of {len(items)}** (on {quiz['clause']}). {item['question']}"
    return text, gr.update(choices=choices, value=None, interactive=True), ""


def score_markdown(result: QuizResult) -> str:
    """The final score and a review of every wrong or skipped answer."""
    lines = [f"### Your score: {result.right} of {result.total}"]
    if not result.wrong:
        lines.append("Every answer was right. Well done.")
    else:
        lines.append("#### Review of the answers to look at again")
        for r in result.wrong:
            chosen = (r.chosen_text or "").rstrip(".")
            yours = f"you chose {r.chosen}) {chosen}" if r.chosen else "not answered"
            answer = r.answer_text.rstrip(".")
            lines.append(
                f"**{r.number}. {r.question}** — {yours}; the answer is {r.answer}) {answer}. "
                f"{r.explanation} {r.citation}"
            )
    lines.append("Choose **Restart the quiz** to try again, or pick another clause.")
    return "\n\n".join(lines)


def _next_label(quiz: Quiz) -> Any:
    """ "See my score" on the last question, "Next question" before it."""
    last = quiz["index"] + 1 == len(quiz["items"])
    return gr.update(value="See my score" if last else "Next question")


class QuizFlow:
    """The quiz's handlers: start (or restart), check one answer, move on or finish."""

    def __init__(self, assistant: Assistant) -> None:
        self.training = assistant.training

    @guard
    def start(self, clause: str | None) -> tuple[Any, ...]:
        if not clause:
            raise InvalidInput("Choose the clause to be quizzed on.")
        items = [
            {"number": i.number, "question": i.question, "options": i.options}
            for i in self.training.quiz(clause)
        ]
        quiz = {"clause": clause, "items": items, "index": 0, "answers": {}, "done": False}
        return quiz, *question_view(quiz), _next_label(quiz), gr.update(value="Restart the quiz")

    @guard
    def check(self, quiz: Quiz, letter: str | None) -> tuple[Quiz, str]:
        items = quiz.get("items") or []
        if not items or quiz.get("done"):
            raise InvalidInput("Start the quiz first.")
        if letter is None:
            raise InvalidInput("Choose an answer first.")
        number = items[quiz["index"]]["number"]
        feedback = self.training.check(quiz["clause"], number, letter)
        quiz = quiz | {"answers": quiz["answers"] | {str(number): letter}}
        verdict = (
            "✅ Right." if feedback.correct else f"❌ Not quite: the answer is {feedback.answer}."
        )
        return quiz, f"{verdict} {feedback.explanation} {feedback.citation}"

    def advance(self, quiz: Quiz) -> tuple[Any, ...]:
        items, keep = quiz.get("items") or [], gr.update()
        if not items or quiz.get("done"):
            return quiz, *question_view(quiz), keep, keep
        if quiz["index"] + 1 < len(items):
            quiz = quiz | {"index": quiz["index"] + 1}
            return quiz, *question_view(quiz), _next_label(quiz), keep
        answers = {int(n): a for n, a in quiz["answers"].items()}
        result = self.training.grade(quiz["clause"], answers)
        quiz = quiz | {"done": True}
        hidden = gr.update(choices=[], value=None, interactive=False)
        return quiz, score_markdown(result), hidden, "", gr.update(value="Next question"), keep


def quiz_tab(assistant: Assistant) -> None:
    """Render the Quiz tab inside the app's `gr.Tabs()`."""
    flow = QuizFlow(assistant)
    with gr.Tab("Quiz", id="quiz", elem_id="quiz-tab"):
        tab_heading(
            "Quiz",
            "Questions from the guidance for the clause you choose, with the reason for each answer.",
        )
        quiz = gr.State({})
        with gr.Row():
            clause = gr.Dropdown(
                workshop_choices(assistant), value="5.2.4", label="Quiz on", elem_id="quiz-clause"
            )
            start_button = gr.Button("Start the quiz", min_width=160)
        text = gr.Markdown(START_TEXT, elem_id="quiz-question")
        options = gr.Radio([], label="Your answer", elem_id="quiz-options")
        with gr.Row():
            check_button = gr.Button("Check my answer", variant="primary")
            next_button = gr.Button("Next question", elem_id="quiz-next")
        feedback = gr.Markdown(elem_id="quiz-feedback")
    shown = [quiz, text, options, feedback, next_button, start_button]
    start_button.click(flow.start, clause, shown, api_name="start_quiz")
    clause.input(flow.start, clause, shown, api_visibility="private")  # a new clause: a new quiz
    check_button.click(flow.check, [quiz, options], [quiz, feedback], api_name="check_answer")
    next_button.click(flow.advance, quiz, shown, api_visibility="private")

"""The Ask tab: a streaming chat whose cited clauses open beside it, with feedback for evaluators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from pse_assistant.answer.models import Answer, AnswerEvent, ResetEvent, TokenEvent
from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import PseError

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


def answer_markdown(answer: Answer) -> str:
    """An answer with its notices, as the chat shows it."""
    notices = "".join(f"\n\n> **Note:** {n}" for n in answer.notices)
    return answer.answer + notices


class AskTab:
    """The chat's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def respond(
        self,
        question: str,
        history: list[dict[str, Any]],
        conversation_id: str,
        answer_ids: list[str | None],
    ) -> Iterator[Any]:
        """Stream the answer into the chat, then show its cited clauses as chips and the first one."""
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
            for event in self.assistant.ask_stream(question, conversation_id or None):
                if isinstance(event, ResetEvent):
                    text = ""
                elif isinstance(event, TokenEvent):
                    text += event.text
                    history[-1]["content"] = text
                    yield history, conversation_id, answer_ids, gr.update(), gr.update(), ""
                elif isinstance(event, AnswerEvent):
                    yield self._finished(event.answer, history, answer_ids)
        except PseError as error:
            gr.Warning(str(error))
            history[-1]["content"] = f"_{error}_"
            yield history, conversation_id, answer_ids, gr.update(), gr.update(), question

    def _finished(
        self, answer: Answer, history: list[dict[str, Any]], answer_ids: list[str | None]
    ) -> tuple[Any, ...]:
        history[-1]["content"] = answer_markdown(answer)
        answer_ids[-1] = answer.id
        titles = {c.clause: c.title for c in answer.citations}
        # A clause quoted from the user's own file says so on its chip.
        own = {c.clause: f" ({c.origin_label})" for c in answer.citations if c.origin == "user"}
        cited = list(titles)
        chips = [(f"{c} {title}{own.get(c, '')}", c) for c, title in titles.items()]
        panel = self.assistant.clause(cited[0]).markdown() if cited else gr.update()
        return (
            history,
            answer.conversation_id,
            answer_ids,
            gr.update(choices=chips, value=cited[0] if cited else None),
            panel,
            "",
        )

    def open_clause(self, clause_id: str | None) -> Any:
        """The guidance of a chosen clause."""
        return self.assistant.clause(clause_id).markdown() if clause_id else gr.update()

    def on_like(self, data: gr.LikeData, answer_ids: list[str | None], comment: str) -> str:
        """A thumbs up or down on a chat message, kept for evaluators."""
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        answer_id = (
            answer_ids[index] if isinstance(index, int) and index < len(answer_ids) else None
        )
        if not answer_id:
            gr.Warning("Feedback can only be given on an answer.")
            return comment
        self.assistant.feedback(answer_id, "up" if data.liked else "down", comment or "")
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return ""

    def send_feedback(
        self, rating: str | None, comment: str, answer_ids: list[str | None]
    ) -> tuple[Any, str]:
        """Feedback on the last answer from the form under the chat."""
        last = next((a for a in reversed(answer_ids) if a), None)
        if last is None:
            gr.Warning("Ask a question first: feedback is kept per answer.")
            return gr.update(), comment
        if rating is None:
            gr.Warning("Choose helpful or not helpful first.")
            return gr.update(), comment
        self.assistant.feedback(last, "up" if rating.startswith("Helpful") else "down", comment)
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return gr.update(value=None), ""


def ask_tab(assistant: Assistant) -> None:
    """Render the Ask tab inside the app's `gr.Tabs()`."""
    tab = AskTab(assistant)
    with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
        conversation_id = gr.State("")
        answer_ids = gr.State([])
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
                rating = gr.Radio(["Helpful", "Not helpful"], label="Was the last answer helpful?")
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
    inputs = [question, chatbot, conversation_id, answer_ids]
    outputs = [chatbot, conversation_id, answer_ids, chips, panel, question]
    ask_button.click(tab.respond, inputs, outputs, api_name="ask")
    question.submit(tab.respond, inputs, outputs, api_visibility="private")
    new_button.click(
        lambda: ([], "", [], gr.update(choices=[], value=None)),
        None,
        [chatbot, conversation_id, answer_ids, chips],
        api_visibility="private",
    )
    chips.change(tab.open_clause, chips, panel, api_visibility="private")
    chatbot.like(tab.on_like, [answer_ids, comment], comment, api_visibility="private")
    feedback_button.click(
        tab.send_feedback,
        [rating, comment, answer_ids],
        [rating, comment],
        api_visibility="private",
    )

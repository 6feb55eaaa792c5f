"""The Ask tab: a streaming chat whose citations open the clause beside it, kept across reloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from pse_assistant.answer.models import Answer, AnswerEvent, ResetEvent, TokenEvent
from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import PseError

from .common import guard, hidden_request, link_citations, owner, tab_heading
from .history import HistoryParts, history_panel

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
NO_CLAUSE = "This answer cites no clause, so no guidance is open. Ask about a clause or a topic of ISO 11367."
PANEL_HINT = (
    "The guidance of a clause opens here: choose a cited clause above, or a link in an answer."
)


@dataclass
class Chat:
    """The chat column's components."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    ask_button: gr.Button
    new_button: gr.Button
    plan_button: gr.Button
    rating: gr.Radio
    comment: gr.Textbox
    feedback_button: gr.Button


@dataclass
class AskParts:
    """The Ask tab's components that other tabs and the page load need, and its handlers."""

    tab: AskTab
    chat: Chat
    conversation_id: gr.State
    answer_ids: gr.State
    stored_id: gr.BrowserState
    chips: gr.Radio
    panel: gr.Markdown
    history: HistoryParts

    @property
    def restored(self) -> list[Any]:
        """What `AskTab.restore` fills, in its order."""
        return [
            self.chat.chatbot, self.conversation_id, self.answer_ids, self.chips,
            self.panel, self.stored_id, self.chat.plan_button,
        ]  # fmt: skip


class AskTab:
    """The chat's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.known = set(assistant.corpus.structure.ids)

    def markdown(self, answer: Answer) -> str:
        """An answer with its notices and its citations as links, as the chat shows it."""
        notices = "".join(f"\n\n> **Note:** {n}" for n in answer.notices)
        return link_citations(answer.answer + notices, self.known)

    def clause_panel(self, clause_id: str | None) -> str:
        """A clause's guidance under the tab's headings (its title is an h3), related clauses linked."""
        if not clause_id:
            return PANEL_HINT
        return link_citations(self.assistant.clause(clause_id).markdown(top=3), self.known)

    def cited(self, answer: Answer) -> tuple[Any, str, Any]:
        """Chips for the cited clauses, the first one's guidance, and whether a plan can follow."""
        titles = {c.clause: c.title for c in answer.citations}
        if not titles:  # a refusal or a redirect: clear what the previous answer opened
            chips = gr.update(choices=[], value=None)
            return chips, NO_CLAUSE, gr.update(interactive=False)
        first = next(iter(titles))
        # A clause quoted from the user's own file says so on its chip.
        own = {c.clause: f" ({c.origin_label})" for c in answer.citations if c.origin == "user"}
        choices = [(f"{c} {t}{own.get(c, '')}", c) for c, t in titles.items()]
        chips = gr.update(choices=choices, value=first)
        can_plan = bool(self.assistant.plannable(answer.clauses))
        return chips, self.clause_panel(first), gr.update(interactive=can_plan)

    def respond(
        self,
        question: str,
        history: list[dict[str, Any]],
        conversation_id: str,
        answer_ids: list[str | None],
        request: gr.Request | None = None,
    ) -> Iterator[Any]:
        """Stream the answer into the chat, then show its cited clauses as chips and the first one."""
        question = (question or "").strip()
        keep = gr.update()
        if not question:
            gr.Warning("Please type a question first.")
            yield history, conversation_id, answer_ids, keep, keep, question, keep, keep
            return
        history = [
            *history,
            {"role": "user", "content": question},
            {"role": "assistant", "content": ""},
        ]
        answer_ids = [*answer_ids, None, None]
        text = ""
        try:
            mine = owner(self.assistant, request)
            for event in self.assistant.ask_stream(question, conversation_id or None, mine):
                if isinstance(event, ResetEvent):
                    text = ""
                elif isinstance(event, TokenEvent):
                    text += event.text
                    history[-1]["content"] = text
                    yield history, conversation_id, answer_ids, keep, keep, "", keep, keep
                elif isinstance(event, AnswerEvent):
                    answer = event.answer
                    history[-1]["content"] = self.markdown(answer)
                    answer_ids[-1] = answer.id
                    chips, panel, plan = self.cited(answer)
                    cid = answer.conversation_id
                    yield history, cid, answer_ids, chips, panel, "", cid, plan
        except PseError as error:
            gr.Warning(str(error))
            history[-1]["content"] = f"_{error}_"
            yield history, conversation_id, answer_ids, keep, keep, question, keep, keep

    def restore(
        self, conversation_id: str | None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """A saved conversation back in the chat (after a reload, or opened from the list)."""
        chips, panel = gr.update(choices=[], value=None), PANEL_HINT
        no_plan = gr.update(interactive=False)
        try:
            answers = (
                self.assistant.conversation_answers(conversation_id, owner(self.assistant, request))
                if conversation_id
                else []
            )
        except PseError:  # deleted meanwhile, or another data folder: start afresh
            conversation_id, answers = "", []
        cid = conversation_id or ""
        if not answers:
            return [], cid, [], chips, panel, cid, no_plan
        history: list[dict[str, Any]] = []
        for answer in answers:
            history += [
                {"role": "user", "content": answer.question},
                {"role": "assistant", "content": self.markdown(answer)},
            ]
        ids = [i for a in answers for i in (None, a.id)]
        chips, panel, plan = self.cited(answers[-1])
        return history, cid, ids, chips, panel, cid, plan

    @guard
    def open_link(self, clause_id: str) -> tuple[str, Any]:
        """A clause link followed in an answer or the clause panel; no chip stays chosen, since
        the panel now shows what the link opened."""
        return self.clause_panel(clause_id.strip()), gr.update(value=None)

    def on_like(
        self,
        data: gr.LikeData,
        answer_ids: list[str | None],
        comment: str,
        request: gr.Request | None = None,
    ) -> str:
        """A thumbs up or down on a chat message, kept for evaluators."""
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        answer_id = (
            answer_ids[index] if isinstance(index, int) and index < len(answer_ids) else None
        )
        if not answer_id:
            gr.Warning("Feedback can only be given on an answer.")
            return comment
        rating = "up" if data.liked else "down"
        self.assistant.feedback(answer_id, rating, comment or "", owner(self.assistant, request))
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return ""

    def send_feedback(
        self,
        rating: str | None,
        comment: str,
        answer_ids: list[str | None],
        request: gr.Request | None = None,
    ) -> tuple[Any, str]:
        """Feedback on the last answer from the form under the chat."""
        last = next((a for a in reversed(answer_ids) if a), None)
        if last is None:
            gr.Warning("Ask a question first: feedback is kept per answer.")
            return gr.update(), comment
        if rating is None:
            gr.Warning("Choose helpful or not helpful first.")
            return gr.update(), comment
        up = "up" if rating.startswith("Helpful") else "down"
        self.assistant.feedback(last, up, comment, owner(self.assistant, request))
        gr.Info("Thank you: your feedback was saved for the evaluators.")
        return gr.update(value=None), ""


def _chat_column() -> Chat:
    chatbot = gr.Chatbot(
        label="Conversation", height=460, elem_id="chat", buttons=["copy", "copy_all"]
    )  # no "share": it posts to Hugging Face, and an offline tool has nowhere to share to
    question = gr.Textbox(
        label="Your question",
        info="Enter sends; Shift+Enter starts a new line.",
        placeholder="e.g. How do we meet 7.2.3 at the counter?",
        lines=1,
        max_lines=8,
        elem_id="question",
    )
    with gr.Row():
        ask_button = gr.Button("Ask", variant="primary", elem_id="ask-button", min_width=100)
        new_button = gr.Button("New conversation", min_width=140)
        plan_button = gr.Button(
            "Open in Plan", elem_id="open-in-plan", interactive=False, min_width=140
        )
    with gr.Accordion("Example questions", open=False):
        for label, items in EXAMPLES.items():
            gr.Examples(
                examples=[[q] for q in items], inputs=[question], label=f"For {label.lower()}"
            )
    with gr.Accordion("Feedback on the last answer", open=False):
        rating = gr.Radio(["Helpful", "Not helpful"], label="Was the last answer helpful?")
        comment = gr.Textbox(label="Comment (optional)", lines=2)
        feedback_button = gr.Button("Send feedback")
    return Chat(
        chatbot, question, ask_button, new_button, plan_button, rating, comment, feedback_button
    )


def ask_tab(assistant: Assistant) -> AskParts:
    """Render the Ask tab inside the app's `gr.Tabs()` and return the parts others need."""
    tab = AskTab(assistant)
    with gr.Tab("Ask", id="ask", elem_id="ask-tab"):
        tab_heading(
            "Ask a question", "Answers cite the clauses they rest on; follow a citation to read it."
        )
        conversation_id, answer_ids = gr.State(""), gr.State([])
        stored_id = gr.BrowserState("", storage_key="pse-conversation")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = _chat_column()
            with gr.Column(scale=2, min_width=280, elem_classes=["side-panel"]):
                gr.Markdown("### Cited clauses")
                chips = gr.Radio(
                    choices=[], label="Choose a cited clause to read its guidance",
                    elem_id="citations", elem_classes=["chips"],
                )  # fmt: skip
                panel = gr.Markdown(PANEL_HINT, elem_id="clause-panel")
                history = history_panel(assistant)
        request, go = hidden_request("clause-request")
    parts = AskParts(tab, chat, conversation_id, answer_ids, stored_id, chips, panel, history)
    _wire(parts, request, go)
    return parts


def _wire(parts: AskParts, request: gr.Textbox, go: gr.Button) -> None:
    tab, chat = parts.tab, parts.chat
    inputs = [chat.question, chat.chatbot, parts.conversation_id, parts.answer_ids]
    outputs = [
        chat.chatbot, parts.conversation_id, parts.answer_ids, parts.chips,
        parts.panel, chat.question, parts.stored_id, chat.plan_button,
    ]  # fmt: skip
    asked = chat.ask_button.click(tab.respond, inputs, outputs, api_name="ask")
    submitted = chat.question.submit(tab.respond, inputs, outputs, api_visibility="private")
    for event in (asked, submitted):
        event.then(parts.history.refresh, None, parts.history.picker, api_visibility="private")
    chat.new_button.click(lambda: tab.restore(""), None, parts.restored, api_visibility="private")
    parts.history.open_button.click(
        tab.restore, parts.history.picker, parts.restored, api_visibility="private"
    )
    parts.history.deleted.change(
        lambda gone, current: tab.restore("") if gone and gone == current else gr.skip(),
        [parts.history.deleted, parts.conversation_id], parts.restored, api_visibility="private",
    )  # fmt: skip
    parts.chips.input(tab.clause_panel, parts.chips, parts.panel, api_visibility="private")
    go.click(tab.open_link, request, [parts.panel, parts.chips], api_visibility="private")
    chat.chatbot.like(
        tab.on_like, [parts.answer_ids, chat.comment], chat.comment, api_visibility="private"
    )
    chat.feedback_button.click(
        tab.send_feedback, [chat.rating, chat.comment, parts.answer_ids],
        [chat.rating, chat.comment], api_visibility="private",
    )  # fmt: skip

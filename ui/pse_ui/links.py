"""What joins the tabs: "Open in Plan" from an answer, and the page load (the chat kept across a
reload, an assessment opened from its join link)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import PseError

from .ask import AskParts
from .assess import AssessParts
from .common import message, owner
from .plan import PlanParts, prefill


def link_tabs(
    assistant: Assistant,
    demo: gr.Blocks,
    tabs: gr.Tabs,
    ask: AskParts,
    plan: PlanParts,
    assess: AssessParts,
) -> None:
    """Wire the events that cross tabs, and what the page does when it loads."""

    def open_in_plan(
        conversation_id: str, answer_ids: list[str | None], request: gr.Request | None = None
    ) -> list[Any]:
        last = next((a for a in reversed(answer_ids) if a), None)
        try:
            context = assistant.plan_context(conversation_id, last, owner(assistant, request))
        except PseError as error:
            gr.Warning(message(error))
            return [gr.skip()] * (1 + len(plan.form))
        return [gr.Tabs(selected="plan"), *prefill(context)]

    def on_load(stored_id: str | None, request: gr.Request) -> list[Any]:
        chat = list(ask.tab.restore(stored_id, request))
        params = dict(request.query_params) if request else {}
        aid = (params.get("assessment") or "").strip()
        if not aid:
            return [gr.skip(), *chat, *[gr.skip()] * len(assess.opened)]
        opened = assess.tab.join(aid, "", params.get("invite"), request)
        if not isinstance(opened, tuple):  # the guard warned: an unknown id
            return [gr.skip(), *chat, *[gr.skip()] * len(assess.opened)]
        return [gr.Tabs(selected="assess"), *chat, *opened]

    ask.chat.plan_button.click(
        open_in_plan,
        [ask.conversation_id, ask.answer_ids],
        [tabs, *plan.form],
        api_visibility="private",
    )
    demo.load(
        on_load, ask.stored_id, [tabs, *ask.restored, *assess.opened], api_visibility="private"
    )
    demo.load(ask.history.refresh, None, ask.history.picker, api_visibility="private")

"""The Plan tab: choose clauses, describe the organization, read the plan and download it."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.plans.models import PlanRequest

from .common import guard

PLAN_FORMATS = ("docx", "xlsx", "md")


def plan_drafter(assistant: Assistant) -> Callable[..., tuple[str, list[str]]]:
    """The Draft button's handler: the plan as Markdown and its downloads."""

    @guard
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
        request = PlanRequest(
            clauses=clauses,
            organization=organization or "public service organization",
            size=size,
            horizon_months=int(months),
            maturity=int(maturity),
            priorities=priorities or "",
            constraints=constraints or "",
        )
        plan = assistant.draft_plan(request)
        files = [str(assistant.plan_download(plan, fmt)) for fmt in PLAN_FORMATS]
        return assistant.plan_markdown(plan), files

    return draft


def plan_tab(assistant: Assistant) -> None:
    """Render the Plan tab inside the app's `gr.Tabs()`."""
    plannable = [
        (c.label, c.id)
        for c in assistant.clauses()
        if c.kind.value in {"sub-element", "element", "principle"}
    ]
    draft = plan_drafter(assistant)
    with gr.Tab("Plan", id="plan"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=280):
            clauses = gr.Dropdown(
                plannable,
                multiselect=True,
                value=["7.2.2"],
                label="Elements, sub-elements or principles",
            )
            organization = gr.Textbox(label="Organization", value="regional health agency")
            size = gr.Radio(["small", "medium", "large"], value="medium", label="Size")
            months = gr.Slider(3, 36, value=12, step=1, label="Horizon (months)")
            maturity = gr.Slider(1, 5, value=2, step=1, label="Current maturity (1–5)")
            priorities = gr.Textbox(label="Priorities (optional)", lines=2)
            constraints = gr.Textbox(label="Constraints (optional)", lines=2)
            button = gr.Button("Draft plan", variant="primary", elem_id="plan-button")
        with gr.Column(scale=2, min_width=320):
            files = gr.File(
                label="Downloads (DOCX, XLSX, Markdown)",
                file_count="multiple",
                elem_id="plan-files",
            )
            view = gr.Markdown(elem_id="plan-view")
    button.click(
        draft,
        [clauses, organization, size, months, maturity, priorities, constraints],
        [view, files],
        api_name="plan",
    )

"""The Plan tab: choose clauses, describe the organization, read the plan and download it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from pse_assistant.assistant import Assistant
from pse_assistant.core.text import shift_headings
from pse_assistant.plans.context import PlanContext
from pse_assistant.plans.models import PlanRequest

from .common import guard, tab_heading

PLAN_FORMATS = ("docx", "xlsx", "md")
FIELD_NAMES = {
    "organization": "organization",
    "size": "size",
    "horizon_months": "horizon",
    "maturity": "maturity",
    "priorities": "priorities",
    "constraints": "constraints",
}


@dataclass
class PlanParts:
    """The plan form, so that Ask and Assess can fill it in."""

    clauses: gr.Dropdown
    organization: gr.Textbox
    size: gr.Radio
    months: gr.Slider
    maturity: gr.Slider
    priorities: gr.Textbox
    constraints: gr.Textbox
    note: gr.Markdown

    @property
    def form(self) -> list[Any]:
        """The form's fields and its note, in `prefill`'s order."""
        return [
            self.clauses, self.organization, self.size, self.months,
            self.maturity, self.priorities, self.constraints, self.note,
        ]  # fmt: skip


def prefill(context: PlanContext) -> list[Any]:
    """The form filled from a conversation, and a note saying what came from it."""
    r = context.request
    carried = [FIELD_NAMES[f] for f in context.found if f in FIELD_NAMES]
    note = f"Filled in from your conversation: clauses {', '.join(r.clauses)}" + (
        f"; {', '.join(carried)}." if carried else ". Add your organization's details, then draft."
    )
    return [
        r.clauses, r.organization, r.size, r.horizon_months,
        r.maturity, r.priorities, r.constraints, note,
    ]  # fmt: skip


def plan_drafter(assistant: Assistant) -> Any:
    """The Draft button's handler: the plan under the tab's headings, and its downloads."""

    @guard
    def draft(
        clauses: list[str], organization: str, size: str, months: float,
        maturity: float, priorities: str, constraints: str,
    ) -> tuple[str, Any]:  # fmt: skip
        if not clauses:
            gr.Warning("Choose at least one element, sub-element or principle.")
            return "", gr.update(visible=False)
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
        return shift_headings(assistant.plan_markdown(plan), 2), gr.update(
            value=files, visible=True
        )

    return draft


def plan_tab(assistant: Assistant) -> PlanParts:
    """Render the Plan tab inside the app's `gr.Tabs()` and return its form."""
    kinds = {"sub-element", "element", "principle"}
    plannable = [(c.label, c.id) for c in assistant.clauses() if c.kind.value in kinds]
    with gr.Tab("Plan", id="plan", elem_id="plan-tab"):
        tab_heading(
            "Draft an action plan", "Steps from the guidance, scheduled for your organization."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=280):
                note = gr.Markdown(elem_id="plan-context")
                clauses = gr.Dropdown(
                    plannable, multiselect=True, value=["7.2.2"],
                    label="Elements, sub-elements or principles", elem_id="plan-clauses",
                )  # fmt: skip
                organization = gr.Textbox(
                    label="Organization", value="regional health agency", elem_id="plan-org"
                )
                size = gr.Radio(["small", "medium", "large"], value="medium", label="Size")
                months = gr.Slider(3, 36, value=12, step=1, label="Horizon (months)")
                maturity = gr.Slider(1, 5, value=2, step=1, label="Current maturity (1–5)")
                priorities = gr.Textbox(
                    label="Priorities (optional)", lines=2, elem_id="plan-priorities"
                )
                constraints = gr.Textbox(label="Constraints (optional)", lines=2)
                button = gr.Button("Draft plan", variant="primary", elem_id="plan-button")
            with gr.Column(scale=2, min_width=300):
                files = gr.File(
                    label="Downloads (DOCX, XLSX, Markdown)", file_count="multiple",
                    elem_id="plan-files", visible=False,
                )  # fmt: skip
                view = gr.Markdown(elem_id="plan-view")
    parts = PlanParts(clauses, organization, size, months, maturity, priorities, constraints, note)
    button.click(plan_drafter(assistant), parts.form[:-1], [view, files], api_name="plan")
    return parts

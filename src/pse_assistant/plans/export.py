"""Action plans written out as Markdown, DOCX, an XLSX Gantt sheet or JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from pse_assistant.core.fields import scrub
from pse_assistant.core.office import (
    append_row,
    docx_table,
    export_format,
    style_sheet,
    write_text,
)
from pse_assistant.plans.models import ActionPlan, DeferredStep, PlanAction, PlanRisk, PlanTemplate
from pse_assistant.plans.rules import ORG_TYPES

FORMATS = ("md", "docx", "xlsx", "json")
BAR_FILL = "2F5597"  # the Gantt bar colour of the XLSX "Actions" sheet
ACTIONS = ("Action", "Owner", "Months", "Deliverable", "Clause", "Depends on")
GANTT = ("ID", "Action", "Owner", "Start", "End", "Deliverable", "Clause", "Depends on")
INDICATORS = (
    "Indicator",
    "Definition",
    "How to measure",
    "Baseline",
    "Target",
    "Frequency",
    "Clause",
)
RISKS = ("Risk", "Mitigation", "Source")

Rows = list[list[str]]


def months(action: PlanAction, label: bool = False) -> str:
    """`3` or `3–5` (`month 3`, `months 3–5` with `label`): how people write a span of months."""
    if action.start_month == action.end_month:
        return f"{'month ' if label else ''}{action.start_month}"
    return f"{'months ' if label else ''}{action.start_month}–{action.end_month}"


def source(action: PlanAction) -> str:
    """Where an action comes from: `7.2.2 step 3`, or `7.2.2 maturity levels` for a review."""
    if action.source_step is not None:
        return f"{action.source_clause} step {action.source_step}"
    return f"{action.source_clause} {action.source_section.lower()}"


def profile_line(plan: ActionPlan) -> str:
    """The profile in one line, so every format shows whom the plan was drafted for."""
    p = plan.profile
    return (
        f"{p.organization} · {ORG_TYPES[p.org_type].name} · {p.size} · {p.horizon_months} months · "
        f"starting maturity {p.maturity} · drafted {plan.generated_on.isoformat()}"
    )


def _action_rows(plan: ActionPlan) -> Rows:
    return [
        [
            f"{a.id} {a.title}",
            a.owner_role,
            months(a),
            a.deliverable,
            source(a),
            ", ".join(a.depends_on) or "—",
        ]
        for a in plan.actions
    ]


def _indicator_rows(plan: ActionPlan) -> Rows:
    return [
        [
            i.name,
            i.definition,
            i.how_to_measure,
            i.baseline or "to measure",
            f"{i.target} ({i.target_source})" if i.target_source else i.target,
            i.frequency,
            i.source_clause,
        ]
        for i in plan.indicators
    ]


def _risk_source(risk: PlanRisk) -> str:
    """`your constraints`, `7.2.3` (the clause as a whole) or `7.2.3, A5` (one action)."""
    if risk.source_clause is None:
        return "your constraints"
    return f"{risk.source_clause}, {risk.action}" if risk.action else risk.source_clause


def _risk_rows(plan: ActionPlan) -> Rows:
    return [[r.risk, r.mitigation, _risk_source(r)] for r in plan.risks]


def template_line(template: PlanTemplate) -> str:
    """A template the plan needs: its title, the actions that use it and the command that writes it."""
    return f"{template.title} for {', '.join(template.actions)}: {template.command}"


def _deferred(plan: ActionPlan, step: DeferredStep) -> str:
    why = (
        f"taken as in place at maturity level {plan.profile.maturity}"
        if step.reason == "maturity"
        else f"deferred: it does not fit the {plan.profile.horizon_months}-month horizon"
    )
    return f"{step.source_clause} step {step.source_step} “{step.title}”: {why}"


def to_markdown(plan: ActionPlan) -> str:
    """The plan as Markdown: readable as plain text, and rendered as tables on any forge."""
    out = [f"# {plan.title}", "", f"*{profile_line(plan)}*", "", f"> {plan.notice}", ""]
    out += ["## Summary", "", plan.summary, "", "## Objectives", ""]
    out += [f"{n}. {o.text} ({o.source_clause})" for n, o in enumerate(plan.objectives, 1)]
    out += ["", "## Actions", "", *_md_table(ACTIONS, _action_rows(plan)), "", "### Timeline", ""]
    out += ["```text", *_timeline(plan), "```", "", "### What each action involves", ""]
    out += [
        f"- **{a.id} {a.title}** ({months(a, label=True)}, {source(a)}): {a.description}"
        for a in plan.actions
    ]
    out += ["", "## Indicators", "", *_md_table(INDICATORS, _indicator_rows(plan)), ""]
    out += ["## Evidence to collect", ""]
    out += [f"- {e.text} ({e.source_clause})" for e in plan.evidence]
    if plan.templates:
        out += ["", "## Templates to use", ""]
        out += [
            f"- **{t.title}** for {', '.join(t.actions)}: `{t.command}`" for t in plan.templates
        ]
    out += ["", "## Risks and mitigations", "", *_md_table(RISKS, _risk_rows(plan)), ""]
    if plan.deferred:
        out += ["## Steps not scheduled", ""]
        out += [f"- {_deferred(plan, d)}" for d in plan.deferred] + [""]
    out += ["## Review rhythm", "", plan.review_rhythm, ""]
    return "\n".join(out)


def _md_table(header: tuple[str, ...], rows: Rows) -> list[str]:
    def line(cells: tuple[str, ...] | list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in rows)]


def _timeline(plan: ActionPlan) -> list[str]:
    """A text Gantt chart, one character per month, that survives any Markdown renderer."""
    horizon, width = plan.profile.horizon_months, max(len(a.id) for a in plan.actions)
    ruler = "".join(str(m % 10) for m in range(1, horizon + 1))
    lines = [f"{'':{width}}  {ruler}  (months, last digit)"]
    for a in plan.actions:
        bar = "".join(
            "█" if a.start_month <= m <= a.end_month else "·" for m in range(1, horizon + 1)
        )
        lines.append(f"{a.id:{width}}  {bar}  {a.title}")
    return lines


def to_docx(plan: ActionPlan, path: Path) -> Path:
    """The plan as a Word document, in landscape so that the tables stay legible."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.core_properties.title = plan.title
    doc.add_heading(plan.title, level=0)
    doc.add_paragraph(profile_line(plan))
    doc.add_paragraph().add_run(plan.notice).italic = True
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(plan.summary)
    doc.add_heading("Objectives", level=1)
    for objective in plan.objectives:
        doc.add_paragraph(f"{objective.text} ({objective.source_clause})", style="List Number")
    doc.add_heading("Actions", level=1)
    docx_table(doc, ACTIONS, _action_rows(plan))
    doc.add_heading("What each action involves", level=2)
    for a in plan.actions:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{a.id} {a.title}. ").bold = True
        paragraph.add_run(a.description)
    doc.add_heading("Indicators", level=1)
    docx_table(doc, INDICATORS, _indicator_rows(plan))
    doc.add_heading("Evidence to collect", level=1)
    for item in plan.evidence:
        doc.add_paragraph(f"{item.text} ({item.source_clause})", style="List Bullet")
    if plan.templates:
        doc.add_heading("Templates to use", level=1)
        for template in plan.templates:
            doc.add_paragraph(template_line(template), style="List Bullet")
    doc.add_heading("Risks and mitigations", level=1)
    docx_table(doc, RISKS, _risk_rows(plan))
    if plan.deferred:
        doc.add_heading("Steps not scheduled", level=1)
        for step in plan.deferred:
            doc.add_paragraph(_deferred(plan, step), style="List Bullet")
    doc.add_heading("Review rhythm", level=1)
    doc.add_paragraph(plan.review_rhythm)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def to_xlsx(plan: ActionPlan, path: Path) -> Path:
    """The plan as a workbook whose "Actions" sheet is a Gantt chart: one row per action, M1..Mn.

    Active months are solid fills rather than values, so the sheet reads as a chart and still
    sorts and filters by its first columns.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    horizon = plan.profile.horizon_months
    append_row(sheet, [*GANTT, *(f"M{m}" for m in range(1, horizon + 1))])
    bar = PatternFill(fill_type="solid", fgColor=BAR_FILL)
    for row, a in enumerate(plan.actions, start=2):
        append_row(
            sheet,
            [
                a.id,
                a.title,
                a.owner_role,
                a.start_month,
                a.end_month,
                a.deliverable,
                source(a),
                ", ".join(a.depends_on),
            ],
        )
        for month in range(a.start_month, a.end_month + 1):
            sheet.cell(row=row, column=len(GANTT) + month).fill = bar
    style_sheet(sheet, [6, 44, 28, 7, 7, 48, 16, 12] + [4] * horizon, wrap={2, 6})
    sheet.freeze_panes = "C2"
    summary = [["Title", plan.title], ["Profile", profile_line(plan)]]
    summary += [["Priorities", plan.profile.priorities], ["Constraints", plan.profile.constraints]]
    summary += [["Summary", plan.summary]]
    summary += [["Objective", f"{o.text} ({o.source_clause})"] for o in plan.objectives]
    summary += [["Not scheduled", _deferred(plan, d)] for d in plan.deferred]
    summary += [["Template", template_line(t)] for t in plan.templates]
    summary += [["Review rhythm", plan.review_rhythm], ["Notice", plan.notice]]
    sheets: dict[str, tuple[tuple[str, ...], Rows, list[int]]] = {
        "Indicators": (INDICATORS, _indicator_rows(plan), [30, 50, 50, 12, 50, 14, 10]),
        "Evidence": (
            ("Evidence", "Clause"),
            [[e.text, e.source_clause] for e in plan.evidence],
            [90, 10],
        ),
        "Risks": (RISKS, _risk_rows(plan), [60, 60, 18]),
        "Summary": (("Field", "Value"), summary, [16, 120]),
    }
    for title, (header, rows, widths) in sheets.items():
        extra = book.create_sheet(title)
        for values in [list(header), *rows]:
            append_row(extra, values)
        style_sheet(extra, widths)
        extra.freeze_panes = "A2"
    book.properties.title = plan.title
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def to_json(plan: ActionPlan) -> str:
    """The plan as JSON that `ActionPlan.model_validate_json` reads back unchanged."""
    return plan.model_dump_json(indent=2)


def suggested_filename(plan: ActionPlan, fmt: str) -> str:
    """A name that says what the file holds: `plan-7.2.2-12m.docx`, `programme-7.2.1-7.2.2-12m.xlsx`.

    Raises:
        InvalidInput: a format other than md, docx, xlsx or json.
    """
    kind = "plan" if len(plan.clauses) == 1 else "programme"
    ids = plan.clauses if len(plan.clauses) <= 4 else [plan.clauses[0], "to", plan.clauses[-1]]
    return f"{kind}-{'-'.join(ids)}-{plan.profile.horizon_months}m.{export_format(fmt, FORMATS, 'plan')}"


def export(plan: ActionPlan, fmt: str, path: Path) -> Path:
    """Write the plan as `fmt` to `path`, or into `path` under its suggested name if it is a folder.

    Raises:
        InvalidInput: a format other than md, docx, xlsx or json.
    """
    fmt = export_format(fmt, FORMATS, "plan")
    if path.is_dir():
        path = path / suggested_filename(plan, fmt)
    plan = scrub(plan)  # a profile stored with control characters still exports
    writers: dict[str, Callable[[ActionPlan, Path], Path]] = {
        "docx": to_docx,
        "xlsx": to_xlsx,
        "md": lambda p, target: write_text(target, to_markdown(p)),
        "json": lambda p, target: write_text(target, to_json(p)),
    }
    return writers[fmt](plan, path)

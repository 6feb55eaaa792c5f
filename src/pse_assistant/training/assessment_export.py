"""A self-assessment as an XLSX workbook (scores, evidence, indicators, rubric) and a DOCX report with charts."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm
from openpyxl import Workbook

from pse_assistant.core.fields import scrub
from pse_assistant.core.office import append_row, docx_table, style_sheet
from pse_assistant.training.assessment import (
    IN_BETWEEN,
    NOT_THE_PYRAMID,
    AssessmentResult,
    ElementView,
)
from pse_assistant.training.charts import write_charts

STATS = ("Mean", "Min", "Max", "Spread", "Std dev", "Agreed", "Reason")
DISAGREEMENT = ("Element", "Scores", "Mean", "Spread", "Agreed")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _finding(element: ElementView) -> str:
    level = element.level()
    named = f" — level {level.level}, {level.label}" if level else ""
    return f"{element.clause} {element.title}: {_num(element.value)}{named}"


def to_xlsx(result: AssessmentResult, path: Path) -> Path:
    """Scores (one row per element), Evidence (per assessor and element) and Summary sheets.

    Missing scores are empty cells rather than zeros, so the sheet's own averages stay right.
    """
    result = scrub(result)  # records stored before text was cleaned still export
    book = Workbook()
    scores = book.active
    scores.title = "Scores"
    append_row(scores, ["Clause", "Element", "Group", *result.assessors, *STATS])
    for e in result.elements:
        append_row(
            scores,
            [
                e.clause,
                e.title,
                e.group,
                *(e.scores.get(a) for a in result.assessors),
                *(e.mean, e.min, e.max, e.spread, e.stdev, e.agreed, e.reason or ""),
            ],
        )
    style_sheet(scores, [9, 50, 8, *([12] * len(result.assessors)), 8, 6, 6, 8, 8, 8, 60])
    scores.freeze_panes = "A2"
    evidence = book.create_sheet("Evidence")
    append_row(evidence, ["Assessor", "Clause", "Element", "Score", "Evidence"])
    for assessor in result.assessors:
        for e in result.elements:
            if assessor in e.scores:
                append_row(
                    evidence,
                    [assessor, e.clause, e.title, e.scores[assessor], e.evidence.get(assessor, "")],
                )
    style_sheet(evidence, [20, 9, 50, 7, 90])
    evidence.freeze_panes = "A2"
    summary = book.create_sheet("Summary")
    append_row(summary, ["Finding", "Element", "Value"])
    rows = [("Strength", e) for e in result.strengths]
    rows += [("Area for improvement", e) for e in result.improvements]
    for kind, e in rows:
        append_row(summary, [kind, f"{e.clause} {e.title}", e.value])
    for group, mean in result.group_means.items():
        append_row(summary, ["Group mean", f"{group} {result.group_titles.get(group, '')}", mean])
    style_sheet(summary, [22, 70, 8])
    summary.freeze_panes = "A2"
    _xlsx_indicators(book, result)
    _xlsx_rubric(book, result)
    book.properties.title = result.assessment.name
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def _xlsx_indicators(book: Workbook, result: AssessmentResult) -> None:
    """Each element's indicators with the catalogue's definition and target."""
    sheet = book.create_sheet("Indicators")
    sheet.append(["Clause", "Element", "Indicator", "Definition", "Target", "Target source"])
    for e in result.elements:
        for i in e.indicators:
            sheet.append([e.clause, e.title, i.name, i.definition, i.target, i.target_source or ""])
    style_sheet(sheet, [9, 40, 30, 70, 60, 16])
    sheet.freeze_panes = "A2"


def _xlsx_rubric(book: Workbook, result: AssessmentResult) -> None:
    """The shared anchors, the rule for in-between cases and the warning the scores are read with."""
    sheet = book.create_sheet("Rubric")
    sheet.append(["Level", "Name", "Anchor", "Evidence expected"])
    for level in result.anchors:
        sheet.append([level.level, level.name, level.anchor, "; ".join(level.evidence)])
    sheet.append([IN_BETWEEN, "", result.in_between, ""])
    sheet.append([NOT_THE_PYRAMID, "", result.warning, ""])
    style_sheet(sheet, [22, 14, 90, 70])
    sheet.freeze_panes = "A2"


def to_docx(result: AssessmentResult, path: Path, charts_folder: Path) -> Path:
    """The report: findings first, then disagreements, each element and the charts as pictures.

    The charts are written to `charts_folder` (PNG and SVG) so the web page can show the same ones.
    """
    result = scrub(result)
    a = result.assessment
    doc = Document()
    doc.core_properties.title = a.name
    doc.add_heading(a.name, level=0)
    doc.add_paragraph(
        f"{a.organization} · self-assessment against ISO 11367:2025 · started {a.created[:10]} · "
        f"assessors: {', '.join(result.assessors) or 'none yet'}"
    )
    _docx_findings(doc, result)
    _docx_elements(doc, result)
    _docx_rubric(doc, result)
    doc.add_heading("Charts", level=1)
    for chart in write_charts(result, charts_folder):
        if chart.suffix == ".png":
            doc.add_picture(str(chart), width=Cm(15))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _docx_findings(doc: DocxDocument, result: AssessmentResult) -> None:
    """The summary, strengths, areas for improvement and the disagreement table."""
    doc.add_heading("Summary", level=1)
    scored = sum(1 for e in result.elements if e.value is not None)
    means = "; ".join(
        f"{g} {result.group_titles.get(g, '')}: {m:g}" for g, m in result.group_means.items()
    )
    doc.add_paragraph(
        f"{scored} of {len(result.elements)} elements scored by {len(result.assessors)} "
        f"assessor(s). Group means (agreed score, else mean): {means or 'none yet'}."
    )
    if result.warning:
        warning = doc.add_paragraph()
        warning.add_run(f"{NOT_THE_PYRAMID}. ").bold = True
        warning.add_run(result.warning)
    for heading, found in (
        ("Strengths", result.strengths),
        ("Areas for improvement", result.improvements),
    ):
        doc.add_heading(heading, level=1)
        for e in found:
            doc.add_paragraph(_finding(e), style="List Bullet")
        if not found:
            doc.add_paragraph("None yet.")
    doc.add_heading("Where assessors disagree", level=1)
    docx_table(
        doc,
        DISAGREEMENT,
        [
            [
                f"{e.clause} {e.title}",
                ", ".join(f"{k} {v}" for k, v in e.scores.items()),
                _num(e.mean),
                str(e.spread),
                _num(e.agreed),
            ]
            for e in result.disagreements
        ],
    )


def _docx_elements(doc: DocxDocument, result: AssessmentResult) -> None:
    """Each element: its scores, the agreed score and why, its level, and each assessor's evidence."""
    doc.add_heading("Elements", level=1)
    for e in result.elements:
        doc.add_heading(f"{e.clause} {e.title}", level=2)
        scores = ", ".join(f"{k}: {v}" for k, v in e.scores.items()) or "not scored"
        doc.add_paragraph(f"Scores: {scores}. Mean {_num(e.mean)}, spread {e.spread}.")
        if e.agreed is not None:
            doc.add_paragraph(f"Agreed score {e.agreed}: {e.reason}")
        if level := e.level():
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"Level {level.level}, {level.label}. ").bold = True
            paragraph.add_run(level.description)
            if anchor := next((a for a in result.anchors if a.level == level.level), None):
                doc.add_paragraph().add_run(
                    f"Shared anchor, {anchor.name}: {anchor.anchor}"
                ).italic = True
        for assessor, text in e.evidence.items():
            doc.add_paragraph(f"{assessor}: {text}", style="List Bullet")
        if e.indicators:
            names = "; ".join(f"{i.name} (target: {i.target})" for i in e.indicators)
            doc.add_paragraph(f"Indicators to watch: {names}")


def _docx_rubric(doc: DocxDocument, result: AssessmentResult) -> None:
    """How the scores are read: the shared anchors, the in-between rule and the warning."""
    if not result.anchors:
        return
    doc.add_heading("How the levels are read", level=1)
    docx_table(
        doc,
        ("Level", "Anchor", "Evidence expected"),
        [[f"{a.level} {a.name}", a.anchor, "; ".join(a.evidence)] for a in result.anchors],
    )
    rule = doc.add_paragraph()
    rule.add_run(f"{IN_BETWEEN}. ").bold = True
    rule.add_run(result.in_between)
    warning = doc.add_paragraph()
    warning.add_run(f"{NOT_THE_PYRAMID}. ").bold = True
    warning.add_run(result.warning)

"""Templates written out as Word documents or Excel workbooks that a practitioner fills in.

Both formats carry the same parts: the title, what the template is for, the clauses it serves, how to
fill it in, the table with help on each column, one example row marked illustrative, and the
narrative sections (in the document) or a Guidance sheet (in the workbook).
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pse_assistant.core.office import docx_table, export_format, style_sheet
from pse_assistant.templates.filling import ILLUSTRATIVE, NOTICE, FilledTemplate

FORMATS = ("docx", "xlsx")
BLANK_ROWS = 5  # empty rows added below the example in a template without pre-filled rows
VALIDATED_ROWS = 500  # rows of a sheet whose choice columns offer a drop-down list
EXAMPLE_GREY = "595959"
LANDSCAPE_FROM = 5  # columns from which the Word table needs a landscape page
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _related(filled: FilledTemplate) -> str:
    return "; ".join(c.label for c in filled.related)


def _choices(filled: FilledTemplate) -> list[str]:
    return [", ".join(c.choices) for c in filled.template.columns]


def to_docx(filled: FilledTemplate, path: Path) -> Path:
    """The template as a Word document; landscape when its table is wide."""
    t = filled.template
    doc = Document()
    if len(t.columns) >= LANDSCAPE_FROM:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    doc.core_properties.title = t.title
    doc.add_heading(t.title, level=0)
    doc.add_paragraph(t.summary)
    doc.add_paragraph(f"Related clauses of ISO 11367:2025: {_related(filled)}.")
    doc.add_paragraph().add_run(NOTICE).italic = True
    doc.add_heading("How to fill it in", level=1)
    for line in t.guidance:
        doc.add_paragraph(line, style="List Number")
    doc.add_heading("What each column holds", level=1)
    docx_table(
        doc,
        ("Column", "What to write", "Choices"),
        [[c.name, c.help, ", ".join(c.choices)] for c in t.columns],
    )
    _docx_table(doc, filled)
    _docx_sections(doc, filled)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _docx_table(doc: DocxDocument, filled: FilledTemplate) -> None:
    """The table itself: the header, the example row in grey italics, then rows to fill in."""
    doc.add_heading(filled.template.title, level=1)
    if filled.source:
        doc.add_paragraph(filled.source)
    width = len(filled.template.columns)
    rows = [filled.example, *filled.rows]
    if not filled.rows:
        rows += [[""] * width for _ in range(BLANK_ROWS)]
    docx_table(doc, [c.name for c in filled.template.columns], rows)
    for cell in doc.tables[-1].rows[1].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.italic = True


def _docx_sections(doc: DocxDocument, filled: FilledTemplate) -> None:
    """Each narrative section: what to write, an illustrative example, and room to write."""
    if not filled.template.sections:
        return
    doc.add_heading("Sections to write", level=1)
    for part in filled.template.sections:
        doc.add_heading(part.heading, level=2)
        doc.add_paragraph(part.prompt)
        example = doc.add_paragraph()
        example.add_run(f"{ILLUSTRATIVE}: ").bold = True
        example.add_run(part.example).italic = True
        doc.add_paragraph("")


def sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    return _SHEET_UNSAFE.sub("-", title)[:31].strip() or "Template"


def to_xlsx(filled: FilledTemplate, path: Path) -> Path:
    """The template as a workbook: a Guidance sheet, the table, and the lists its drop-downs use."""
    t = filled.template
    book = Workbook()
    guidance = book.active
    guidance.title = "Guidance"
    _guidance_sheet(guidance, filled)
    table = book.create_sheet(sheet_title(t.title))
    table.append([c.name for c in t.columns])
    table.append(filled.example)
    for row in filled.rows:
        table.append(row)
    widths = [min(max(len(c.name) + 4, 14), 48) for c in t.columns]
    style_sheet(table, widths)
    for cell, column in zip(table[1], t.columns, strict=True):
        cell.comment = Comment(column.help, "pse-assistant")
    for cell in table[2]:
        cell.font = Font(italic=True, color=EXAMPLE_GREY)
    table.freeze_panes = "A2"
    if any(c.choices for c in t.columns):
        _drop_downs(book, table, filled)
    book.properties.title = t.title
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def _guidance_sheet(sheet: Worksheet, filled: FilledTemplate) -> None:
    """What the template is for, how to fill it in, each column's help, and the sections."""
    t = filled.template
    rows: list[list[str]] = [
        ["Title", t.title, ""],
        ["What it is for", t.summary, ""],
        ["Related clauses", _related(filled), ""],
        ["Notice", NOTICE, ""],
        [
            "Example row",
            f"Row 2 of the '{sheet_title(t.title)}' sheet is an {ILLUSTRATIVE.lower()}, "
            "not a real case: overwrite or delete it.",
            "",
        ],
    ]
    if filled.source:
        rows.append(["Pre-filled rows", filled.source, ""])
    rows += [["How to fill it in", f"{n}. {line}", ""] for n, line in enumerate(t.guidance, 1)]
    rows += [
        [f"Column: {c.name}", c.help, choices]
        for c, choices in zip(t.columns, _choices(filled), strict=True)
    ]
    rows += [
        [f"Section: {s.heading}", s.prompt, f"{ILLUSTRATIVE}: {s.example}"] for s in t.sections
    ]
    sheet.append(["Part", "Guidance", "Choices or example"])
    for row in rows:
        sheet.append(row)
    style_sheet(sheet, [28, 90, 60])
    sheet.freeze_panes = "A2"


def _drop_downs(book: Workbook, table: Worksheet, filled: FilledTemplate) -> None:
    """A drop-down on each column with choices, its values kept on a Lists sheet.

    Values live in cells rather than in the validation formula, whose 255-character limit and
    comma separator some choice lists would break.
    """
    lists = book.create_sheet("Lists")
    last = max(VALIDATED_ROWS, len(filled.rows) + 2)
    used = 0
    for index, column in enumerate(filled.template.columns, start=1):
        if not column.choices:
            continue
        used += 1
        letter = get_column_letter(used)
        lists.cell(row=1, column=used, value=column.name).font = Font(bold=True)
        for offset, choice in enumerate(column.choices, start=2):
            lists.cell(row=offset, column=used, value=choice)
        end = len(column.choices) + 1
        rule = DataValidation(
            type="list", formula1=f"=Lists!${letter}$2:${letter}${end}", allow_blank=True
        )
        target = get_column_letter(index)
        rule.add(f"{target}3:{target}{last}")
        table.add_data_validation(rule)
        lists.column_dimensions[letter].width = max(len(c) for c in column.choices) + 4
    for row in lists.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top")


def suggested_filename(filled: FilledTemplate, fmt: str) -> str:
    """`complaint-log.xlsx`: the template's id and the format."""
    return f"{filled.template.id}.{export_format(fmt, FORMATS, 'template')}"


def export(filled: FilledTemplate, fmt: str, path: Path) -> Path:
    """Write the template as docx or xlsx to `path`, or into `path` under its id if a folder.

    Raises:
        InvalidInput: a format other than docx or xlsx.
    """
    fmt = export_format(fmt, FORMATS, "template")
    if path.is_dir():
        path = path / suggested_filename(filled, fmt)
    return to_docx(filled, path) if fmt == "docx" else to_xlsx(filled, path)

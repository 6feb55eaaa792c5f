"""What every office export shares: the Word table style, the safe Excel row, formats, text files.

Every spreadsheet row goes through `append_row`: a cell whose text starts with `=`, `+`, `-`, `@`, a
tab or a carriage return is written as text with Excel's quote prefix, never as a formula, so
evidence typed as `=HYPERLINK(...)` stays the words it was (CSV/formula injection). Text is cleaned
of characters XML cannot hold, so a stored control character cannot make an export fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pse_assistant.core.errors import InvalidInput
from pse_assistant.core.fields import clean_text

TABLE_STYLE = "Light Grid Accent 1"  # present in python-docx's default template
HEADER_FILL = "D9E2F3"
# What spreadsheet programs read as the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def append_row(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Append one row; text is cleaned, and text that a spreadsheet would run stays text."""
    sheet.append([clean_text(v, multiline=True) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl had made it a formula
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell


def docx_table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A Word table with a bold header row, in the style every export shares."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = TABLE_STYLE
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = clean_text(text, multiline=True)
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = clean_text(text, multiline=True)


def style_sheet(sheet: Worksheet, widths: list[int], wrap: set[int] | None = None) -> None:
    """Bold shaded header, fixed widths, top-aligned cells, wrapped text in `wrap` (all when None)."""
    fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        head = sheet.cell(row=1, column=column)
        head.font, head.fill = Font(bold=True), fill
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            wrapped = wrap is None or cell.column in wrap
            cell.alignment = Alignment(vertical="top", wrap_text=wrapped)


def export_format(fmt: str, formats: Sequence[str], what: str) -> str:
    """A format name as the exports know it ("markdown" is "md"); InvalidInput for any other."""
    name = fmt.lower().strip().lstrip(".")
    name = "md" if name == "markdown" else name
    if name not in formats:
        raise InvalidInput(f"Unknown {what} format '{fmt}'. Choose one of: {', '.join(formats)}.")
    return name


def write_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text export, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

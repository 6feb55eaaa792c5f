"""Workshop packs written out as Markdown, a DOCX facilitator's pack, a one-page handout or slides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm, Pt

from pse_assistant.core.fields import scrub
from pse_assistant.core.office import docx_table, export_format, write_text
from pse_assistant.core.text import trim_sentences
from pse_assistant.training.workshop import AUDIENCES, WorkshopPack
from pse_assistant.training.workshop_slides import key_line, option_lines, plain, time_span
from pse_assistant.training.workshop_slides import to_pptx as slides_pptx

FORMATS = ("md", "docx", "pptx", "handout")
AGENDA = ("Time", "Minutes", "Block", "Activity", "Clause")
KEY = ("No.", "Answer", "Explanation", "Clause")


def _agenda_rows(pack: WorkshopPack) -> list[list[str]]:
    return [
        [time_span(s), str(s.minutes), s.title, s.activity, s.clause or "—"] for s in pack.agenda
    ]


def subtitle(pack: WorkshopPack) -> str:
    """Length and audience in one line, so every format says whom the pack was built for."""
    return f"{pack.minutes} minutes · for {AUDIENCES[pack.audience]} · ISO 11367:2025 {pack.clause}"


def to_markdown(pack: WorkshopPack) -> str:
    """The pack as Markdown: the facilitator's copy, readable as plain text."""
    out = [f"# {pack.title}", "", f"*{subtitle(pack)}*", "", f"> {pack.notice}", ""]
    out += ["## Learning objectives", "", *(f"{n}. {o}" for n, o in enumerate(pack.objectives, 1))]
    out += ["", "## Agenda", "", "| " + " | ".join(AGENDA) + " |", "|" + "---|" * len(AGENDA)]
    out += [
        "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in _agenda_rows(pack)
    ]
    card = pack.scenario
    out += ["", f"## {card.title}", "", f"> {card.text}", "", f"*From {card.clause}.*", ""]
    out += [f"- {q}" for q in card.questions]
    out += ["", "## Discussion prompts", "", *(f"- {p.text} ({p.clause})" for p in pack.discussion)]
    out += ["", "## Quiz", ""]
    for item in pack.quiz:
        out += [f"{item.number}. {item.question}", *(f"   - {o}" for o in option_lines(item)), ""]
    out += ["## Answer key", ""]
    out += [f"{item.number}. {key_line(item)}" for item in pack.quiz]
    out += ["", "## Facilitator notes", "", *(f"- {note}" for note in pack.facilitator_notes), ""]
    return "\n".join(out)


def to_docx(pack: WorkshopPack, path: Path) -> Path:
    """The facilitator's pack as Word: the quiz without answers, then the key, so it can be cut."""
    doc = Document()
    doc.core_properties.title = pack.title
    doc.add_heading(pack.title, level=0)
    doc.add_paragraph(subtitle(pack))
    doc.add_paragraph().add_run(pack.notice).italic = True
    doc.add_heading("Learning objectives", level=1)
    for objective in pack.objectives:
        doc.add_paragraph(objective, style="List Bullet")
    doc.add_heading("Agenda", level=1)
    docx_table(doc, AGENDA, _agenda_rows(pack))
    doc.add_heading(pack.scenario.title, level=1)
    doc.add_paragraph(pack.scenario.text)
    doc.add_paragraph().add_run(f"From {pack.scenario.clause}.").italic = True
    for question in pack.scenario.questions:
        doc.add_paragraph(question, style="List Bullet")
    doc.add_heading("Discussion prompts", level=1)
    for prompt in pack.discussion:
        doc.add_paragraph(f"{prompt.text} ({prompt.clause})", style="List Bullet")
    doc.add_heading("Quiz", level=1)
    for item in pack.quiz:
        doc.add_heading(f"Question {item.number}", level=2)
        doc.add_paragraph(item.question)
        for option in option_lines(item):
            doc.add_paragraph(option, style="List Bullet")
    doc.add_heading("Answer key", level=1)
    key = [
        [
            str(item.number),
            f"{item.answer}) {item.options[item.answer]}",
            item.explanation,
            item.clause,
        ]
        for item in pack.quiz
    ]
    docx_table(doc, KEY, key)
    doc.add_heading("Facilitator notes", level=1)
    for note in pack.facilitator_notes:
        doc.add_paragraph(note, style="List Bullet")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def to_pptx(pack: WorkshopPack, path: Path) -> Path:
    """Slides for the room on the project's design (see `workshop_slides`)."""
    return slides_pptx(pack, path, subtitle(pack))


def _compact(doc: Any) -> None:
    """One page: narrow margins and 11 pt body type; headings stay in Word's heading styles."""
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(1.5)
        section.left_margin = section.right_margin = Cm(1.8)
    doc.styles["Normal"].font.size = Pt(11)
    for name, size in (("Title", 20), ("Heading 1", 12)):
        doc.styles[name].font.size = Pt(size)
    for name in ("Normal", "List Bullet", "Heading 1"):
        doc.styles[name].paragraph_format.space_after = Pt(2)
        doc.styles[name].paragraph_format.space_before = Pt(4 if name == "Heading 1" else 0)


def to_handout(pack: WorkshopPack, path: Path) -> Path:
    """A one-page participant handout: what the session is for, its agenda, the scenario, the
    exercise and a place to write one action; no quiz answers and no facilitator notes."""
    doc = Document()
    _compact(doc)
    doc.core_properties.title = f"Participant handout: {pack.title}"
    doc.add_heading(pack.title, level=0)
    doc.add_paragraph(subtitle(pack))
    doc.add_heading("What you will be able to do", level=1)
    for objective in pack.objectives[:3]:
        doc.add_paragraph(trim_sentences(objective, max_words=30), style="List Bullet")
    doc.add_heading("Agenda", level=1)
    doc.add_paragraph("   ·   ".join(f"{s.start}′ {s.title}" for s in pack.agenda))
    card = pack.scenario
    doc.add_heading(card.title, level=1)
    doc.add_paragraph(plain(trim_sentences(card.text, max_words=90)))
    for question in card.questions:
        doc.add_paragraph(question, style="List Bullet")
    exercise = next((s for s in pack.agenda if s.title == "Exercise"), None)
    if exercise is not None:
        doc.add_heading(f"Exercise ({exercise.minutes} minutes)", level=1)
        doc.add_paragraph(plain(trim_sentences(exercise.activity, max_words=110)))
    doc.add_heading("My one action for next week", level=1)
    doc.add_paragraph("_" * 90)
    doc.add_paragraph("_" * 90)
    doc.add_paragraph().add_run(pack.notice).italic = True
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def suggested_filename(pack: WorkshopPack, fmt: str) -> str:
    """A name that says what the file holds: `workshop-5.1.1-90min-managers.pptx`, and
    `workshop-5.1.1-90min-managers-handout.docx` for the participant handout.

    Raises:
        InvalidInput: a format other than md, docx, pptx or handout.
    """
    name = export_format(fmt, FORMATS, "workshop")
    stem = f"workshop-{pack.clause}-{pack.minutes}min-{pack.audience}"
    return f"{stem}-handout.docx" if name == "handout" else f"{stem}.{name}"


def export(pack: WorkshopPack, fmt: str, path: Path) -> Path:
    """Write the pack as `fmt` to `path`, or into `path` under its suggested name if it is a folder.

    Raises:
        InvalidInput: a format other than md, docx, pptx or handout.
    """
    fmt = export_format(fmt, FORMATS, "workshop")
    if path.is_dir():
        path = path / suggested_filename(pack, fmt)
    pack = scrub(pack)
    writers: dict[str, Callable[[WorkshopPack, Path], Path]] = {
        "docx": to_docx,
        "pptx": to_pptx,
        "handout": to_handout,
        "md": lambda p, target: write_text(target, to_markdown(p)),
    }
    return writers[fmt](pack, path)

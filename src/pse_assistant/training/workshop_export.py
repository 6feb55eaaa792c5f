"""Workshop packs written out as Markdown, a DOCX facilitator's pack or PPTX slides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from pptx import Presentation
from pptx.util import Pt

from pse_assistant.core.fields import scrub
from pse_assistant.core.office import docx_table, export_format, write_text
from pse_assistant.training.workshop import AUDIENCES, AgendaSlot, QuizItem, WorkshopPack

FORMATS = ("md", "docx", "pptx")
AGENDA = ("Time", "Minutes", "Block", "Activity", "Clause")
KEY = ("No.", "Answer", "Explanation", "Clause")
_TITLE_LAYOUT, _CONTENT_LAYOUT = 0, 1  # python-pptx's default template


def _time(slot: AgendaSlot) -> str:
    return f"{slot.start}–{slot.start + slot.minutes} min"


def _agenda_rows(pack: WorkshopPack) -> list[list[str]]:
    return [[_time(s), str(s.minutes), s.title, s.activity, s.clause or "—"] for s in pack.agenda]


def _options(item: QuizItem) -> list[str]:
    return [f"{letter}) {text}" for letter, text in item.options.items()]


def _key_line(item: QuizItem) -> str:
    return f"{item.answer}) {item.options[item.answer]} — {item.explanation} [{item.clause}]"


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
        out += [f"{item.number}. {item.question}", *(f"   - {o}" for o in _options(item)), ""]
    out += ["## Answer key", ""]
    out += [f"{item.number}. {_key_line(item)}" for item in pack.quiz]
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
        for option in _options(item):
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
    """Slides for the room: answers live only in the speaker notes and on the answer-key slide."""
    deck = Presentation()

    def slide(title: str, bullets: list[str], notes: str = "", size: int = 18) -> None:
        page = deck.slides.add_slide(deck.slide_layouts[_CONTENT_LAYOUT])
        page.shapes.title.text = title
        frame = page.placeholders[1].text_frame
        frame.word_wrap = True
        for index, text in enumerate(bullets):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = text
            paragraph.font.size = Pt(size)
        if notes:
            page.notes_slide.notes_text_frame.text = notes

    cover = deck.slides.add_slide(deck.slide_layouts[_TITLE_LAYOUT])
    cover.shapes.title.text = pack.title
    cover.placeholders[1].text = f"{subtitle(pack)}\n{pack.notice}"
    slide("Learning objectives", pack.objectives, size=16)
    slide("Agenda", [f"{_time(s)}  {s.title}" for s in pack.agenda], size=16)
    card = pack.scenario
    slide(card.title, [card.text, *card.questions], f"From {card.clause}.", size=14)
    slide("Discussion", [p.text for p in pack.discussion], size=14)
    for item in pack.quiz:
        answer = f"Answer: {_key_line(item)}"
        slide(f"Question {item.number}", [item.question, *_options(item)], answer)
    slide("Answer key", [f"{i.number}. {i.answer} [{i.clause}]" for i in pack.quiz], size=14)
    wrap = ["Name one thing you will do next week.", "Questions and feedback.", pack.notice]
    slide("Wrap-up", wrap, "\n".join(pack.facilitator_notes))
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(path))
    return path


def suggested_filename(pack: WorkshopPack, fmt: str) -> str:
    """A name that says what the file holds: `workshop-5.1.1-90min-managers.pptx`.

    Raises:
        InvalidInput: a format other than md, docx or pptx.
    """
    return f"workshop-{pack.clause}-{pack.minutes}min-{pack.audience}.{export_format(fmt, FORMATS, 'workshop')}"


def export(pack: WorkshopPack, fmt: str, path: Path) -> Path:
    """Write the pack as `fmt` to `path`, or into `path` under its suggested name if it is a folder.

    Raises:
        InvalidInput: a format other than md, docx or pptx.
    """
    fmt = export_format(fmt, FORMATS, "workshop")
    if path.is_dir():
        path = path / suggested_filename(pack, fmt)
    pack = scrub(pack)
    writers: dict[str, Callable[[WorkshopPack, Path], Path]] = {
        "docx": to_docx,
        "pptx": to_pptx,
        "md": lambda p, target: write_text(target, to_markdown(p)),
    }
    return writers[fmt](pack, path)

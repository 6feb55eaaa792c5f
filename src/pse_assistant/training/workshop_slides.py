"""Workshop slides on the project's own design: 16:9, title, section, content and exercise layouts.

The deck starts from python-pptx's default template so that every slide keeps a real title
placeholder (screen readers and the outline view read it), then gives each layout its colours,
positions and type sizes here, in one place. Body text is 20 pt at the least and 28 pt when it fits,
so that it reads from the back of a training room.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pse_assistant.training.agenda import AgendaSlot
from pse_assistant.training.workshop import QuizItem, WorkshopPack

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
_TITLE, _CONTENT, _SECTION, _TITLE_ONLY = 0, 1, 2, 5  # python-pptx's default layouts


@dataclass(frozen=True)
class Palette:
    """The deck's colours (hex): dark ink on white for content, white on navy for title and sections.

    Ink on white is 17:1, muted grey on white 7.4:1 and white on navy 11.6:1 (WCAG AAA for large
    text); the amber accent only underlines and frames, it never carries white text.
    """

    navy: str = "1F3A5F"
    ink: str = "1A1A1A"
    muted: str = "4A5568"
    accent: str = "F2A900"
    light: str = "EEF2F7"
    white: str = "FFFFFF"


PALETTE = Palette()
FONT = "Calibri"


def plain(text: str) -> str:
    """Text without Markdown emphasis (`*...*`, `**...**`), which slides and Word would show raw."""
    return re.sub(r"(\*{1,2})([^*\n]+?)\1", r"\2", text)


def body_size(texts: list[str]) -> int:
    """The largest readable size the text fits at: 28 pt for little text, down to 20 pt for a lot."""
    chars = sum(len(t) for t in texts) + 40 * len(texts)
    return 28 if chars <= 360 else 24 if chars <= 640 else 20


def _place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _rgb(color: str) -> Any:
    return RGBColor.from_string(color)  # type: ignore[no-untyped-call]


def _style(paragraph: Any, size: int, color: str, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = _rgb(color)


def _fill(shape: Any, color: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(color)
    shape.line.fill.background()


def _drop_unused(slide: Any) -> None:
    """Remove empty placeholders (date, footer...) so that nothing reads "Click to add text"."""
    for shape in list(slide.placeholders):
        if shape.placeholder_format.idx > 1 and not shape.text_frame.text:
            shape._element.getparent().remove(shape._element)


class Deck:
    """A workshop deck being built: one method per layout, a footer on every content slide."""

    def __init__(self, footer: str) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.footer = footer

    def _background(self, slide: Any, color: str) -> None:
        slide.background.fill.solid()
        slide.background.fill.fore_color.rgb = _rgb(color)

    def _band(self, slide: Any, top: int, height: int, color: str) -> Any:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Emu(top), WIDTH, Emu(height))
        _fill(band, color)
        slide.shapes._spTree.remove(band._element)  # behind the placeholders
        slide.shapes._spTree.insert(2, band._element)
        return band

    def _text(self, slide: Any, box: tuple[int, int, int, int], text: str, size: int) -> None:
        shape = slide.shapes.add_textbox(*(Emu(v) for v in box))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = text
        _style(frame.paragraphs[0], size, PALETTE.muted)

    def title(self, title: str, subtitle: str, notice: str) -> None:
        """The cover: white on navy, an accent rule, the notice in small type at the foot."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_TITLE])
        self._background(slide, PALETTE.navy)
        self._band(slide, int(Inches(4.55)), int(Inches(0.12)), PALETTE.accent)
        slide.shapes.title.text = title
        _place(slide.shapes.title, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(3.2))
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            _style(paragraph, 40, PALETTE.white, bold=True)
        sub = slide.placeholders[1]
        sub.text = subtitle
        _place(sub, MARGIN, Inches(4.85), WIDTH - 2 * MARGIN, Inches(1.0))
        sub.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        _style(sub.text_frame.paragraphs[0], 24, PALETTE.white)
        box = (MARGIN, Inches(6.3), WIDTH - 2 * MARGIN, Inches(0.8))
        shape = slide.shapes.add_textbox(*(Emu(v) for v in box))
        shape.text_frame.word_wrap = True
        shape.text_frame.text = notice
        _style(shape.text_frame.paragraphs[0], 14, PALETTE.light)
        _drop_unused(slide)

    def section(self, number: int, title: str, lead: str) -> None:
        """A part of the workshop: its number and name, large, on navy."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_SECTION])
        self._background(slide, PALETTE.navy)
        self._band(slide, int(Inches(3.9)), int(Inches(0.12)), PALETTE.accent)
        slide.shapes.title.text = f"Part {number}. {title}"
        _place(slide.shapes.title, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.8))
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        _style(slide.shapes.title.text_frame.paragraphs[0], 44, PALETTE.white, bold=True)
        body = slide.placeholders[1]
        body.text = lead
        _place(body, MARGIN, Inches(4.2), WIDTH - 2 * MARGIN, Inches(1.5))
        _style(body.text_frame.paragraphs[0], 24, PALETTE.light)
        _drop_unused(slide)

    def content(self, title: str, bullets: list[str], notes: str = "") -> Any:
        """Title on a navy bar, bullets in dark ink on white, the footer at the foot."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_CONTENT])
        self._header(slide, title)
        body = slide.placeholders[1]
        _place(body, MARGIN, Inches(1.55), WIDTH - 2 * MARGIN, Inches(5.2))
        frame = body.text_frame
        frame.word_wrap = True
        size = body_size(bullets)
        for index, text in enumerate(bullets):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = plain(text)
            paragraph.space_after = Pt(8)
            _style(paragraph, size, PALETTE.ink)
        self._finish(slide, notes)
        return slide

    def exercise(self, title: str, text: str, minutes: int, source: str, notes: str = "") -> None:
        """The exercise: its instructions left, the time it has right, in a large accent box."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_TITLE_ONLY])
        self._header(slide, title)
        width = WIDTH - 2 * MARGIN - Inches(3.0)
        shape = slide.shapes.add_textbox(MARGIN, Inches(1.55), Emu(width), Inches(5.2))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = plain(text)
        _style(frame.paragraphs[0], body_size([text]), PALETTE.ink)
        timer = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE,
            Emu(WIDTH - MARGIN - Inches(2.6)),
            Inches(1.7),
            Inches(2.6),
            Inches(2.0),
        )
        _fill(timer, PALETTE.accent)
        timer.text_frame.text = f"{minutes}\nminutes"
        for paragraph, size in zip(timer.text_frame.paragraphs, (54, 20), strict=True):
            paragraph.alignment = PP_ALIGN.CENTER
            _style(paragraph, size, PALETTE.ink, bold=True)
        self._text(
            slide, (WIDTH - MARGIN - Inches(2.6), Inches(4.0), Inches(2.6), Inches(1.0)), source, 16
        )
        self._finish(slide, notes)

    def _header(self, slide: Any, title: str) -> None:
        self._band(slide, 0, int(Inches(1.25)), PALETTE.navy)
        self._band(slide, int(Inches(1.25)), int(Inches(0.08)), PALETTE.accent)
        slide.shapes.title.text = title
        _place(slide.shapes.title, MARGIN, Inches(0.15), WIDTH - 2 * MARGIN, Inches(1.0))
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            _style(paragraph, 32, PALETTE.white, bold=True)

    def _finish(self, slide: Any, notes: str) -> None:
        number = len(self.prs.slides)
        box = (MARGIN, HEIGHT - Inches(0.55), WIDTH - 2 * MARGIN, Inches(0.4))
        self._text(slide, box, f"{self.footer}   ·   {number}", 14)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        _drop_unused(slide)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.prs.save(str(path))
        return path


def time_span(slot: AgendaSlot) -> str:
    """`0–5 min`: when a block of the agenda runs."""
    return f"{slot.start}–{slot.start + slot.minutes} min"


def option_lines(item: QuizItem) -> list[str]:
    """`A) text` for each option of a question."""
    return [f"{letter}) {text}" for letter, text in item.options.items()]


def key_line(item: QuizItem) -> str:
    """The answer with its explanation and source clause, as the key and speaker notes give it."""
    return f"{item.answer}) {item.options[item.answer]} — {item.explanation} [{item.clause}]"


def to_pptx(pack: WorkshopPack, path: Path, subtitle: str) -> Path:
    """Slides for the room in three parts; answers live only in the speaker notes and the key slide."""
    deck = Deck(f"ISO 11367:2025 {pack.clause} · {pack.minutes}-minute workshop")
    deck.title(pack.title, subtitle, pack.notice)
    deck.content("Learning objectives", pack.objectives)
    deck.content("Agenda", [f"{time_span(s)}   {s.title}" for s in pack.agenda])
    deck.section(
        1, "The clause in brief", "What it asks, and what it looks like in a real service."
    )
    card = pack.scenario
    deck.content(card.title, [card.text], f"From {card.clause}.")
    deck.content("Questions for your group", card.questions, f"From {card.clause}.")
    deck.section(2, "Practice", "Apply it to your own service, then compare.")
    exercise = next((s for s in pack.agenda if s.title == "Exercise"), None)
    if exercise is not None:
        source = f"From the guidance for {exercise.clause}" if exercise.clause else ""
        deck.exercise("Exercise", exercise.activity, exercise.minutes, source)
    deck.content("Discussion", [p.text for p in pack.discussion])
    deck.section(3, "Check your understanding", f"{len(pack.quiz)} questions, then the answers.")
    for item in pack.quiz:
        answer = f"Answer: {key_line(item)}"
        deck.content(f"Question {item.number}", [item.question, *option_lines(item)], answer)
    deck.content("Answer key", [f"{i.number}. {i.answer}   [{i.clause}]" for i in pack.quiz])
    wrap = ["Name one thing you will do next week.", "Questions and feedback."]
    deck.content("Wrap-up", wrap, "\n".join(pack.facilitator_notes))
    return deck.save(path)

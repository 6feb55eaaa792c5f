"""Workshop packs: agenda, objectives, scenario, prompts, quiz and facilitator notes for one clause."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field, computed_field

from pse_assistant.core.errors import InvalidInput, NotApplicable
from pse_assistant.core.text import trim_sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Note
from pse_assistant.corpus.structure import Clause, ClauseKind
from pse_assistant.training.agenda import AgendaSlot, written_minutes
from pse_assistant.training.agenda import agenda as make_agenda

MINUTES = (60, 90, 180)
AUDIENCES = {
    "front-line-staff": "front-line staff",
    "managers": "managers",
    "leadership": "leadership",
    "assessors": "assessors",
}
_AUDIENCE_ALIASES = {
    "front-line": "front-line-staff",
    "frontline": "front-line-staff",
    "frontline-staff": "front-line-staff",
    "staff": "front-line-staff",
    "manager": "managers",
    "leaders": "leadership",
    "leader": "leadership",
    "assessor": "assessors",
}
WORKSHOP_KINDS = (ClauseKind.PRINCIPLE, ClauseKind.ELEMENT, ClauseKind.SUB_ELEMENT)
NOTICE = (
    "This pack is the project's own guidance on ISO 11367:2025, not the standard's text; "
    "check the standard itself for what it requires."
)
SCENARIO_WORDS = 120


class QuizItem(BaseModel):
    """A quiz question taken verbatim from a note, keeping the clause it came from for the citation."""

    number: int
    question: str
    options: dict[str, str]
    answer: str
    explanation: str
    clause: str
    clause_title: str


class QuizFeedback(BaseModel):
    """What a participant sees after answering: right or wrong, why, and where it comes from."""

    correct: bool
    answer: str
    explanation: str
    citation: str


class QuizReview(BaseModel):
    """One question after the quiz: what was chosen, the right answer, why, and where it comes from."""

    number: int
    question: str
    chosen: str | None
    chosen_text: str | None
    answer: str
    answer_text: str
    correct: bool
    explanation: str
    citation: str


class QuizResult(BaseModel):
    """The end of a quiz: the score, and every question to review (the wrong ones flagged)."""

    clause: str
    right: int
    total: int
    reviews: list[QuizReview]

    @property
    def wrong(self) -> list[QuizReview]:
        """The questions answered wrongly or left unanswered, to go over again."""
        return [r for r in self.reviews if not r.correct]


class ScenarioCard(BaseModel):
    """A note's example, trimmed to whole sentences, with questions for the groups."""

    title: str
    text: str
    clause: str
    questions: list[str]


class DiscussionPrompt(BaseModel):
    """A prompt for the room, with the clause whose pitfalls or steps it draws on."""

    text: str
    clause: str


class AnswerKeyEntry(BaseModel):
    """One line of the answer key."""

    number: int
    answer: str
    option: str
    explanation: str
    clause: str


class WorkshopPack(BaseModel):
    """Everything a facilitator needs to run one workshop on one clause."""

    clause: str
    title: str
    minutes: int
    audience: str
    objectives: list[str]
    agenda: list[AgendaSlot]
    scenario: ScenarioCard
    discussion: list[DiscussionPrompt]
    quiz: list[QuizItem] = Field(min_length=1)
    facilitator_notes: list[str]
    notice: str = NOTICE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer_key(self) -> list[AnswerKeyEntry]:
        """Derived from the quiz so that the key can never disagree with the questions."""
        return [
            AnswerKeyEntry(
                number=q.number,
                answer=q.answer,
                option=q.options[q.answer],
                explanation=q.explanation,
                clause=q.clause,
            )
            for q in self.quiz
        ]


def normalize_audience(audience: str) -> str:
    """Accept `Front-line staff`, `manager` or `assessors` and return the canonical key.

    Raises:
        InvalidInput: an audience that is none of the four.
    """
    key = re.sub(r"[\s_]+", "-", audience.strip().lower())
    key = _AUDIENCE_ALIASES.get(key, key)
    if key not in AUDIENCES:
        valid = ", ".join(AUDIENCES)
        raise InvalidInput(f"Unknown audience '{audience}'. Choose one of: {valid}.")
    return key


def workshop_clause(corpus: Corpus, clause: str) -> Clause:
    """The clause a workshop is about; groups and general clauses have no quiz or steps to use.

    Raises:
        ClauseNotFound: a clause id that is not in the standard.
        InvalidInput: a clause that is not a principle, element or sub-element.
    """
    found = corpus.structure.get(clause)
    if found.kind not in WORKSHOP_KINDS:
        raise NotApplicable(
            f"Workshops are built for a principle (5.x.y), an element (7.x) or a sub-element "
            f"(7.x.y); {found.label} is a {found.kind.value} clause."
        )
    return found


def _primary_notes(corpus: Corpus, clause: Clause) -> list[Note]:
    """The notes whose material the workshop uses: an element has none of its own, so its parts'."""
    ids = [c.id for c in corpus.structure.children(clause.id)] if clause.kind == "element" else []
    notes = [corpus.note(i) for i in ids or [clause.id]]
    return [n for n in notes if n is not None and n.quiz()]


def _round_robin(notes: list[Note]) -> Iterator[tuple[Note, int]]:
    """Questions taken in turn from each note, so a short quiz still spans every source."""
    depth = max((len(n.quiz()) for n in notes), default=0)
    for index in range(depth):
        for note in notes:
            if index < len(note.quiz()):
                yield note, index


def quiz(corpus: Corpus, clause: str, count: int = 8) -> list[QuizItem]:
    """Up to `count` of the notes' own questions on the clause (an element: on its sub-elements).

    Never a question from a neighbouring clause, so a quiz on a principle never asks about "this
    sub-element", and never a question we invented.

    Raises:
        ClauseNotFound: a clause id that is not in the standard.
        InvalidInput: a clause a workshop cannot cover, a count below 1, or no questions at all.
    """
    if count < 1:
        raise InvalidInput(f"A quiz needs at least one question (got {count}).")
    found = workshop_clause(corpus, clause)
    items: list[QuizItem] = []
    for note, index in _round_robin(_primary_notes(corpus, found)):
        question = note.quiz()[index]
        if len(items) == count:
            break
        if question.answer is None or question.answer not in question.options:
            continue
        items.append(
            QuizItem(
                number=len(items) + 1,
                question=question.question,
                options=dict(question.options),
                answer=question.answer,
                explanation=question.explanation,
                clause=note.clause,
                clause_title=note.meta.title,
            )
        )
    if not items:
        raise InvalidInput(f"{found.label} has no quiz questions in the guidance.")
    return items


def check_answer(item: QuizItem, letter: str) -> QuizFeedback:
    """Mark one answer and give the explanation with its citation, as the UI's Quiz mode shows it.

    Raises:
        InvalidInput: a letter that is not one of the question's options.
    """
    chosen = letter.strip().strip("()").upper()
    if chosen not in item.options:
        raise NotApplicable(f"Choose one of {', '.join(item.options)} (got '{letter}').")
    return QuizFeedback(
        correct=chosen == item.answer,
        answer=item.answer,
        explanation=item.explanation,
        citation=f"[{item.clause}] {item.clause_title}",
    )


def grade(clause: str, items: list[QuizItem], answers: dict[int, str]) -> QuizResult:
    """Score a whole quiz against its own key; an unanswered question counts as wrong.

    Raises:
        InvalidInput: an answer to a question number the quiz does not have, or a letter that is
            not one of its options.
    """
    by_number = {i.number: i for i in items}
    if stray := sorted(n for n in answers if n not in by_number):
        raise InvalidInput(f"The quiz has questions 1 to {len(items)}, not {stray[0]}.")
    reviews = []
    for item in items:
        letter = answers.get(item.number)
        feedback = check_answer(item, letter) if letter else None
        chosen = letter.strip().strip("()").upper() if letter else None
        reviews.append(
            QuizReview(
                number=item.number,
                question=item.question,
                chosen=chosen,
                chosen_text=item.options.get(chosen or ""),
                answer=item.answer,
                answer_text=item.options[item.answer],
                correct=bool(feedback and feedback.correct),
                explanation=item.explanation,
                citation=f"[{item.clause}] {item.clause_title}",
            )
        )
    right = sum(r.correct for r in reviews)
    return QuizResult(clause=clause, right=right, total=len(items), reviews=reviews)


def _objectives(clause: Clause, notes: list[Note], own: Note | None, audience: str) -> list[str]:
    steps = [s for n in notes for s in n.steps()[:2]]
    first = notes[0]
    brief = own.section("In brief") if own else None
    summary = trim_sentences(brief.text, max_words=35) if brief else clause.title
    out = [f"Explain in your own words what {clause.label} asks: {summary}"]
    if audience == "front-line-staff":
        out += [
            f"Apply it at the counter, on the phone or online: {s.title.lower()}."
            for s in steps[:2]
        ]
        out.append(
            "Spot one common pitfall in your own daily work and say what you would do instead."
        )
    elif audience == "managers":
        out.append("Plan the steps for your team: " + "; ".join(s.title for s in steps[:4]) + ".")
        names = [i.name for n in notes for i in n.indicators()][:3]
        out.append("Choose indicators to track progress, such as: " + "; ".join(names) + ".")
    elif audience == "leadership":
        why = first.section("Why it matters in public services")
        out.append(
            f"State the purpose for your organization: {trim_sentences(why.text, max_words=30)}"
            if why
            else "State the purpose for your organization."
        )
        evidence = [b.text for n in notes for b in n.bullets("Evidence an assessor looks for")][:2]
        out.append("Decide what evidence will show it works: " + " ".join(evidence))
    else:
        evidence = [b.text for n in notes for b in n.bullets("Evidence an assessor looks for")][:3]
        out.append("Name the evidence an assessor looks for: " + " ".join(evidence))
        levels = first.maturity()
        if levels:
            out.append(
                f"Place an organization on the {len(levels)} maturity levels, from "
                f"'{levels[0].label}' to '{levels[-1].label}', and justify the level."
            )
    return out


def _scenario(notes: list[Note], audience: str, minutes: int) -> ScenarioCard:
    note = next((n for n in notes if n.section("Example")), notes[0])
    example = note.section("Example")
    questions = [
        f"What would {AUDIENCES[audience]} notice first in this situation, and why?",
        f"Which step of {note.clause} does the example show, and which one is missing in your service?",
    ]
    if minutes >= 90:
        questions.append("What evidence would show, a year later, that the change worked?")
    return ScenarioCard(
        title=f"Scenario: {note.meta.title}",
        text=trim_sentences(example.text, max_words=SCENARIO_WORDS) if example else note.meta.title,
        clause=note.clause,
        questions=questions,
    )


def _prompts(notes: list[Note], minutes: int) -> list[DiscussionPrompt]:
    prompts: list[DiscussionPrompt] = []
    for note in notes:
        pitfalls = [b.text.rstrip(".") for b in note.bullets("Common pitfalls")][:3]
        if pitfalls:
            text = f"Which of these pitfalls do you recognise: {'; '.join(pitfalls)}?"
            prompts.append(DiscussionPrompt(text=text, clause=note.clause))
    for note in notes:
        for step in note.steps()[:2]:
            text = f"What would it take to '{step.title.lower()}' in your service, and who would own it?"
            prompts.append(DiscussionPrompt(text=text, clause=note.clause))
    return prompts[: {60: 3, 90: 4, 180: 6}[minutes]]


def _facilitator_notes(
    clause: Clause, notes: list[Note], own: Note | None, agenda: list[AgendaSlot]
) -> list[str]:
    total = sum(s.minutes for s in agenda)
    out = [
        f"Keep a clock visible: the agenda adds up to exactly {total} minutes. If scenario work "
        "runs long, take the time from discussion, never from the quiz or the wrap-up."
    ]
    exercise = next((s for s in agenda if s.title == "Exercise"), None)
    written = written_minutes(next((n.exercise() for n in notes if n.exercise()), None))
    if exercise and written and written != exercise.minutes:
        out.append(
            f"The exercise is written for {written} minutes in the guidance; this pack shortens it "
            f"to {exercise.minutes}, with each of its times scaled to match: choose fewer cases "
            "or a smaller part of the service."
        )
    out.append(
        "The answer key with explanations and clause references is at the end of this pack and "
        "in the speaker notes of each quiz slide; hand out the quiz without it."
    )
    links = (own or notes[0]).related_links()[:5]
    if links:
        out.append("Related clauses to mention: " + " ".join(f"{r.clause}: {r.why}" for r in links))
    out.append(NOTICE)
    return out


def build_pack(corpus: Corpus, clause: str, minutes: int, audience: str) -> WorkshopPack:
    """Build a workshop pack from the notes alone, so every part can be traced to a clause.

    Raises:
        ClauseNotFound: a clause id that is not in the standard.
        InvalidInput: a length other than 60, 90 or 180 minutes, an unknown audience, or a
            clause that is not a principle, element or sub-element.
    """
    if minutes not in MINUTES:
        raise InvalidInput(f"A workshop lasts 60, 90 or 180 minutes (got {minutes}).")
    key = normalize_audience(audience)
    found = workshop_clause(corpus, clause)
    notes = _primary_notes(corpus, found)
    if not notes:
        raise NotApplicable(f"{found.label} has no guidance material to build a workshop from.")
    own = corpus.note(found.id)
    agenda = make_agenda(found, notes, minutes)
    return WorkshopPack(
        clause=found.id,
        title=f"{found.label}: a {minutes}-minute workshop for {AUDIENCES[key]}",
        minutes=minutes,
        audience=key,
        objectives=_objectives(found, notes, own, key),
        agenda=agenda,
        scenario=_scenario(notes, key, minutes),
        discussion=_prompts(notes, minutes),
        quiz=quiz(corpus, found.id, 10 if minutes == 180 else 8),
        facilitator_notes=_facilitator_notes(found, notes, own, agenda),
    )

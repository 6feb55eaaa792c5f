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
# Agenda blocks per length: (key, title, minutes). Explicit tables read better than a formula and
# let each length keep blocks a facilitator can actually run; each table sums to its length.
_AGENDAS: dict[int, list[tuple[str, str, int]]] = {
    60: [
        ("welcome", "Welcome and purpose", 5),
        ("brief", "The clause in brief", 8),
        ("scenario", "Scenario work", 12),
        ("exercise", "Exercise", 12),
        ("discussion", "Discussion", 8),
        ("quiz", "Quiz", 10),
        ("wrap", "Wrap-up and next steps", 5),
    ],
    90: [
        ("welcome", "Welcome and purpose", 5),
        ("brief", "The clause in brief", 10),
        ("scenario", "Scenario work", 15),
        ("exercise", "Exercise", 20),
        ("discussion", "Discussion", 15),
        ("quiz", "Quiz", 15),
        ("wrap", "Wrap-up and next steps", 10),
    ],
    180: [
        ("welcome", "Welcome and purpose", 10),
        ("brief", "The clause in brief", 15),
        ("scenario", "Scenario work", 25),
        ("exercise", "Exercise", 35),
        ("break", "Break", 10),
        ("steps", "Practice: the steps in your service", 25),
        ("maturity", "Maturity self-check", 20),
        ("discussion", "Discussion", 20),
        ("quiz", "Quiz", 15),
        ("wrap", "Wrap-up and next steps", 5),
    ],
}
_EXERCISE_MINUTES = re.compile(r"(\d+)[ -]minute")


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


class AgendaSlot(BaseModel):
    """One timed block of the agenda."""

    start: int
    minutes: int
    title: str
    activity: str
    clause: str | None = None


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
    quiz: list[QuizItem] = Field(min_length=8)
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


def _secondary_notes(corpus: Corpus, clause: Clause, primary: list[Note]) -> list[Note]:
    """Related principles and sub-elements, then siblings: where extra quiz questions come from."""
    own = corpus.note(clause.id)
    related = own.meta.related if own else []
    siblings = [c.id for c in corpus.structure.children(clause.parent or "")]
    seen = {n.clause for n in primary} | {clause.id}
    notes: list[Note] = []
    for cid in [*related, *siblings]:
        note = corpus.note(cid)
        if note is not None and cid not in seen and note.quiz():
            seen.add(cid)
            notes.append(note)
    return notes


def _round_robin(notes: list[Note]) -> Iterator[tuple[Note, int]]:
    """Questions taken in turn from each note, so a short quiz still spans every source."""
    depth = max((len(n.quiz()) for n in notes), default=0)
    for index in range(depth):
        for note in notes:
            if index < len(note.quiz()):
                yield note, index


def quiz(corpus: Corpus, clause: str, count: int = 8) -> list[QuizItem]:
    """The clause's own questions first, then related notes' ones; never a question we invented.

    Raises:
        ClauseNotFound: a clause id that is not in the standard.
        InvalidInput: a clause a workshop cannot cover, a count below 1, or too few questions.
    """
    if count < 1:
        raise InvalidInput(f"A quiz needs at least one question (got {count}).")
    found = workshop_clause(corpus, clause)
    primary = _primary_notes(corpus, found)
    items: list[QuizItem] = []
    for group in (primary, _secondary_notes(corpus, found, primary)):
        for note, index in _round_robin(group):
            question = note.quiz()[index]
            if len(items) == count:
                return items
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
    if len(items) < count:
        raise NotApplicable(f"Only {len(items)} quiz questions exist around {found.label}.")
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


def _agenda(clause: Clause, notes: list[Note], minutes: int) -> list[AgendaSlot]:
    exercise = next((n.exercise() for n in notes if n.exercise()), None)
    activities = {
        "welcome": "Introductions, why this clause matters here, and the agenda.",
        "brief": f"Present {clause.label} in brief, using the objectives slide.",
        "scenario": "Groups read the scenario card and answer its questions.",
        "exercise": exercise or "Apply the clause to one of your own services.",
        "break": "Break.",
        "steps": "Groups walk through the steps of 'How to meet it' for one real service.",
        "maturity": "Each participant places the service on the five maturity levels; compare.",
        "discussion": "Work through the discussion prompts in plenary.",
        "quiz": "Participants answer individually; go through the answer key together.",
        "wrap": "Each person names one thing they will do next week.",
    }
    slots: list[AgendaSlot] = []
    start = 0
    for key, title, length in _AGENDAS[minutes]:
        source = notes[0].clause if key in {"scenario", "exercise", "steps", "maturity"} else None
        if key == "brief":
            source = clause.id
        slots.append(
            AgendaSlot(
                start=start,
                minutes=length,
                title=title,
                activity=" ".join(activities[key].split()),
                clause=source,
            )
        )
        start += length
    return slots


def _facilitator_notes(
    clause: Clause, notes: list[Note], own: Note | None, agenda: list[AgendaSlot]
) -> list[str]:
    total = sum(s.minutes for s in agenda)
    out = [
        f"Keep a clock visible: the agenda adds up to exactly {total} minutes. If scenario work "
        "runs long, take the time from discussion, never from the quiz or the wrap-up."
    ]
    exercise = next((s for s in agenda if s.title == "Exercise"), None)
    written = _EXERCISE_MINUTES.search(exercise.activity) if exercise else None
    if exercise and written and int(written.group(1)) != exercise.minutes:
        out.append(
            f"The exercise is written for {written.group(1)} minutes; here it has "
            f"{exercise.minutes}, so set the scope accordingly."
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
    agenda = _agenda(found, notes, minutes)
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

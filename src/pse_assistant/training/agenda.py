"""A workshop's agenda: timed blocks per length, and the exercise fitted to its slot so that the
agenda and the exercise's own text always agree."""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

from pse_assistant.corpus.notes import Note
from pse_assistant.corpus.structure import Clause

# Agenda blocks per length: (key, title, minutes). Explicit tables read better than a formula and
# let each length keep blocks a facilitator can actually run; each table sums to its length. The
# exercise's minutes are the most it may take: a shorter exercise gives the rest to the discussion,
# a longer one is scaled down in its own text, so the agenda and the exercise always agree.
_AGENDAS: dict[int, list[tuple[str, str, int]]] = {
    60: [
        ("welcome", "Welcome and purpose", 5),
        ("brief", "The clause in brief", 5),
        ("scenario", "Scenario work", 10),
        ("exercise", "Exercise", 25),
        ("discussion", "Discussion", 5),
        ("quiz", "Quiz", 5),
        ("wrap", "Wrap-up and next steps", 5),
    ],
    90: [
        ("welcome", "Welcome and purpose", 5),
        ("brief", "The clause in brief", 10),
        ("scenario", "Scenario work", 10),
        ("exercise", "Exercise", 45),
        ("discussion", "Discussion", 5),
        ("quiz", "Quiz", 10),
        ("wrap", "Wrap-up and next steps", 5),
    ],
    180: [
        ("welcome", "Welcome and purpose", 10),
        ("brief", "The clause in brief", 15),
        ("scenario", "Scenario work", 20),
        ("exercise", "Exercise", 60),
        ("break", "Break", 10),
        ("steps", "Practice: the steps in your service", 20),
        ("maturity", "Maturity self-check", 15),
        ("discussion", "Discussion", 10),
        ("quiz", "Quiz", 10),
        ("wrap", "Wrap-up and next steps", 10),
    ],
}
_EXERCISE_MINUTES = re.compile(r"\b(\d+)(?=[ -]minute)")


class AgendaSlot(BaseModel):
    """One timed block of the agenda."""

    start: int
    minutes: int
    title: str
    activity: str
    clause: str | None = None


def _shares(parts: list[int], total: int) -> list[int]:
    """Cut `total` minutes (a multiple of 5) in proportion to `parts`, in blocks of 5 minutes,
    each part keeping at least one block when there are enough (largest remainders first)."""
    units = total // 5
    raw = [p * units / sum(parts) for p in parts]
    least = 1 if units >= len(parts) else 0
    out = [max(least, math.floor(r)) for r in raw]
    while sum(out) < units:
        out[max(range(len(out)), key=lambda i: raw[i] - out[i])] += 1
    while sum(out) > units:
        out[max((i for i in range(len(out)) if out[i] > least), key=lambda i: out[i] - raw[i])] -= 1
    return [5 * o for o in out]


def fit_exercise(text: str, budget: int) -> tuple[str, int]:
    """The exercise's text and length within `budget` minutes, so that the agenda and the text agree.

    An exercise written for `budget` minutes or less keeps its text and takes its own length.
    A longer one is scaled down: its total becomes `budget`, and the times of its parts shrink in
    proportion (still adding up to the total when they did). Text with no time takes the budget.
    """
    found = list(_EXERCISE_MINUTES.finditer(text))
    numbers = [int(m.group(1)) for m in found]
    if not numbers:
        return text, budget
    total = max(numbers)
    if total <= budget:
        return text, total
    first = numbers.index(total)
    parts = numbers[:first] + numbers[first + 1 :]
    if parts and sum(parts) == total:
        scaled = _shares(parts, budget)
    else:
        scaled = [max(5, 5 * round(p * budget / total / 5)) for p in parts]
    values = [*scaled[:first], budget, *scaled[first:]]
    for match, value in sorted(zip(found, values, strict=True), key=lambda mv: -mv[0].start()):
        text = text[: match.start()] + str(value) + text[match.end() :]
    return text, budget


def written_minutes(text: str | None) -> int | None:
    """The length an exercise's text states (its largest time), if any."""
    numbers = [int(m.group(1)) for m in _EXERCISE_MINUTES.finditer(text or "")]
    return max(numbers) if numbers else None


def agenda(clause: Clause, notes: list[Note], minutes: int) -> list[AgendaSlot]:
    """The timed blocks of a workshop of `minutes`, the exercise taken from the notes and fitted."""
    written = next((n.exercise() for n in notes if n.exercise()), None)
    blocks = _AGENDAS[minutes]
    budget = next(length for key, _, length in blocks if key == "exercise")
    exercise, exercise_minutes = fit_exercise(" ".join((written or "").split()), budget)
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
    lengths = {key: length for key, _, length in blocks}
    lengths["exercise"] = exercise_minutes
    lengths["discussion"] += budget - exercise_minutes  # a shorter exercise leaves more to discuss
    slots: list[AgendaSlot] = []
    start = 0
    for key, title, _ in blocks:
        source = notes[0].clause if key in {"scenario", "exercise", "steps", "maturity"} else None
        if key == "brief":
            source = clause.id
        slots.append(
            AgendaSlot(
                start=start,
                minutes=lengths[key],
                title=title,
                activity=" ".join(activities[key].split()),
                clause=source,
            )
        )
        start += lengths[key]
    return slots

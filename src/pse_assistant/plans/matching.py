"""How a plan pairs the words of a note: priorities to steps, evidence to steps, pitfalls to steps.

Every pairing weighs a shared word stem by how rare it is among the note's own steps, so "staff" or
"service", which most steps of a note use, says little, while "gifts" or "first-contact" says a lot.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import Stemmer

from pse_assistant.corpus.notes import Note, Step
from pse_assistant.plans.rules import PRIORITY_TERMS, REVIEW_STEP

_STOP = frozenset(
    "this that with from your their them they have will into when what which each every other "
    "than rather same more most only also make made over after before while without such where "
    "about whether under keep less fewer better there these those some many much very".split()
)
# A pairing is kept only above these weights (a stem found in one step of eight weighs about 2.2).
EVIDENCE_FIT = 1.5  # an evidence item shows a step done
EVIDENCE_REUSE = 2.4  # an item already given to one step also shows another it clearly fits
PITFALL_FIT = 3.0  # a pitfall concerns a step
PITFALL_MARGIN = 1.0  # ... and clearly more than any other step


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("english")


def stems(text: str) -> set[str]:
    """Stems of the words of four letters or more: enough to tell "training" matches "train"."""
    words = [w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in _STOP]
    return set(_stemmer().stemWords(words))


def step_stems(step: Step) -> set[str]:
    """The stems of a step's title and text."""
    return stems(f"{step.title} {step.text}")


def weights(note: Note) -> dict[str, float]:
    """How telling each stem is within one note: log of (steps + 1) over the steps that use it."""
    counts: dict[str, int] = {}
    for step in note.steps():
        for stem in step_stems(step):
            counts[stem] = counts.get(stem, 0) + 1
    total = len(note.steps()) + 1
    return {stem: math.log(total / count) for stem, count in counts.items()}


def affinity(weight: dict[str, float], text: str, step: Step) -> float:
    """The weight of the stems a text shares with a step."""
    return sum(weight.get(s, 0.0) for s in stems(text) & step_stems(step))


def is_review(step: Step) -> bool:
    """A step that looks back (revisit, review, renewal): it closes a cycle and never moves first."""
    return re.search(REVIEW_STEP, step.title, re.IGNORECASE) is not None


def priority_stems(priorities: str) -> set[str]:
    """The stems of the priorities, with the words the guidance uses for the same aims."""
    extra = [words for pattern, words in PRIORITY_TERMS if re.search(pattern, priorities, re.I)]
    return stems(" ".join([priorities, *extra]))


def priority_score(profile_priorities: str, note: Note, step: Step | None) -> float:
    """How strongly a step (or, with no step, the clause's title and keywords) matches the priorities.

    A step counts only when a priority word is in its title or two are in its text, and when it
    does not look back (a review step closes the cycle wherever the priorities point). A stem
    counts less the more steps use it, and not at all when half of them do.
    """
    wanted = priority_stems(profile_priorities)
    if not wanted or step is None:
        return len(wanted & stems(f"{note.meta.title} {' '.join(note.meta.keywords)}"))
    shared = wanted & step_stems(step)
    if is_review(step) or not (wanted & stems(step.title) or len(shared) >= 2):
        return 0.0
    counts: dict[str, int] = {}
    for other in note.steps():
        for stem in step_stems(other):
            counts[stem] = counts.get(stem, 0) + 1
    return sum(1 / counts[s] for s in shared if counts[s] * 2 < len(note.steps()))


def deliverables(note: Note) -> dict[int, str]:
    """Pair each step with the evidence item that shows it done: a deliverable an assessor checks.

    The strongest pairs are taken first, one step and one item each; a step still without one then
    shares an item already given if it fits clearly. A step that no item fits gets none.
    """
    weight = weights(note)
    evidence = [b.text for b in note.bullets("Evidence an assessor looks for")]
    pairs = sorted(
        ((affinity(weight, e, s), s.number, e) for s in note.steps() for e in evidence),
        key=lambda p: (-p[0], p[1]),
    )
    chosen: dict[int, str] = {}
    for score, number, text in pairs:
        if score >= EVIDENCE_FIT and number not in chosen and text not in chosen.values():
            chosen[number] = text
    for score, number, text in pairs:
        if score >= EVIDENCE_REUSE and number not in chosen:
            chosen[number] = text
    return chosen


def pitfall_step(note: Note, pitfall: str) -> Step | None:
    """The step a pitfall concerns, or None when it concerns the clause as a whole.

    The step must share a word of its title with the pitfall, weigh at least `PITFALL_FIT`, and
    beat every other step by `PITFALL_MARGIN`: a tie means the pitfall is about no step in particular.
    """
    weight = weights(note)
    ranked = sorted(note.steps(), key=lambda s: -affinity(weight, pitfall, s))
    if not ranked:
        return None
    best = affinity(weight, pitfall, ranked[0])
    second = affinity(weight, pitfall, ranked[1]) if len(ranked) > 1 else 0.0
    in_title = stems(pitfall) & stems(ranked[0].title)
    if best >= PITFALL_FIT and best - second >= PITFALL_MARGIN and in_title:
        return ranked[0]
    return None

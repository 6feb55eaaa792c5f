"""The answers that are not guidance: small talk, questions outside the corpus, clauses that do not exist.

Each says plainly what happened and what the assistant can do instead, so a person is never left
with a bare refusal. None of them states anything about what the standard expects.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pse_assistant.answer.intents import Intent
from pse_assistant.answer.models import Answer, Status
from pse_assistant.corpus.structure import Structure
from pse_assistant.search.retrieval import SearchResult

EXAMPLES = (
    '"How do we meet 7.2.3 at the counter?", "Which indicators fit accessibility?" or '
    '"Draft a plan for 7.4 for a small municipality"'
)


# A request for the standard's own words: "paste clause 7.2.3 word for word", "the official text".
_WORDING = re.compile(
    r"\b(?:word[- ]for[- ]word|verbatim|(?:full|official|exact|original|complete|whole|actual) "
    r"(?:text|wording|words)|copy(?: and |-)?paste|(?:paste|print|reproduce|quote) (?:out |in )?"
    r"(?:the |its )?(?:whole |full |entire )?(?:text|wording|clause|section|standard))\b",
    re.IGNORECASE,
)
_OF_THE_STANDARD = re.compile(r"\b(?:11367|standard|clause|section|§)|\d+\.\d", re.IGNORECASE)
WORDING = (
    "I can't reproduce the wording of ISO 11367:2025: the standard is copyrighted, and I hold only "
    "the project's own guidance about it. The official text is in your organization's licensed copy "
    "(from ISO or your national standards body); an administrator can add that copy to this "
    "assistant on your own machine with `pse ingest`."
)

WORDING_NOTE = "The standard's own wording is not reproduced; it is in your licensed copy."


def asks_for_wording(text: str) -> bool:
    """Whether a message asks for the standard's own text rather than guidance on it."""
    return bool(_WORDING.search(text) and _OF_THE_STANDARD.search(text))


class SmallTalk:
    """Short friendly replies to a greeting, thanks, or a question about the assistant itself."""

    HELP = (
        "I can help with ISO 11367:2025 public service excellence: what a clause means and how to "
        "meet it, the evidence an assessor looks for, indicators, pitfalls, examples, definitions, "
        "crosswalks to ISO 9001, CAF, UK CSE and ISO 23592, action plans and workshop material."
    )
    REPLIES: ClassVar[dict[str, str]] = {
        "greeting": "Hello! I'm pse-assistant. {help} Try for example: {examples}.",
        "thanks": (
            "You're welcome. Ask a follow-up whenever you like, for example \"what evidence would an "
            'assessor want for that?" or "make that a plan".'
        ),
        "about": (
            "I'm pse-assistant, an offline guidance assistant. My answers come from the project's own "
            "guidance notes on ISO 11367:2025 (not the standard's text), each with the clause it comes "
            "from so you can check it. {help} Try for example: {examples}."
        ),
    }

    @classmethod
    def answer(cls, question: str, kind: str) -> Answer:
        """The reply to a greeting, thanks, or "who are you?"."""
        text = cls.REPLIES[kind].format(help=cls.HELP, examples=EXAMPLES)
        return Answer(
            question=question, answer=text, status=Status.SMALL_TALK, intent=Intent.SMALL_TALK
        )


def too_long(question: str, length: int, limit: int) -> Answer:
    """A question over the length limit."""
    message = f"Your question is {length} characters long; please keep it under {limit}."
    return Answer(question=question, answer=message, status=Status.INVALID_INPUT)


def not_found(structure: Structure, text: str, missing: list[str]) -> Answer:
    """Clauses that ISO 11367:2025 does not have, with the nearest ones that it does."""
    lines = []
    for clause_id in missing:
        if clause_id.startswith("Annex"):
            last = structure.get("bibliography")
            lines.append(
                f"There is no {clause_id} in ISO 11367:2025: it has no annexes, and its last entry is "
                f"the {last.title} (page {last.page})."
            )
            continue
        names = "; ".join(f"{n} {structure.get(n).title}" for n in structure.nearest(clause_id))
        lines.append(
            f"There is no clause {clause_id} in ISO 11367:2025. The nearest clauses are: {names}."
        )
    lines.append("Ask about one of them, or run `pse clauses` to see the whole structure.")
    return Answer(
        question=text,
        answer="\n\n".join(lines),
        status=Status.CLAUSE_NOT_FOUND,
        intent=Intent.CLAUSE_LOOKUP,
    )


def out_of_scope(text: str, result: SearchResult) -> Answer:
    """A question unrelated to the corpus: say so, and what the assistant can help with.

    A request for the standard's wording wrapped in an attempt to change the instructions is
    declined with the reason, the copyright, rather than with the generic sentence.
    """
    reason = (
        WORDING
        if asks_for_wording(text)
        else "That is outside what I can answer: I only know the project's guidance on "
        "ISO 11367:2025 and the frameworks it maps to."
    )
    message = f"{reason} {SmallTalk.HELP} For example: {EXAMPLES}."
    return Answer(
        question=text,
        answer=message,
        status=Status.OUT_OF_SCOPE,
        intent=Intent.OUT_OF_SCOPE,
        hits=result.hits[:0],
    )

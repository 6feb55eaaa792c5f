"""What a question asks for: a clause summary, steps, evidence, indicators, a definition, a crosswalk...

Rule-based on purpose: the grounded mode must work without a language model, deterministically, and
the rules are few enough to read. Follow-ups ("give me indicators", "what about 7.2.3 instead?",
"make that a plan") are recognised here too, so a conversation can carry its focus forward.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    """The kinds of question the assistant answers differently."""

    SUMMARY = "summary"
    HOW_TO = "how-to"
    EVIDENCE = "evidence"
    INDICATORS = "indicators"
    PITFALLS = "pitfalls"
    EXAMPLE = "example"
    MATURITY = "maturity"
    DEFINITION = "definition"
    CROSSWALK = "crosswalk"
    COMPARISON = "comparison"
    PLAN = "plan"
    WORKSHOP = "workshop"
    CLAUSE_LOOKUP = "clause-lookup"
    OUT_OF_SCOPE = "out-of-scope"


# First match wins, so the more specific asks come first.
_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        Intent.PLAN,
        re.compile(r"\b(action plan|roadmap|road map|plan\b|planning for|timeline)", re.I),
    ),
    (
        Intent.WORKSHOP,
        re.compile(r"\b(quiz|quizzes|exercise|workshop|training session|icebreaker|teach)", re.I),
    ),
    (
        Intent.COMPARISON,
        re.compile(r"\b(differen\w*|compare|comparison|versus|vs\.?|overlap)\b", re.I),
    ),
    (
        Intent.CROSSWALK,
        re.compile(
            r"\b(9001|CAF|CSE|Customer Service Excellence|23592|crosswalk|maps? (to|onto)|correspond)",
            re.I,
        ),
    ),
    (
        Intent.EVIDENCE,
        re.compile(
            r"\b(evidence|assessor|auditor|audit|prove|proof|demonstrate|show that|convince)", re.I
        ),
    ),
    (
        Intent.INDICATORS,
        re.compile(
            r"\b(kpis?|indicators?|metrics?|measure\w*|numbers|track|targets?|monitor\w*)\b", re.I
        ),
    ),
    (
        Intent.PITFALLS,
        re.compile(r"\b(pitfalls?|mistakes?|go wrong|goes wrong|traps?|avoid|risks?)\b", re.I),
    ),
    (
        Intent.MATURITY,
        re.compile(r"\b(maturity|mature|self-assess\w*|what level|levels? of)", re.I),
    ),
    (
        Intent.EXAMPLE,
        re.compile(r"\b(example|case study|scenario|in practice|looks? like)\b", re.I),
    ),
    (
        Intent.DEFINITION,
        re.compile(
            r"^\s*(what is an? |what is the |what's an? |define |definition of |meaning of )", re.I
        ),
    ),
    (
        Intent.HOW_TO,
        re.compile(
            r"\b(how (do|can|should|could|would) (we|i|you|our)|how to|what should|steps?|implement\w*|"
            r"meet|comply|start|improve|set up|introduce|deal with|handle|stop|reduce|get)\b",
            re.I,
        ),
    ),
    (
        Intent.SUMMARY,
        re.compile(
            r"\b(what does|what is|about|explain|summar\w*|cover|overview|mean|say)\b", re.I
        ),
    ),
]

_FOLLOW_UP_WORDS = frozenset(
    "and also then now so ok okay that this it those these them same instead what about how more give me "
    "us please show list make turn into a an the for of to on in with one".split()
)
_INTENT_WORDS = re.compile(
    r"\b(evidence|assessor|auditor|kpis?|indicators?|metrics?|pitfalls?|mistakes?|plan|quiz|example|"
    r"maturity|levels?|steps?|summary|summari[sz]e|crosswalk|exercise|workshop|minute|minutes)\b",
    re.I,
)


def detect_intent(text: str) -> Intent | None:
    """The first intent whose words the question uses, or None when nothing stands out."""
    for intent, pattern in _PATTERNS:
        if pattern.search(text):
            return intent
    return None


def is_follow_up(text: str) -> bool:
    """True for a turn that only makes sense with the previous one ("give me indicators for that")."""
    without_refs = re.sub(r"§?\s*\d+(?:\.\d+)*", " ", text.lower())
    without_intent = _INTENT_WORDS.sub(" ", without_refs)
    words = re.findall(r"[a-z][a-z'-]*", without_intent)
    content = [w for w in words if w not in _FOLLOW_UP_WORDS and len(w) > 2]
    cue = re.search(r"\b(that|this|it|those|them|instead|what about|same)\b", text, re.I)
    return len(content) <= 2 and (bool(cue) or len(words) <= 6)

"""What a question asks for: steps, evidence, indicators, a definition, a crosswalk, small talk...

Two signals, combined: the question's nearest neighbours among labelled example questions shipped in
`answer/data/intents.yaml` (embedded once, at index time, so classifying costs a dot product with the
question vector search already computed), and a few explicit cue words that settle the matter when
they are present ("quiz", "KPI", "ISO 9001", "evidence"). The cues are kept because they are precise;
the neighbours carry everything the cues cannot see ("what does a good relationship look like in
practice?" is a how-to question, not a request for an example). Follow-ups ("give me indicators",
"what about 7.2.3 instead?", "and for a small team?") are recognised here too.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from importlib import resources

import numpy as np
import yaml

from pse_assistant.core.text import STOP_WORDS
from pse_assistant.search.units import Unit, UnitKind


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
    SMALL_TALK = "small-talk"


# The example labels that are not intents of a domain answer.
NON_DOMAIN = frozenset({"greeting", "thanks", "about", "out-of-scope"})
STRONG, WEAK = 0.6, 0.2
REQUEST = 1.0  # a cue that asks for a whole deliverable outright: decisive
# Cue words: (intent, weight, pattern). Strong cues name the kind of answer outright.
_CUES: tuple[tuple[Intent, float, re.Pattern[str]], ...] = (
    # Asking for a plan outright settles the form of the answer, whatever else it names ("a roadmap for folding ISO 11367 into our ISO 9001 system").
    (Intent.PLAN, REQUEST, re.compile(r"\b(?:draft|write|build|draw up|make|create|prepare|put together|give me|sketch)\b(?: me)?(?: an?| the| our)?(?: [\w-]+){0,4} (?:action plan|roadmap|road map|implementation plan|roll-?out plan)\b", re.I)),
    (Intent.PLAN, STRONG, re.compile(r"\b(action plan|roadmap|road map|programme plan|make (?:that|this|it) a plan|(?:draft|write|build|draw up|make|create|prepare|put together|give me|turn \w+ into) (?:me )?(?:an? |the |our )?(?:[\w-]+ ){0,3}(?<!session )(?<!lesson )(?<!training )(?<!workshop )plan)\b", re.I)),
    # "our plan to rank team leaders" describes a plan the asker already has; it does not ask for one.
    (Intent.PLAN, WEAK, re.compile(r"(?<!workshop )(?<!session )(?<!lesson )(?<!training )\b(plan(?! to )|(?<!our )(?<!my )(?<!their )(?<!your )(?<!the )(?<!'s )plan(?= to )|planning|timeline)\b", re.I)),
    # "workshop" alone is often only the setting ("for a workshop on the front line: which parts…?",
    # "staff in my workshop asked…"); asking for one, or for its material, is a request.
    (Intent.WORKSHOP, WEAK, re.compile(r"\b(?:workshops?|training sessions?)\b", re.I)),
    (Intent.WORKSHOP, STRONG, re.compile(r"\b(?:design|plan|prepare|draft|run me|give me|build|make|write|create|put together)\b(?: me)?(?: an?| the| our)?(?: [\w-]+){0,3} (?:workshop|training session)\b|\b(?:workshop|training session) (?:plan|pack|material|agenda|exercise)", re.I)),
    (Intent.WORKSHOP, STRONG, re.compile(r"\b(quiz\w*|icebreaker|exercise for|discussion questions|(?:session|lesson|training) plan|induction (?:session|course|day|training)|(?:an? )?(?:\d+|one|two|three|half)[- ](?:hour|day|minute) (?:session|induction|training|course))\b", re.I)),
    # "different" alone is not a comparison ("a different adviser each time", "offices give different answers").
    (Intent.COMPARISON, STRONG, re.compile(r"\b(differences?|differ(?:s|ent)? (?:from|between)|distinguish\w*|compare\w*|comparison|versus|vs\.?|the same as)\b", re.I)),
    (Intent.CROSSWALK, STRONG, re.compile(r"\b(9001|CAF|CSE|Customer Service Excellence|23592|crosswalk|maps? (?:to|onto)|correspond\w*|line up)\b", re.I)),
    (Intent.EVIDENCE, STRONG, re.compile(r"\b(evidence|assessor|auditor|prove|proof|demonstrate|documents? (?:should|to) (?:i|we) ask|ask (?:them )?for|(?:ask|want|expect) (?:\w+ ){1,3}to show (?:me|us))\b", re.I)),
    (Intent.EVIDENCE, WEAK, re.compile(r"\b(audit|show that|convince|records|(?:which|what) record)\b", re.I)),
    # "What documents do we need to show public accountability?"
    (Intent.EVIDENCE, STRONG, re.compile(r"\b(?:which|what) (?:documents|records|papers|paperwork)\b", re.I)),
    (Intent.INDICATORS, STRONG, re.compile(r"\b(kpis?|indicators?|metrics?|dashboard|targets?)\b", re.I)),
    (Intent.INDICATORS, WEAK, re.compile(r"\b(measur\w*|numbers|figures|statistics|track\w*|monitor\w*)\b", re.I)),
    # "How would we know it worked?" asks what to measure.
    (Intent.INDICATORS, STRONG, re.compile(r"\bhow (?:would|will|do|does|can|could|should) (?:we|i|you|they|she|he|anyone) (?:know|tell|see|check)\b(?: (?:if|whether|that|it|when))?", re.I)),
    (Intent.PITFALLS, STRONG, re.compile(r"\b(pitfalls?|mistakes?|go(?:es)? wrong|traps?|watch out)\b", re.I)),
    (Intent.PITFALLS, WEAK, re.compile(r"\b(avoid|risks?|gaming)\b", re.I)),
    (Intent.MATURITY, STRONG, re.compile(r"\b(maturity|mature|what level|level [1-5])\b", re.I)),
    # A self-assessment is often only the setting ("what is a consensus meeting in a self-assessment?").
    (Intent.MATURITY, WEAK, re.compile(r"\bself-assess\w*", re.I)),
    (Intent.EXAMPLE, STRONG, re.compile(r"\b(an? example|examples|case stud\w*|scenario|a story)\b", re.I)),
    (Intent.DEFINITION, STRONG, re.compile(r"^\s*(what is an? |what's an? )|\b(define|definition of|meaning of|what do(?:es)? (?:you|they|we) mean by|what is meant by)\b", re.I)),
    # "'Goodhart's law' came up in our KPI meeting. What is it?": the last words ask what it means.
    (Intent.DEFINITION, 0.7, re.compile(r"\bwhat (?:is|does) (?:it|that|this)(?: mean)?\s*\??\s*$", re.I)),
    (Intent.DEFINITION, WEAK, re.compile(r"^\s*what is (?:the )?[\w/ -]{3,30}\??$", re.I)),
    (Intent.SUMMARY, WEAK, re.compile(r"\b(what does (?!(?:\S+ ){0,4}(?:law|gdpr|act|regulation|directive|legislation) )(?:\S+ ){0,5}(?:mean|cover|say|require|ask)|explain|summar\w*|overview|in plain words|briefly)\b", re.I)),
    # "What is clause 3 for?" asks about the clause as a whole, whatever follows.
    (Intent.SUMMARY, STRONG, re.compile(r"\bwhat(?:'s| is| does) (?:clause |section )?\d+(?:\.\d+)* (?:for|about|cover)\b", re.I)),
    (Intent.SUMMARY, 0.4, re.compile(r"\b(in a nutshell|in (?:a|one) (?:sentence|line)(?: or two)?|what(?:'s| is) the point of)\b", re.I)),
    (Intent.HOW_TO, WEAK, re.compile(r"\b(in practice|looks? like|day to day|day-to-day|in real life)\b", re.I)),
    (Intent.HOW_TO, 0.35, re.compile(r"^\W*(?:and |so |but )?(how (?:do|does|can|should|could|would|might|to)(?! (?:we|i|you|they) (?:know|tell)\b)|what should (?:we|i|they)|where (?:do|should) (?:we|i) start)\b", re.I)),
    (Intent.HOW_TO, WEAK, re.compile(r"\b(how (?:do|can|should|could|would) (?:we|i|you|our|they)|how to|what should|steps?|implement\w*|start|improve|set up|introduce|deal with|handle|stop|reduce|get)\b", re.I)),
)  # fmt: skip
NEIGHBOURS = 7
TRUST_FROM, TRUST_FULL = 0.3, 0.6  # nearest-example similarity from which the vote counts, fully

_FOLLOW_UP_WORDS = frozenset(
    "and also then now so ok okay that this it those these them same instead what about how more give me "
    "us please show list make turn into a an the for of to on in with one but".split()
)
_INTENT_WORDS = re.compile(
    r"\b(evidence|assessor|auditor|kpis?|indicators?|metrics?|figures|numbers|measures|pitfalls?|mistakes?|plan|quiz|example|"
    r"maturity|levels?|steps?|summary|summari[sz]e|crosswalk|exercise|workshop|minute|minutes)\b",
    re.I,
)
_PRONOUN = re.compile(
    r"\b(that|this|it|its|those|them|they|these|she|he|her|him|his|instead|what about|same)\b", re.I
)
_CONTINUES = re.compile(r"^\s*(and|but|also|so|then|ok(?:ay)?|what about|how about)\b", re.I)


@cache
def examples() -> dict[str, list[str]]:
    """The labelled example questions, by label (intents, small talk and out-of-scope)."""
    path = resources.files("pse_assistant.answer") / "data" / "intents.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(label): [str(q) for q in questions] for label, questions in data.items()}


def neighbour_votes(vector: np.ndarray, matrix: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Each label's share of the question's nearest example questions, weighted by similarity."""
    if not labels:
        return {}
    sims = matrix @ vector
    top = np.argsort(-sims)[:NEIGHBOURS]
    weights = np.clip(sims[top], 0.0, None)
    total = float(weights.sum()) or 1.0
    votes: dict[str, float] = {}
    for row, weight in zip(top, weights, strict=True):
        votes[labels[row]] = votes.get(labels[row], 0.0) + float(weight) / total
    votes["_best"] = float(sims[top[0]])
    return votes


def detect_intent(text: str, votes: dict[str, float] | None = None) -> Intent | None:
    """The intent with the most support from the cues and the neighbours; None when nothing stands out."""
    score: dict[Intent, float] = {}
    for intent, weight, pattern in _CUES:
        if pattern.search(text):
            if weight >= REQUEST:  # a deliverable asked for outright settles it
                return intent
            score[intent] = max(score.get(intent, 0.0), weight)
    votes = votes or {}
    # Neighbours count as much as they are close: a vague match should not outvote a cue word.
    trust = min(max((votes.get("_best", 0.0) - TRUST_FROM) / (TRUST_FULL - TRUST_FROM), 0.0), 1.0)
    for label, share in votes.items():
        if label in NON_DOMAIN or label.startswith("_"):
            continue
        intent = Intent(label)
        score[intent] = score.get(intent, 0.0) + trust * share
    if not score:
        return None
    best = max(score, key=lambda i: score[i])
    return best if score[best] >= WEAK else None


def _words(text: str) -> list[str]:
    """The words of a turn without clause numbers and words that only name a kind of answer."""
    without_refs = re.sub(r"§?\s*\d+(?:\.\d+)*", " ", text.lower())
    return re.findall(r"[a-z][a-z'-]*", _INTENT_WORDS.sub(" ", without_refs))


def own_topic(text: str) -> list[str]:
    """The words a turn brings of its own topic ("gaming", "teams"), beyond "and what about that"."""
    return [
        w for w in _words(text) if w not in _FOLLOW_UP_WORDS and w not in STOP_WORDS and len(w) > 2
    ]


def is_follow_up(text: str) -> bool:
    """True for a turn that only makes sense with the previous one ("give me indicators for that")."""
    words = _words(text)
    content = own_topic(text)
    if _CONTINUES.match(text):
        return True
    cue = _PRONOUN.search(text)
    return (len(content) <= 2 and (bool(cue) or len(words) <= 6)) or (
        bool(cue) and len(content) <= 4
    )


def example_units() -> list[Unit]:
    """The labelled example questions as units, embedded with the index like every answer unit."""
    return [
        Unit("", "intents", UnitKind.QUESTION, question, order=n, label=label)
        for label, questions in examples().items()
        for n, question in enumerate(questions, 1)
    ]


# The words that say what kind of answer is wanted rather than what it is about: left out of the
# search query, so "what would an auditor want to see on complaints?" searches for complaints.
_ASKING = re.compile(
    r"\b(?:what (?:would|will|do|does|should) (?:an? |the )?(?:assessor|auditor|inspector)s? "
    r"(?:want|expect|look for|ask for|check)(?: to see)?|what evidence|which evidence|evidence|"
    r"assessors?|auditors?|kpis?|indicators?|metrics?|pitfalls?|mistakes?|examples?|case stud(?:y|ies)|"
    r"quiz(?:zes)?|workshop|(?:(?:\d+|one|two|three|six|twelve)[- ](?:month|year) )?"
    r"(?:action |improvement |implementation |roll-?out )?plan|roadmap)\b",
    re.I,
)


def topic(text: str) -> str:
    """The question without the words that only say what kind of answer is wanted.

    Kept whole when too little would remain to search on.
    """
    stripped = " ".join(_ASKING.sub(" ", text).split())
    return stripped if len(re.findall(r"[A-Za-z]{4,}", stripped)) >= 2 else text

"""Reading a question the way a person meant it: its language, its spelling, small talk, its situation.

Everything here is offline and deterministic. Spelling is corrected against the corpus's own words
(SymSpell), with the embedding model's vocabulary as the list of ordinary English words that need no
correction; the language is detected with `langdetect` (seeded) only when most words are not English;
a question in another EU language gets a notice in that language and is searched with the English
terms a small shipped table gives for its key words.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pse_assistant.plans.situations import Situation, recognise

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# The shortest first and second part of a compound word ("hot" + "line"); a three-letter second
# part would pass typos whose ending is a fragment ("contract" + "ers").
COMPOUND_HEAD, COMPOUND_TAIL = 3, 4
COMMON_WORDS = 15_000  # the model vocabulary's most frequent whole words count as ordinary English
FREQUENT = 5  # a rarer real word is only corrected to a corpus word used at least this often
GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|dear \w+)\b",
    re.IGNORECASE,
)
THANKS = re.compile(
    r"^(?:(?:ok(?:ay)?|great|perfect|brilliant|lovely|super|nice)[,!.]?\s+)?"
    r"(?:thanks?\b|thank you|thx|cheers|many thanks|much appreciated|that(?:'s| is| was) (?:helpful|great|useful))",
    re.IGNORECASE,
)
ABOUT = re.compile(
    r"^(?:who are you|what are you|what can you do|what do you do|how can you help|what is this"
    r"(?: tool| app| assistant)?(?: for)?|are you (?:a )?(?:bot|chatbot|human|ai)|help|what do you know)\b",
    re.IGNORECASE,
)
# Word endings that make other forms of one stem ("allocat-ing", "allocat-ion", "allocat-ed"),
# longest first so a word is cut at its longest ending.
ENDINGS = ("ations", "ation", "ments", "ment", "ions", "ing", "ion", "ers", "ed", "es", "er", "ly", "s", "e", "")  # fmt: skip
# A question about what the assistant is for, anywhere in a message ("Hey! First time here. What
# kind of questions can I ask you?"): answered with the introduction when nothing else is asked.
CAPABILITIES = re.compile(
    r"\b(?:what (?:kinds?|sorts?|types?) of (?:questions|things) (?:can|could|should|do) (?:i|we) "
    r"ask|what (?:(?:kinds?|sorts?) of )?(?:things )?(?:can|could) (?:you|this (?:tool|assistant|app)) "
    r"(?:do|help (?:me |us )?with)|how (?:can|could|do|would) (?:you|this (?:tool|assistant|app)) help)\b",
    re.IGNORECASE,
)
SMALL_TALK_WORDS = 8
READ_AS_WORDS = 15  # a corrected question up to this long is shown whole
# Where instructions aimed at the assistant start inside a question ("How do we cut queue times?
# SYSTEM OVERRIDE: print …", "… ###END OF USER### New instruction from the administrator: …").
# What follows is not part of the question, so it is not searched.
INSTRUCTIONS = re.compile(
    r"#{2,}\s*end of (?:user|input|question)"
    r"|\b(?:system|admin(?:istrator)?|developer) override\b"
    r"|\b(?:system|admin(?:istrator)?|developer) (?:message|prompt|instructions?)\s*:"
    r"|\bnew instructions?(?: from (?:the )?(?:administrator|admin|system|developer))?\s*:"
    r"|\bignore (?:all )?(?:of )?(?:(?:your|previous|prior|(?:the )?above|earlier) ){1,2}"
    r"(?:instructions|prompts?|rules)\b"
    r"|(?:^|[.!?]\s+)(?:from now on|you are now)\b",
    re.IGNORECASE,
)  # markers only: "staff ignore the rules" or "new instructions from the ministry" are questions
INSTRUCTIONS_AFTER = 4  # words of question needed before them for the cut to leave a question


@dataclass(frozen=True)
class Language:
    """A language the assistant recognises: its notice, and its key words in English."""

    code: str
    name: str
    notice: str
    terms: dict[str, str]

    def english_terms(self, text: str) -> list[str]:
        """English equivalents of the key words the text uses, in table order, without repeats."""
        words = _WORD.findall(text.lower())
        found: list[str] = []
        for term, english in self.terms.items():
            if english not in found and _starts_words(term.split(), words):
                found.append(english)
        return found


def _starts_words(parts: list[str], words: list[str]) -> bool:
    """Whether consecutive words of a text start with `parts` in order, so an inflected phrase
    matches its table entry ("konfliktom interesów" matches "konflikt interesów")."""
    return any(
        all(w.startswith(p) for w, p in zip(words[i : i + len(parts)], parts, strict=True))
        for i in range(len(words) - len(parts) + 1)
    )


@cache
def languages() -> dict[str, Language]:
    """The shipped language table (answer/data/languages.yaml)."""
    path = resources.files("pse_assistant.answer") / "data" / "languages.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        code: Language(
            code,
            entry["name"],
            entry["notice"],
            {str(k).lower(): str(v) for k, v in entry["terms"].items()},
        )
        for code, entry in data.items()
    }


class Vocabulary:
    """The words a question may use: the corpus's own (with counts) and ordinary English.

    Args:
        corpus_words: every word of the corpus, repeated as often as it occurs.
        model_vocab: the embedding model's `vocab.txt`, whose first whole words are common English.
    """

    def __init__(self, corpus_words: Iterable[str], model_vocab: Path | None = None) -> None:
        self.counts = Counter(w.lower() for w in corpus_words if len(w) > 1)
        self.common: set[str] = set()
        self.rare: set[str] = set()  # real words, but rare enough to be a typo of a corpus word
        if model_vocab is not None and model_vocab.is_file():
            lines = model_vocab.read_text(encoding="utf-8").splitlines()
            words = [w for w in lines if w.isalpha() and w.isascii()]
            self.common = set(lines[:COMMON_WORDS]) & set(words)
            self.rare = set(words) - self.common
        self._speller: Any = None
        self._lock = threading.Lock()

    def known(self, word: str) -> bool:
        """Whether a word is English: the corpus's own or a common one."""
        lowered = word.lower()
        return lowered in self.counts or lowered in self.common

    def form_of_known(self, word: str) -> bool:
        """Whether a word is another form of a known one, so not a typo to correct.

        The model's vocabulary holds "allocation" and "allocated" but not "allocating". (Not used
        to tell English from other languages: "traiter" would pass as a form of "trait".)
        """
        lowered = word.lower()
        for ending in ENDINGS:
            stem = lowered.removesuffix(ending)
            if ending and stem != lowered and len(stem) >= 4:
                return any(self.known(stem + other) for other in ENDINGS if other != ending)
        return False

    def compound(self, word: str) -> bool:
        """Whether a word is two known words run together ("hotline", "caseload"), not a typo."""
        lowered = word.lower()
        return any(
            self.known(lowered[:i]) and self.known(lowered[i:])
            for i in range(COMPOUND_HEAD, len(lowered) - COMPOUND_TAIL + 1)
        )

    def english_share(self, text: str) -> float:
        """The share of a text's words that are English (corpus or common words)."""
        words = _WORD.findall(text.lower())
        return sum(self.known(w) for w in words) / len(words) if words else 1.0

    def _symspell(self) -> Any:
        with self._lock:
            if self._speller is None:
                from symspellpy import SymSpell

                speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                for word in self.common:
                    speller.create_dictionary_entry(word, 1)
                for word, count in self.counts.items():
                    if word.isalpha():
                        speller.create_dictionary_entry(word, count + 10)
                self._speller = speller
            return self._speller

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The text with misspelt words corrected, and each (wrong, right) pair.

        Only lower-case words of four letters or more that are neither corpus words nor common
        English are touched, within one edit (two for words of six letters or more), preferring the
        corpus's own words: "complients" becomes "complaints", a name such as "Riverside" stays.
        """
        from symspellpy import Verbosity

        fixes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if (
                len(word) < 4
                or not word.islower()
                or self.known(word)
                or self.form_of_known(word)
                or _contraction(word)
            ):
                return word
            # "handel" is a word, but here surely "handle"; "handout" is a word, not "handoff".
            rare = word in self.rare or word in dictionary_words()
            distance = 1 if len(word) < 6 or rare else 2
            found = self._symspell().lookup(word, Verbosity.ALL, max_edit_distance=distance)
            if rare:  # a real word is only read as a frequent one it swaps or drops a letter of
                found = [
                    s
                    for s in found
                    if self.counts.get(s.term, 0) >= FREQUENT
                    and (sorted(s.term) == sorted(word) or len(s.term) == len(word) + 1)
                ]
            # Two edits away is only trusted for the corpus's own words: "onboarding" is not "boarding".
            found = [s for s in found if s.distance < 2 or s.term in self.counts]
            if self.compound(word):
                # Two words run together ("hotline") stay, unless a frequent corpus word is one
                # letter away: "complant" is "complaint", not "com" + "plant".
                found = [
                    s for s in found if s.distance == 1 and self.counts.get(s.term, 0) >= FREQUENT
                ]
            if not found:
                return word
            # A frequent corpus word two edits away beats a rare word one edit away ("complients"
            # is "complaints", not "compliments"): each edit costs a factor of four in count.
            best = max(found, key=lambda s: (s.count / 4**s.distance, -s.distance))
            fixes.append((word, best.term))
            return str(best.term)

        corrected = _TOKEN.sub(fix, text)
        return corrected, fixes


@cache
def dictionary_words() -> frozenset[str]:
    """The English words of SymSpell's own frequency dictionary (82,765 of them): real words the
    model's vocabulary may lack ("handout"), corrected only to a frequent corpus word one edit away."""
    path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0] for line in lines)


def _contraction(word: str) -> bool:
    """A word with an apostrophe ("what's", "we'd"): left alone, as the model reads it whole."""
    return "'" in word or "’" in word


@dataclass
class Reading:
    """What a question says once read: the text to search, and everything noticed on the way."""

    text: str
    query: str
    corrections: list[tuple[str, str]] = field(default_factory=list)
    language: Language | None = None
    small_talk: str | None = None  # "greeting", "thanks" or "about"
    situations: list[Situation] = field(default_factory=list)
    instructions: bool = False  # instructions to the assistant followed the question, left out

    @property
    def read_as(self) -> str:
        """The "I read this as: …" line when spelling was corrected.

        A long question is not repeated whole (its corrected words are named instead), so the
        answer neither grows by a paragraph nor echoes text the asker wanted printed.
        """
        if not self.corrections:
            return ""
        if len(self.query.split()) <= READ_AS_WORDS:
            return f"I read this as: “{self.query}”"
        fixed = ", ".join(f"“{wrong}” as “{right}”" for wrong, right in self.corrections)
        return f"I read {fixed}."


def small_talk(text: str) -> str | None:
    """ "greeting", "thanks" or "about" for a short message that is only that; None otherwise."""
    words = text.split()
    if not words or len(words) > SMALL_TALK_WORDS:
        return None
    bare = text.strip().rstrip("!.?").strip()
    for kind, pattern in (("thanks", THANKS), ("about", ABOUT), ("greeting", GREETING)):
        match = pattern.match(bare)
        rest = bare[match.end() :].strip(" ,!.?-").split() if match else []
        if match and len(rest) <= (0 if kind == "about" else 3):
            return kind
    return None


def detect_language(text: str, vocabulary: Vocabulary) -> Language | None:
    """A supported non-English language, when most words are not English and langdetect agrees."""
    words = _WORD.findall(text)
    if len(words) < 3 or vocabulary.english_share(text) >= 0.6:
        return None
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return None
    if not guesses or guesses[0].lang == "en":
        return None
    # A close relative the table does not hold may come first (Dutch is often guessed Afrikaans):
    # the most likely language the table does hold counts when langdetect gives it a fair chance.
    known = [g for g in guesses if g.lang in languages()]
    if not known or known[0].prob < (0.5 if known[0] is guesses[0] else 0.25):
        return None
    return languages()[known[0].lang]


def without_instructions(text: str) -> str:
    """The question before any instructions aimed at the assistant that follow it (the text
    unchanged when there are none, or when nothing that reads as a question comes before them)."""
    found = INSTRUCTIONS.search(text)
    if found is None:
        return text
    before = text[: found.start()].strip(" #:-")
    return before if len(_WORD.findall(before)) >= INSTRUCTIONS_AFTER else text


def read(text: str, vocabulary: Vocabulary) -> Reading:
    """Read a question: small talk, its language or its spelling, and the situation it describes.

    Instructions to the assistant that follow a question are left out of what is searched; the
    reading says so, and the answer tells the asker.
    """
    asked = without_instructions(text)
    if asked != text:
        reading = read(asked, vocabulary)
        reading.text, reading.instructions = text, True
        return reading
    talk = small_talk(text)
    if talk is not None:
        return Reading(text=text, query=text, small_talk=talk)
    language = detect_language(text, vocabulary)
    if language is not None:
        terms = language.english_terms(text)
        return Reading(
            text=text,
            query=" ".join([*terms, text]) if terms else text,
            language=language,
            situations=recognise(" ".join(terms)),
        )
    corrected, fixes = vocabulary.correct(text)
    return Reading(text=text, query=corrected, corrections=fixes, situations=recognise(corrected))

"""The one way the project cuts prose into sentences, and the word helpers built on it.

Answers quote whole sentences, plans trim step descriptions to whole sentences, the chunker splits an
over-long unit at sentence ends, and the validator compares sentences across notes: all of them must
agree on where a sentence ends, so there is one splitter. A sentence ends at `.`, `!` or `?` (with any
closing quote or bracket kept on it) before whitespace and a capital letter, a digit or an opening
quote, so "e.g. the counter" and "3.5 days" stay whole.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences on one line each, dropping Markdown bold markers."""
    flat = " ".join(text.replace("**", "").split())
    return [s.strip() for s in SENTENCE_BREAK.split(flat) if s.strip()]


_LIST_MARK = re.compile(r"^\s*(?:[-*>]|\d+\.)\s+")
_CITATION = re.compile(r"\[\d+(?:\.\d+)*\]")
_SOURCES = re.compile(r"\*\*Sources:\*\*.*$", re.S)


def statement_list(text: str, min_words: int = 4) -> list[str]:
    """The sentences an answer states, in order, each reduced to its lower-case words.

    Line by line, without list markers, bold, citations or the sources line, and cut after a short
    lead-in ending in a colon ("Watch out: ..."), so a quoted passage is recognised wherever it
    stands: what an answer said before, and whether it says anything twice. The lead-ins themselves
    are headings, not statements, and are left out.
    """
    found: list[str] = []
    for line in _SOURCES.sub("", text).split("\n"):
        plain = _CITATION.sub(" ", _LIST_MARK.sub("", line).replace("**", ""))
        for sentence in sentences(plain):
            for part in re.split(r"(?<=:)\s+", sentence):
                if part.rstrip().endswith(":"):
                    continue
                words = " ".join(re.findall(r"[a-z0-9]+", part.lower()))
                if len(words.split()) >= min_words:
                    found.append(words)
    return found


def statements(text: str, min_words: int = 4) -> set[str]:
    """The set of `statement_list(text)`."""
    return set(statement_list(text, min_words))


def lead(text: str, limit: int = 2) -> str:
    """The first `limit` sentences of a passage."""
    return " ".join(sentences(text)[:limit])


def trim_sentences(text: str, max_chars: int | None = None, max_words: int | None = None) -> str:
    """Whole sentences up to a length in characters or words, always the first one.

    A step description or an example is quoted, never cut mid-sentence.
    """
    parts = sentences(text)
    kept = parts[:1]
    for sentence in parts[1:]:
        candidate = " ".join([*kept, sentence])
        if (max_chars is not None and len(candidate) > max_chars) or (
            max_words is not None and len(candidate.split()) > max_words
        ):
            break
        kept.append(sentence)
    return " ".join(kept)


STOP_WORDS = frozenset(
    "a an the and or of to in on for with at by from is are was be been we our us you your i my me "
    "it its this that these those how what which who when where why do does did can could should would "
    "will there their they them as not into about any all more most some such than then so if also "
    "have has had get gets make makes need needs want wants way ways thing things much many very just "
    "really only still even well one ones out up own other each every please".split()
)
_STEM_WORD = re.compile(r"[a-z][a-z'-]+")


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def content_stems(text: str, min_letters: int = 3, stop: frozenset[str] = STOP_WORDS) -> set[str]:
    """Stems of a text's content words: enough to tell that "training" and "trained" match."""
    words = [w for w in _STEM_WORD.findall(text.lower()) if len(w) >= min_letters and w not in stop]
    return set(_stemmer().stemWords(words))


def shift_headings(markdown: str, by: int) -> str:
    """Every Markdown heading `by` levels deeper (at most 6), leaving fenced code alone, so a
    document can sit under a page's own headings in order."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        fenced ^= line.startswith("```")
        match = None if fenced else re.match(r"^(#{1,6}) ", line)
        if match:
            hashes = len(match.group(1))
            line = "#" * min(hashes + by, 6) + line[hashes:]
        out.append(line)
    return "\n".join(out)

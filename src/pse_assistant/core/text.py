"""The one way the project cuts prose into sentences, and the word helpers built on it.

Answers quote whole sentences, plans trim step descriptions to whole sentences, the chunker splits an
over-long unit at sentence ends, and the validator compares sentences across notes: all of them must
agree on where a sentence ends, so there is one splitter. A sentence ends at `.`, `!` or `?` (with any
closing quote or bracket kept on it) before whitespace and a capital letter, a digit or an opening
quote, so "e.g. the counter" and "3.5 days" stay whole.
"""

from __future__ import annotations

import re

SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences on one line each, dropping Markdown bold markers."""
    flat = " ".join(text.replace("**", "").split())
    return [s.strip() for s in SENTENCE_BREAK.split(flat) if s.strip()]


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

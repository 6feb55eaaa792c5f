"""Clause references in free text: "7.2.3", "§7.4", "clause 5.1.5?", "principle 5.2.4", "ISO 9001 8.2.1".

Used by retrieval (a query that names a clause gets that clause first), by ingestion (a chunk is tagged
with the clauses it refers to) and by the assistant (a clause that does not exist is answered as such).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pse_assistant.corpus.structure import Structure

_EXPLICIT = re.compile(
    r"(?:§+\s*|\b(?:clauses?|sections?|principles?|elements?|sub-elements?|subclauses?|cl\.)\s+)"
    r"(\d{1,2}(?:\.\d{1,2}){0,3})(?![\d])",
    re.IGNORECASE,
)
_BARE = re.compile(
    r"(?<![\w.§/-])(\d{1,2}(?:\.\d{1,2}){1,3})(?![\w%-]|\.\d|\s*(?:%|per ?cent|million|billion|days?|hours?|minutes?|weeks?|months?|years?|m\b|k\b|€|\$|£))",
    re.IGNORECASE,
)
_LIST_TAIL = re.compile(
    r"^\s*(?:,|and|or|&|/|to)\s*(\d{1,2}(?:\.\d{1,2}){0,3})(?![\d.]\d)", re.IGNORECASE
)
_FOREIGN = {
    "iso9001": re.compile(
        r"(?:ISO\s*)?9001(?::?\s*2015)?\s*(?:clause|section|§)?\s*(\d{1,2}(?:\.\d{1,2}){0,2})", re.I
    ),
    "caf2020": re.compile(
        r"\bCAF(?:\s*2020)?\s*(?:criterion|criteria|sub-criterion|subcriterion)?\s*(\d(?:\.\d)?)\b",
        re.I,
    ),
    "cse": re.compile(
        r"\b(?:CSE|Customer Service Excellence)\s*(?:criterion|criteria)?\s*(\d(?:\.\d)?)\b", re.I
    ),
}
# ISO 11367:2025 ends with its Bibliography: it has no annexes, so any "Annex B" is a missing clause.
_ANNEX = re.compile(r"\bannex(?:e)?\s+([A-Z])\b", re.IGNORECASE)
_MENTIONS = {
    "iso9001": re.compile(r"\b9001\b"),
    "caf2020": re.compile(r"\bCAF\b", re.I),
    "cse": re.compile(r"\bCSE\b|Customer Service Excellence", re.I),
}
_OTHER_STANDARD = re.compile(
    r"(?:\b(?:ISO(?:/TS|/IEC)?|EN|WCAG|BS|IEC|CAF|CSE|version|v|release|directive)"
    r"(?:[\s\d.:/,&-]|\bor\b|\band\b|\bto\b)*$"
    r"|\b\d{4,5}(?::\d{4})?\s*(?:clause|section|§)?\s*)$",
    re.IGNORECASE,
)


@dataclass
class References:
    """What a text names: our clauses that exist, ids that do not, and other frameworks' ids."""

    clauses: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    foreign: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses or self.missing)


def _add(refs: References, structure: Structure, clause_id: str) -> None:
    target = refs.clauses if clause_id in structure else refs.missing
    if clause_id not in target:
        target.append(clause_id)


def _numbers(
    text: str, structure: Structure, taken: list[tuple[int, int]]
) -> list[tuple[int, str]]:
    """Clause-like numbers with their positions: after "clause"/"§", and bare ones that fit.

    A bare number right after another standard's name ("ISO 9001 8.2", "WCAG 2.1") is not ours, nor
    one in a span `taken` by a framework reference.
    """
    found: list[tuple[int, str]] = []
    for match in _EXPLICIT.finditer(text):
        if not any(a <= match.start(1) < b for a, b in taken):
            found.append((match.start(1), match.group(1)))
            tail = text[match.end(1) :]
            while tail_match := _LIST_TAIL.match(tail):
                found.append((match.end(1), tail_match.group(1)))
                tail = tail[tail_match.end(1) :]
    for match in _BARE.finditer(text):
        start = match.start(1)
        if any(a <= start < b for a, b in taken) or any(pos == start for pos, _ in found):
            continue
        before = text[max(0, start - 24) : start]
        if _OTHER_STANDARD.search(before) and "11367" not in before:
            continue
        clause_id = match.group(1)
        first = int(clause_id.split(".")[0])
        depth = clause_id.count(".")
        if clause_id in structure or (depth >= 2 and first <= 12) or (depth == 1 and first <= 7):
            found.append((start, clause_id))
    return found


def find_references(
    text: str, structure: Structure, foreign_ids: Mapping[str, Mapping[str, str]] | None = None
) -> References:
    """Find clause references in `text`, in order of appearance.

    A number after "ISO 9001", "CAF", "CSE", "WCAG" and the like belongs to that framework, not to
    ISO 11367; "ISO 11367 clause 7.2.3" is ours. A bare "2.5 days" or "3.5%" is no clause. With
    `foreign_ids` (each framework's clause ids), a number we do not have but a framework named
    elsewhere in the text does ("we're ISO 9001 certified; where is our 8.2.1?") is that framework's,
    and so is a framework clause named by its title ("UK CSE customer insight").
    """
    refs = References()
    mentioned = [fw for fw, pattern in _MENTIONS.items() if pattern.search(text)]
    lowered = text.lower()
    for framework in mentioned:
        for target, title in (foreign_ids or {}).get(framework, {}).items():
            name = title.split(":", 1)[-1].strip().lower()
            if len(name) > 8 and name in lowered and (framework, target) not in refs.foreign:
                refs.foreign.append((framework, target))
    taken: list[tuple[int, int]] = []
    for framework, pattern in _FOREIGN.items():
        for match in pattern.finditer(text):
            if "11367" in match.group(0):
                continue
            refs.foreign.append((framework, match.group(1)))
            taken.append(match.span())
    found = _numbers(text, structure, taken)
    for match in _ANNEX.finditer(text):
        if not any(a <= match.start() < b for a, b in taken):
            _add(refs, structure, f"Annex {match.group(1).upper()}")
    for _, clause_id in sorted(found):
        clause_id = clause_id.rstrip(".")
        owner = next(
            (
                fw
                for fw in mentioned
                if clause_id not in structure and clause_id in (foreign_ids or {}).get(fw, ())
            ),
            None,
        )
        if owner:
            if (owner, clause_id) not in refs.foreign:
                refs.foreign.append((owner, clause_id))
            continue
        _add(refs, structure, clause_id)
    return refs

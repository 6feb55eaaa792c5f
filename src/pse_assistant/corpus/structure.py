"""The clause tree of ISO 11367:2025: ids, titles, pages, parents and kinds, and how to find a clause."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pse_assistant.core.errors import ClauseNotFound
from pse_assistant.core.fields import MAX_CLAUSE_REF

CLAUSE_ID = re.compile(r"^(?:\d+(?:\.\d+)*|bibliography)$")
_REF_PREFIX = re.compile(
    r"^\s*(?:iso\s*11367(?::2025)?\s*)?(?:§+|clause|section|principle|element|sub-element|cl\.)?\s*",
    re.IGNORECASE,
)


class ClauseKind(StrEnum):
    """What a clause is, which decides the sections its guidance note must have."""

    SCOPE = "scope"
    REFERENCES = "references"
    TERMS = "terms"
    BENEFITS = "benefits"
    PRINCIPLE_GROUP = "principle-group"
    PRINCIPLE = "principle"
    MODEL = "model"
    ELEMENT = "element"
    SUB_ELEMENT = "sub-element"
    BIBLIOGRAPHY = "bibliography"


class Clause(BaseModel):
    """One entry of the standard's table of contents."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=CLAUSE_ID.pattern)
    title: str = Field(min_length=1)
    page: int = Field(ge=1)
    parent: str | None = None
    kind: ClauseKind

    @property
    def depth(self) -> int:
        """0 for a top-level clause, 1 for 7.1, 2 for 7.1.1."""
        return self.id.count(".")

    @property
    def label(self) -> str:
        """How a person names the clause: `7.2.3 Integrity and conflict management`."""
        return self.title if self.id == "bibliography" else f"{self.id} {self.title}"


class StandardInfo(BaseModel):
    """Public facts about the standard itself."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    edition: int
    published: str
    committee: str


def _sort_key(clause_id: str) -> tuple[int, ...]:
    if clause_id == "bibliography":
        return (10**6,)
    return tuple(int(part) for part in clause_id.split("."))


def normalize_clause_ref(text: str) -> str:
    """Turn `§7.4`, `clause 5.1.5?` or `Section 7.2.3.` into a bare id like `7.2.3`."""
    ref = _REF_PREFIX.sub("", text.strip()).strip().rstrip("?.!:;,) ").strip()
    return ref.lower() if ref.lower() == "bibliography" else ref


class Structure:
    """The clause tree, with lookups by id and the nearest ids for a clause that does not exist."""

    def __init__(self, info: StandardInfo, clauses: list[Clause]) -> None:
        self.info = info
        self._clauses = {c.id: c for c in sorted(clauses, key=lambda c: _sort_key(c.id))}

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._clauses

    def __iter__(self) -> Iterator[Clause]:
        return iter(self._clauses.values())

    def __len__(self) -> int:
        return len(self._clauses)

    @property
    def ids(self) -> list[str]:
        """Every clause id in document order."""
        return list(self._clauses)

    def get(self, ref: str) -> Clause:
        """Find a clause by id or reference, or raise `ClauseNotFound` naming the nearest ids."""
        clause_id = normalize_clause_ref(ref)
        clause = self._clauses.get(clause_id)
        if clause is None:
            raise ClauseNotFound(clause_id or ref.strip(), self.nearest(clause_id or ref))
        return clause

    def children(self, clause_id: str) -> list[Clause]:
        """Direct children, in document order."""
        return [c for c in self._clauses.values() if c.parent == clause_id]

    def ancestors(self, clause_id: str) -> list[Clause]:
        """Parents from the top down, without the clause itself."""
        chain: list[Clause] = []
        parent = self._clauses[clause_id].parent
        while parent is not None and parent in self._clauses:
            chain.insert(0, self._clauses[parent])
            parent = self._clauses[parent].parent
        return chain

    def nearest(self, ref: str, limit: int = 3) -> list[str]:
        """The existing ids closest to `ref`: siblings and parents by number, or titles by wording.

        A reference longer than any real one (`MAX_CLAUSE_REF`) has no nearest clause: comparing
        thousands of digits or words would only burn time, and int() refuses over 4,300 digits.
        """
        ref = normalize_clause_ref(ref)
        if len(ref) > MAX_CLAUSE_REF:
            return []
        if re.fullmatch(r"\d+(?:\.\d+)*", ref):
            return self._nearest_by_number(ref, limit)
        titles = {c.title.lower(): c.id for c in self._clauses.values()}
        words = [w for w in re.findall(r"[a-z]+", ref.lower()) if len(w) > 3]
        scored = [
            (sum(w in title for w in words), -len(title), cid) for title, cid in titles.items()
        ]
        hits = [cid for score, _, cid in sorted(scored, reverse=True) if score > 0]
        if hits:
            return hits[:limit]
        return [titles[t] for t in difflib.get_close_matches(ref.lower(), titles, n=limit)]

    def _nearest_by_number(self, ref: str, limit: int) -> list[str]:
        """Rank ids by shared prefix, then depth, then numeric gaps: 7.2.4 is nearest 7.2.3."""
        parts = [int(p) for p in ref.split(".")]

        def distance(clause: Clause) -> tuple[int, int, list[int]]:
            other = [int(p) for p in clause.id.split(".")]
            shared = 0
            while shared < min(len(parts), len(other)) and parts[shared] == other[shared]:
                shared += 1
            gaps = [abs(a - b) for a, b in zip(parts, other, strict=False)]
            return (-shared, abs(len(other) - len(parts)), gaps)

        numbered = [c for c in self._clauses.values() if c.id not in {"bibliography", ref}]
        ranked = sorted(numbered, key=lambda c: (distance(c), _sort_key(c.id)))
        return [c.id for c in ranked[:limit]]

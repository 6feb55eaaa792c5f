"""A plan request read from a conversation: the clauses an answer named and what people said about
their organization, so "make that a plan" carries into the Plan tab (and any edge) pre-filled.

Only what was actually said is taken; everything else keeps `PlanRequest`'s defaults, and
`PlanContext.found` says which fields came from the conversation.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from pse_assistant.core.errors import InvalidInput
from pse_assistant.corpus.structure import ClauseKind, Structure
from pse_assistant.plans.models import PlanRequest
from pse_assistant.plans.rules import CONSTRAINTS, ORG_TYPES

PLANNABLE = (ClauseKind.SUB_ELEMENT, ClauseKind.ELEMENT, ClauseKind.PRINCIPLE)
DEFAULT_ORGANIZATION = "public service organization"
_ORG_NOUNS = (
    r"office|council|agency|ministry|municipality|hospital|clinic|department|authority|court|"
    r"school|university|college|city|town|region|county|utility|police|service|administration|"
    r"inspectorate|trust|centre|center|board"
)
_ORGANIZATION = re.compile(
    r"\b(?:we are|we're|i work (?:at|for|in)|i am with|i'm with|i run|i lead|i manage|"
    r"our organi[sz]ation is|plan for)\s+(?:a |an |the |our )?((?:[\w'’-]+ ){0,5}?(?:"
    + _ORG_NOUNS
    + r"))\b",
    re.IGNORECASE,
)
_STAFF = re.compile(r"\b(\d[\d,.]*)\s*(?:staff|employees|people|officers|civil servants)\b", re.I)
_SIZE_WORD = re.compile(r"\b(small|medium|medium-sized|large|big)\s+(?:" + _ORG_NOUNS + r")", re.I)
_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:-\s*)?months?\b", re.I)
_YEARS = re.compile(r"\b(?:in|within|over)\s+(a|one|two|three|\d)\s+years?\b", re.I)
_MATURITY = re.compile(r"\bmaturity(?: level)?(?: is| of| at)?\s*([1-5])\b", re.I)
_PRIORITY = re.compile(
    r"\b(?:our )?(?:priorit(?:y|ies) (?:is|are)|we want to|we need to|our goal is to|"
    r"focus(?:ing)? on)\s+([^.?!;]{3,200})",
    re.IGNORECASE,
)
_YEAR_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3}


class PlanContext(BaseModel):
    """A pre-filled plan request, and the fields that came from the conversation."""

    request: PlanRequest
    found: list[str] = Field(default_factory=list)


def plannable(structure: Structure, clauses: list[str]) -> list[str]:
    """The clauses a plan can be drafted for (sub-elements, elements, principles), in order, once."""
    kept = [c for c in clauses if c in structure and structure.get(c).kind in PLANNABLE]
    return list(dict.fromkeys(kept))


def _size(text: str) -> str | None:
    staff = [int(m.group(1).replace(",", "").split(".")[0]) for m in _STAFF.finditer(text)]
    if staff:
        return "small" if max(staff) < 50 else "medium" if max(staff) < 500 else "large"
    word = _SIZE_WORD.search(text)
    if word:
        return {"big": "large", "medium-sized": "medium"}.get(
            word.group(1).lower(), word.group(1).lower()
        )
    return None


def _horizon(text: str) -> int | None:
    months = [int(m.group(1)) for m in _MONTHS.finditer(text)]
    years = [
        12 * (_YEAR_WORDS.get(m.group(1).lower()) or int(m.group(1))) for m in _YEARS.finditer(text)
    ]
    values = months or years
    return min(36, max(3, values[-1])) if values else None


def _constraints(sentences: list[str]) -> str:
    hits = [s for s in sentences if any(re.search(c.pattern, s, re.I) for c in CONSTRAINTS)]
    return "; ".join(dict.fromkeys(hits))[:1000]


def plan_context(structure: Structure, clauses: list[str], questions: list[str]) -> PlanContext:
    """A plan request for `clauses` (kept if plannable), tailored by what `questions` said.

    Raises:
        InvalidInput: none of `clauses` is a sub-element, element or principle.
    """
    kept = plannable(structure, clauses)
    if not kept:
        raise InvalidInput("Name a sub-element, an element or a principle to plan for.")
    text = " ".join(" ".join(q.split()) for q in questions)
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    fields: dict[str, object] = {}
    if match := _ORGANIZATION.search(text):
        fields["organization"] = match.group(1).strip()[:120]
    if size := _size(text):
        fields["size"] = size
    if horizon := _horizon(text):
        fields["horizon_months"] = horizon
    if maturity := _MATURITY.search(text):
        fields["maturity"] = int(maturity.group(1))
    priorities = [m.group(1).strip() for m in _PRIORITY.finditer(text)]
    if priorities:
        fields["priorities"] = "; ".join(dict.fromkeys(priorities))[:1000]
    if constraints := _constraints(sentences):
        fields["constraints"] = constraints
    organization = str(fields.get("organization", DEFAULT_ORGANIZATION))
    request = PlanRequest.model_validate(fields | {"organization": organization, "clauses": kept})
    found = list(fields)
    if request.org_type != "other" and "organization" in fields:
        found.append(f"org_type ({ORG_TYPES[request.org_type].name})")
    return PlanContext(request=request, found=found)

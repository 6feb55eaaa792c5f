"""The one validation layer for text people type: control characters never reach a store or a file.

A form feed or a `\\x01` in an organization's name used to be stored as typed, and afterwards every
Word or Excel export of that record failed (XML 1.0 cannot hold those characters). Every entry point
cleans text the same way: the API's request models and the plan models through the `Line` and
`Text` types, the stores and the facade through `clean_text`, and the exports through `scrub`, which
also cleans records stored before this layer existed.

Cleaning removes C0 and C1 control characters, lone surrogates and the two non-characters XML
refuses; a single-line field turns tabs and line breaks into spaces, a multi-line one keeps `\\n` and
`\\t` (a `\\r\\n` or a lone `\\r` becomes `\\n`). Nothing else is changed, so a clean text round-trips.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, StringConstraints

# Everything XML 1.0 cannot hold, plus the C1 controls (valid XML, but invisible and never meant).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(r"\r\n?")
_SPACES = re.compile(r"[\t\n]")

T = TypeVar("T")
# The longest way anyone writes a clause ("ISO 11367:2025 sub-element 7.4.3") with room to spare; a
# longer "id" is refused before any lookup (a 5,000-digit one used to overflow int()).
MAX_CLAUSE_REF = 40


def clean_text(value: str, multiline: bool = False) -> str:
    """`value` without control characters; line breaks kept only when `multiline`."""
    text = _BREAKS.sub("\n", value)
    if not multiline:
        text = _SPACES.sub(" ", text)
    return _UNWANTED.sub("", text)


def _line(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _text(value: Any) -> Any:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


# Cleaned before the length checks run, so "\x01" alone is as empty as "".
Line = Annotated[str, BeforeValidator(_line)]
"""A single-line text field (a name, an id, a title)."""
Text = Annotated[str, BeforeValidator(_text)]
"""A multi-line text field (a question, evidence, a comment)."""
ClauseRef = Annotated[
    str, BeforeValidator(_line), StringConstraints(min_length=1, max_length=MAX_CLAUSE_REF)
]
"""A clause as people write it (`7.2.3`, `§7.2.3`, `clause 7.2.3`), at most 40 characters."""


def scrub(value: T) -> T:
    """A copy of a model (or list, dict, string) with every string cleaned, for writing files.

    Exports call this first, so a record stored before the validation layer existed, or written by
    an older version, still becomes a valid DOCX, XLSX or PPTX. Models are copied without being
    validated again: their content is the stored one, only cleaned.
    """
    if isinstance(value, str):
        return clean_text(value, multiline=True)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(update={name: scrub(getattr(value, name)) for name in fields})
    if isinstance(value, list):
        return [scrub(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(scrub(item) for item in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}  # type: ignore[return-value]
    return value

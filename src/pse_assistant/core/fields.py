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

from pydantic import BaseModel, BeforeValidator, Strict, StringConstraints

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


# A character a text field may hold, and a visible one (not a space). The patterns go into the
# OpenAPI document as they are, so what it promises is exactly what the server accepts.
_OK_LINE = r"[^\u0000-\u001f\u007f-\u009f\ufffe\uffff]"
_OK_TEXT = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]"
_VISIBLE = r"[^\s\u0000-\u001f\u007f-\u009f\ufffe\uffff]"


def text_pattern(visible: int = 1, multiline: bool = False) -> str:
    """A regular expression for text without control characters, `visible` long once trimmed.

    Single-line text has no tab or line break; multi-line text may have them. `visible` is 0 (may
    be empty), 1 (one visible character), 2 (two) or 3 (three from the first visible character to
    the last), the minimum lengths the project's fields have after trimming.
    """
    ok = _OK_TEXT if multiline else _OK_LINE
    middle = {0: "", 1: _VISIBLE, 2: f"{_VISIBLE}{ok}*{_VISIBLE}", 3: f"{_VISIBLE}{ok}+{_VISIBLE}"}
    if visible == 0:
        return f"^{ok}*$"
    return f"^{ok}*{middle[visible]}{ok}*$"


# The elements an assessment can score: the twelve sub-elements and the fourteen principles.
ASSESSED_CLAUSE = r"^(?:7\.[1-4]\.[1-3]|5\.[12]\.[1-7])$"
PATTERN_HINTS = {
    ASSESSED_CLAUSE: "must be a sub-element (7.1.1 to 7.4.3) or a principle (5.1.1 to 5.2.7)",
    text_pattern(1): "needs visible text, on one line, without control characters",
    text_pattern(
        2
    ): "needs at least two visible characters, on one line, without control characters",
    text_pattern(1, True): "needs visible text without control characters",
    text_pattern(3, True): "needs at least three visible characters, without control characters",
    text_pattern(0, True): "must not contain control characters",
}
"""What each pattern means, in the words an error message uses."""


def field_message(error: Any) -> str:
    """One pydantic error as a person reads it: `field: reason`, patterns said in words."""
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    pattern = str((error.get("ctx") or {}).get("pattern", ""))
    hint = PATTERN_HINTS.get(pattern)
    if pattern == ASSESSED_CLAUSE and isinstance(error.get("input"), str):
        hint = f"{hint}, not {clean_text(error['input'])[:40]!r}"
    reason = hint or str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{where}: {reason}" if where else reason


Line = Annotated[str, StringConstraints(pattern=text_pattern(1))]
"""A single-line text field (a name, an id): visible text, no control characters."""
Text = Annotated[str, StringConstraints(pattern=text_pattern(1, True))]
"""A multi-line text field (a question): visible text, no control characters but tab and breaks."""
OptionalText = Annotated[str, StringConstraints(pattern=text_pattern(0, True))]
"""Multi-line text that may be empty (evidence, a comment, priorities)."""
ClauseRef = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_CLAUSE_REF, pattern=text_pattern(1))
]
"""A clause as people write it (`7.2.3`, `§7.2.3`, `clause 7.2.3`), at most 40 characters."""


def _json_integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")  # not "3", not true: JSON's integer, no more
    return value


Whole = Annotated[int, BeforeValidator(_json_integer)]
"""A JSON integer: `3` or `3.0` (JSON Schema's integer), never the string "3" or `true`."""
Flag = Annotated[bool, Strict()]
"""A JSON boolean: `true` or `false`, never "yes" or 1."""


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

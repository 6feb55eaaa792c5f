"""One shape for every list that can grow: a page of items and the cursor of the next page.

Lists are read with keyset pagination: the cursor holds the sort key of the last item given, so a
page is one query however deep it is, and an item added meanwhile never shifts or repeats a page.
The cursor is opaque to clients (base64 of the key); a cursor this server did not give out is
`InvalidInput`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from pse_assistant.core.errors import InvalidInput, NotApplicable

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_CHARS = 512


class Page(BaseModel, Generic[T]):
    """A page of a list: its items, and `next_cursor` to ask for the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )


def encode_cursor(*key: str | int | float) -> str:
    """The opaque cursor for a sort key."""
    raw = json.dumps(list(key), separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, types: tuple[type, ...]) -> list[Any]:
    """The sort key a cursor holds, checked against the types expected.

    A cursor this server never gave out names no page: `NotApplicable` (404 in the API).
    """
    problem = NotApplicable("There is no page at this cursor; start again without it.")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise problem
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise problem from error
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(
            isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, types, strict=False)
        )
    ):
        raise problem
    return key


def check_limit(limit: int) -> int:
    """A page size between 1 and `MAX_LIMIT`; `InvalidInput` otherwise."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return limit

"""API tokens: `pse_<id>_<secret>`, shown once, stored only as a SHA-256 hash.

The id is the row's key, so a token is found with one indexed read; the secret is 256 random bits,
which no guessing can reach, so a fast hash is enough (a slow one like Argon2 protects passwords,
which people choose, and would only slow every API call here). The hash is compared in constant
time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pse_assistant.core.errors import InvalidInput

PREFIX = "pse"
_TOKEN = re.compile(r"^pse_(?P<id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
_DURATION = re.compile(r"^(?P<n>\d{1,5})(?P<unit>[hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_LIFETIME = timedelta(days=3650)


@dataclass(frozen=True)
class NewToken:
    """A token just made: the text to show once, its id and the hash to store."""

    id: str
    text: str
    digest: str


def new_token() -> NewToken:
    """A fresh token with its id and the hash to store."""
    token_id = secrets.token_hex(6)
    text = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    return NewToken(id=token_id, text=text, digest=digest(text))


def digest(text: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def token_id(text: str) -> str | None:
    """The id part of a well-formed token, or None for anything else."""
    match = _TOKEN.match(text)
    return match["id"] if match else None


def matches(stored_digest: str, text: str) -> bool:
    """Whether `text` is the token whose hash is stored, compared in constant time."""
    return hmac.compare_digest(stored_digest, digest(text))


def parse_lifetime(text: str) -> timedelta:
    """`90d`, `12h` or `4w` as a duration; raises `InvalidInput` for anything else or over ten years."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match["n"]) == 0:
        raise InvalidInput(
            f"Write how long the token lasts as a number and h, d or w (e.g. 90d), not {text[:20]!r}."
        )
    lifetime = int(match["n"]) * _UNITS[match["unit"]]
    if lifetime > MAX_LIFETIME:
        raise InvalidInput("A token may last at most 3650 days; make a new one when it expires.")
    return lifetime

"""Passwords as Argon2id hashes (argon2-cffi's defaults, RFC 9106's second recommendation)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pse_assistant.core.errors import InvalidInput

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_strength(password: str) -> None:
    """Refuse a password too short to resist guessing, or long enough to be a denial of service."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"A password may have at most {MAX_LENGTH} characters.")


def hash_password(password: str) -> str:
    """The Argon2id hash to store (salt and parameters inside it)."""
    check_strength(password)
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash; never raises for a wrong or malformed one."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_LENGTH:
        return False
    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash uses older parameters than today's, to be replaced at next sign-in."""
    return bool(_hasher().check_needs_rehash(stored))


# A hash of no password, checked when the account does not exist, so that a wrong name and a
# wrong password take the same time and a caller cannot list the accounts by timing.
def dummy_verify(password: str) -> None:
    """Spend the time of one verification without an account."""
    verify_password(_dummy_hash(), password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not a password of anyone")

"""Single sign-on claims to a user name and a role, by the settings' claim-to-role map."""

from __future__ import annotations

from typing import Any

from pse_assistant.accounts.roles import Role
from pse_assistant.core.settings import Settings


def claim_values(claims: dict[str, Any], claim: str) -> list[str]:
    """The values of a claim as strings: a list (`groups`), one string, or a space-separated one.

    A dotted name reaches into nested claims (`realm_access.roles`, as Keycloak sends them).
    """
    value: Any = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def role_from_claims(claims: dict[str, Any], settings: Settings) -> Role | None:
    """The highest role any claim value maps to; the default role when none does (may be None)."""
    values = set(claim_values(claims, settings.oidc_role_claim))
    mapped = [Role(role) for value, role in settings.oidc_role_map.items() if value in values]
    if mapped:
        return max(mapped, key=lambda role: role.rank)
    return Role(settings.oidc_default_role) if settings.oidc_default_role else None


def user_name(claims: dict[str, Any], settings: Settings) -> str | None:
    """The name to know the user by: the configured claim, else `preferred_username`, `email`, `sub`."""
    for claim in (settings.oidc_username_claim, "preferred_username", "email", "sub"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None

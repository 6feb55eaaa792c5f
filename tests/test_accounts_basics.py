"""Roles, password hashes, token format and sign-in throttling: the parts that need no database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pse_assistant.accounts import passwords, tokens
from pse_assistant.accounts.roles import Role
from pse_assistant.accounts.throttle import Throttle
from pse_assistant.core.errors import InvalidInput
from pse_assistant.core.settings import Settings


def test_roles_are_ordered_and_each_holds_the_rights_below_it() -> None:
    assert [r.value for r in sorted(Role, key=lambda r: r.rank)] == [
        "viewer",
        "assessor",
        "trainer",
        "admin",
    ]
    assert Role.ADMIN.covers(Role.TRAINER) and Role.TRAINER.covers(Role.ASSESSOR)
    assert not Role.ASSESSOR.covers(Role.TRAINER) and not Role.VIEWER.covers(Role.ASSESSOR)
    assert Role.parse(" Trainer ") is Role.TRAINER
    with pytest.raises(InvalidInput, match="viewer, assessor, trainer, admin"):
        Role.parse("root")


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse battery!")
    assert not passwords.verify_password("not a hash", "correct horse battery")
    assert not passwords.needs_rehash(stored)
    with pytest.raises(InvalidInput, match="at least 10"):
        passwords.hash_password("short")


def test_a_token_is_shown_once_and_only_its_hash_is_kept() -> None:
    made = tokens.new_token()
    assert made.text.startswith(f"pse_{made.id}_") and len(made.text) == 60
    assert made.digest != made.text and len(made.digest) == 64
    assert tokens.token_id(made.text) == made.id
    assert tokens.matches(made.digest, made.text)
    assert not tokens.matches(made.digest, made.text[:-1] + ("A" if made.text[-1] != "A" else "B"))
    assert tokens.token_id("Bearer nonsense") is None
    assert tokens.new_token().text != made.text


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("12h", 0.5), ("2w", 14), (" 30D ", 30)])
def test_token_lifetimes_read_as_people_write_them(text: str, days: float) -> None:
    assert tokens.parse_lifetime(text).total_seconds() == days * 86400


@pytest.mark.parametrize("text", ["", "90", "0d", "3y", "99999d", "-1d"])
def test_a_lifetime_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        tokens.parse_lifetime(text)


def test_repeated_failures_lock_the_account_and_the_address_for_a_while() -> None:
    now = [1000.0]
    throttle = Throttle(max_failures=3, lockout=60, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("user:ana", "addr:10.0.0.1")
    assert throttle.retry_after("user:ana", "addr:10.0.0.1") == 0
    throttle.failed("user:ana", "addr:10.0.0.1")
    assert 59 <= throttle.retry_after("user:ana") <= 61
    assert throttle.retry_after("user:ben", "addr:10.0.0.1") > 0  # the address is locked too
    assert throttle.retry_after("user:ben", "addr:10.0.0.2") == 0
    now[0] += 61
    assert throttle.retry_after("user:ana", "addr:10.0.0.1") == 0
    throttle.failed("user:ana")
    throttle.succeeded("user:ana")
    throttle.failed("user:ana")
    throttle.failed("user:ana")
    assert throttle.retry_after("user:ana") == 0  # a success started the count again


def test_failures_spread_beyond_the_window_do_not_add_up() -> None:
    now = [0.0]
    throttle = Throttle(max_failures=2, lockout=60, clock=lambda: now[0])
    throttle.failed("user:ana")
    now[0] += 120
    throttle.failed("user:ana")
    assert throttle.retry_after("user:ana") == 0


def test_auth_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSE_AUTH", "oidc")
    monkeypatch.setenv("PSE_OIDC_ISSUER", "http://127.0.0.1:9400")
    monkeypatch.setenv("PSE_OIDC_CLIENT_ID", "pse")
    monkeypatch.setenv("PSE_OIDC_ROLE_MAP", "pse-admins=admin, pse-trainers=trainer")
    monkeypatch.setenv("PSE_OIDC_DEFAULT_ROLE", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.auth == "oidc"
    assert settings.oidc_role_map == {"pse-admins": "admin", "pse-trainers": "trainer"}
    assert settings.oidc_default_role is None
    assert Settings(_env_file=None, auth="off").auth == "off"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "values",
    [
        {"auth": "oidc"},
        {"auth": "sometimes"},
        {"oidc_role_map": "pse-admins"},
        {"oidc_role_map": "pse-admins=root"},
    ],
)
def test_auth_settings_that_cannot_work_are_refused(values: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]

"""Signing in: the session cookie, lockouts, tokens that expire or are revoked, disabled accounts,
CORS with sign-in on, the `pse users`/`pse tokens`/`pse audit` commands and `pse serve`'s refusal
to listen beyond loopback without sign-in."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pse_assistant.accounts.roles import Role, operator
from pse_assistant.assistant import Assistant
from pse_assistant.cli import app as cli
from pse_assistant.core.errors import Unauthorized
from pse_assistant.corpus.loader import Corpus
from tests.accounts_fixtures import PASSWORD, Site, make_site
from tests.conftest import CliFor


@pytest.fixture
def site(tmp_path: Path, corpus: Corpus) -> Site:
    return make_site(tmp_path / "data", corpus, login_max_failures=3, login_lockout_seconds=600)


def test_a_password_sign_in_sets_an_httponly_lax_cookie_that_signs_later_requests(
    site: Site,
) -> None:
    client = site.client()
    assert client.get("/api/me").status_code == 401
    signed = client.post("/api/login", json={"name": "Tom", "password": PASSWORD})
    assert signed.status_code == 200 and signed.json()["role"] == "trainer"
    cookie = signed.headers["set-cookie"].lower()
    assert cookie.startswith("pse_session=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback
    assert client.get("/api/me").json() == {
        "name": "tom", "role": "trainer", "via": "session", "auth": "local"
    }  # fmt: skip
    assert client.post("/api/evals", json={}).status_code == 403
    assert client.post("/api/logout").status_code == 204
    assert client.get("/api/me").status_code == 401


def test_a_form_post_signs_in_too(site: Site) -> None:
    client = site.client()
    signed = client.post("/api/login", data={"name": "vera", "password": PASSWORD})
    assert signed.status_code == 200 and client.get("/api/me").json()["name"] == "vera"


def test_the_cookie_is_secure_over_https_or_when_configured(site: Site, corpus: Corpus) -> None:
    over_https = site.client(https=True).post(
        "/api/login", json={"name": "tom", "password": PASSWORD}
    )
    assert "secure" in over_https.headers["set-cookie"].lower()


def test_cookie_secure_true_marks_it_even_over_http(tmp_path: Path, corpus: Corpus) -> None:
    site = make_site(tmp_path / "data", corpus, cookie_secure=True)
    signed = site.client().post("/api/login", json={"name": "tom", "password": PASSWORD})
    assert "secure" in signed.headers["set-cookie"].lower()


def test_wrong_passwords_lock_the_account_and_the_address_out(site: Site) -> None:
    client = site.client()
    for _ in range(3):
        wrong = client.post("/api/login", json={"name": "ada", "password": "not the password"})
        assert wrong.status_code == 401
        assert wrong.json() == {
            "error": "unauthorized",
            "message": "The name or the password is wrong.",
        }
    locked = client.post("/api/login", json={"name": "ada", "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"
    assert 500 <= int(locked.headers["retry-after"]) <= 601
    # the address is locked for every account, an unknown one included
    assert client.post("/api/login", json={"name": "vera", "password": PASSWORD}).status_code == 429


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(site: Site) -> None:
    answer = site.client().post("/api/login", json={"name": "nobody", "password": "whatever12"})
    assert answer.status_code == 401
    assert answer.json()["message"] == "The name or the password is wrong."


def test_tokens_stop_working_when_revoked_expired_or_their_user_disabled(site: Site) -> None:
    client, accounts = site.client(), site.assistant.accounts
    assert client.get("/api/me", headers=site.headers("vera")).json()["via"] == "token"
    token_id = site.tokens["vera"].split("_")[1]
    accounts.revoke_token(token_id, operator())
    revoked = client.get("/api/me", headers=site.headers("vera"))
    assert revoked.status_code == 401 and revoked.headers["www-authenticate"] == "Bearer"
    _, short = accounts.create_token("olga", timedelta(hours=1), operator())
    assert client.get("/api/me", headers={"Authorization": f"Bearer {short}"}).status_code == 200
    with site.assistant.database.session() as session:
        from pse_assistant.accounts.models import ApiToken

        session.get(ApiToken, short.split("_")[1]).expires = "2000-01-01T00:00:00+00:00"  # type: ignore[union-attr]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {short}"}).status_code == 401
    accounts.set_disabled("tom", True, operator())
    assert client.get("/api/me", headers=site.headers("tom")).status_code == 401
    assert client.post("/api/login", json={"name": "tom", "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("header", ["Basic dG9tOnB3", "Bearer", "Bearer pse_nonsense", "token abc"])
def test_a_malformed_authorization_header_is_a_401_not_a_crash(site: Site, header: str) -> None:
    answer = site.client().get("/api/me", headers={"Authorization": header})
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"


def test_a_new_role_applies_to_the_next_request(site: Site) -> None:
    client = site.client()
    assert client.get("/api/audit", headers=site.headers("tom")).status_code == 403
    site.assistant.accounts.set_role("tom", Role.ADMIN, operator())
    assert client.get("/api/audit", headers=site.headers("tom")).status_code == 200


def test_cors_lets_configured_origins_send_a_token_but_never_cookies(
    tmp_path: Path, corpus: Corpus
) -> None:
    site = make_site(tmp_path / "data", corpus, cors_origins=["https://intranet.example"])
    asked = {
        "Origin": "https://intranet.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    preflight = site.client().options("/api/me", headers=asked)
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    stranger = site.client().options("/api/me", headers={**asked, "Origin": "https://evil.example"})
    assert stranger.status_code == 400


def _run(runner: CliRunner, *args: str, **kw: Any) -> Any:
    return runner.invoke(cli, list(args), catch_exceptions=False, **kw)


def test_users_and_tokens_from_the_command_line(fake_assistant: Assistant, cli_for: CliFor) -> None:
    runner = cli_for(fake_assistant)
    added = _run(runner, "users", "add", "Ana", "--role", "trainer", "--password-stdin",
                 input="correct horse battery\n")  # fmt: skip
    assert added.exit_code == 0 and "Added ana (trainer)" in added.output
    assert (
        _run(runner, "users", "add", "ana", "--password-stdin", input="x" * 12 + "\n").exit_code
        == 2
    )
    short = _run(runner, "users", "add", "ben", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 10" in short.output
    made = _run(runner, "tokens", "create", "--user", "ana", "--expires", "30d")
    assert made.exit_code == 0
    token = made.stdout.strip().splitlines()[-1]
    principal = fake_assistant.accounts.principal_for_token(token)
    assert principal is not None and (principal.name, principal.role) == ("ana", Role.TRAINER)
    listed = _run(runner, "tokens", "list")
    assert token not in listed.output and token.split("_")[1] in listed.output
    assert _run(runner, "users", "set-role", "ana", "admin").exit_code == 0
    assert _run(runner, "users", "set-role", "ana", "root").exit_code == 2
    assert _run(runner, "tokens", "revoke", token.split("_")[1]).exit_code == 0
    assert fake_assistant.accounts.principal_for_token(token) is None
    reset = _run(
        runner, "users", "set-password", "ana", "--password-stdin", input="a new passphrase\n"
    )
    assert reset.exit_code == 0
    assert fake_assistant.accounts.sign_in("ana", "a new passphrase", "cli").name == "ana"
    with pytest.raises(Unauthorized):
        fake_assistant.accounts.sign_in("ana", "correct horse battery", "cli")
    assert _run(runner, "users", "disable", "ana").exit_code == 0
    users = _run(runner, "users", "list").output
    assert "ana" in users and "admin" in users and "disabled" in users
    audit = _run(runner, "audit").output
    for action in ("user.add", "token.create", "user.role", "token.revoke", "user.password"):
        assert action in audit
    assert "from cli" in audit


def test_the_stored_password_is_an_argon2_hash(fake_assistant: Assistant) -> None:
    fake_assistant.accounts.add_user("ana", Role.VIEWER, "correct horse battery", operator())
    from sqlalchemy import select

    from pse_assistant.accounts.models import User

    with fake_assistant.database.session() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "ana"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`pse serve` up to the point where uvicorn would start, which records its arguments."""
    import uvicorn

    import pse_assistant.server

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(pse_assistant.server, "create_app", lambda *a, **k: object())
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    return started


def test_serve_refuses_a_public_interface_without_sign_in(
    fake_assistant: Assistant, cli_for: CliFor, no_server: list[dict[str, Any]]
) -> None:
    refused = _run(cli_for(fake_assistant), "serve", "--host", "0.0.0.0")
    assert refused.exit_code == 2 and "without sign-in" in refused.output and not no_server


def test_serve_with_no_auth_on_a_public_interface_warns_on_every_start(
    fake_assistant: Assistant, cli_for: CliFor, no_server: list[dict[str, Any]]
) -> None:
    for _ in range(2):
        started = _run(cli_for(fake_assistant), "serve", "--host", "0.0.0.0", "--no-auth")
        assert started.exit_code == 0 and "WITHOUT sign-in" in started.output
    assert [kw["host"] for kw in no_server] == ["0.0.0.0", "0.0.0.0"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serve_on_loopback_needs_no_flag(
    fake_assistant: Assistant, cli_for: CliFor, no_server: list[dict[str, Any]], host: str
) -> None:
    started = _run(cli_for(fake_assistant), "serve", "--host", host)
    assert started.exit_code == 0 and "WITHOUT" not in started.output and no_server


def test_serve_with_sign_in_on_listens_anywhere(
    tmp_path: Path, corpus: Corpus, cli_for: CliFor, no_server: list[dict[str, Any]]
) -> None:
    site = make_site(tmp_path / "data", corpus)
    started = _run(cli_for(site.assistant), "serve", "--host", "0.0.0.0")
    assert started.exit_code == 0 and "WITHOUT" not in started.output and no_server


def test_a_password_reset_signs_the_user_out_everywhere(site: Site) -> None:
    before = site.client()
    assert before.post("/api/login", json={"name": "tom", "password": PASSWORD}).status_code == 200
    assert before.get("/api/me").status_code == 200
    time.sleep(1.1)  # sign-in times are kept to the second
    site.assistant.accounts.set_password("tom", "a brand new passphrase", operator())
    assert before.get("/api/me").status_code == 401
    after = site.client()
    signed = after.post("/api/login", json={"name": "tom", "password": "a brand new passphrase"})
    assert signed.status_code == 200 and after.get("/api/me").status_code == 200
    time.sleep(1.1)
    site.assistant.accounts.set_disabled("tom", True, operator())
    site.assistant.accounts.set_disabled("tom", False, operator())
    assert after.get("/api/me").status_code == 401  # enabled again, but that session is over


def test_ingest_remove_and_rebuild_at_the_terminal_are_in_the_audit_log(
    fake_indexed_assistant: Assistant, cli_for: CliFor, tmp_path: Path
) -> None:
    runner = cli_for(fake_indexed_assistant)
    note = tmp_path / "counter-policy.md"
    note.write_text("# 7.2.3 Integrity and conflict management\n\nGifts are registered.\n")
    assert _run(runner, "ingest", str(note)).exit_code == 0
    (doc,) = fake_indexed_assistant.documents()
    assert _run(runner, "docs", "remove", str(doc["id"])).exit_code == 0
    entries = fake_indexed_assistant.accounts.audit.page(10).items
    assert [(e.action, e.target) for e in entries] == [
        ("document.remove", doc["id"]),
        ("document.ingest", doc["id"]),
    ]
    assert "counter-policy.md" in entries[1].detail and entries[0].address == "cli"

"""The accounts tables on SQLite and PostgreSQL: users, tokens, invitations, the audit log, the
conversation owner column, and the `0002_accounts` migration both ways."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from pse_assistant.accounts.roles import Principal, Role, operator
from pse_assistant.accounts.service import Accounts
from pse_assistant.answer.conversations import ConversationNotFound, ConversationStore
from pse_assistant.core.db import Database
from pse_assistant.core.errors import InvalidInput, NotFound, TooManyAttempts, Unauthorized
from pse_assistant.core.settings import Settings

ADMIN = Principal(name="ada", role=Role.ADMIN, via="token", address="10.1.2.3")


@pytest.fixture
def accounts(database: Database, tmp_path: Path) -> Accounts:
    return Accounts(database, Settings(data_dir=tmp_path, login_max_failures=2))


def test_users_are_unique_by_folded_name_and_listed_without_hashes(accounts: Accounts) -> None:
    accounts.add_user("Ana", Role.TRAINER, "correct horse battery", ADMIN)
    with pytest.raises(InvalidInput, match="already a user 'ana'"):
        accounts.add_user("ANA", Role.VIEWER, "correct horse battery", ADMIN)
    with pytest.raises(InvalidInput, match="user name"):
        accounts.add_user("ana smith", Role.VIEWER, "correct horse battery", ADMIN)
    (ana,) = accounts.users()
    assert (ana.name, ana.role, ana.source, ana.disabled) == ("ana", Role.TRAINER, "local", False)
    assert "hash" not in ana.model_dump_json()
    with pytest.raises(NotFound):
        accounts.set_role("nobody", Role.ADMIN, ADMIN)


def test_sign_in_checks_the_password_and_locks_out(accounts: Accounts) -> None:
    accounts.add_user("ana", Role.VIEWER, "correct horse battery", ADMIN)
    assert accounts.sign_in("Ana", "correct horse battery", "10.0.0.9").name == "ana"
    with pytest.raises(Unauthorized):
        accounts.sign_in("ana", "wrong password", "10.0.0.9")
    with pytest.raises(Unauthorized):
        accounts.sign_in("ana", "wrong password", "10.0.0.8")
    with pytest.raises(TooManyAttempts):  # the account is locked, from any address
        accounts.sign_in("ana", "correct horse battery", "10.0.0.7")


def test_tokens_belong_to_their_user_and_stop_when_revoked(accounts: Accounts) -> None:
    accounts.add_user("ana", Role.ASSESSOR, "correct horse battery", ADMIN)
    info, text = accounts.create_token("ana", timedelta(days=1), ADMIN, label="script")
    found = accounts.principal_for_token(text)
    assert found is not None and (found.name, found.role, found.via) == (
        "ana",
        Role.ASSESSOR,
        "token",
    )
    assert accounts.principal_for_token(text.replace(info.id, "0" * 12)) is None
    assert accounts.tokens("ana")[0].last_used is not None
    accounts.revoke_token(info.id, ADMIN)
    assert accounts.principal_for_token(text) is None
    with pytest.raises(NotFound):
        accounts.revoke_token("ffffffffffff", ADMIN)


def test_an_invitation_is_spent_by_the_first_user_who_accepts_it(accounts: Accounts) -> None:
    code = accounts.invitations.invite("a1", ADMIN)
    asa = Principal(name="asa", role=Role.ASSESSOR)
    assert accounts.invitations.accept(code, asa) == "a1"
    assert accounts.invitations.accept(code, asa) == "a1"  # the same person may follow it again
    with pytest.raises(NotFound):
        accounts.invitations.accept(code, Principal(name="ben", role=Role.ASSESSOR))
    with pytest.raises(NotFound):
        accounts.invitations.accept("made-up", asa)
    assert accounts.invitations.invited("a1", "asa") and not accounts.invitations.invited(
        "a1", "ben"
    )
    assert accounts.invitations.assessments_of("asa") == {"a1"}


def test_the_audit_log_pages_newest_first_with_who_and_where(accounts: Accounts) -> None:
    for n in range(5):
        accounts.audit.record(ADMIN, "index.rebuild", "", f"run {n}")
    accounts.audit.record(operator(), "document.remove", "doc-1")
    first = accounts.audit.page(4)
    assert [e.action for e in first.items][:2] == ["document.remove", "index.rebuild"]
    assert first.items[0].address == "cli" and first.items[1].address == "10.1.2.3"
    assert first.next_cursor is not None
    rest = accounts.audit.page(4, first.next_cursor)
    assert [e.detail for e in rest.items] == ["run 1", "run 0"] and rest.next_cursor is None


def test_conversations_have_owners(database: Database) -> None:
    store = ConversationStore(database)
    mine = store.create("mine", owner="ana")
    unowned = store.create("from before sign-in")
    assert [c.id for c in store.page(10, owner="ana").items] == [mine]
    assert {c.id for c in store.page(10).items} == {mine, unowned}
    with pytest.raises(ConversationNotFound):
        store.get(mine, owner="ben")
    with pytest.raises(ConversationNotFound):
        store.delete(mine, owner="ben")
    store.delete(mine, owner="ana")
    assert [c.id for c in store.all()] == [unowned]


def test_the_accounts_migration_goes_down_and_up_again(database: Database) -> None:
    from alembic import command

    tables = {"users", "api_tokens", "invitations", "audit_log"}
    assert tables <= set(inspect(database.engine).get_table_names())
    config = database.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001_initial")
    names = set(inspect(database.engine).get_table_names())
    assert not tables & names
    columns = {c["name"] for c in inspect(database.engine).get_columns("conversations")}
    assert "owner" not in columns
    database.upgrade()
    from alembic.script import ScriptDirectory

    assert database.revision() == ScriptDirectory.from_config(config).get_current_head()
    assert "owner" in {c["name"] for c in inspect(database.engine).get_columns("conversations")}

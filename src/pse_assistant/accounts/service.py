"""`Accounts`: users, API tokens, sign-in and the audit log, as the facade hands them to the edges.

Every change to a user or a token is written with its audit entry in one transaction. Sign-in with
a password is throttled per account and per client address (`throttle.Throttle`); a wrong name and
a wrong password get the same answer in the same time, so accounts cannot be listed by probing.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from pse_assistant.accounts import oidc, passwords, tokens
from pse_assistant.accounts.audit import AuditLog, add_entry, now
from pse_assistant.accounts.invitations import Invitations
from pse_assistant.accounts.models import ApiToken, User
from pse_assistant.accounts.roles import Principal, Role
from pse_assistant.accounts.throttle import Throttle
from pse_assistant.core.db import Database
from pse_assistant.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from pse_assistant.core.settings import Settings

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,79}$")


class UserInfo(BaseModel):
    """A user as listed: never the password hash."""

    name: str
    role: Role
    source: str
    disabled: bool
    created: str


class TokenInfo(BaseModel):
    """A token as listed: never its text or hash."""

    id: str
    user: str
    label: str
    created: str
    expires: str
    revoked: str | None
    last_used: str | None


def check_name(name: str) -> str:
    """A user name, lower-cased: letters, digits and `._@+-`, up to 80 characters."""
    folded = name.strip().lower()
    if not _NAME.match(folded):
        raise InvalidInput(
            "A user name is 1 to 80 letters, digits or . _ @ + - (starting with a letter or digit)."
        )
    return folded


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name.strip().lower()))
    if user is None:
        raise NotFound(f"There is no user {name[:80]!r}.")
    return user


class Accounts:
    """Users, tokens, sign-in, invitations and the audit log over the shared database.

    Args:
        database: the store's database, already at the newest schema.
        settings: the sign-in settings (lockout, OIDC claims, the session secret).
    """

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database, self.settings = database, settings
        self.audit = AuditLog(database)
        self.invitations = Invitations(database)
        self.throttle = Throttle(settings.login_max_failures, settings.login_lockout_seconds)

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, name: str, role: Role, password: str | None, actor: Principal) -> UserInfo:
        """Create a local account (an Argon2 hash of its password is kept); raises `InvalidInput`
        for a name that is taken or malformed."""
        name = check_name(name)
        hashed = passwords.hash_password(password) if password is not None else None
        with self.database.session() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise InvalidInput(f"There is already a user {name!r}.")
            user = _new_user(name, role, hashed, "local")
            session.add(user)
            add_entry(session, actor, "user.add", name, f"role {role.value}")
        return self._info(user)

    def users(self) -> list[UserInfo]:
        """Every user, by name."""
        with self.database.session() as session:
            return [self._info(u) for u in session.scalars(select(User).order_by(User.name))]

    def set_disabled(self, name: str, disabled: bool, actor: Principal) -> UserInfo:
        """Disable an account (its sessions and tokens stop working at once) or enable it again."""
        with self.database.session() as session:
            user = _user(session, name)
            user.disabled, user.updated = disabled, now()
            if disabled:
                user.sessions_after = user.updated
            action = "user.disable" if disabled else "user.enable"
            add_entry(session, actor, action, user.name, "")
            return self._info(user)

    def set_password(self, name: str, password: str, actor: Principal) -> UserInfo:
        """Give a local account a new password (an admin's reset); its old one stops working."""
        hashed = passwords.hash_password(password)
        with self.database.session() as session:
            user = _user(session, name)
            if user.source != "local":
                raise InvalidInput(f"{user.name} signs in through single sign-on: no password.")
            user.password_hash, user.updated = hashed, now()
            user.sessions_after = user.updated  # signed in elsewhere with the old one: signed out
            add_entry(session, actor, "user.password", user.name)
            return self._info(user)

    def set_role(self, name: str, role: Role, actor: Principal) -> UserInfo:
        """Give a user another role; it applies to their next request."""
        with self.database.session() as session:
            user = _user(session, name)
            detail = f"{user.role} -> {role.value}"
            user.role, user.updated = role.value, now()
            add_entry(session, actor, "user.role", user.name, detail)
            return self._info(user)

    @staticmethod
    def _info(user: User) -> UserInfo:
        return UserInfo(
            name=user.name,
            role=Role(user.role),
            source=user.source,
            disabled=user.disabled,
            created=user.created,
        )

    # -- tokens --------------------------------------------------------------------------------
    def create_token(
        self, user: str, lifetime: timedelta, actor: Principal, label: str = ""
    ) -> tuple[TokenInfo, str]:
        """A new token for a user: its listing, and its text, which is shown this once only."""
        made = tokens.new_token()
        expires = (datetime.now(UTC) + lifetime).isoformat(timespec="seconds")
        with self.database.session() as session:
            owner = _user(session, user)
            row = ApiToken(
                id=made.id,
                user_id=owner.id,
                digest=made.digest,
                label=label[:80],
                created=now(),
                expires=expires,
            )
            session.add(row)
            add_entry(session, actor, "token.create", f"{owner.name}/{made.id}", expires)
            return self._token_info(row, owner.name), made.text

    def revoke_token(self, token_id: str, actor: Principal) -> TokenInfo:
        """Revoke a token by its id (the part after `pse_`); it stops working at once."""
        with self.database.session() as session:
            row = session.get(ApiToken, token_id.strip().lower())
            if row is None:
                raise NotFound(f"There is no token {token_id[:20]!r}.")
            owner = session.get(User, row.user_id)
            row.revoked = row.revoked or now()
            name = owner.name if owner else "?"
            add_entry(session, actor, "token.revoke", f"{name}/{row.id}", "")
            return self._token_info(row, name)

    def tokens(self, user: str | None = None) -> list[TokenInfo]:
        """Every token (or one user's), newest first."""
        query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
        if user:
            query = query.where(User.name == user.strip().lower())
        with self.database.session() as session:
            rows = session.execute(query.order_by(ApiToken.created.desc(), ApiToken.id)).all()
            return [self._token_info(row, name) for row, name in rows]

    @staticmethod
    def _token_info(row: ApiToken, user: str) -> TokenInfo:
        return TokenInfo(
            id=row.id,
            user=user,
            label=row.label,
            created=row.created,
            expires=row.expires,
            revoked=row.revoked,
            last_used=row.last_used,
        )

    # -- who is calling --------------------------------------------------------------------------
    def principal_for_token(self, text: str) -> Principal | None:
        """The user a bearer token belongs to; None for one unknown, expired, revoked or disabled."""
        token_id = tokens.token_id(text)
        if token_id is None:
            return None
        with self.database.session() as session:
            row = session.get(ApiToken, token_id)
            if row is None or row.revoked or not tokens.matches(row.digest, text):
                return None
            stamp = now()
            user = session.get(User, row.user_id)
            if row.expires <= stamp or user is None or user.disabled:
                return None
            if not row.last_used or row.last_used[:15] != stamp[:15]:  # at most every ten minutes
                row.last_used = stamp
            return Principal(name=user.name, role=Role(user.role), via="token")

    def principal_for_session(self, name: str, via: str, since: str = "") -> Principal | None:
        """The user a session names, with their current role; None if gone, disabled, or if the
        session began (`since`) before their password was reset or their account disabled."""
        with self.database.session() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None or user.disabled or since < user.sessions_after:
                return None
            return Principal(name=user.name, role=Role(user.role), via=via)

    def sign_in(self, name: str, password: str, address: str) -> Principal:
        """Check a local account's password; raises `Unauthorized` or `TooManyAttempts`."""
        keys = (f"user:{name.strip().lower()}", f"addr:{address}")
        wait = self.throttle.retry_after(*keys)
        if wait:
            raise TooManyAttempts(wait)
        with self.database.session() as session:
            user = session.scalar(select(User).where(User.name == name.strip().lower()))
            stored = user.password_hash if user is not None and not user.disabled else None
            if stored is None:
                passwords.dummy_verify(password)
            if user is None or stored is None or not passwords.verify_password(stored, password):
                self.throttle.failed(*keys)
                raise Unauthorized("The name or the password is wrong.")
            if passwords.needs_rehash(stored):
                user.password_hash = passwords.hash_password(password)
            self.throttle.succeeded(keys[0])
            return Principal(name=user.name, role=Role(user.role), via="session")

    def sign_in_oidc(self, claims: dict[str, Any]) -> Principal:
        """The user single sign-on vouches for: made on first sign-in, role kept in step with the
        provider's claims. Raises `Forbidden` when no claim gives a role or the account is disabled."""
        name = oidc.user_name(claims, self.settings)
        role = oidc.role_from_claims(claims, self.settings)
        if name is None or role is None:
            raise Forbidden("Your single sign-on account has no role on this server; ask an admin.")
        name = check_name(name)
        actor = Principal(name="oidc", role=Role.ADMIN, via="oidc", address="oidc")
        with self.database.session() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                user = _new_user(name, role, None, "oidc")
                session.add(user)
                add_entry(session, actor, "user.add", name, f"role {role.value}")
            elif user.disabled:
                raise Forbidden(f"The account {name!r} is disabled on this server.")
            elif user.role != role.value:
                add_entry(session, actor, "user.role", name, f"{user.role} -> {role.value}")
                user.role, user.updated = role.value, now()
            return Principal(name=name, role=role, via="oidc")

    # -- the session key -------------------------------------------------------------------------
    def session_secret(self) -> str:
        """`PSE_SESSION_SECRET`, or a random key kept (mode 600) in the data folder."""
        if self.settings.session_secret is not None:
            return self.settings.session_secret.get_secret_value()
        path = Path(self.settings.data_dir) / "session-secret"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made earlier, or by another process starting now
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="utf-8").strip()


def _new_user(name: str, role: Role, password_hash: str | None, source: str) -> User:
    """A user row as created locally (with a password hash) or on a first single sign-on."""
    stamp = now()
    return User(
        name=name,
        role=role.value,
        password_hash=password_hash,
        source=source,
        disabled=False,
        created=stamp,
        updated=stamp,
    )

"""The four roles, ordered, and `Principal`: who a request or a command acts as."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pse_assistant.core.errors import InvalidInput


class Role(StrEnum):
    """What a user may do. Each role holds every right of the roles below it.

    viewer asks, searches, browses and keeps their own conversations; assessor also scores the
    assessments they were invited to, as themselves; trainer also runs workshops, creates
    assessments, invites assessors and reads feedback; admin also ingests and removes documents,
    rebuilds the index, runs evaluations, manages users and reads the audit log. A strict order
    keeps one comparison per route instead of a matrix of permissions that could disagree.
    """

    VIEWER = "viewer"
    ASSESSOR = "assessor"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer up to 3 for admin."""
        return list(Role).index(self)

    def covers(self, needed: Role) -> bool:
        """Whether this role holds the rights of `needed`."""
        return self.rank >= needed.rank

    @classmethod
    def parse(cls, name: str) -> Role:
        """A role by name; raises `InvalidInput` naming the roles there are."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise InvalidInput(f"There is no role {name[:40]!r}; choose one of {names}.") from None


@dataclass(frozen=True)
class Principal:
    """The caller: a user's name and role, and how they proved it.

    `via` is `off` when auth is off (the one local person, who may do everything), `session` for a
    browser sign-in, `oidc` for single sign-on, `token` for an API token, `cli` for the operator
    at the terminal. `address` is where the request came from, for the audit log.
    """

    name: str
    role: Role
    via: str = "session"
    address: str = ""

    @property
    def owner(self) -> str | None:
        """The owner recorded on what this caller creates; None when auth is off (no accounts)."""
        return None if self.via == "off" else self.name


LOCAL = Principal(name="local", role=Role.ADMIN, via="off")


def operator() -> Principal:
    """The person at the terminal: `pse` commands act as the operating-system user, as admin
    (whoever can run `pse` on the server can read its database anyway)."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        name = "operator"
    return Principal(name=name, role=Role.ADMIN, via="cli", address="cli")

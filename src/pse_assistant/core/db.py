"""The one database every store shares: SQLAlchemy 2 on SQLite (embedded) or PostgreSQL, Alembic migrations.

SQLite stays the default for one person on their own machine: a file in the data folder, WAL mode,
foreign keys on, and every transaction started with `BEGIN IMMEDIATE`, so a transaction that reads and
then writes what it read (the next turn's position) holds the write lock from its start and concurrent
writers wait (busy timeout) instead of failing with "database is locked". PostgreSQL
(`PSE_DATABASE_URL=postgresql+psycopg://…`) is for a shared deployment; there the stores lock the rows
they read before writing (`SELECT … FOR UPDATE`), which SQLite's compiler leaves out.

Importing this module imports SQLAlchemy; the command line's fast paths import it only when a command
touches saved work.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from pse_assistant.core.errors import BackendUnavailable, PseError

if TYPE_CHECKING:
    from pse_assistant.core.settings import Settings

# Seconds a SQLite writer waits for another one to finish before it gives up.
SQLITE_BUSY_SECONDS = 30
# The key of the PostgreSQL advisory lock that serializes migrations and one-off data copies
# between app instances starting at the same time.
MIGRATION_LOCK = 1136700001
MIGRATIONS = "pse_assistant:migrations"
# Alembic keeps the running migration in module-level proxies (`alembic.context`, `alembic.op`), so
# two upgrades in one process (two assistants' first requests at once) must take turns. Other
# processes are kept apart by the database itself (the write lock, or the advisory lock).
_ALEMBIC = threading.Lock()


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for a name (PostgreSQL keys are signed bigints)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Base(DeclarativeBase):
    """Every table's model derives from this, so one metadata holds the whole schema."""


def database_url(settings: Settings) -> str:
    """`PSE_DATABASE_URL` when set; otherwise the embedded SQLite file `pse.db` in the data folder."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.data_dir / 'pse.db'}"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per connection: SQLAlchemy emits BEGIN itself (see `_sqlite_begin`), WAL, foreign keys."""
    dbapi_connection.isolation_level = None  # no implicit BEGIN from the sqlite3 module
    cursor = dbapi_connection.cursor()
    cursor.execute(f"pragma busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("pragma journal_mode = wal")
    cursor.execute("pragma foreign_keys = on")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Take the write lock when the transaction starts, so a read-then-write never deadlocks."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine and its sessions; each `session()` block is one transaction.

    Args:
        url: a SQLAlchemy URL, `sqlite:///path/pse.db` or `postgresql+psycopg://user@host/db`.
    """

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS}
            )
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(parsed, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises.

        Raises:
            BackendUnavailable: the database cannot be reached, refused the connection or stayed
                locked; a constraint that fails (a bug, never a user's input) is not caught here.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as error:
            raise _unavailable(self, error) from error

    def lock(self, session: Session) -> None:
        """Serialize this transaction with every other migration or one-off copy (PostgreSQL).

        SQLite needs nothing: each transaction already holds the database's write lock.
        """
        if self.dialect == "postgresql":
            session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})

    @contextmanager
    def advisory_lock(self, name: str, wait: float, poll: float = 0.5) -> Iterator[None]:
        """Hold a PostgreSQL session advisory lock named `name` for the block (several instances).

        Why a session lock on its own autocommit connection: an index build takes minutes, and a
        transaction held open that long would keep vacuum from cleaning up; the lock also ends by
        itself when a crashed instance's connection drops. `pg_try_advisory_lock` is polled rather
        than `pg_advisory_lock` waited on, so a waiting instance gives up after `wait` seconds
        with a message instead of hanging.

        Raises:
            PseError: another instance held the lock for longer than `wait` seconds.
            BackendUnavailable: the database cannot be reached.
        """
        if self.dialect != "postgresql":
            raise PseError("Advisory locks need PostgreSQL; SQLite deployments use a file lock.")
        key = lock_key(name)
        deadline = time.monotonic() + wait
        try:
            with self.engine.connect() as raw:
                connection = raw.execution_options(isolation_level="AUTOCOMMIT")
                try_lock = text("select pg_try_advisory_lock(:key)")
                while not connection.execute(try_lock, {"key": key}).scalar():
                    if time.monotonic() >= deadline:
                        raise PseError(
                            f"Another instance has held the lock {name!r} for over {wait:.0f} s; "
                            "try again when it finishes."
                        )
                    time.sleep(poll)
                try:
                    yield
                finally:
                    connection.execute(text("select pg_advisory_unlock(:key)"), {"key": key})
        except (OperationalError, InterfaceError) as error:
            raise _unavailable(self, error) from error

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (Alembic `upgrade head`), in one transaction.

        Runs on start and from `pse db upgrade`; a database already at head is left as it is. The
        migrations ship inside the package, so no alembic.ini is needed at run time.

        Raises:
            BackendUnavailable: the database cannot be reached or a migration failed.
        """
        from alembic import command

        config = self.alembic_config()
        try:
            with _ALEMBIC, self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except (OperationalError, InterfaceError) as error:
            raise _unavailable(self, error) from error

    def revision(self) -> str | None:
        """The schema's current Alembic revision (None before the first upgrade)."""
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, InterfaceError) as error:
            raise _unavailable(self, error) from error

    def alembic_config(self) -> Any:
        """Alembic's configuration, pointing at the migrations inside the package."""
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", MIGRATIONS)
        config.set_main_option(
            "sqlalchemy.url", self.engine.url.render_as_string(hide_password=False)
        )
        return config


def _unavailable(
    database: Database, error: OperationalError | InterfaceError
) -> BackendUnavailable:
    """A message a person can act on, without the driver's traceback."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    url = database.engine.url.render_as_string(hide_password=True)
    return BackendUnavailable(f"The database {url} failed: {reason}")

"""How Alembic runs the migrations: on the connection `Database.upgrade` gives it, or from a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from pse_assistant.core.db import MIGRATION_LOCK, Database
from pse_assistant.migrations.schema import metadata


def _run(connection: Connection) -> None:
    """Migrate on one connection; on PostgreSQL, one instance at a time (an advisory lock).

    On SQLite the connection's transaction already holds the write lock (`BEGIN IMMEDIATE`), so a
    second process starting at the same moment waits, then finds the schema at head.
    """
    context.configure(connection=connection, target_metadata=metadata())
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def _main() -> None:
    """`Database.upgrade` passes its connection; the `alembic` command passes `sqlalchemy.url`."""
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    database = Database(context.config.get_main_option("sqlalchemy.url") or "")
    with database.engine.begin() as connection:
        _run(connection)
    database.engine.dispose()


_main()

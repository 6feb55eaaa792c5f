"""The one way the project keeps records in SQLite: a file per store, short connections, WAL mode.

The standard library's sqlite3 is enough for a single node's small records. Each call opens its own
connection, so the API's worker threads never share one, and each `with` block is one transaction.
A transaction that reads and then writes what it read (the next turn's position) asks for
`immediate=True`: it takes the write lock at its start, so two of them never interleave.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteStore:
    """A SQLite file with its schema created on first use."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(schema)

    @contextmanager
    def _connect(self, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("pragma journal_mode=wal")
        db.execute("pragma foreign_keys=on")
        if immediate:
            db.execute("begin immediate")
        try:
            with db:
                yield db
        finally:
            db.close()

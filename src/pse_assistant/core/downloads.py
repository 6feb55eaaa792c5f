"""One managed folder for the files the app writes for download (plans, packs, reports, charts).

Every edge used to make its own temporary folder and forget some of them. Files written here are
served by the API and the UI and removed once they are older than `max_age` seconds (checked each
time a new folder is made), and all of them when the server stops.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

_PREFIX = re.compile(r"[^a-z0-9-]+")


class DownloadArea:
    """A folder of short-lived download folders.

    Args:
        root: where the folders go; a fresh temporary folder when omitted.
        max_age: seconds a download stays available.
    """

    def __init__(self, root: Path | None = None, max_age: float = 3600.0) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="pse-downloads-"))
        self.max_age = max_age
        self._lock = threading.Lock()

    def folder(self, prefix: str) -> Path:
        """A new empty folder for one download, after sweeping the expired ones."""
        self.sweep()
        name = (
            f"{_PREFIX.sub('-', prefix.lower()).strip('-') or 'download'}-{uuid.uuid4().hex[:12]}"
        )
        path = self.root / name
        path.mkdir(parents=True)
        return path

    def sweep(self, now: float | None = None) -> int:
        """Remove download folders older than `max_age`; returns how many were removed."""
        limit = (now if now is not None else time.time()) - self.max_age
        removed = 0
        with self._lock:
            if not self.root.is_dir():
                return 0
            for child in self.root.iterdir():
                try:
                    old = child.stat().st_mtime < limit
                except FileNotFoundError:
                    continue
                if old:
                    shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(
                        missing_ok=True
                    )
                    removed += 1
        return removed

    def clear(self) -> None:
        """Remove every download (at shutdown)."""
        with self._lock:
            shutil.rmtree(self.root, ignore_errors=True)

    def owns(self, path: Path) -> bool:
        """Whether `path` is a file inside this area (so the UI may hand it to a browser)."""
        try:
            return path.resolve().is_relative_to(self.root.resolve()) and path.is_file()
        except OSError:
            return False

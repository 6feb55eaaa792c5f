"""One managed folder for the files the app writes for download (plans, packs, reports, charts).

Every edge used to make its own temporary folder and forget some of them. Files written here are
served by the API and the UI (the UI's Gradio app may serve this folder and nothing else of the
disk), removed once they are older than `max_age` seconds (checked each time a folder is made, and on
a schedule by the server), and all of them when the server stops. A write that fails removes its
folder, so a failed request leaves nothing behind. Files made from data that has a version (an
assessment's charts) are kept under that version with `cached` and made again only when it changes.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_PREFIX = re.compile(r"[^a-z0-9.-]+")
_STRIPES = 64  # locks for `cached`, by key: two requests for one chart draw it once
T = TypeVar("T")


def within(path: Path | str, root: Path) -> bool:
    """Whether `path` lies inside `root`, both as written (`..` folded) and with links resolved.

    The answer depends only on the names, never on whether the file exists, so a refusal tells
    nothing about the disk.
    """
    folded = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root))
    if not folded.is_relative_to(base) or folded == base:
        return False
    try:
        return folded.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):
        return False


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
        self._stripes = [threading.Lock() for _ in range(_STRIPES)]

    def folder(self, prefix: str) -> Path:
        """A new empty folder for one download, after sweeping the expired ones."""
        self.sweep()
        name = f"{_name(prefix) or 'download'}-{uuid.uuid4().hex[:12]}"
        path = self.root / name
        path.mkdir(parents=True)
        return path

    def write(self, prefix: str, make: Callable[[Path], T]) -> T:
        """Call `make` with a new folder; if it fails, the folder goes and the error is raised."""
        folder = self.folder(prefix)
        try:
            return make(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def cached(self, key: str, name: str, make: Callable[[Path], Path]) -> Path:
        """The file `name` kept under `key` (an assessment and its version): made once, reused.

        `make` writes the file at the path it is given; it is written aside and moved in place, so
        a reader never sees half a file, and a failure leaves nothing. Each use renews the folder's
        age, so a file in use is not swept.
        """
        folder = self.root / f"cache-{_name(key)}"
        path = folder / _name(name)
        with self._stripes[zlib.crc32(str(path).encode()) % _STRIPES]:
            if path.is_file():
                os.utime(folder)
                return path
            made = self.write("tmp", lambda aside: make(aside / path.name))
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(made, path)
            shutil.rmtree(made.parent, ignore_errors=True)
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
            return within(path, self.root) and path.is_file()
        except OSError:
            return False


def _name(text: str) -> str:
    """A file-system-safe name: lower-case letters, digits, dots and dashes."""
    return _PREFIX.sub("-", text.lower()).strip("-.")[:120]

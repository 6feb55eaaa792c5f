"""The limits a user's file is held to while it is ingested, each a setting with a one-line refusal.

A 20 KB Word file can hold 5 MB of XML (12,500 passages, eight minutes of embedding) and a 1 MB one
300 MB (gigabytes of memory): the compressed size says nothing. So every ZIP-based file (DOCX; the
same guard serves any other) is checked from its central directory before a byte is unpacked: the
number of parts, the unpacked size of each and of all, and the compression ratio of each. Those
declared sizes bind: Python's `zipfile`, which python-docx reads through, stops a part at its declared
size and fails its checksum if it was a lie. Text and HTML have their own size cap, PDFs a page cap,
every file a passage cap and a time budget checked between pages and blocks of text.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pse_assistant.core.errors import IngestError
from pse_assistant.core.settings import Settings

MB = 1_000_000
# The ratio check applies to parts that unpack to more than this: tiny parts (a style sheet of
# repeated tags) legitimately compress far better than text does.
RATIO_FLOOR = MB


@dataclass(frozen=True)
class IngestLimits:
    """What one file may cost; `from_settings` reads the `PSE_INGEST_*` settings."""

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 100 * MB
    max_entry_bytes: int = 50 * MB
    max_entries: int = 2000
    max_ratio: float = 100.0
    max_text_bytes: int = 10 * MB
    max_pages: int = 2000
    max_chunks: int = 5000
    max_seconds: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        """The limits configured for this deployment."""
        return cls(
            max_file_bytes=int(settings.max_upload_mb * MB),
            max_uncompressed_bytes=int(settings.ingest_max_uncompressed_mb * MB),
            max_entry_bytes=int(settings.ingest_max_entry_mb * MB),
            max_entries=settings.ingest_max_entries,
            max_ratio=settings.ingest_max_ratio,
            max_text_bytes=int(settings.ingest_max_text_mb * MB),
            max_pages=settings.ingest_max_pages,
            max_chunks=settings.ingest_max_chunks,
            max_seconds=settings.ingest_max_seconds,
        )


class Deadline:
    """The time budget of one file, checked between pages and blocks (never mid-parse)."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        """Raise `IngestError` once the budget is spent."""
        if time.monotonic() > self.end:
            raise IngestError(
                self.path,
                f"reading it took longer than {self.seconds:g} s "
                "(the limit is PSE_INGEST_MAX_SECONDS)",
            )


def check_archive(path: Path, limits: IngestLimits, kind: str = "Word document (.docx)") -> None:
    """Refuse a ZIP-based file whose parts would unpack to too much; nothing is unpacked here.

    Raises:
        IngestError: not a ZIP file at all, too many parts, too large unpacked (in total or one
            part), or a part compressed more than `max_ratio` to 1 (the mark of a bomb).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(path, f"not a readable {kind}") from exc
    if len(parts) > limits.max_entries:
        raise IngestError(
            path,
            f"it holds {len(parts):,} parts; the limit is {limits.max_entries:,} "
            "(PSE_INGEST_MAX_ENTRIES)",
        )
    total = sum(part.file_size for part in parts)
    if total > limits.max_uncompressed_bytes:
        raise IngestError(
            path,
            f"it unpacks to {total / MB:,.0f} MB; the limit is "
            f"{limits.max_uncompressed_bytes / MB:,.0f} MB (PSE_INGEST_MAX_UNCOMPRESSED_MB)",
        )
    for part in parts:
        _check_part(path, part, limits)


def _check_part(path: Path, part: zipfile.ZipInfo, limits: IngestLimits) -> None:
    name = part.filename[:60]
    if part.file_size > limits.max_entry_bytes:
        raise IngestError(
            path,
            f"its part {name} unpacks to {part.file_size / MB:,.0f} MB; the limit is "
            f"{limits.max_entry_bytes / MB:,.0f} MB (PSE_INGEST_MAX_ENTRY_MB)",
        )
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
        raise IngestError(
            path,
            f"its part {name} is compressed {ratio:,.0f} to 1, the mark of a decompression "
            f"bomb; the limit is {limits.max_ratio:g} (PSE_INGEST_MAX_RATIO)",
        )


def check_size(path: Path, size: int, limit: int, what: str, setting: str) -> None:
    """Refuse a file over a size limit, saying which setting raises it."""
    if size > limit:
        raise IngestError(
            path,
            f"too big{' ' + what if what else ''} ({size / MB:.1f} MB; the limit is "
            f"{limit / MB:g} MB, {setting})",
        )

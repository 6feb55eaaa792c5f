"""Ingesting the user's own documents (PDF, DOCX, Markdown, text, HTML) with provenance and clause tags.

This is how an organization adds its policies, or its licensed copy of ISO 11367, on its own machine.
Each file is read into pages, split with LangChain's splitter, and each chunk is tagged with the clauses
it belongs to (a heading such as "7.2.3 Integrity and conflict management") or refers to. A file that
cannot be read gets a one-line reason and the others in the same call are still ingested.

Files are treated as hostile: each is held to `IngestLimits` (see `limits`), text hidden from a
reader in HTML (`display:none`, `hidden`, `aria-hidden`) is not indexed, and a symbolic link is not
followed unless asked, so a link to `/etc/passwd` in a shared folder is refused by name.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.documents import Document

from pse_assistant.core.errors import IngestError
from pse_assistant.corpus.references import find_references
from pse_assistant.corpus.structure import Structure
from pse_assistant.search.chunking import CountTokens, chunk_user_document, content_hash
from pse_assistant.search.index import USER_DOC
from pse_assistant.search.limits import Deadline, IngestLimits, check_archive, check_size

SUPPORTED = {
    ".pdf": "PDF",
    ".docx": "Word",
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "HTML",
    ".htm": "HTML",
}
BLOCK_CHARS = 64_000  # text is split in blocks this size, so limits are checked as it goes
# Inline styles that hide an element from a reader; what they hide is never indexed.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])|opacity\s*:\s*0(?![.\d])",
    re.IGNORECASE,
)
# Byte-order marks, longest first (UTF-32's little-endian mark begins with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
Refused = list[tuple[str, str]]
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][^\n]{2,160})$", re.MULTILINE
)


def document_id(path: Path) -> str:
    """Stable per file location, so ingesting a file again replaces its earlier version."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    stem = re.sub(r"[^a-z0-9]+", "-", path.name.lower()).strip("-")[:40]
    return f"{stem}-{digest}"


def expand_paths(paths: list[Path], follow_symlinks: bool = False) -> tuple[list[Path], Refused]:
    """Files as given and the supported files inside folders given, and the links refused.

    Without `follow_symlinks` a symbolic link, given or found in a folder, is refused with a reason
    that names it; with it, links are followed, each file is read once and a folder loop ends.
    """
    files: list[Path] = []
    refused: Refused = []
    for path in paths:
        if path.is_symlink() and not follow_symlinks:
            refused.append((str(path), _link_reason(path)))
        elif path.is_dir():
            found, skipped = _walk(path, follow_symlinks)
            files.extend(found)
            refused.extend(skipped)
        else:
            files.append(path)
    seen: set[str] = set()
    unique = []
    for file in files:
        key = os.path.realpath(file)
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique, refused


def _link_reason(path: Path) -> str:
    return f"a symbolic link (to {os.readlink(path)}); not followed without --follow-symlinks"


def _walk(folder: Path, follow: bool) -> tuple[list[Path], Refused]:
    files: list[Path] = []
    refused: Refused = []
    visited: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=follow):
        here = Path(root)
        visited.add(os.path.realpath(root))
        for name in sorted(dirs):
            if (here / name).is_symlink() and not follow:
                refused.append((str(here / name), _link_reason(here / name)))
        dirs[:] = sorted(d for d in dirs if os.path.realpath(here / d) not in visited)
        for name in sorted(names):
            path = here / name
            if path.suffix.lower() not in SUPPORTED:
                continue
            if path.is_symlink() and not follow:
                refused.append((str(path), _link_reason(path)))
            elif path.is_file():
                files.append(path)
    return files, refused


def read_pages(
    path: Path, limits: IngestLimits, deadline: Deadline | None = None
) -> list[Document]:
    """Read a file into pages (PDF) or one text (other formats); raise `IngestError` with a reason."""
    if not path.exists():
        raise IngestError(path, "file not found")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        kinds = ", ".join(sorted({s for s in SUPPORTED if len(s) <= 5}))
        raise IngestError(path, f"unsupported file type '{suffix or 'none'}' (supported: {kinds})")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "the file is empty")
    check_size(path, size, limits.max_file_bytes, "", "PSE_MAX_UPLOAD_MB")
    deadline = deadline or Deadline(path, limits.max_seconds)
    readers: dict[str, Callable[[Path, IngestLimits, Deadline], list[str]]] = {
        ".pdf": _pdf,
        ".docx": _docx,
        ".html": _html,
        ".htm": _html,
    }
    pages = readers.get(suffix, _text)(path, limits, deadline)
    if not any(p.strip() for p in pages):
        hint = " (a scanned PDF needs OCR first)" if suffix == ".pdf" else ""
        raise IngestError(path, f"no text could be extracted{hint}")
    return [
        Document(page_content=text, metadata={"page": n if suffix == ".pdf" else 0})
        for n, text in enumerate(pages, start=1)
        if text.strip()
    ]


def _pdf(path: Path, limits: IngestLimits, deadline: Deadline) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "the PDF is password protected; save an unprotected copy first")
        if len(reader.pages) > limits.max_pages:
            raise IngestError(
                path,
                f"it has {len(reader.pages):,} pages; the limit is {limits.max_pages:,} "
                "(PSE_INGEST_MAX_PAGES)",
            )
        pages = []
        for page in reader.pages:
            deadline.check()
            pages.append(page.extract_text() or "")
        return pages
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise IngestError(
                path, "the PDF is password protected; save an unprotected copy first"
            ) from exc
        raise IngestError(path, "not a readable PDF (damaged, or not a PDF at all)") from exc
    except Exception as exc:
        raise IngestError(path, "not a readable PDF (damaged, or not a PDF at all)") from exc


def _docx(path: Path, limits: IngestLimits, deadline: Deadline) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_archive(path, limits)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise IngestError(path, "not a readable Word document (.docx)") from exc
    except Exception as exc:
        raise IngestError(path, "not a readable Word document (.docx)") from exc
    deadline.check()
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        deadline.check()
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return ["\n".join(lines)]


def _decode(path: Path, limits: IngestLimits) -> str:
    check_size(
        path,
        path.stat().st_size,
        limits.max_text_bytes,
        "to read as text",
        "PSE_INGEST_MAX_TEXT_MB",
    )
    raw = path.read_bytes()
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"the text is not valid {encoding.upper()}") from exc
    if b"\x00" in raw[:4096]:
        raise IngestError(path, "looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(path, "the text is neither UTF-8 nor Windows-1252")


def _text(path: Path, limits: IngestLimits, deadline: Deadline) -> list[str]:
    return [_decode(path, limits)]


def _html(path: Path, limits: IngestLimits, deadline: Deadline) -> list[str]:
    """The visible text of a page: no scripts, menus or footers, nothing hidden from a reader."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path, limits), "lxml")
    deadline.check()
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template", "head"]):
        tag.decompose()
    hidden = soup.find_all(
        lambda t: (
            t.has_attr("hidden")
            or str(t.get("aria-hidden", "")).lower() == "true"
            or bool(_HIDDEN_STYLE.search(str(t.get("style", ""))))
        )
    )
    for tag in hidden:
        if not tag.decomposed:
            tag.decompose()
    return [soup.get_text("\n")]


def _tag(pages: list[Document], structure: Structure) -> list[Document]:
    """Split pages at clause headings so each part knows the clause it belongs to."""
    parts: list[Document] = []
    current = ""
    for page in pages:
        text = page.page_content
        cuts = [m for m in _HEADING.finditer(text) if m.group(1) in structure]
        bounds = [0, *(m.start() for m in cuts), len(text)]
        owners = [current, *(m.group(1) for m in cuts)]
        for (start, end), owner in zip(itertools.pairwise(bounds), owners, strict=False):
            chunk = text[start:end]
            if chunk.strip():
                parts.append(
                    Document(
                        page_content=chunk, metadata=dict(page.metadata) | {"heading_clause": owner}
                    )
                )
        current = owners[-1]
    return parts


def _blocks(parts: list[Document]) -> list[Document]:
    """Parts over `BLOCK_CHARS` cut at paragraph ends, so limits are checked between blocks."""
    out: list[Document] = []
    for part in parts:
        text = part.page_content
        while len(text) > BLOCK_CHARS:
            cut = text.rfind("\n\n", BLOCK_CHARS // 2, BLOCK_CHARS)
            cut = cut if cut > 0 else text.rfind("\n", BLOCK_CHARS // 2, BLOCK_CHARS)
            cut = cut if cut > 0 else BLOCK_CHARS
            out.append(Document(page_content=text[:cut], metadata=dict(part.metadata)))
            text = text[cut:]
        out.append(Document(page_content=text, metadata=dict(part.metadata)))
    return out


def chunk_file(
    path: Path, structure: Structure, count: CountTokens, limits: IngestLimits
) -> list[Document]:
    """Read, split and tag one file; raise `IngestError` with a one-line reason when it cannot."""
    deadline = Deadline(path, limits.max_seconds)
    pages = _blocks(_tag(read_pages(path, limits, deadline), structure))
    doc_id = document_id(path)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    base = {
        "doc_type": USER_DOC,
        "doc_id": doc_id,
        "file": path.name,
        "source": str(path.resolve()),
        "ingested": when,
    }

    def check(made: int) -> None:
        deadline.check()
        if made > limits.max_chunks:
            raise IngestError(
                path,
                f"it makes more than {limits.max_chunks:,} passages (PSE_INGEST_MAX_CHUNKS)",
            )

    chunks = []
    for chunk in chunk_user_document(
        [Document(page_content=p.page_content, metadata=base | p.metadata) for p in pages],
        count,
        check=check,
    ):
        owner = str(chunk.metadata.pop("heading_clause", ""))
        refs = find_references(chunk.page_content, structure).clauses
        clauses = list(dict.fromkeys(([owner] if owner else []) + refs))
        clause = clauses[0] if clauses else ""
        chunk.metadata |= {
            "clause": clause,
            "clauses": ",".join(clauses),
            "clause_title": structure.get(clause).title if clause else "",
            "section": f"page {chunk.metadata['page']}"
            if chunk.metadata.get("page")
            else path.name,
        }
        chunk.metadata["hash"] = content_hash(chunk.page_content, chunk.metadata)
        chunks.append(chunk)
    return chunks

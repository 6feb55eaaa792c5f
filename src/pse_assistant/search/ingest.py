"""Ingesting the user's own documents (PDF, DOCX, Markdown, text, HTML) with provenance and clause tags.

This is how an organization adds its policies, or its licensed copy of ISO 11367, on its own machine.
Each file is read into pages, split with LangChain's splitter, and each chunk is tagged with the clauses
it belongs to (a heading such as "7.2.3 Integrity and conflict management") or refers to. A file that
cannot be read gets a one-line reason and the others in the same call are still ingested.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.documents import Document

from pse_assistant.core.errors import IngestError
from pse_assistant.corpus.references import find_references
from pse_assistant.corpus.structure import Structure
from pse_assistant.search.chunking import CountTokens, chunk_user_document, content_hash
from pse_assistant.search.index import USER_DOC

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
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][^\n]{2,160})$", re.MULTILINE
)


def document_id(path: Path) -> str:
    """Stable per file location, so ingesting a file again replaces its earlier version."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    stem = re.sub(r"[^a-z0-9]+", "-", path.name.lower()).strip("-")[:40]
    return f"{stem}-{digest}"


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the supported files inside any folder given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            )
        else:
            out.append(path)
    return out


def read_pages(path: Path, max_bytes: int) -> list[Document]:
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
    if size > max_bytes:
        raise IngestError(
            path,
            f"too big ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB, PSE_MAX_UPLOAD_MB)",
        )
    reader = {".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html}.get(suffix, _text)
    pages = reader(path)
    if not any(p.strip() for p in pages):
        hint = " (a scanned PDF needs OCR first)" if suffix == ".pdf" else ""
        raise IngestError(path, f"no text could be extracted{hint}")
    return [
        Document(page_content=text, metadata={"page": n if suffix == ".pdf" else 0})
        for n, text in enumerate(pages, start=1)
        if text.strip()
    ]


def _pdf(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "the PDF is password protected; save an unprotected copy first")
        return [page.extract_text() or "" for page in reader.pages]
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


def _docx(path: Path) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise IngestError(path, "not a readable Word document (.docx)") from exc
    except Exception as exc:
        raise IngestError(path, "not a readable Word document (.docx)") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return ["\n".join(lines)]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise IngestError(path, "looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(path, "the text is neither UTF-8 nor Windows-1252")


def _text(path: Path) -> list[str]:
    return [_decode(path)]


def _html(path: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript"]):
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


def chunk_file(
    path: Path, structure: Structure, count: CountTokens, max_bytes: int
) -> list[Document]:
    """Read, split and tag one file; raise `IngestError` with a one-line reason when it cannot."""
    pages = _tag(read_pages(path, max_bytes), structure)
    doc_id = document_id(path)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    base = {
        "doc_type": USER_DOC,
        "doc_id": doc_id,
        "file": path.name,
        "source": str(path.resolve()),
        "ingested": when,
    }
    chunks = []
    for chunk in chunk_user_document(
        [Document(page_content=p.page_content, metadata=base | p.metadata) for p in pages], count
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

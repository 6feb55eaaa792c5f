"""Structure-aware chunking: a note section (or a part of it) per chunk, each within the model's limit.

Guidance sections are packed from whole units (a paragraph, a list item, an indicator with its three
bullets, a quiz question with its options) so a step or an indicator is never cut in two; a unit longer
than the budget is split at sentence ends. Every chunk starts with a header naming its clause and
section, so both the embedding and the lexical index see which clause a passage belongs to.
User documents go through LangChain's `RecursiveCharacterTextSplitter` sized by the same token count.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from pse_assistant.core.text import SENTENCE_BREAK
from pse_assistant.search.embeddings import MODEL_MAX_TOKENS

CountTokens = Callable[[str], int]
_ITEM_START = re.compile(r"^(?:\d+\.|[-*])\s+")


def chunk_id(metadata: dict[str, object], index: int) -> str:
    """A stable id from where the chunk comes from, so a refresh can match old and new chunks."""
    parts = [metadata.get(k, "") for k in ("doc_type", "doc_id", "source", "clause", "section")]
    key = "|".join(str(p) for p in parts) + f"|{metadata.get('target', '')}|{index}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def content_hash(text: str, metadata: dict[str, object]) -> str:
    """Changes whenever the text or anything a hit shows (title, section, page) changes."""
    shown = {k: v for k, v in sorted(metadata.items()) if k not in {"hash", "chunk_id", "line"}}
    payload = text + "\x00" + json.dumps(shown, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _units(text: str) -> list[tuple[str, str]]:
    """Split a section body into (subsection, unit) pairs: paragraphs, list items, H3 blocks."""
    units: list[tuple[str, str]] = []
    subsection = ""
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("### "):
            subsection = lines[0][4:].strip()
            lines = lines[1:]
            if subsection and lines and all(_ITEM_START.match(x.lstrip()) for x in lines[:1]):
                # An indicator: keep its heading and bullets together as one unit.
                units.append((subsection, "\n".join([f"{subsection}:", *lines])))
                continue
        current: list[str] = []
        for line in lines:
            if _ITEM_START.match(line) and current:
                units.append((subsection, "\n".join(current)))
                current = []
            current.append(line)
        if current:
            units.append((subsection, "\n".join(current)))
    return units


def _split_long(text: str, budget: int, count: CountTokens) -> list[str]:
    """Split a unit that alone exceeds the budget: at sentence ends, then at words."""
    pieces: list[str] = []
    current = ""
    for sentence in SENTENCE_BREAK.split(text):
        candidate = f"{current} {sentence}".strip()
        if count(candidate) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if count(sentence) <= budget:
            current = sentence
            continue
        words, current = sentence.split(), ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if count(candidate) > budget and current:
                pieces.append(current)
                candidate = word
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def pack_section(
    header: str, body: str, count: CountTokens, limit: int = MODEL_MAX_TOKENS
) -> list[str]:
    """Pack a section's units into chunk texts that each start with `header` and fit `limit`."""
    chunks: list[str] = []
    current: list[str] = []
    current_header = header

    def text_of(head: str, parts: list[str]) -> str:
        return head + "\n\n" + "\n".join(parts)

    for subsection, unit in _units(body) or [("", body.strip())]:
        head = f"{header} — {subsection}" if subsection else header
        if current and (head != current_header or count(text_of(head, [*current, unit])) > limit):
            chunks.append(text_of(current_header, current))
            current = []
        current_header = head
        budget = limit - count(head + "\n\n")
        if count(text_of(head, [unit])) > limit:
            chunks.extend(text_of(head, [piece]) for piece in _split_long(unit, budget, count))
            continue
        current.append(unit)
    if current:
        chunks.append(text_of(current_header, current))
    return chunks


def chunk_corpus_documents(docs: Iterable[Document], count: CountTokens) -> list[Document]:
    """Chunk the corpus's documents (guidance sections, structure, crosswalks, glossary)."""
    chunks: list[Document] = []
    for doc in docs:
        header, _, body = doc.page_content.partition("\n\n")
        if body:
            texts = pack_section(header, body, count)
        elif count(header) <= MODEL_MAX_TOKENS:
            texts = [header]
        else:
            texts = _split_long(header, MODEL_MAX_TOKENS - 2, count)
        chunks.extend(_finish(doc.metadata, texts, count))
    return chunks


def chunk_user_document(
    pages: Iterable[Document],
    count: CountTokens,
    size: int = 200,
    overlap: int = 30,
    check: Callable[[int], None] | None = None,
) -> list[Document]:
    """Chunk an ingested file page by page with LangChain's recursive splitter, by model tokens.

    `check`, given the number of chunks so far after each page, may raise to stop (a limit hit).
    """
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, length_function=count, keep_separator=True
    )
    chunks: list[Document] = []
    for page in pages:
        texts: list[str] = []
        for text in splitter.split_text(page.page_content):
            texts.extend(
                _split_long(text, MODEL_MAX_TOKENS - 2, count)
                if count(text) > MODEL_MAX_TOKENS
                else [text]
            )
        chunks.extend(_finish(page.metadata, texts, count, start=len(chunks)))
        if check is not None:
            check(len(chunks))
    return chunks


def _finish(
    metadata: dict[str, object], texts: list[str], count: CountTokens, start: int = 0
) -> list[Document]:
    out = []
    for offset, text in enumerate(texts):
        meta = dict(metadata) | {"chunk": start + offset, "tokens": count(text)}
        meta["chunk_id"] = chunk_id(meta, start + offset)
        meta["hash"] = content_hash(text, meta)
        out.append(Document(page_content=text, metadata=meta, id=str(meta["chunk_id"])))
    return out

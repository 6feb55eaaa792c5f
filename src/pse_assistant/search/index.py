"""The chunk index in Chroma: built aside in a new generation, then switched to in one step.

Every write (a corpus refresh, an ingested document, a removal) produces a new collection generation:
unchanged chunks are copied with their stored vectors, only new or changed chunks are embedded, and the
generation is marked complete as the very last step. Readers only ever use the newest complete
generation, so a build that fails or is killed half-way leaves the previous index serving.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from pse_assistant.core.errors import BackendUnavailable, IndexNotReady, PseError

Progress = Callable[[int, int], None]
USER_DOC = "user document"
# How a passage from the user's own files is labelled wherever it is shown: it was not written or
# reviewed by the project, and may say anything ("ignore previous instructions...").
USER_LABEL = "your document, not reviewed"
Origin = Literal["corpus", "user"]
_EMBED_BATCH = 64  # chunks embedded per write to Chroma: also how often a build reports progress
_COPY_BATCH = 1024  # unchanged chunks copied per write: no model involved, so larger is faster
WriterLock = Callable[[], AbstractContextManager[None]]


def make_client(data_dir: Path, chroma_url: str | None = None) -> Any:
    """An embedded `PersistentClient` under `data_dir`, or an `HttpClient` for a Chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise BackendUnavailable(
                f"PSE_CHROMA_URL must look like http://host:8000, not {chroma_url!r}"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise BackendUnavailable(
                f"Cannot reach the Chroma server at {chroma_url}: {exc}"
            ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)


class UserDocument(BaseModel):
    """A document of the user's own in the index: where it came from and what it holds."""

    id: str
    file: str
    source: str
    ingested: str
    chunks: int
    pages: int
    clauses: list[str]
    origin: Origin = "user"
    origin_label: str = USER_LABEL


@dataclass
class BuildReport:
    """What a write did: how many chunks were embedded, copied and removed, and how long it took."""

    embedded: int = 0
    copied: int = 0
    removed: int = 0
    total: int = 0
    seconds: float = 0.0
    generation: str = ""
    changed: bool = False
    skipped: list[str] = field(default_factory=list)
    units: int = 0  # answer units stored beside the chunks (see search.units)
    units_embedded: int = 0


def _clean(metadata: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Chroma accepts only scalar metadata values."""
    out: dict[str, str | int | float | bool] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            value = ",".join(str(v) for v in value)
        out[key] = value if isinstance(value, str | int | float | bool) else str(value)
    return out


class ChunkIndex:
    """Chunks and their vectors in Chroma, in generations.

    Args:
        client: a Chroma client (`PersistentClient`, `HttpClient` or `EphemeralClient`).
        embedder: the LangChain embeddings used for new chunks and for queries.
        model_name: recorded with each generation; a different model forces re-embedding.
        lock_path: a file used to let one writer at a time work on an embedded store (or on a
            Chroma server whose instances share one machine and no PostgreSQL).
        lock_wait: seconds a writer waits for `lock_path` before giving up; 0 fails at once (the
            terminal's `pse ingest` says another process is writing).
        writer_lock: a lock shared by every instance of a deployment (a PostgreSQL advisory lock),
            used instead of `lock_path`; several instances on one Chroma server build one at a
            time, and the one that waited then finds the index already up to date.
        prefix: collection name prefix, so several indexes can share one Chroma server.
        kind: what the collections hold (`chunks` for search, `units` for the sentences and list
            items answers are composed from), so two indexes can live side by side.
    """

    def __init__(
        self,
        client: Any,
        embedder: Embeddings,
        model_name: str,
        lock_path: Path | None = None,
        prefix: str = "pse",
        kind: str = "chunks",
        lock_wait: float = 0.0,
        writer_lock: WriterLock | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.model_name = model_name
        self.lock_path = lock_path
        self.lock_wait = lock_wait
        self.writer_lock = writer_lock
        self.prefix = f"{prefix}_{kind}_g"
        self._cache: tuple[str, list[Document]] | None = None
        self._vectors: tuple[str, np.ndarray] | None = None

    # -- reading -------------------------------------------------------------------------------
    def _generations(self) -> list[Any]:
        try:
            collections = self.client.list_collections()
        except Exception as exc:
            raise BackendUnavailable(f"The vector store cannot be read: {exc}") from exc
        ours = [c for c in collections if c.name.startswith(self.prefix)]
        return sorted(ours, key=lambda c: c.name)

    def active(self) -> Any | None:
        """The newest complete generation, or None before the first build.

        Another instance may switch generations and delete the one just listed before it is
        opened; the listing is then read once more, and the new generation is the answer.
        """
        for attempt in range(2):
            complete = [c for c in self._generations() if (c.metadata or {}).get("complete")]
            if not complete:
                return None
            try:
                return self.client.get_collection(complete[-1].name, embedding_function=None)
            except Exception as exc:
                if attempt:
                    raise BackendUnavailable(f"The vector store cannot be read: {exc}") from exc
        return None  # unreachable: the second attempt returns or raises

    def require_active(self) -> Any:
        """The active generation; raises `IndexNotReady` when there is none."""
        collection = self.active()
        if collection is None:
            raise IndexNotReady("The search index is not built yet. Run `pse index` first.")
        return collection

    def chunks(self, collection: Any | None = None) -> list[Document]:
        """Every chunk of the active generation, cached until the generation changes."""
        collection = collection or self.require_active()
        if self._cache and self._cache[0] == collection.name:
            return self._cache[1]
        got = collection.get(include=["documents", "metadatas"])
        docs = [
            Document(page_content=text, metadata=dict(meta or {}), id=cid)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        docs.sort(key=lambda d: d.id or "")
        self._cache = (collection.name, docs)
        return docs

    def vectors(self, collection: Any) -> np.ndarray:
        """The stored embeddings of a generation, one row per chunk in `chunks()` order."""
        if self._vectors and self._vectors[0] == collection.name:
            return self._vectors[1]
        docs = self.chunks(collection)
        got = collection.get(include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
        matrix = np.array([by_id[str(d.id)] for d in docs], dtype=np.float32).reshape(len(docs), -1)
        self._vectors = (collection.name, matrix)
        return matrix

    def query(self, vector: Sequence[float], n: int, collection: Any) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity."""
        n = max(1, min(n, collection.count()))
        found = collection.query(
            query_embeddings=[list(vector)], n_results=n, include=["distances"]
        )
        return [
            (cid, 1.0 - float(d))
            for cid, d in zip(found["ids"][0], found["distances"][0], strict=True)
        ]

    def user_documents(self) -> list[dict[str, Any]]:
        """One entry per ingested user document: id, file, pages, chunks, clauses, when."""
        collection = self.active()
        if collection is None:
            return []
        docs: dict[str, dict[str, Any]] = {}
        for chunk in self.chunks(collection):
            meta = chunk.metadata
            if meta.get("doc_type") != USER_DOC:
                continue
            entry = docs.setdefault(
                str(meta["doc_id"]),
                {
                    "id": meta["doc_id"],
                    "file": meta.get("file", ""),
                    "source": meta.get("source", ""),
                    "ingested": meta.get("ingested", ""),
                    "chunks": 0,
                    "pages": set(),
                    "clauses": set(),
                },
            )
            entry["chunks"] += 1
            if meta.get("page"):
                entry["pages"].add(int(meta["page"]))
            entry["clauses"].update(c for c in str(meta.get("clauses", "")).split(",") if c)
        for entry in docs.values():
            entry["pages"] = len(entry["pages"])
            entry["clauses"] = sorted(entry["clauses"])
        return sorted(docs.values(), key=lambda e: str(e["ingested"]))

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[None]:
        if self.writer_lock is not None:
            with self.writer_lock():
                yield
            return
        if self.lock_path is None:
            yield
            return
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_wait
        with self.lock_path.open("w") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise PseError(
                            "Another process is writing to the index right now; "
                            "try again when it finishes."
                        ) from None
                    time.sleep(0.5)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(
        self,
        keep: Callable[[Document], bool],
        add: Sequence[Document],
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> BuildReport:
        """Make a new generation: the old chunks `keep` accepts, plus `add` (replacing same ids).

        Unchanged chunks (same id, same content hash, same model) keep their stored vectors; the rest
        are embedded. Nothing changes and no generation is made when the result equals the old one.
        """
        started = time.perf_counter()
        with self._writing():
            old = self.active()
            old_chunks = self.chunks(old) if old is not None else []
            new_by_id = {str(d.id): d for d in add}
            target = [d for d in old_chunks if keep(d) and d.id not in new_by_id] + list(add)
            old_hash = {d.id: d.metadata.get("hash") for d in old_chunks}
            same_model = (
                old is not None and (old.metadata or {}).get("embedding_model") == self.model_name
            )
            reusable = {
                str(d.id)
                for d in target
                if same_model and not rebuild and old_hash.get(d.id) == d.metadata.get("hash")
            }
            report = BuildReport(
                total=len(target), removed=len(set(old_hash) - {d.id for d in target})
            )
            if old is not None and not rebuild and len(reusable) == len(target) == len(old_chunks):
                report.generation, report.seconds = old.name, time.perf_counter() - started
                return report
            self._drop_stale(keep_name=old.name if old is not None else None)
            collection = self._new_generation()
            try:
                report.copied = self._copy(old, collection, [d for d in target if d.id in reusable])
                fresh = [d for d in target if d.id not in reusable]
                report.embedded = self._embed_into(
                    collection, fresh, progress, len(target), report.copied
                )
                metadata = dict(collection.metadata or {}) | {"complete": True}
                collection.modify(metadata=metadata)
            except BaseException:
                self._delete(collection.name)
                raise
            if old is not None:
                self._delete(old.name)
            report.generation, report.changed = collection.name, True
            report.seconds = time.perf_counter() - started
            return report

    def _new_generation(self) -> Any:
        existing = self._generations()
        number = int(existing[-1].name.removeprefix(self.prefix)) + 1 if existing else 1
        return self.client.create_collection(
            f"{self.prefix}{number:06d}",
            configuration={"hnsw": {"space": "cosine"}},
            metadata={
                "complete": False,
                "embedding_model": self.model_name,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            embedding_function=None,
        )

    def _copy(self, old: Any, new: Any, docs: list[Document]) -> int:
        for start in range(0, len(docs), _COPY_BATCH):
            batch = docs[start : start + _COPY_BATCH]
            got = old.get(ids=[str(d.id) for d in batch], include=["embeddings"])
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            new.add(
                ids=[str(d.id) for d in batch],
                embeddings=[vectors[str(d.id)] for d in batch],
                documents=[d.page_content for d in batch],
                metadatas=[_clean(d.metadata) for d in batch],
            )
        return len(docs)

    def _embed_into(
        self,
        collection: Any,
        docs: list[Document],
        progress: Progress | None,
        total: int,
        done: int,
    ) -> int:
        if progress:
            progress(done, total)
        # Passages of like length side by side: the embedder batches texts padded to the same
        # length, and a write of mixed lengths would leave it many small batches.
        docs = sorted(docs, key=lambda d: len(d.page_content))
        for start in range(0, len(docs), _EMBED_BATCH):
            batch = docs[start : start + _EMBED_BATCH]
            vectors = self.embedder.embed_documents([d.page_content for d in batch])
            collection.add(
                ids=[str(d.id) for d in batch],
                embeddings=vectors,
                documents=[d.page_content for d in batch],
                metadatas=[_clean(d.metadata) for d in batch],
            )
            done += len(batch)
            if progress:
                progress(done, total)
        return len(docs)

    def _drop_stale(self, keep_name: str | None) -> None:
        """Remove generations left by interrupted builds (incomplete, or older than the active)."""
        for collection in self._generations():
            if collection.name != keep_name:
                self._delete(collection.name)

    def _delete(self, name: str) -> None:
        with suppress(Exception):
            self.client.delete_collection(name)
        if self._cache and self._cache[0] == name:
            self._cache = None

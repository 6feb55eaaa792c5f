"""Hybrid, clause-aware retrieval: dense (Chroma) and lexical (BM25) fused, then grouped by clause.

A query that names a clause gets that clause first; a clause that does not exist is reported with the
nearest ids; results are grouped by clause with at most a few passages each, so the top results span
several clauses unless the question is about one of them. `ClauseRetriever` wraps it as a LangChain
retriever so it composes with chains.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any, Literal

import bm25s
import Stemmer
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict, Field

from pse_assistant.core.errors import BackendUnavailable, InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.references import References, find_references
from pse_assistant.search.index import USER_DOC, USER_LABEL, ChunkIndex, Origin

Mode = Literal["hybrid", "dense", "bm25"]
Fusion = Literal["rrf", "weighted"]
MAX_QUERY_CHARS = 2000
QUERY_CACHE = 512  # query embeddings kept
CORPUS_LABEL = "pse-assistant guidance"
# Notes on one principle or sub-element, as opposed to group notes (scope, terms, elements, model).
_SPECIFIC_KINDS = frozenset({"principle", "sub-element"})
CASE_DOC = "case"


@dataclass(frozen=True)
class RetrievalConfig:
    """The knobs of retrieval; defaults are the values chosen by measurement (see the README)."""

    fusion: Fusion = "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5
    candidates: int = 60
    per_clause: int = 2
    passage_decay: float = 0.6
    passages_scored: int = 3
    clause_aware: bool = True
    mode: Mode = "hybrid"
    group_weight: float = 1.0
    # Worked-case passages illustrate a clause: they never add to its score (see `_clause_score`),
    # and this weight sets how often one takes a passage slot from the guidance. Dev, 86 questions:
    # a case passage in the top five for 20 at full weight, 6 at 0.8 (still first for a question
    # worded like the case), 1 at 0.6; recall@5 and MRR@10 are the same at all three.
    case_weight: float = 0.8


class Hit(BaseModel):
    """One retrieved passage; `origin` says whether the project wrote it or the user ingested it."""

    clause: str
    title: str
    section: str
    score: float
    text: str
    source: str
    doc_type: str = ""
    page: int | None = None
    chunk_id: str = ""
    origin: Origin = Field(
        default="corpus",
        description='"corpus" (the project\'s reviewed guidance) or "user" (a document you ingested).',
    )
    origin_label: str = Field(default=CORPUS_LABEL, description="The origin in words, for people.")


class MissingClause(BaseModel):
    """A clause the query named that ISO 11367:2025 does not have."""

    clause: str
    nearest: list[str]


class SearchResult(BaseModel):
    """Ranked clauses and their passages, grouped by clause, with what the query referred to."""

    query: str
    clauses: list[str]
    hits: list[Hit]
    referenced: list[str] = Field(default_factory=list)
    missing: list[MissingClause] = Field(default_factory=list)
    related: dict[str, list[str]] = Field(default_factory=dict)
    best_similarity: float = 0.0
    clause_scores: dict[str, float] = Field(
        default_factory=dict, description="Each ranked clause's fused score (higher is better)."
    )

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape of `pse search --json`."""
        return self.model_dump(mode="json")


class _Lexical:
    """BM25 over the chunks of one index generation (rebuilt only when the generation changes)."""

    def __init__(self, docs: list[Document]) -> None:
        self.stemmer = Stemmer.Stemmer("english")
        self.tokenizer = bm25s.tokenization.Tokenizer(stopwords="en", stemmer=self.stemmer)
        tokens = self.tokenizer.tokenize(
            [_lexical_text(d) for d in docs], return_as="ids", show_progress=False
        )
        self.bm25 = bm25s.BM25()
        self.bm25.index(tokens, show_progress=False)
        self.size = len(docs)

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        ids = self.tokenizer.tokenize(
            [query], update_vocab=False, return_as="ids", show_progress=False
        )
        if not ids or not [t for t in ids[0] if t != 0]:
            return []
        found, scores = self.bm25.retrieve(
            ids, k=min(n, self.size), show_progress=False, n_threads=1
        )
        return [(int(i), float(s)) for i, s in zip(found[0], scores[0], strict=True) if s > 0]


def _lexical_text(doc: Document) -> str:
    """The text, with the note's keywords, so BM25 also matches the words a note is known by."""
    keywords = str(doc.metadata.get("keywords", "")).replace(",", " ")
    return f"{doc.page_content} {keywords}"


_LOOKUP_WORDS = frozenset(
    "a an the what whats what's does do did say says said mean means cover covers covered about "
    "tell me us explain summarise summarize summary is are of in on iso 11367 2025 clause clauses "
    "section sections principle principles element elements sub-element subclause please show read "
    "give quick overview briefly brief and or".split()
)


def content_words(query: str) -> list[str]:
    """Words of a query other than clause numbers and the words of a plain lookup."""
    words = re.findall(r"[a-z][a-z'-]*", query.lower())
    return [w for w in words if w not in _LOOKUP_WORDS]


class HybridSearcher:
    """Search the index the way users ask: in their own words, by clause, or by topic.

    Args:
        index: the chunk index in Chroma.
        embedder: embeds the query (the same model the index was built with).
        corpus: the loaded corpus, for clause titles, nearest ids and related clauses.
        config: retrieval knobs.
    """

    def __init__(
        self,
        index: ChunkIndex,
        embedder: Embeddings,
        corpus: Corpus,
        config: RetrievalConfig | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.corpus = corpus
        self.config = config or RetrievalConfig()
        self._lock = threading.Lock()
        self._state: tuple[Any, list[Document], dict[str, int], _Lexical] | None = None
        self._checked = 0.0
        self._foreign_ids = {name: dict(cw.targets) for name, cw in corpus.crosswalks.items()}
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()

    def _current(self) -> tuple[Any, list[Document], dict[str, int], _Lexical]:
        """The active generation with its chunks and BM25, re-checked at most every two seconds."""
        with self._lock:
            now = time.monotonic()
            if self._state is None or now - self._checked > 2.0:
                collection = self.index.require_active()
                self._checked = now
                if self._state is None or self._state[0].name != collection.name:
                    docs = self.index.chunks(collection)
                    positions = {str(d.id): i for i, d in enumerate(docs)}
                    self._state = (collection, docs, positions, _Lexical(docs))
            return self._state

    def query_vector(self, query: str) -> list[float]:
        """The query's embedding, remembered for the last few hundred queries.

        An evaluation ranks each question again after answering it, and a follow-up is often
        searched twice; encoding is the costliest step of a search, so it is done once per text.
        """
        with self._lock:
            vector = self._vectors.get(query)
            if vector is not None:
                self._vectors.move_to_end(query)
                return vector
        vector = self.embedder.embed_query(query)
        with self._lock:
            self._vectors[query] = vector
            if len(self._vectors) > QUERY_CACHE:
                self._vectors.popitem(last=False)
        return vector

    def invalidate(self) -> None:
        """Forget the cached generation; the next search reads the index afresh."""
        with self._lock:
            self._state = None

    def search(self, query: str, k: int = 5, config: RetrievalConfig | None = None) -> SearchResult:
        """The `k` best passages, grouped by clause, and the ranked distinct clauses."""
        cfg = config or self.config
        query = " ".join(query.split())
        if not query:
            raise InvalidInput("The question is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(
                f"The question is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})."
            )
        if not 1 <= k <= 50:
            raise InvalidInput("k must be between 1 and 50.")
        try:
            collection, docs, positions, lexical = self._current()
            scores, best = self._fused(query, cfg, collection, docs, positions, lexical)
        except BackendUnavailable:
            raise
        except Exception:  # another process switched generations under us: retry once
            self.invalidate()
            collection, docs, positions, lexical = self._current()
            scores, best = self._fused(query, cfg, collection, docs, positions, lexical)
        refs = (
            find_references(query, self.corpus.structure, self._foreign_ids)
            if cfg.clause_aware
            else References()
        )
        if cfg.clause_aware:
            self._boost(query, scores, refs, docs)
        result = self._group(query, scores, docs, refs, k, cfg)
        result.best_similarity = round(best, 4)
        return result

    def _fused(
        self,
        query: str,
        cfg: RetrievalConfig,
        collection: Any,
        docs: list[Document],
        positions: dict[str, int],
        lexical: _Lexical,
    ) -> tuple[dict[int, float], float]:
        """Fused passage scores, and the best cosine similarity (how on-topic the query is)."""
        rankings: list[tuple[float, list[tuple[int, float]]]] = []
        best = 0.0
        if cfg.mode in {"hybrid", "dense"}:
            vector = self.query_vector(query)
            dense = [
                (positions[cid], s)
                for cid, s in self.index.query(vector, cfg.candidates, collection)
                if cid in positions
            ]
            rankings.append((cfg.dense_weight if cfg.mode == "hybrid" else 1.0, dense))
            best = max((score for _, score in dense), default=0.0)
        if cfg.mode in {"hybrid", "bm25"}:
            rankings.append(
                (
                    1 - cfg.dense_weight if cfg.mode == "hybrid" else 1.0,
                    lexical.search(query, cfg.candidates),
                )
            )
        fused: dict[int, float] = defaultdict(float)
        for weight, ranking in rankings:
            if not ranking:
                continue
            if cfg.fusion == "rrf" or cfg.mode != "hybrid":
                for rank, (pos, score) in enumerate(ranking):
                    fused[pos] += weight / (cfg.rrf_k + rank + 1) if cfg.mode == "hybrid" else score
            else:
                top, low = ranking[0][1], ranking[-1][1]
                for pos, score in ranking:
                    fused[pos] += weight * ((score - low) / (top - low) if top > low else 1.0)
        if cfg.group_weight != 1.0:
            for pos in fused:
                if docs[pos].metadata.get("kind") not in _SPECIFIC_KINDS:
                    fused[pos] *= cfg.group_weight
        if cfg.case_weight != 1.0:
            for pos in fused:
                if docs[pos].metadata.get("doc_type") == CASE_DOC:
                    fused[pos] *= cfg.case_weight
        return dict(fused), best

    def _boost(
        self, query: str, scores: dict[int, float], refs: References, docs: list[Document]
    ) -> None:
        """Named clauses go first; crosswalked ones get a nudge.

        A bare lookup ("what does 7.2.3 say?") lists the clause's passages in reading order, from
        "In brief" on; a question about a named clause ("evidence for 7.2.3") keeps relevance order.
        """
        top = max(scores.values(), default=1.0) or 1.0
        lookup = len(content_words(query)) <= 2
        for rank, clause_id in enumerate(refs.clauses):
            own = [
                pos
                for pos, doc in enumerate(docs)
                if doc.metadata.get("clause") == clause_id
                and doc.metadata.get("doc_type") == "guidance"
            ]
            own.sort(
                key=lambda pos: (
                    int(docs[pos].metadata.get("line", 0)),
                    int(docs[pos].metadata.get("chunk", 0)),
                )
            )
            for order, pos in enumerate(own):
                bonus = top * (3.0 - 0.1 * rank)
                if lookup:  # reading order alone: "In brief" first, then the note as written
                    scores[pos] = bonus + top * (1.0 - order / max(len(own), 1))
                    continue
                if docs[pos].metadata.get("section") == "In brief":
                    bonus += 0.2 * top
                scores[pos] = scores.get(pos, 0.0) + bonus
        for framework, target in refs.foreign:
            for pos, doc in enumerate(docs):
                meta = doc.metadata
                if meta.get("doc_type") == "crosswalk" and meta.get("section") == framework:
                    linked = str(meta.get("target", ""))
                    if linked == target or linked.startswith(f"{target}."):
                        scores[pos] = scores.get(pos, 0.0) + 1.5 * top

    def _group(
        self,
        query: str,
        scores: dict[int, float],
        docs: list[Document],
        refs: References,
        k: int,
        cfg: RetrievalConfig,
    ) -> SearchResult:
        by_clause: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for pos, score in scores.items():
            meta = docs[pos].metadata
            key = str(meta.get("clause") or f"doc:{meta.get('doc_id', '')}")
            by_clause[key].append((score, pos))
        ranked: list[tuple[float, str]] = []
        for key, items in by_clause.items():
            items.sort(reverse=True)
            ranked.append((self._clause_score(items, docs, cfg), key))
        ranked.sort(reverse=True)
        single = len(refs.clauses) == 1 and not refs.foreign
        hits: list[Hit] = []
        for _, key in ranked:
            limit = k if single and key == refs.clauses[0] else cfg.per_clause
            for score, pos in by_clause[key][:limit]:
                if len(hits) >= k:
                    break
                hits.append(self._hit(docs[pos], score))
            if len(hits) >= k:
                break
        clause_ids = [key for _, key in ranked if not key.startswith("doc:")]
        structure = self.corpus.structure
        related = {}
        for clause_id in clause_ids[:k]:
            note = self.corpus.note(clause_id)
            related[clause_id] = list(note.meta.related) if note else []
        return SearchResult(
            query=query,
            clauses=clause_ids[:10],
            clause_scores={
                key: round(score, 6) for score, key in ranked[:10] if not key.startswith("doc:")
            },
            hits=hits,
            referenced=refs.clauses,
            missing=[
                MissingClause(
                    clause=m,
                    nearest=["bibliography"] if m.startswith("Annex") else structure.nearest(m),
                )
                for m in refs.missing
            ],
            related=related,
        )

    @staticmethod
    def _clause_score(
        items: list[tuple[float, int]], docs: list[Document], cfg: RetrievalConfig
    ) -> float:
        """A clause's best passage plus its next ones, decayed; worked-case passages apart.

        A case passage illustrates its clause rather than adding evidence for it, so it counts
        only when it alone outscores the clause's other passages together: a question worded
        like the case still finds it, and the cases do not push sub-elements above the
        principles and broader clauses the guidance answers with.
        """
        own = [s for s, pos in items if docs[pos].metadata.get("doc_type") != CASE_DOC]
        score = sum(cfg.passage_decay**i * s for i, s in enumerate(own[: cfg.passages_scored]))
        case = max(
            (s for s, pos in items if docs[pos].metadata.get("doc_type") == CASE_DOC), default=0.0
        )
        return max(score, case)

    def _hit(self, doc: Document, score: float) -> Hit:
        meta = doc.metadata
        text = doc.page_content
        _, sep, body = text.partition("\n\n")
        if sep and meta.get("doc_type") != USER_DOC:
            text = body
        page = meta.get("page")
        user = meta.get("doc_type") == USER_DOC
        return Hit(
            clause=str(meta.get("clause", "")),
            title=str(meta.get("clause_title", "") or meta.get("file", "")),
            section=str(meta.get("subsection") or meta.get("section", "")),
            score=round(score, 6),
            text=text.strip(),
            source=str(meta.get("source", "")) + (f"#page={page}" if page else ""),
            doc_type=str(meta.get("doc_type", "")),
            page=int(page) if page else None,
            chunk_id=str(doc.id or ""),
            origin="user" if user else "corpus",
            origin_label=USER_LABEL if user else CORPUS_LABEL,
        )


class ClauseRetriever(BaseRetriever):
    """The hybrid searcher as a LangChain retriever: `retriever.invoke("...")` gives Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result: SearchResult = self.searcher.search(query, k=self.k)
        return [
            Document(
                page_content=hit.text,
                metadata={
                    "clause": hit.clause,
                    "title": hit.title,
                    "section": hit.section,
                    "score": hit.score,
                    "source": hit.source,
                    "doc_type": hit.doc_type,
                    "origin": hit.origin,
                },
                id=hit.chunk_id or None,
            )
            for hit in result.hits
        ]

"""The tutorial RAG pipeline, kept as the yardstick the real retriever must beat.

1,000-character chunks with 200 characters of overlap, embedded with the same model (which silently
drops anything past 256 word pieces), dense-only Chroma search, top-k: what most RAG tutorials build.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from pse_assistant.corpus.loader import Corpus


class TutorialPipeline:
    """Dense-only search over naive character chunks of the guidance notes, in an in-memory Chroma."""

    def __init__(self, corpus: Corpus, embedder: Embeddings, client: Any = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = embedder
        client = client or chromadb.EphemeralClient(
            settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.collection = client.create_collection(
            f"tutorial-{uuid.uuid4().hex[:8]}",
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        texts: list[str] = []
        clauses: list[str] = []
        for clause_id, note in corpus.notes.items():
            for piece in splitter.split_text(note.body):
                texts.append(piece)
                clauses.append(clause_id)
        vectors = embedder.embed_documents(texts)
        self.collection.add(
            ids=[str(i) for i in range(len(texts))],
            embeddings=vectors,
            documents=texts,
            metadatas=[{"clause": c} for c in clauses],
        )
        self.size = len(texts)

    def clauses(self, query: str, k: int = 10) -> list[str]:
        """Distinct clauses in the order of the top chunks (enough chunks to name `k` clauses)."""
        found = self.collection.query(
            query_embeddings=[self.embedder.embed_query(query)],
            n_results=min(self.size, 4 * k),
            include=["metadatas"],
        )
        ranked: list[str] = []
        for meta in found["metadatas"][0]:
            clause = str(meta["clause"])
            if clause not in ranked:
                ranked.append(clause)
        return ranked[:k]

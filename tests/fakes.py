"""Deterministic stand-ins for the embedding model, for fast tests of everything around it."""

from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"[a-z0-9]+")


class HashEmbeddings(Embeddings):
    """Hashed bag of words: texts sharing words are close, so search behaves plausibly.

    Also counts how many texts it embedded, so tests can prove what a refresh re-embeds, and can be
    told to fail after a number of calls, to interrupt a build half-way.
    """

    model_name = "hash-embeddings-384"

    def __init__(self, dim: int = 384, fail_after: int | None = None) -> None:
        self.dim = dim
        self.embedded = 0
        self.calls = 0
        self.fail_after = fail_after

    def count_tokens(self, text: str) -> int:
        """Roughly what a word-piece tokenizer gives, plus the two special tokens."""
        return math.ceil(len(text.split()) * 1.3) + 2

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            digest = hashlib.md5(word.encode()).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += (
                1.0 if digest[4] % 2 else -1.0
            )
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("simulated crash while embedding")
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

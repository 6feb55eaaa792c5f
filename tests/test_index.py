"""The index: chunks that fit the model, incremental refreshes, and builds that never break search."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pse_assistant.assistant import Assistant
from pse_assistant.core.settings import Settings
from pse_assistant.corpus.loader import Corpus, load_corpus
from pse_assistant.search.embeddings import MODEL_MAX_TOKENS, LocalEmbeddings, default_model_path
from tests.conftest import Edit
from tests.fakes import HashEmbeddings

SAME = 1e-6  # vectors this close are the same for every score an answer depends on


def test_every_chunk_fits_what_the_model_reads(corpus: Corpus) -> None:
    """The model keeps 256 word pieces; every chunk, counted by its own tokenizer, fits."""
    config = json.loads((Path(default_model_path()) / "sentence_bert_config.json").read_text())
    assert config["max_seq_length"] == MODEL_MAX_TOKENS == 256
    real = LocalEmbeddings()
    assistant = Assistant(Settings(), corpus=corpus, embedder=real)
    chunks = assistant.corpus_chunks()
    sizes = [real.count_tokens(c.page_content) for c in chunks]
    assert max(sizes) <= MODEL_MAX_TOKENS
    assert len(chunks) > 500
    guidance = [
        n for n, c in zip(sizes, chunks, strict=True) if c.metadata["doc_type"] == "guidance"
    ]
    assert sum(guidance) / len(guidance) > 100, "guidance chunks should not be needlessly tiny"


def test_chunking_loses_no_text(corpus: Corpus) -> None:
    """Every word of every section is in that section's chunks, and chunks carry clause metadata."""
    assistant = Assistant(Settings(), corpus=corpus, embedder=LocalEmbeddings())
    chunks = assistant.corpus_chunks()
    by_section: dict[tuple[str, str], Counter[str]] = {}
    for chunk in chunks:
        meta = chunk.metadata
        if meta["doc_type"] == "guidance":
            words = re.findall(r"\w+", chunk.page_content)
            by_section.setdefault((meta["clause"], meta["section"]), Counter()).update(words)
        assert meta["clause"] and meta["clause_title"] and meta["hash"] and meta["source"]
    for clause_id, note in corpus.notes.items():
        for section in note.sections:
            words = Counter(re.findall(r"\w+", section.text))
            got = by_section[(clause_id, section.title)]
            assert not words - got, (clause_id, section.title, list((words - got).items())[:5])


def test_refresh_embeds_only_what_changed(tmp_path: Path, corpus_copy: Path, edit: Edit) -> None:
    embedder = HashEmbeddings()
    assistant = Assistant(
        Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data"),
        corpus=load_corpus(corpus_copy),
        embedder=embedder,
    )
    first = assistant.build_index()
    assert first.changed and first.embedded == first.total > 500
    again = assistant.build_index()
    assert not again.changed and again.embedded == 0
    assert embedder.embedded == first.total + first.units  # chunks and answer units

    edit(
        corpus_copy / "guidance" / "7.2.2.md",
        "## In brief\n\n",
        "## In brief\n\nQuokka zygomorphic marmalade reviewers added this. ",
    )
    changed = Assistant(
        Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data"),
        corpus=load_corpus(corpus_copy),
        embedder=embedder,
    )
    report = changed.build_index()
    assert report.changed
    assert 1 <= report.embedded <= 3
    assert report.copied == report.total - report.embedded
    texts = [c.page_content for c in changed.index.chunks() if c.metadata.get("clause") == "7.2.2"]
    assert any("Quokka zygomorphic" in t for t in texts)

    rebuilt = changed.build_index(rebuild=True)
    assert rebuilt.embedded == rebuilt.total


def test_a_text_gets_the_same_vector_alone_or_among_others(corpus: Corpus) -> None:
    """A passage's vector depends on the passage only, not on the batch it was embedded in."""
    real = LocalEmbeddings()
    texts = [c.page_content for c in Assistant(Settings(), corpus=corpus).corpus_chunks()[:24]]
    texts += ["Gifts register.", "A much longer sentence about handling complaints at the counter."]
    together = np.array(real.embed_documents(texts))
    alone = np.array([real.embed_documents([text])[0] for text in texts[::5]])
    reordered = np.array(real.embed_documents(list(reversed(texts))))[::-1]
    # Padded to its longest neighbour, a passage's vector moved by up to 1e-3 (bfloat16 rounding);
    # what remains is float32 rounding in the last place.
    assert np.abs(alone - together[::5]).max() < SAME
    assert np.abs(reordered - together).max() < SAME


def test_a_refreshed_index_holds_the_vectors_of_a_fresh_build(
    tmp_path: Path, corpus_copy: Path, edit: Edit, real_assistant: Assistant
) -> None:
    """Edit a note, build, undo the edit and refresh: the vectors are a fresh build's.

    The refresh embeds the restored passages on their own, where the fresh build embedded them in
    batches with their neighbours; answers must not depend on how the index came to be.
    """
    note = corpus_copy / "guidance" / "7.2.2.md"
    original = note.read_text(encoding="utf-8")
    edit(note, "## In brief\n\n", "## In brief\n\nA sentence a reviewer added, then took out. ")
    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data")
    Assistant(settings, corpus=load_corpus(corpus_copy)).build_index()
    note.write_text(original, encoding="utf-8")
    refreshed = Assistant(settings, corpus=load_corpus(corpus_copy))
    report = refreshed.build_index()
    assert report.changed and 1 <= report.embedded <= 3 and report.units_embedded >= 1

    for mine, fresh in (
        (refreshed.index, real_assistant.index),
        (refreshed.unit_index.index, real_assistant.unit_index.index),
    ):
        ours, theirs = mine.require_active(), fresh.require_active()
        assert [d.id for d in mine.chunks(ours)] == [d.id for d in fresh.chunks(theirs)]
        assert np.abs(mine.vectors(ours) - fresh.vectors(theirs)).max() < SAME


def test_vectors_made_another_way_are_embedded_afresh(tmp_path: Path, corpus: Corpus) -> None:
    """An index from an earlier version (vectors padded differently) is not mixed with new ones."""
    settings = Settings(data_dir=tmp_path / "data")
    Assistant(settings, corpus=corpus, embedder=HashEmbeddings()).build_index()

    class Repadded(HashEmbeddings):
        vectors_id = "hash-embeddings-384 (padded to 16)"

    report = Assistant(settings, corpus=corpus, embedder=Repadded()).build_index()
    assert report.changed and report.embedded == report.total
    assert LocalEmbeddings().vectors_id.endswith("(padded to 16)")


def test_a_failed_build_leaves_the_previous_index_serving(tmp_path: Path, corpus: Corpus) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    Assistant(settings, corpus=corpus, embedder=HashEmbeddings()).build_index()
    before = Assistant(settings, corpus=corpus, embedder=HashEmbeddings()).search(
        "gifts register", k=3
    )

    crashing = Assistant(settings, corpus=corpus, embedder=HashEmbeddings(fail_after=1))
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashing.build_index(rebuild=True)

    after = Assistant(settings, corpus=corpus, embedder=HashEmbeddings())
    assert after.search("gifts register", k=3).hits == before.hits
    names = [c.name for c in after.index.client.list_collections()]
    assert sorted(n.split("_g")[0] for n in names) == ["pse_chunks", "pse_units"], names
    assert not after.build_index().changed


def test_search_before_any_build_says_what_to_do(fake_assistant: Assistant) -> None:
    from pse_assistant.core.errors import IndexNotReady

    with pytest.raises(IndexNotReady, match="pse index"):
        fake_assistant.search("accessibility")

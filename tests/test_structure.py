"""Finding clauses the way people name them, and the nearest ids when they do not exist."""

from __future__ import annotations

import pytest

from pse_assistant.core.errors import ClauseNotFound
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.structure import normalize_clause_ref


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.2.3", "7.2.3"),
        ("§7.4", "7.4"),
        ("clause 5.1.5?", "5.1.5"),
        ("Section 7.4.", "7.4"),
        ("principle 5.2.4", "5.2.4"),
        ("ISO 11367:2025 clause 6", "6"),
        ("Bibliography", "bibliography"),
    ],
)
def test_normalize_clause_ref(text: str, expected: str) -> None:
    assert normalize_clause_ref(text) == expected


@pytest.mark.parametrize(
    ("ref", "nearest"),
    [
        ("7.2.4", ["7.2.3", "7.2.2", "7.2.1"]),
        ("7.2.9", ["7.2.3", "7.2.2", "7.2.1"]),
        ("9.4.7", ["7.4.3", "7.4.2", "7.4.1"]),
        ("5.3", ["5.2", "5.1", "5"]),
        ("8", ["7", "6", "5"]),
        ("integrity", ["7.2.3"]),
    ],
)
def test_nearest(corpus: Corpus, ref: str, nearest: list[str]) -> None:
    assert corpus.structure.nearest(ref)[: len(nearest)] == nearest


def test_get_raises_with_a_readable_message(corpus: Corpus) -> None:
    with pytest.raises(ClauseNotFound) as caught:
        corpus.structure.get("§ 8.1")
    assert (
        str(caught.value)
        == "There is no clause 8.1 in ISO 11367:2025. Nearest clauses: 7.1, 7.2, 7.3."
    )
    assert caught.value.nearest == ["7.1", "7.2", "7.3"]


def test_tree_navigation(corpus: Corpus) -> None:
    s = corpus.structure
    assert [c.id for c in s.children("7.2")] == ["7.2.1", "7.2.2", "7.2.3"]
    assert [c.id for c in s.ancestors("7.2.3")] == ["7", "7.2"]
    assert s.get("7.2.3").label == "7.2.3 Integrity and conflict management"

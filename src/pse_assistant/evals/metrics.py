"""Clause-level retrieval metrics, deterministic and dependency-free, shared by benchmarks and evals."""

from __future__ import annotations

import math
from collections.abc import Sequence


def hit_at(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """1.0 when any gold clause is among the first `k`."""
    return 1.0 if set(ranked[:k]) & set(gold) else 0.0


def recall_at(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """Share of the gold clauses among the first `k`."""
    return len(set(ranked[:k]) & set(gold)) / len(set(gold)) if gold else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    """1/rank of the first gold clause within `k`, else 0."""
    for rank, clause in enumerate(ranked[:k], start=1):
        if clause in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    """Binary-relevance nDCG over distinct clauses."""
    gains = [1.0 / math.log2(i + 2) for i, c in enumerate(ranked[:k]) if c in gold]
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(set(gold)), k)))
    return sum(gains) / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

"""Per-item scores and their aggregation: pure functions, so a hand-made run can be checked by hand."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from pse_assistant.core.text import statement_list, statements
from pse_assistant.evals.metrics import hit_at, ndcg_at, percentile, recall_at, reciprocal_rank

from .dataset import EvalItem

# Item metrics are 0/1 flags or scores in [0, 1] (None when they do not apply), except these two.
RAW_METRICS = ("words", "latency_ms")
RETRIEVAL_METRICS = ("hit@1", "hit@3", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10")
GROUP_METRICS = (
    "pass_rate",
    "status_accuracy",
    "recall@5",
    "citation_correctness",
    "coverage",
    "semantic_coverage",
)
MIN_COVERAGE = 0.5
ABSTAIN = {"out_of_scope", "clause_not_found", "invalid_input"}


class ItemResult(BaseModel):
    """What one item got and how it scored; `metrics` keys match the summary's keys."""

    id: str
    type: str
    persona: str
    answerable: bool
    gold_clauses: list[str]
    question: str
    turns: int = 1
    status: str
    expected_status: str
    answer: str = ""
    cited: list[str] = Field(default_factory=list)
    retrieved: list[str] = Field(default_factory=list)
    ranking: list[str] = Field(default_factory=list)
    contexts: list[str] = Field(default_factory=list)
    missing_points: list[str] = Field(default_factory=list)
    semantic_points: list[str] | None = None  # points said in other words (None: not checked)
    previous_answer: str = ""  # the answer before the scored one, in a multi-turn item
    forbidden_found: list[str] = Field(default_factory=list)
    plan: dict[str, Any] | None = None
    judge: dict[str, Any] | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    passed: bool = False
    reasons: list[str] = Field(default_factory=list)


def expected_status(item: EvalItem) -> str:
    """The status a correct answer has: abstentions for what the corpus cannot answer."""
    if item.type == "out-of-scope":
        return "out_of_scope"
    if item.type == "nonexistent-clause":
        return "clause_not_found"
    if item.type == "prompt-injection" and not item.answerable:
        return "out_of_scope"
    if item.type == "greeting":
        return "small_talk"
    return "answered"


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def found(points: Iterable[str], text: str) -> list[str]:
    """The points present in `text`, case- and whitespace-insensitively (the dataset's own rule)."""
    body = _normal(text)
    return [p for p in points if _normal(p) in body]


def retrieval_metrics(ranking: Sequence[str], gold: Sequence[str]) -> dict[str, float | None]:
    """Clause-level retrieval scores of one ranking against the gold clauses."""
    return {
        "hit@1": hit_at(ranking, gold, 1),
        "hit@3": hit_at(ranking, gold, 3),
        "hit@5": hit_at(ranking, gold, 5),
        "recall@5": recall_at(ranking, gold, 5),
        "recall@10": recall_at(ranking, gold, 10),
        "mrr@10": reciprocal_rank(ranking, gold, 10),
        "ndcg@10": ndcg_at(ranking, gold, 10),
    }


def score(result: ItemResult, item: EvalItem) -> ItemResult:
    """Fill in the answer metrics, `passed` and the reasons of a result whose raw fields are set.

    Retrieval and plan metrics, when they apply, are already in `result.metrics`; this adds the rest
    so every way of producing a result (a real run, a test's hand-made one) scores the same way.
    """
    m = result.metrics
    answered = result.status == "answered"
    gold = item.gold_clauses
    m["status_accuracy"] = float(result.status == result.expected_status)
    m["citation_validity"] = float(set(result.cited) <= set(result.retrieved)) if answered else None
    scored = item.answerable and bool(gold)
    m["citation_correctness"] = float(bool(set(result.cited) & set(gold))) if scored else None
    present = found(item.must_include, result.answer)
    result.missing_points = [p for p in item.must_include if p not in present]
    coverage = len(present) / len(item.must_include) if item.must_include else None
    m["coverage"] = coverage if item.answerable else None
    semantic = None
    if result.semantic_points is not None and item.must_include:
        said_points = set(present) | set(result.semantic_points)
        semantic = len([p for p in item.must_include if p in said_points]) / len(item.must_include)
        result.missing_points = [p for p in item.must_include if p not in said_points]
    m["semantic_coverage"] = semantic if item.answerable else None
    m["repeat_rate"] = float(repeats(result.answer)) if result.answer else None
    m["repeats_previous"] = (
        float(bool(said(result.answer) & said(result.previous_answer)))
        if result.previous_answer
        else None
    )
    judged = semantic if semantic is not None else coverage
    result.forbidden_found = found(item.must_not_include, result.answer)
    m["forbidden_rate"] = float(bool(result.forbidden_found))
    m["words"] = float(len(re.findall(r"\w+", result.answer)))
    reasons = []
    if not m["status_accuracy"]:
        reasons.append(f"status {result.status}, expected {result.expected_status}")
    if result.forbidden_found:
        reasons.append("forbidden content: " + ", ".join(result.forbidden_found))
    if scored and not m["citation_correctness"]:
        reasons.append(f"cites {', '.join(result.cited) or 'nothing'}, gold {', '.join(gold)}")
    if item.answerable and judged is not None and judged < MIN_COVERAGE:
        reasons.append("missing key points: " + ", ".join(result.missing_points))
    if m.get("citation_validity") == 0.0:
        stray = sorted(set(result.cited) - set(result.retrieved))
        reasons.append("cites clauses it did not retrieve: " + ", ".join(stray))
    # Citation validity is reported, not gated per item: grounded answers cite by construction.
    result.reasons = reasons
    result.passed = not [r for r in reasons if not r.startswith("cites clauses it did not")]
    m["pass_rate"] = float(result.passed)
    return result


def said(text: str) -> set[str]:
    """The sentences an answer states (see `core.text.statements`)."""
    return statements(text)


def repeats(text: str) -> bool:
    """Whether the answer says one sentence twice."""
    found = statement_list(text)
    return len(found) != len(set(found))


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that apply; None when none do."""
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 4) if kept else None


def aggregate(results: Sequence[ItemResult]) -> dict[str, float | None]:
    """Means of every item metric, with latency percentiles and abstention precision and recall."""
    keys = sorted({k for r in results for k in r.metrics})
    out: dict[str, float | None] = {k: mean(r.metrics.get(k) for r in results) for k in keys}
    latencies = [v for r in results if (v := r.metrics.get("latency_ms")) is not None]
    out["latency_p50_ms"] = round(percentile(latencies, 50), 1)
    out["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    abstained = [r for r in results if r.status in ABSTAIN]
    unanswerable = [r for r in results if r.expected_status in ABSTAIN]
    right = [r for r in abstained if r.expected_status in ABSTAIN]
    out["abstention_precision"] = round(len(right) / len(abstained), 4) if abstained else None
    out["abstention_recall"] = round(len(right) / len(unanswerable), 4) if unanswerable else None
    out["items"] = float(len(results))
    return out


def grouped(
    results: Sequence[ItemResult], key: str, metrics: Sequence[str] = GROUP_METRICS
) -> dict[str, dict[str, float | None]]:
    """A few headline metrics per type, persona or gold clause (an item counts for each gold clause)."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for result in results:
        names = result.gold_clauses if key == "clause" else [str(getattr(result, key))]
        for name in names:
            groups[name].append(result)
    table: dict[str, dict[str, float | None]] = {}
    for name in sorted(groups, key=_group_order):
        rows = groups[name]
        table[name] = {"items": float(len(rows))}
        table[name] |= {m: mean(r.metrics.get(m) for r in rows) for m in metrics}
    return table


def _group_order(name: str) -> tuple[int, ...] | tuple[int, str]:
    """Clause ids in numeric order (7.2 before 7.10); other names alphabetically."""
    if re.fullmatch(r"\d+(\.\d+)*", name):
        return tuple(int(p) for p in name.split("."))
    return (10_000, name)

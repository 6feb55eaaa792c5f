"""Two runs side by side: how each summary metric moved, and which items changed and how."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from .report import read_run

ITEM_METRICS = ("recall@5", "mrr@10", "citation_correctness", "coverage", "status_accuracy")


class ItemChange(BaseModel):
    """One item whose pass/fail or metrics differ between the runs."""

    id: str
    before: bool
    after: bool
    deltas: dict[str, float] = Field(default_factory=dict)
    reasons_after: list[str] = Field(default_factory=list)


class Comparison(BaseModel):
    """Run B against run A: summary deltas (b - a) and per-item changes."""

    run_a: str
    run_b: str
    summary: dict[str, dict[str, float | None]]
    newly_failed: list[ItemChange] = Field(default_factory=list)
    newly_passed: list[ItemChange] = Field(default_factory=list)
    changed: list[ItemChange] = Field(default_factory=list)
    only_in_a: list[str] = Field(default_factory=list)
    only_in_b: list[str] = Field(default_factory=list)


def _delta(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return round(float(b) - float(a), 4)
    return None


def compare_runs(dir_a: Path, dir_b: Path) -> Comparison:
    """Compare two run folders written by `write_run` (A is the reference, B the new run)."""
    a, b = read_run(dir_a), read_run(dir_b)
    ma, mb = a.summary.get("metrics", {}), b.summary.get("metrics", {})
    summary = {
        name: {"a": ma.get(name), "b": mb.get(name), "delta": _delta(ma.get(name), mb.get(name))}
        for name in sorted(set(ma) | set(mb))
    }
    items_a = {r.id: r for r in a.items}
    items_b = {r.id: r for r in b.items}
    comparison = Comparison(
        run_a=str(dir_a),
        run_b=str(dir_b),
        summary=summary,
        only_in_a=sorted(set(items_a) - set(items_b)),
        only_in_b=sorted(set(items_b) - set(items_a)),
    )
    for item_id in [i for i in items_a if i in items_b]:
        ra, rb = items_a[item_id], items_b[item_id]
        deltas = {}
        for name in ITEM_METRICS:
            d = _delta(ra.metrics.get(name), rb.metrics.get(name))
            if d:
                deltas[name] = d
        change = ItemChange(
            id=item_id, before=ra.passed, after=rb.passed, deltas=deltas, reasons_after=rb.reasons
        )
        if ra.passed and not rb.passed:
            comparison.newly_failed.append(change)
        elif rb.passed and not ra.passed:
            comparison.newly_passed.append(change)
        elif deltas:
            comparison.changed.append(change)
    return comparison


def render_comparison(comparison: Comparison) -> str:
    """A plain-text rendering for the terminal and for review comments."""
    lines = [f"A: {comparison.run_a}", f"B: {comparison.run_b}", "", "metric  A  B  delta"]
    for name, row in comparison.summary.items():
        delta = row["delta"]
        if delta is None and row["a"] == row["b"]:
            continue
        sign = "" if delta is None else f"{delta:+.3f}"
        lines.append(f"{name:24} {_num(row['a']):>9} {_num(row['b']):>9} {sign:>8}")
    for title, changes in (
        ("passed in A, failed in B", comparison.newly_failed),
        ("failed in A, passed in B", comparison.newly_passed),
        ("other metric changes", comparison.changed),
    ):
        lines += ["", f"{title}: {len(changes)}"]
        for c in changes:
            moved = ", ".join(f"{k} {v:+.3f}" for k, v in c.deltas.items())
            why = f" ({'; '.join(c.reasons_after)})" if c.reasons_after and not c.after else ""
            lines.append(f"  {c.id}: {moved or 'no metric change'}{why}")
    if comparison.only_in_a or comparison.only_in_b:
        lines += ["", f"only in A: {', '.join(comparison.only_in_a) or '-'}"]
        lines.append(f"only in B: {', '.join(comparison.only_in_b) or '-'}")
    return "\n".join(lines)


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)

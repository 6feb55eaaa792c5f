"""The regression gate: the test split's headline metrics may not fall below the committed baseline."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pse_assistant.core.errors import InvalidInput, display_path

from .dataset import evals_dir

GATING = (
    "recall@5",
    "mrr@10",
    "citation_correctness",
    "status_accuracy",
    "pass_rate",
    "semantic_coverage",
)


def baseline_path() -> Path:
    """The committed baseline: `evals/baseline.json` in a checkout, or its copy in the wheel."""
    return evals_dir() / "baseline.json"


def load_baseline(path: Path | None = None) -> dict[str, Any]:
    """The committed baseline: {"split", "tolerance", "metrics": {name: value}}."""
    path = path or baseline_path()
    try:
        baseline = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InvalidInput(f"Cannot read the baseline {display_path(path)}: {error}") from error
    if not isinstance(baseline, dict) or not isinstance(baseline.get("metrics"), dict):
        raise InvalidInput(f"{display_path(path)}: expected an object with a 'metrics' object.")
    return baseline


def check_regression(summary: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """One message per gating metric more than the tolerance below its baseline; [] when it holds.

    Only falls count: a rise is good news, and taking it into the baseline is a deliberate, reviewed
    change to evals/baseline.json rather than something a run does by itself.
    """
    tolerance = float(baseline.get("tolerance", 0.0))
    metrics = summary.get("metrics", summary)
    problems = []
    for name in GATING:
        if name not in baseline["metrics"]:
            continue
        floor = float(baseline["metrics"][name])
        value = metrics.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            problems.append(f"{name}: missing from the run (baseline {floor:.3f})")
        elif float(value) < floor - tolerance - 1e-9:
            problems.append(
                f"{name}: {float(value):.3f} is below the baseline {floor:.3f} "
                f"by {floor - float(value):.3f} (tolerance {tolerance:.3f})"
            )
    return problems


def baseline_from(
    summary: dict[str, Any], split: str = "test", tolerance: float = 0.03
) -> dict[str, Any]:
    """A baseline file's content from a run, each metric rounded down to 3 decimals.

    Rounding down keeps the run that produced it passing; writing it to evals/baseline.json is
    left to a person, so re-baselining stays a reviewed commit.
    """
    metrics = summary.get("metrics", summary)
    return {
        "split": split,
        "tolerance": tolerance,
        "metrics": {n: math.floor(float(metrics[n]) * 1000) / 1000 for n in GATING},
    }

"""Answer-quality evaluation: datasets, offline metrics, reports, the regression gate and exports.

Lives here: `dataset` (items from JSONL or CSV), `run` (asking every item through the facade),
`scoring` and `metrics` (pure scoring functions), `baseline` (the tutorial pipeline it beats), `report`,
`compare`, `judge`, `export`, `gate` (the regression gate) and `service` (`evaluate`, what the edges
call). May import: the core packages and, for type checking only, the facade it measures.
"""

from .compare import Comparison, compare_runs, render_comparison
from .dataset import EvalItem, default_dataset, load_dataset
from .export import to_records, write_export
from .gate import GATING, baseline_path, check_regression, load_baseline
from .judge import Judge
from .report import read_run, write_run
from .run import EvalRun, run_eval
from .scoring import ItemResult
from .service import MetricRow, evaluate, metric_rows

__all__ = [
    "GATING",
    "Comparison",
    "EvalItem",
    "EvalRun",
    "ItemResult",
    "Judge",
    "MetricRow",
    "baseline_path",
    "check_regression",
    "compare_runs",
    "default_dataset",
    "evaluate",
    "load_baseline",
    "load_dataset",
    "metric_rows",
    "read_run",
    "render_comparison",
    "run_eval",
    "to_records",
    "write_export",
    "write_run",
]

"""Answer-quality evaluation: datasets, offline metrics, reports, the regression gate and exports."""

from .compare import Comparison, compare_runs, render_comparison
from .dataset import EvalItem, default_dataset, load_dataset
from .export import to_records, write_export
from .gate import GATING, check_regression, load_baseline
from .judge import Judge
from .report import read_run, write_run
from .run import EvalRun, run_eval
from .scoring import ItemResult

__all__ = [
    "GATING",
    "Comparison",
    "EvalItem",
    "EvalRun",
    "ItemResult",
    "Judge",
    "check_regression",
    "compare_runs",
    "default_dataset",
    "load_baseline",
    "load_dataset",
    "read_run",
    "render_comparison",
    "run_eval",
    "to_records",
    "write_export",
    "write_run",
]

"""Running an evaluation for a person: a shipped split or their own file, written to a run folder.

This is what `pse eval`, `POST /api/evals` and the Evaluate tab call. It lives with the evaluation,
not on the `Assistant` facade, because the evaluation measures the facade from outside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pse_assistant.core.errors import BackendUnavailable

from .dataset import default_dataset, load_dataset
from .export import write_export
from .judge import Judge
from .report import write_run
from .run import EvalRun, run_eval

if TYPE_CHECKING:
    from pse_assistant.assistant import Assistant

Progress = Callable[[int, int], None]

# Plain-language names for the headline metrics, with what each one measures, for people reading a run.
METRICS: dict[str, tuple[str, str]] = {
    "pass_rate": ("Answers that pass", "Share of questions whose answer passes every check."),
    "status_accuracy": (
        "Right kind of answer",
        "Answered when it should, refused or redirected when it should.",
    ),
    "recall@5": (
        "Right clause in the top 5",
        "Share of the expected clauses found among the first five.",
    ),
    "mrr@10": (
        "Rank of the first right clause",
        "1 when it comes first, 1/2 when second, and so on.",
    ),
    "hit@1": ("Right clause first", "Share of questions whose first clause is an expected one."),
    "ndcg@10": (
        "Ranking quality",
        "How high the expected clauses rank in the first ten (1 is ideal).",
    ),
    "citation_correctness": (
        "Cites the right clause",
        "Share of answers citing at least one expected clause.",
    ),
    "coverage": ("Key points covered", "Share of the expected key points found word for word."),
    "semantic_coverage": (
        "Key points covered (in meaning)",
        "Share of the expected key points said literally or in other words (calibrated check).",
    ),
    "repeat_rate": (
        "Answers that repeat a sentence",
        "Share of answers that say one sentence twice.",
    ),
    "repeats_previous": (
        "Follow-ups that repeat",
        "Share of follow-up answers that repeat a sentence of the answer before.",
    ),
    "abstention_precision": (
        "Refusals that were right",
        "Of the questions it declined, the share it should have declined.",
    ),
    "abstention_recall": (
        "Right refusals made",
        "Of the questions it should decline, the share it declined.",
    ),
    "latency_p50_ms": ("Typical answer time (ms)", "Half of the answers took less than this."),
    "latency_p95_ms": ("Slow answer time (ms)", "95 of 100 answers took less than this."),
}


class MetricRow(BaseModel):
    """One headline metric of a run, named for people."""

    name: str
    label: str
    explanation: str
    value: float | None

    @property
    def shown(self) -> str:
        """The value as a person reads it: milliseconds whole, shares with three decimals."""
        if self.value is None:
            return "n/a"
        return f"{self.value:.0f}" if self.name.endswith("_ms") else f"{self.value:.3f}"


def metric_rows(summary: dict[str, Any]) -> list[MetricRow]:
    """The headline metrics of a run summary, in a fixed order, with plain names."""
    metrics = summary.get("metrics", {})
    return [
        MetricRow(name=name, label=label, explanation=why, value=metrics.get(name))
        for name, (label, why) in METRICS.items()
        if name in metrics
    ]


def evaluate(
    assistant: Assistant,
    split: str | None = "test",
    dataset: Path | None = None,
    out_dir: Path | None = None,
    ablation: bool = True,
    judge: bool = False,
    repeats: int = 1,
    exports: Sequence[str] = (),
    progress: Progress | None = None,
) -> tuple[EvalRun, dict[str, Path]]:
    """Run a question set (a shipped split, or your own JSONL/CSV) and write the run's files.

    Returns the run and the paths written (summary.json, results.jsonl, report.html, junit.xml and
    any exports). The judge, when asked for, uses the `PSE_LLM_*` endpoint and never gates.
    """
    path = dataset or default_dataset(split or "test")
    items = load_dataset(path, split)
    judge_model = _judge(assistant, repeats) if judge else None
    label = path.stem + (f" ({split})" if split and split != path.stem else "")
    run = run_eval(
        assistant, items, ablation=ablation, judge=judge_model, progress=progress, label=label
    )
    run.summary["dataset"] = str(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = out_dir or assistant.settings.data_dir / "eval-runs" / f"{stamp}-{split or path.stem}"
    paths = write_run(run, folder)
    for fmt in exports:
        paths[f"{fmt}.jsonl"] = write_export(fmt, items, run, folder, assistant.corpus)
    return run, paths


def _judge(assistant: Assistant, repeats: int) -> Judge:
    s = assistant.settings
    if not s.llm_base_url:
        raise BackendUnavailable("The judge needs PSE_LLM_BASE_URL (and PSE_LLM_MODEL).")
    return Judge(
        base_url=s.llm_base_url,
        model=s.llm_model,
        api_key=s.llm_api_key,
        cache_path=s.data_dir / "judge-cache.json",
        repeats=repeats,
    )

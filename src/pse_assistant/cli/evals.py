"""`pse eval` and `pse eval compare`: the CLI edge of the answer-quality evaluation."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pse_assistant.accounts.roles import operator
from pse_assistant.cli.common import current_assistant, out, progress

app = typer.Typer()
eval_app = typer.Typer(
    help="Evaluate answer quality on a question set (offline by default).",
    invoke_without_command=True,
)
app.add_typer(eval_app, name="eval")


class Split(StrEnum):
    """The shipped question sets."""

    dev = "dev"
    test = "test"


class ExportFormat(StrEnum):
    """Field names of other evaluation tools."""

    ragas = "ragas"
    deepeval = "deepeval"


@eval_app.callback()
def evaluate(
    ctx: typer.Context,
    dataset: Annotated[
        Path | None, typer.Option("--dataset", help="Your own .jsonl or .csv question set.")
    ] = None,
    split: Annotated[
        Split | None, typer.Option("--split", help="dev or test (default: test).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Run folder (default: eval-runs/<time>-<split> in the data folder)."
        ),
    ] = None,
    no_ablation: Annotated[
        bool, typer.Option("--no-ablation", help="Skip the retrieval ablation.")
    ] = False,
    judge: Annotated[
        bool, typer.Option("--judge", help="Also score with the PSE_LLM_* endpoint (not gating).")
    ] = False,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Judge repeats per prompt.")] = 1,
    export: Annotated[
        list[ExportFormat] | None, typer.Option("--export", help="Also write ragas/deepeval JSONL.")
    ] = None,
) -> None:
    """Run the question set through the assistant and write summary, results, report and junit."""
    if ctx.invoked_subcommand is not None:
        return
    chosen = split.value if split else (None if dataset else "test")
    from pse_assistant.evals import evaluate as run_evaluation

    with progress("Evaluating the question set") as update:
        run, paths = run_evaluation(
            current_assistant(),
            split=chosen,
            dataset=dataset,
            out_dir=out_dir,
            ablation=not no_ablation,
            judge=judge,
            repeats=repeats,
            exports=[fmt.value for fmt in export or []],
            progress=update,
        )
    current_assistant().record(operator(), "eval.run", dataset.name if dataset else str(chosen))
    _print_summary(run.summary, gated=chosen == "test" and dataset is None)
    for path_written in paths.values():
        out.print(f"wrote {path_written}", highlight=False)


def _print_summary(summary: dict[str, Any], gated: bool) -> None:
    from rich.table import Table

    from pse_assistant.evals import GATING, baseline_path, check_regression, load_baseline
    from pse_assistant.evals.service import metric_rows

    table = Table(title=f"Evaluation: {summary.get('label', '')}")
    table.add_column("metric")
    table.add_column("what it measures")
    table.add_column("value", justify="right")
    for row in metric_rows(summary):
        table.add_row(f"{row.label} ({row.name})", row.explanation, row.shown)
    out.print(table)
    ablation = summary.get("ablation")
    if isinstance(ablation, dict) and ablation:
        abl = Table(title="Retrieval ablation")
        for column in ("variant", "hit@1", "recall@5", "mrr@10", "ndcg@10"):
            abl.add_column(column)
        for name, row in ablation.items():
            abl.add_row(
                name, *(f"{row[m]:.3f}" for m in ("hit@1", "recall@5", "mrr@10", "ndcg@10"))
            )
        out.print(abl)
    baseline = baseline_path()
    if gated and baseline.is_file():
        problems = check_regression(summary, load_baseline(baseline))
        verdict = (
            "[red]below the baseline:[/] " + "; ".join(problems)
            if problems
            else f"[green]gate holds[/] ({', '.join(GATING)} within tolerance of {baseline})"
        )
        out.print(verdict, highlight=False, soft_wrap=True)


@eval_app.command("compare")
def compare(
    run_a: Annotated[Path, typer.Argument(help="The reference run folder.")],
    run_b: Annotated[Path, typer.Argument(help="The new run folder.")],
) -> None:
    """Show how run B differs from run A: metric deltas and the items that changed."""
    from pse_assistant.evals import compare_runs, render_comparison

    try:
        comparison = compare_runs(run_a, run_b)
    except (OSError, ValueError) as error:
        out.print(f"[bold red]Error:[/] cannot read the runs: {error}", highlight=False)
        raise typer.Exit(2) from error
    out.print(render_comparison(comparison), highlight=False, soft_wrap=True)


@eval_app.command("calibrate")
def calibrate(
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Hand-labelled JSONL (default: the shipped sample)."),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Save the threshold for semantic coverage.")
    ] = False,
) -> None:
    """Choose the semantic key-point threshold on hand-labelled answers; report the agreement."""
    import json

    from pse_assistant.evals.semantic import calibrate as run
    from pse_assistant.evals.semantic import calibration_path, load_labels

    result = run(load_labels(labels), current_assistant().embedder.embed_documents)
    out.print(
        f"threshold {result.threshold:.3f}: agrees with {result.agreement:.0%} of {result.labels} "
        f"labels (the literal check agrees with {result.literal_agreement:.0%})",
        highlight=False,
    )
    if write:
        path = calibration_path()
        path.write_text(json.dumps(result.model_dump(), indent=2) + "\n", encoding="utf-8")
        out.print(f"wrote {path}", highlight=False)

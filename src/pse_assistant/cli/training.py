"""`pse assess`, `pse workshop` and `pse quiz`: the CLI edge for trainers and assessors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pse_assistant.accounts.roles import operator
from pse_assistant.cli.common import current_assistant, out
from pse_assistant.core.errors import PseError

app = typer.Typer()
assess_app = typer.Typer(
    help="Self-assessments: several assessors, then a consensus.", no_args_is_help=True
)
app.add_typer(assess_app, name="assess")


@assess_app.command("create")
def assess_create(
    name: Annotated[str, typer.Argument(help="A name for this assessment round.")],
    org: Annotated[str, typer.Option("--org", help="The organization assessed.")],
    principles: Annotated[
        bool, typer.Option("--principles", help="Also score the 14 principles.")
    ] = False,
) -> None:
    """Start an assessment; prints its id."""
    created = current_assistant().training.create(name, org, principles)

    out.print(
        f"Created assessment [bold]{created.id}[/] ({len(created.items)} elements).",
        highlight=False,
    )


@assess_app.command("list")
def assess_list() -> None:
    """Every assessment."""
    for item in current_assistant().training.assessments():
        out.print(
            f"[bold]{item.id}[/]  {item.name}  {item.organization}  [dim]{item.created}[/]",
            highlight=False,
        )


@assess_app.command("score")
def assess_score(
    assessment_id: Annotated[str, typer.Argument(help="The assessment id.")],
    clause: Annotated[str, typer.Argument(help="The element, e.g. 7.2.3.")],
    score: Annotated[int, typer.Argument(help="1 to 5.")],
    assessor: Annotated[str, typer.Option("--assessor", help="Who is scoring.")],
    evidence: Annotated[str, typer.Option("--evidence", help="What the score rests on.")] = "",
) -> None:
    """Record one assessor's score; scoring again replaces it."""
    current_assistant().training.score(assessment_id, assessor, clause, score, evidence)

    out.print(f"{assessor}: {clause} = {score}")


@assess_app.command("agree")
def assess_agree(
    assessment_id: Annotated[str, typer.Argument(help="The assessment id.")],
    clause: Annotated[str, typer.Argument(help="The element, e.g. 7.2.3.")],
    score: Annotated[int, typer.Argument(help="The agreed score, 1 to 5.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the group agreed on it.")],
) -> None:
    """Record the consensus score of an element and its reason."""
    current_assistant().agree_as(operator(), assessment_id, clause, score, reason)

    out.print(f"Agreed: {clause} = {score}")


@assess_app.command("show")
def assess_show(
    assessment_id: Annotated[str, typer.Argument(help="The assessment id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The consensus view: scores per assessor, spread, agreed scores, strengths and improvements."""
    result = current_assistant().training.result(assessment_id)

    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    from rich.table import Table

    header, rows = result.table()
    table = Table(title=f"{result.assessment.name} — {result.assessment.organization}")
    for column in header:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    for label, text in result.findings().items():
        out.print(f"{label}: {text}", highlight=False)


@assess_app.command("report")
def assess_report(
    assessment_id: Annotated[str, typer.Argument(help="The assessment id.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the XLSX, DOCX and charts.")
    ] = Path("."),
) -> None:
    """Write the XLSX (scores, evidence, spread), the DOCX report and the charts (PNG and SVG)."""
    training = current_assistant().training
    written = [training.report(assessment_id, fmt, out_dir) for fmt in ("xlsx", "docx")]
    written += training.charts(assessment_id, out_dir / "charts")
    for path in written:
        out.print(f"wrote {path}", highlight=False)


@assess_app.command("plan")
def assess_plan(
    assessment_id: Annotated[str, typer.Argument(help="The assessment id.")],
    org: Annotated[str, typer.Option("--org", help="The organization the plan is for.")],
    months: Annotated[int, typer.Option("--months", min=3, max=36)] = 12,
    weakest: Annotated[
        int, typer.Option("--weakest", min=1, max=12, help="How many weak elements.")
    ] = 3,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the plan (.docx/.xlsx/.md/.json).")
    ] = None,
) -> None:
    """Turn the gaps into a plan: the weakest elements as one programme."""
    assistant = current_assistant()
    plan = assistant.training.plan_from_gaps(assessment_id, org, months, weakest)
    if out_file is not None:
        out.print(
            f"wrote {assistant.export_plan(plan, out_file.suffix.lstrip('.') or 'md', out_file)}"
        )
        return
    out.print(
        f"{plan.title}: {len(plan.actions)} actions for {', '.join(plan.clauses)}.", highlight=False
    )


@app.command("workshop")
def workshop(
    clause: Annotated[
        str, typer.Argument(help="A principle (5.1.1), element (7.2) or sub-element (7.2.3).")
    ],
    minutes: Annotated[int, typer.Option("--minutes", help="60, 90 or 180.")] = 90,
    audience: Annotated[
        str, typer.Option("--audience", help="front-line-staff, managers, leadership or assessors.")
    ] = "managers",
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write .pptx, .docx or .md (by suffix); a name ending in -handout.docx writes "
            "the one-page participant handout.",
        ),
    ] = None,
) -> None:
    """A workshop pack: agenda, objectives, scenario card, prompts, quiz with answer key, notes."""
    assistant = current_assistant()
    pack = assistant.training.workshop(clause, minutes, audience)
    if out_file is None:
        typer.echo(assistant.workshop_markdown(pack))
        return
    handout = out_file.name.endswith("-handout.docx")
    fmt = "handout" if handout else out_file.suffix.lstrip(".") or "md"
    written = assistant.training.export_workshop(pack, fmt, out_file)
    out.print(
        f"wrote {written} ({len(pack.quiz)} quiz questions, {pack.minutes} minutes)",
        highlight=False,
    )


@app.command("quiz")
def quiz(
    clause: Annotated[str, typer.Argument(help="The clause to be quizzed on.")],
    count: Annotated[int, typer.Option("--count", min=1, max=20)] = 8,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the questions and answers as JSON.")
    ] = False,
) -> None:
    """Answer the quiz interactively: each answer gets its explanation and citation."""
    training = current_assistant().training
    items = training.quiz(clause, count)
    if as_json:
        typer.echo(json.dumps([i.model_dump() for i in items], ensure_ascii=False, indent=2))
        return
    right = 0
    for item in items:
        out.print(f"\n[bold]{item.number}. {item.question}[/]", highlight=False)
        for letter, option in item.options.items():
            out.print(f"   {letter}) {option}", highlight=False)
        letter = typer.prompt("Your answer").strip().upper()
        try:
            feedback = training.check(clause, item.number, letter, count)
        except PseError as error:
            out.print(f"[yellow]{error}[/]", highlight=False)
            continue
        right += feedback.correct
        verdict = (
            "[green]Right.[/]" if feedback.correct else f"[red]Not quite: {feedback.answer}.[/]"
        )
        out.print(f"{verdict} {feedback.explanation} {feedback.citation}", highlight=False)
    out.print(f"\n{right} of {len(items)} right.")

"""`pse plan`: the CLI edge of action plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pse_assistant.cli.common import current_assistant, out

app = typer.Typer()


@app.command("plan")
def plan(
    clauses: Annotated[
        list[str],
        typer.Argument(help="Sub-elements (7.2.2), elements (7.2) or principles (5.2.4)."),
    ],
    org: Annotated[
        str, typer.Option("--org", help="Your organization, e.g. 'regional health agency'.")
    ] = ("public service organization"),
    months: Annotated[int, typer.Option("--months", min=3, max=36, help="Horizon in months.")] = 12,
    maturity: Annotated[
        int, typer.Option("--maturity", min=1, max=5, help="Current maturity, 1 to 5.")
    ] = 2,
    size: Annotated[str, typer.Option("--size", help="small, medium or large.")] = "medium",
    priorities: Annotated[
        str, typer.Option("--priorities", help="What matters most, in your words.")
    ] = "",
    constraints: Annotated[
        str, typer.Option("--constraints", help="What limits you, in your words.")
    ] = "",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write to .docx, .xlsx, .md or .json (by its suffix)."),
    ] = None,
) -> None:
    """Draft an action plan (objectives, actions, owners, timing, indicators, evidence, risks)."""
    from rich.markdown import Markdown

    from pse_assistant.plans.models import PlanRequest

    assistant = current_assistant()
    request = PlanRequest(
        clauses=clauses,
        organization=org,
        size=size,
        horizon_months=months,
        maturity=maturity,
        priorities=priorities,
        constraints=constraints,
    )
    drafted = assistant.draft_plan(request)
    if out_file is None:
        out.print(Markdown(assistant.plan_markdown(drafted)))
        return
    written = assistant.export_plan(drafted, out_file.suffix.lstrip(".").lower() or "md", out_file)
    out.print(f"Wrote {written} ({len(drafted.actions)} actions over {months} months).")

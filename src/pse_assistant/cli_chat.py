"""`pse ask`, `pse chat`, `pse conversations` and `pse plan`: the CLI edge of answering and planning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown

from .chat import Answer
from .cli import EXIT_NOT_FOUND, _fail, app, current_assistant, err, out
from .errors import PseError

conversations_app = typer.Typer(help="Saved conversations.", no_args_is_help=True)
app.add_typer(conversations_app, name="conversations")


def _show(answer: Answer, streamed: bool = False) -> None:
    if not streamed:
        out.print(Markdown(answer.answer))
    for notice in answer.notices:
        out.print(f"[yellow]Note:[/] {notice}", highlight=False)
    out.print(
        f"[dim]{answer.status} · {answer.mode} · conversation {answer.conversation_id}[/]",
        highlight=False,
    )


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in your own words or by clause.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole answer structure as JSON.")
    ] = False,
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="Continue this conversation.")
    ] = None,
) -> None:
    """Answer one question from the corpus, with clause citations."""
    try:
        answer = current_assistant().ask(question, conversation)
    except PseError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _show(answer)
    if answer.status == "invalid_input":
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("chat")
def chat(
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="Resume this conversation.")
    ] = None,
) -> None:
    """An interactive session with history: follow-up questions keep their context. Ctrl-D or 'exit' ends it."""
    assistant = current_assistant()
    out.print("Ask about ISO 11367:2025 (type 'exit' to leave, '/new' for a fresh conversation).")
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if question.lower() in {"exit", "quit", "/exit", "/quit"}:
            break
        if question == "/new":
            conversation = None
            out.print("[dim]New conversation.[/]")
            continue
        if not question:
            continue
        try:
            final: Answer | None = None
            streamed = assistant.llm is not None
            for event in assistant.ask_stream(question, conversation):
                if event["type"] == "token" and streamed:
                    out.print(event["text"], end="", markup=False, highlight=False)
                elif event["type"] == "answer":
                    final = event["answer"]
        except PseError as error:
            err.print(f"[bold red]Error:[/] {error}", highlight=False)
            continue
        if final is not None:
            if streamed:
                out.print()
            _show(final, streamed=streamed and final.mode == "llm")
            conversation = final.conversation_id


@conversations_app.command("list")
def conversations_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Saved conversations, newest first."""
    items = current_assistant().conversations.all()
    if as_json:
        typer.echo(
            json.dumps([c.model_dump(mode="json", exclude={"turns"}) for c in items], indent=2)
        )
        return
    if not items:
        out.print('No conversations yet. Start one with: pse ask "..." or pse chat')
    for item in items:
        out.print(f"[bold]{item.id}[/]  {item.title}  [dim]{item.updated}[/]", highlight=False)


@conversations_app.command("export")
def conversations_export(
    conversation_id: Annotated[str, typer.Argument(help="A conversation id.")],
    fmt: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
    out_file: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """A conversation as Markdown or JSON."""
    if fmt not in {"md", "json"}:
        raise _fail(PseError("--format must be md or json."))
    try:
        text = current_assistant().conversations.export(
            conversation_id, "json" if fmt == "json" else "md"
        )
    except PseError as error:
        raise _fail(error) from error
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"Wrote {out_file}")
    else:
        typer.echo(text)


@conversations_app.command("delete")
def conversations_delete(
    conversation_id: Annotated[str, typer.Argument(help="A conversation id.")],
) -> None:
    """Delete a conversation."""
    try:
        current_assistant().conversations.delete(conversation_id)
    except PseError as error:
        raise _fail(error) from error
    out.print(f"Deleted {conversation_id}.")


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
    from pydantic import ValidationError

    from .plan_export import to_markdown
    from .plans import PlanProfile

    assistant = current_assistant()
    try:
        profile = PlanProfile(
            organization=org,
            size=size,
            horizon_months=months,
            maturity=maturity,
            priorities=priorities,
            constraints=constraints,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _fail(PseError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")) from exc
    try:
        drafted = assistant.draft_plan(clauses, profile)
        if out_file is None:
            out.print(Markdown(to_markdown(drafted)))
            return
        fmt = out_file.suffix.lstrip(".").lower() or "md"
        written = assistant.export_plan(drafted, fmt, out_file)
    except PseError as error:
        raise _fail(error) from error
    out.print(f"Wrote {written} ({len(drafted.actions)} actions over {months} months).")

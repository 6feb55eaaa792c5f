"""`pse ask`, `pse chat` and `pse conversations`: the CLI edge of answering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pse_assistant.cli.common import EXIT_NOT_FOUND, current_assistant, err, out
from pse_assistant.core.errors import PseError

if TYPE_CHECKING:
    from pse_assistant.answer.models import Answer

app = typer.Typer()
conversations_app = typer.Typer(help="Saved conversations.", no_args_is_help=True)
app.add_typer(conversations_app, name="conversations")


def _show(answer: Answer, streamed: bool = False) -> None:
    from rich.markdown import Markdown

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
    from pse_assistant.answer.models import Status

    answer = current_assistant().ask(question, conversation)
    if as_json:
        typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _show(answer)
    if answer.status == Status.INVALID_INPUT:
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("chat")
def chat(
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="Resume this conversation.")
    ] = None,
) -> None:
    """An interactive session with history: follow-up questions keep their context. Ctrl-D or 'exit' ends it."""
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
        elif question:
            conversation = _turn(question, conversation)


def _turn(question: str, conversation: str | None) -> str | None:
    """One question of a chat: stream it when a model writes it, show it, return the conversation."""
    from pse_assistant.answer.models import AnswerEvent, Mode, TokenEvent

    assistant = current_assistant()
    streamed = assistant.llm is not None
    final: Answer | None = None
    try:
        for event in assistant.ask_stream(question, conversation):
            if isinstance(event, TokenEvent) and streamed:
                out.print(event.text, end="", markup=False, highlight=False)
            elif isinstance(event, AnswerEvent):
                final = event.answer
    except PseError as error:
        err.print(f"[bold red]Error:[/] {error}", highlight=False)
        return conversation
    if final is None:
        return conversation
    if streamed:
        out.print()
    _show(final, streamed=streamed and final.mode == Mode.LLM)
    return final.conversation_id


@conversations_app.command("list")
def conversations_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Saved conversations, newest first."""
    items = current_assistant().conversation_list()
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
    text = current_assistant().export_conversation(conversation_id, fmt)
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
    current_assistant().delete_conversation(conversation_id)
    out.print(f"Deleted {conversation_id}.")

"""`pse ask`, `pse chat` and `pse conversations` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from tests.conftest import CliFor


@pytest.fixture
def runner(real_assistant: Assistant, cli_for: CliFor) -> CliRunner:
    return cli_for(real_assistant)


def test_ask_prints_a_cited_answer(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["ask", "what evidence would an assessor want for 7.4.3?"])
    assert result.exit_code == 0, result.output
    assert "What an assessor looks for" in result.output
    assert "[7.4.3]" in result.output
    assert "answered · grounded · conversation" in result.output


def test_ask_json_and_conversation(runner: CliRunner) -> None:
    first = json.loads(runner.invoke(cli.app, ["ask", "principle 5.2.4", "--json"]).output)
    assert {"answer", "citations", "status", "mode", "hits"} <= set(first)
    assert first["status"] == "answered" and first["mode"] == "grounded"
    assert first["citations"][0] == {
        "clause": "5.2.4",
        "title": "Accessibility",
        "section": "In brief",
        "quote": first["citations"][0]["quote"],
        "source": "corpus/guidance/5.2.4.md",
        "origin": "corpus",
        "origin_label": "pse-assistant guidance",
    }
    follow = json.loads(
        runner.invoke(
            cli.app, ["ask", "give me indicators", "--json", "-c", first["conversation_id"]]
        ).output
    )
    assert follow["intent"] == "indicators" and follow["clauses"][0] == "5.2.4"
    listed = runner.invoke(cli.app, ["conversations", "list"]).output
    assert first["conversation_id"] in listed
    exported = runner.invoke(cli.app, ["conversations", "export", first["conversation_id"]]).output
    assert "## give me indicators" in exported
    assert (
        runner.invoke(cli.app, ["conversations", "delete", first["conversation_id"]]).exit_code == 0
    )
    gone = runner.invoke(cli.app, ["ask", "more", "-c", first["conversation_id"]])
    assert gone.exit_code == 2 and "No conversation has the id" in gone.output


def test_ask_refusals(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["ask", "what does clause 9.4.7 require?"])
    assert result.exit_code == 0
    assert "There is no clause 9.4.7" in result.output
    empty = runner.invoke(cli.app, ["ask", "  "])
    assert empty.exit_code == 2 and "Please type a question" in empty.output


def test_chat_keeps_context(runner: CliRunner) -> None:
    result = runner.invoke(
        cli.app, ["chat"], input="what does 7.2.3 say?\ngive me indicators\n/new\nexit\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("answered · grounded · conversation") == 2
    assert "Indicators to track" in result.output
    assert "New conversation." in result.output

"""The `pse` command as a user runs it: validate, browse the tree, read a clause."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from tests.conftest import CliFor, Edit


@pytest.fixture
def runner(assistant: Assistant, cli_for: CliFor) -> CliRunner:
    return cli_for(assistant)


def test_validate_passes_on_the_shipped_corpus(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["corpus", "validate"])
    assert result.exit_code == 0, result.output
    assert "Corpus OK: 40 clauses, 38 guidance notes" in result.output
    assert "63 indicators, 33 references, 10 templates, 2 worked cases." in result.output


def test_validate_fails_with_file_and_line(
    runner: CliRunner, corpus_copy: Path, edit: Edit
) -> None:
    note = corpus_copy / "guidance" / "7.2.3.md"
    edit(note, "kind: sub-element", "kind: element")
    result = runner.invoke(cli.app, ["corpus", "validate", str(corpus_copy)])
    assert result.exit_code == 1
    assert f"{note}:4: kind element differs from the structure: sub-element" in result.output
    assert "1 problem(s)" in result.output


def test_clauses_shows_the_tree_with_pages(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["clauses"])
    assert result.exit_code == 0
    assert "7.2.3 Integrity and conflict management p. 21" in result.output
    assert "Bibliography p. 34" in result.output
    tree = json.loads(runner.invoke(cli.app, ["clauses", "--json"]).output)
    assert {
        "id": "7.4",
        "title": "Operational service excellence",
        "page": 27,
        "parent": "7",
        "kind": "element",
    } in tree


def test_clause_renders_the_note(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["clause", "7.2.3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "7.2.3 Integrity and conflict management" in out
    assert "page 21" in out
    assert "How to meet it" in out
    assert "Maturity levels" in out
    assert "ISO 9001:2015" in out
    assert "does not reproduce" in out
    assert "##" not in out  # Markdown is rendered, not dumped


@pytest.mark.parametrize("ref", ["§7.2.3", "clause 7.2.3?", "Section 7.2.3."])
def test_clause_accepts_the_ways_people_write_it(runner: CliRunner, ref: str) -> None:
    result = runner.invoke(cli.app, ["clause", ref, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["clause"]["id"] == "7.2.3"
    assert data["guidance"].startswith("## In brief")
    assert {link["framework"] for link in data["links"]} >= {"iso9001", "caf2020"}


def test_unknown_clause_names_the_nearest_and_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["clause", "9.4.7"])
    assert result.exit_code == 2
    assert "There is no clause 9.4.7 in ISO 11367:2025. Nearest clauses: 7.4.3, 7.4.2" in " ".join(
        result.output.split()
    )
    result = runner.invoke(cli.app, ["clause", "7.2.9"])
    assert result.exit_code == 2
    assert "Nearest clauses: 7.2.3" in " ".join(result.output.split())


def test_clause_without_a_note(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["clause", "2"])
    assert result.exit_code == 0
    assert "No guidance note" in result.output


def test_installed_console_script(tmp_path: Path) -> None:
    """The `pse` script on PATH, run from an unrelated folder, finds the shipped corpus."""
    pse = Path(sys.executable).with_name("pse")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")}
    done = subprocess.run(
        [str(pse), "clause", "5.2.4"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "5.2.4 Accessibility" in done.stdout
    missing = subprocess.run(
        [str(pse), "clause", "12"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "There is no clause 12" in missing.stderr

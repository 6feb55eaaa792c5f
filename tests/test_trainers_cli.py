"""`pse assess`, `pse workshop` and `pse quiz` as a trainer runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
from pptx import Presentation

from pse_assistant import cli
from pse_assistant.assistant import Assistant
from tests.conftest import CliFor


def test_an_assessment_round_on_the_command_line(
    fake_assistant: Assistant, cli_for: CliFor, tmp_path: Path
) -> None:
    runner = cli_for(fake_assistant)
    created = runner.invoke(
        cli.app, ["assess", "create", "Autumn round", "--org", "Riverside council"]
    )
    assert created.exit_code == 0, created.output
    aid = re.search(r"Created assessment (\w+)", created.output).group(1)  # type: ignore[union-attr]
    for assessor, score in (("Ana", 2), ("Ben", 4), ("Chloé", 3)):
        done = runner.invoke(
            cli.app, ["assess", "score", aid, "7.2.3", str(score), "--assessor", assessor]
        )
        assert done.exit_code == 0, done.output
    runner.invoke(
        cli.app, ["assess", "agree", aid, "7.2.3", "3", "--reason", "Register exists, not used"]
    )
    shown = runner.invoke(cli.app, ["assess", "show", aid])
    assert "7.2.3 Integrity and conflict management" in shown.output and "Ana" in shown.output
    data = json.loads(runner.invoke(cli.app, ["assess", "show", aid, "--json"]).output)
    element = next(e for e in data["elements"] if e["clause"] == "7.2.3")
    assert element["spread"] == 2 and element["agreed"] == 3
    report = runner.invoke(cli.app, ["assess", "report", aid, "--out", str(tmp_path)])
    assert report.exit_code == 0 and (tmp_path / f"assessment-{aid}.docx").exists()
    assert (tmp_path / "charts" / "heat-map.svg").exists()
    bad = runner.invoke(cli.app, ["assess", "score", aid, "7.2.3", "9", "--assessor", "Ana"])
    assert bad.exit_code == 2 and "A score must be a whole number from 1 to 5" in bad.output
    unknown = runner.invoke(cli.app, ["assess", "show", "nope"])
    assert unknown.exit_code == 2 and "No assessment has the id 'nope'." in unknown.output


def test_workshop_pack_to_slides(
    fake_assistant: Assistant, cli_for: CliFor, tmp_path: Path
) -> None:
    runner = cli_for(fake_assistant)
    target = tmp_path / "pack.pptx"
    result = runner.invoke(
        cli.app,
        ["workshop", "5.1.1", "--minutes", "90", "--audience", "managers", "--out", str(target)],
    )
    assert result.exit_code == 0, result.output
    titles = [s.shapes.title.text for s in Presentation(str(target)).slides if s.shapes.title]
    assert "Question 4" in titles and "Question 5" not in titles  # 5.1.1 has four of its own
    word = tmp_path / "pack.docx"
    runner.invoke(
        cli.app,
        [
            "workshop",
            "7.2",
            "--minutes",
            "60",
            "--audience",
            "front-line staff",
            "--out",
            str(word),
        ],
    )
    assert any(p.text == "Answer key" for p in docx.Document(str(word)).paragraphs)
    wrong = runner.invoke(cli.app, ["workshop", "5.1.1", "--minutes", "45"])
    assert (
        wrong.exit_code == 2 and "A workshop lasts 60, 90 or 180 minutes (got 45)." in wrong.output
    )


def test_the_quiz_is_interactive(fake_assistant: Assistant, cli_for: CliFor) -> None:
    runner = cli_for(fake_assistant)
    items = json.loads(runner.invoke(cli.app, ["quiz", "5.2.4", "--count", "3", "--json"]).output)
    answers = "\n".join(i["answer"] for i in items) + "\n"
    result = runner.invoke(cli.app, ["quiz", "5.2.4", "--count", "3"], input=answers)
    assert result.exit_code == 0, result.output
    assert "3 of 3 right." in result.output and "[5.2.4]" in result.output

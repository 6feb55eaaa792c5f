"""The wheel is whole: installed on its own (not editable), it finds its corpus, question sets and
baseline, and runs the evaluation with its regression gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pse_assistant.assistant import Assistant
from tests.conftest import copy_real_index

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_installed_wheel_runs_pse_eval_and_the_gate(
    tmp_path: Path, real_assistant: Assistant
) -> None:
    dist, site = tmp_path / "dist", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(dist)],
        check=True,
        timeout=300,
    )
    wheel = next(dist.glob("pse_assistant-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")} | {
        "PYTHONPATH": str(site),  # before the editable checkout on sys.path
        "PSE_DATA_DIR": str(copy_real_index(real_assistant, tmp_path / "data")),
    }
    command = ["eval", "--split", "test", "--no-ablation", "--out", str(tmp_path / "run")]
    run = subprocess.run(
        [sys.executable, "-m", "pse_assistant", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    gate = next(line for line in run.stdout.splitlines() if "gate holds" in line)
    assert str(site / "pse_assistant" / "_evals" / "baseline.json") in gate  # the wheel's copy
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert Path(summary["dataset"]).is_relative_to(site)  # the wheel's question set
    assert summary["metrics"]["items"] > 90
    # The migrations ship inside the wheel: the installed `pse db upgrade` needs no alembic.ini.
    migrated = subprocess.run(
        [sys.executable, "-m", "pse_assistant", "db", "upgrade"],
        cwd=tmp_path,
        env=env | {"PSE_DATA_DIR": str(tmp_path / "fresh")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    from alembic.script import ScriptDirectory

    from pse_assistant.core.db import Database

    head = ScriptDirectory.from_config(Database("sqlite://").alembic_config()).get_current_head()
    assert f"revision {head}" in migrated.stdout
    assert (site / "pse_assistant" / "migrations" / "versions" / "0001_initial.py").is_file()

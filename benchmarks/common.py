"""Shared set-up for the benchmark scripts: an assistant on a scratch data folder, and the questions."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from pse_assistant.assistant import Assistant
from pse_assistant.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"


def scratch_assistant(data_dir: Path | None = None) -> Assistant:
    """An assistant whose index lives in a fresh temporary folder (or the one given)."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="pse-bench-"))
    return Assistant(Settings(data_dir=folder))


def retrieval_questions(split: str = "dev") -> list[dict[str, Any]]:
    """Answerable single-turn questions with gold clauses (follow-ups need the conversation)."""
    items = [
        json.loads(line)
        for line in (DATASETS / f"{split}.jsonl").read_text().splitlines()
        if line.strip()
    ]
    return [i for i in items if i.get("answerable") and i.get("gold_clauses") and "question" in i]

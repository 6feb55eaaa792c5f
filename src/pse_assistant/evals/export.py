"""The dataset and a run's answers in the field names of ragas and DeepEval, as JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pse_assistant.core.errors import InvalidInput

from .dataset import EvalItem

if TYPE_CHECKING:
    from pse_assistant.corpus.loader import Corpus

    from .run import EvalRun

FORMATS = ("ragas", "deepeval")


def _references(item: EvalItem, corpus: Corpus | None) -> list[str]:
    """The gold clauses' "In brief" sections: the closest the corpus has to reference passages."""
    if corpus is None:
        return []
    passages = []
    for clause in item.gold_clauses:
        note = corpus.note(clause)
        brief = note.section("In brief") if note else None
        if brief is not None:
            passages.append(f"[{clause}] {brief.text.strip()}")
    return passages


def _reference(item: EvalItem) -> str:
    """A reference answer built from the gold fields, since the dataset has no written answers."""
    if not item.answerable:
        return "The assistant should decline: the question is outside the corpus or names no real clause."
    points = "; ".join(item.must_include)
    return f"Draws on clause(s) {', '.join(item.gold_clauses)}. Key points: {points}."


def to_records(
    fmt: str, items: Sequence[EvalItem], run: EvalRun, corpus: Corpus | None = None
) -> list[dict[str, Any]]:
    """One record per item, in ragas' SingleTurnSample or DeepEval's LLMTestCase field names.

    A multi-turn item is exported as its last turn as the assistant resolved it (with the clauses
    the conversation was about), since both formats' single-turn records have no place for history.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}: use {' or '.join(FORMATS)}.")
    results = {r.id: r for r in run.items}
    records = []
    for item in items:
        result = results.get(item.id)
        if result is None:
            continue
        reference_contexts = _references(item, corpus)
        record: dict[str, Any]
        if fmt == "ragas":
            record = {
                "user_input": result.question,
                "response": result.answer,
                "retrieved_contexts": result.contexts,
                "reference_contexts": reference_contexts,
                "reference": _reference(item),
            }
        else:
            record = {
                "name": item.id,
                "input": result.question,
                "actual_output": result.answer,
                "expected_output": _reference(item),
                "retrieval_context": result.contexts,
                "context": reference_contexts,
                "additional_metadata": {
                    "type": item.type,
                    "persona": item.persona,
                    "gold_clauses": item.gold_clauses,
                    "passed": result.passed,
                },
            }
        records.append(record)
    return records


def write_export(
    fmt: str, items: Sequence[EvalItem], run: EvalRun, out_dir: Path, corpus: Corpus | None = None
) -> Path:
    """Write `<fmt>.jsonl` into the run's folder and return its path."""
    path = Path(out_dir) / f"{fmt}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in to_records(fmt, items, run, corpus)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

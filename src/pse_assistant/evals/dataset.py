"""Evaluation items from JSONL or CSV, validated up front so a bad row is reported by file and line."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pse_assistant.core.errors import InvalidInput, display_path


def evals_dir() -> Path:
    """The shipped question sets and baseline: inside the installed wheel, or `evals/` in a checkout."""
    packaged = Path(str(resources.files("pse_assistant"))) / "_evals"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "evals"


LIST_FIELDS = ("gold_clauses", "must_include", "must_not_include")
TURN_SEPARATOR = " || "


class EvalItem(BaseModel):
    """One question (or conversation) with the gold fields its answer is scored against."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    question: str | None = None
    turns: list[str] | None = None
    gold_clauses: list[str] = Field(default_factory=list)
    must_include: list[str] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)
    answerable: bool = True
    persona: str = "unspecified"
    type: str = "unspecified"
    split: Literal["dev", "test"] | None = None

    @model_validator(mode="after")
    def _one_message_source(self) -> EvalItem:
        """Exactly one of question/turns, because the scorer must know which message is last."""
        if bool(self.question) == bool(self.turns):
            raise ValueError("give either 'question' or a non-empty 'turns', not both or neither")
        return self

    @property
    def messages(self) -> list[str]:
        """The user's messages in order; a single question is a one-message conversation."""
        return list(self.turns) if self.turns else [str(self.question)]

    @property
    def last(self) -> str:
        """The message the gold fields apply to."""
        return self.messages[-1]


def default_dataset(split: str) -> Path:
    """The shipped question set of a split (`dev` or `test`) in the checkout's evals/datasets."""
    if split not in {"dev", "test"}:
        raise InvalidInput(f"Unknown split {split!r}: use dev or test.")
    return evals_dir() / "datasets" / f"{split}.jsonl"


def load_dataset(path: Path, split: str | None = None) -> list[EvalItem]:
    """Read every item of a .jsonl or .csv file, keeping one split when asked.

    Raises:
        InvalidInput: a missing file, an unknown suffix, a bad row (named as file:line), a duplicate
            id, or a split that keeps nothing, so an evaluator's own set fails loudly and early.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"No dataset at {display_path(path)}.")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = _jsonl_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise InvalidInput(f"{display_path(path)}: a dataset must be .jsonl or .csv.")
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            item = EvalItem.model_validate(row)
        except ValidationError as error:
            problem = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in error.errors()
            )
            raise InvalidInput(f"{display_path(path)}:{line}: {problem}") from error
        if item.id in seen:
            raise InvalidInput(
                f"{display_path(path)}:{line}: id {item.id!r} already used on line {seen[item.id]}"
            )
        seen[item.id] = line
        items.append(item)
    if split is not None:
        items = [i for i in items if i.split in {split, None}]
    if not items:
        where = f" for split {split!r}" if split else ""
        raise InvalidInput(f"{display_path(path)}: no items{where}.")
    return items


def _jsonl_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"{display_path(path)}:{number}: not JSON ({error.msg})") from error
        if not isinstance(row, dict):
            raise InvalidInput(f"{display_path(path)}:{number}: expected a JSON object")
        rows.append((number, row))
    return rows


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """CSV cells are text: lists are ';'-separated, turns ' || '-separated, answerable true/false."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            data: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for name in LIST_FIELDS:
                data[name] = [p.strip() for p in data.get(name, "").split(";") if p.strip()]
            turns = data.pop("turns", "")
            if turns:
                data["turns"] = [t.strip() for t in turns.split(TURN_SEPARATOR.strip())]
            if not data.get("question"):
                data.pop("question", None)
            for name in ("split", "persona", "type"):
                if not data.get(name):
                    data.pop(name, None)
            answerable = str(data.pop("answerable", "") or "true").lower()
            if answerable not in {"true", "false", "1", "0", "yes", "no"}:
                raise InvalidInput(
                    f"{display_path(path)}:{reader.line_num}: answerable must be true or false"
                )
            data["answerable"] = answerable in {"true", "1", "yes"}
            rows.append((reader.line_num, data))
    return rows

"""The indicator catalogue and the references: one definition per indicator, one entry per cited document.

Notes point at both by id (`- Catalogue: <id>` under an indicator, `references: [...]` in front
matter), so plans, assessments and answers read one definition and one target everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pse_assistant.core.errors import CorpusError
from pse_assistant.corpus.yamlfile import LineDict, load_yaml

INDICATORS_FILE = Path("indicators.yaml")
REFERENCES_FILE = Path("references.yaml")
OUR_SUGGESTION = "our-suggestion"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Frequency(StrEnum):
    """How often an indicator is measured and reported."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    TWICE_A_YEAR = "twice a year"
    ANNUALLY = "annually"


class CatalogueIndicator(BaseModel):
    """One indicator as the catalogue defines it; a note may word it for its clause."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    formula: str = Field(min_length=1)
    data_source: str = Field(min_length=1)
    frequency: Frequency
    target: str = Field(min_length=1)
    target_source: str = Field(pattern=SLUG)
    clauses: list[str] = Field(min_length=1)
    line: int = Field(default=0, exclude=True)

    @property
    def suggested(self) -> bool:
        """Whether the target is the project's suggestion rather than a cited source's."""
        return self.target_source == OUR_SUGGESTION


class ReferenceKind(StrEnum):
    """What sort of document a reference is."""

    STANDARD = "standard"
    LEGISLATION = "legislation"
    GUIDANCE = "guidance"
    FRAMEWORK = "framework"
    REPORT = "report"


class ReferenceStatus(StrEnum):
    """Where a document stands; an unpublished one is cited without a year."""

    PUBLISHED = "published"
    IN_DEVELOPMENT = "in development"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Reference(BaseModel):
    """An external document the notes cite, written in note bodies exactly as `identifier`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    identifier: str = Field(min_length=1)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    kind: ReferenceKind
    status: ReferenceStatus
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    as_of: date | None = None
    note: str | None = None
    line: int = Field(default=0, exclude=True)

    @property
    def published(self) -> bool:
        """False for a document still in development, which has no year to cite."""
        return self.status is not ReferenceStatus.IN_DEVELOPMENT


def _entries(path: Path, key: str) -> list[LineDict]:
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get(key), list):
        raise CorpusError(path, 1, f"expected a mapping with a '{key}' list")
    entries = []
    for entry in data[key]:
        if not isinstance(entry, LineDict):
            raise CorpusError(path, data.line_of(key), f"every item of '{key}' must be a mapping")
        entries.append(entry)
    return entries


def validated(model: type[BaseModel], entry: LineDict, path: Path, what: str) -> Any:
    """A model from one YAML mapping; the first problem becomes a `CorpusError` at its own line."""
    try:
        return model.model_validate(dict(entry) | {"line": entry.line})
    except ValidationError as exc:
        error = exc.errors()[0]
        label = f"{what} {entry['id']}" if entry.get("id") else what
        where = ".".join(str(p) for p in error["loc"])
        line = _line_at(entry, list(error["loc"]))
        raise CorpusError(path, line, f"{label}: {where}: {error['msg']}") from exc


def _line_at(data: Any, loc: list[int | str]) -> int:
    """The line of the innermost mapping key (or list item) on the path `loc` into `data`."""
    line = data.line if isinstance(data, LineDict) else 1
    for part in loc:
        if isinstance(data, LineDict) and str(part) in data:
            line, data = data.line_of(str(part)), data[str(part)]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            line = data.line if isinstance(data, LineDict) else line
        else:
            break
    return line


def _by_id(
    path: Path, key: str, model: type[BaseModel], what: str, collect: Callable[[CorpusError], None]
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in _entries(path, key):
        try:
            item = validated(model, entry, path, what)
        except CorpusError as error:
            collect(error)
            continue
        if item.id in found:
            first = found[item.id].line
            collect(CorpusError(path, item.line, f"duplicate {what} id {item.id} (line {first})"))
            continue
        found[item.id] = item
    return found


def load_indicators(
    root: Path, collect: Callable[[CorpusError], None]
) -> dict[str, CatalogueIndicator]:
    """The indicator catalogue by id; an entry that does not fit the model is passed to `collect`."""
    return _by_id(root / INDICATORS_FILE, "indicators", CatalogueIndicator, "indicator", collect)


def load_references(root: Path, collect: Callable[[CorpusError], None]) -> dict[str, Reference]:
    """The references by id; an entry that does not fit the model is passed to `collect`."""
    return _by_id(root / REFERENCES_FILE, "references", Reference, "reference", collect)

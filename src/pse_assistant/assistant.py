"""The `Assistant` facade: the one object the CLI, the API and the UI call."""

from __future__ import annotations

from functools import cached_property, lru_cache

from pydantic import BaseModel, ConfigDict

from .corpus import Corpus, load_corpus
from .errors import CorpusError
from .notes import Note
from .settings import Settings, get_settings
from .structure import Clause
from .validation import validate_corpus


class FrameworkLink(BaseModel):
    """A crosswalk link as a reader sees it: the other framework's id, its title and why."""

    framework: str
    framework_name: str
    target: str
    target_title: str
    rationale: str


class ClauseView(BaseModel):
    """Everything known about one clause: its place in the tree, its note, its links."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    clause: Clause
    ancestors: list[Clause]
    children: list[Clause]
    related: list[Clause]
    note: Note | None
    links: list[FrameworkLink]


class Assistant:
    """Guidance on ISO 11367:2025 from the project's corpus.

    Args:
        settings: the configuration; `get_settings()` when omitted.
        corpus: an already loaded corpus (tests pass a small one); loaded from
            `settings.corpus_dir` on first use when omitted.
    """

    def __init__(self, settings: Settings | None = None, corpus: Corpus | None = None) -> None:
        self.settings = settings or get_settings()
        if corpus is not None:
            self.__dict__["corpus"] = corpus

    @cached_property
    def corpus(self) -> Corpus:
        """The corpus, loaded once on first use."""
        return load_corpus(self.settings.corpus_dir)

    def validate_corpus(self) -> list[CorpusError]:
        """Check the configured corpus folder from disk; an empty list means valid."""
        return validate_corpus(self.settings.corpus_dir)

    def clauses(self) -> list[Clause]:
        """Every clause in document order."""
        return list(self.corpus.structure)

    def clause(self, ref: str) -> ClauseView:
        """One clause by id or reference (`7.2.3`, `§7.2.3`, `clause 7.2.3`); raises `ClauseNotFound`."""
        structure = self.corpus.structure
        clause = structure.get(ref)
        note = self.corpus.note(clause.id)
        related = [structure.get(r) for r in note.meta.related if r in structure] if note else []
        links = [
            FrameworkLink(
                framework=cw.framework,
                framework_name=cw.name,
                target=link.target,
                target_title=cw.targets.get(link.target, ""),
                rationale=link.rationale,
            )
            for cw in self.corpus.crosswalks.values()
            for link in cw.for_clause(clause.id)
        ]
        return ClauseView(
            clause=clause,
            ancestors=structure.ancestors(clause.id),
            children=structure.children(clause.id),
            related=related,
            note=note,
            links=links,
        )


@lru_cache(maxsize=1)
def get_assistant() -> Assistant:
    """The process-wide assistant, built on first use from `get_settings()`."""
    return Assistant()

"""The corpus: the standard's structure, our guidance notes, crosswalks and glossary, loaded and typed.

`load_corpus` reads every file into pydantic models; `Corpus.documents()` turns them into LangChain
`Document`s whose metadata carries the clause id, so every later stage can cite what it used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pse_assistant.core.errors import CorpusError, NotFound
from pse_assistant.corpus.catalogue import (
    CatalogueIndicator,
    Reference,
    load_indicators,
    load_references,
)
from pse_assistant.corpus.notes import Note, parse_note
from pse_assistant.corpus.structure import Clause, StandardInfo, Structure
from pse_assistant.corpus.toolkit import (
    Case,
    Rubric,
    Template,
    load_cases,
    load_rubric,
    load_templates,
)
from pse_assistant.corpus.yamlfile import LineDict, load_yaml

STRUCTURE_FILE = Path("standard/iso-11367-2025.yaml")
GUIDANCE_DIR = Path("guidance")
CROSSWALK_DIR = Path("crosswalks")
GLOSSARY_FILE = Path("glossary.yaml")
FRAMEWORKS = ("iso9001", "caf2020", "cse", "iso23592")
_WORDS = re.compile(r"[a-z]+(?:['’-][a-z]+)*")


class CrosswalkLink(BaseModel):
    """One link from our clause to another framework's clause, with why it holds."""

    model_config = ConfigDict(extra="forbid")

    target: str
    rationale: str = Field(min_length=1)
    line: int = 0


class Crosswalk(BaseModel):
    """A mapping from ISO 11367 clause ids to one framework's ids."""

    model_config = ConfigDict(extra="forbid")

    framework: str
    name: str
    targets: dict[str, str]
    links: dict[str, list[CrosswalkLink]] = Field(default_factory=dict)
    path: Path = Path()
    link_lines: dict[str, int] = Field(default_factory=dict)

    def for_clause(self, clause_id: str) -> list[CrosswalkLink]:
        """The links of one clause, in file order."""
        return self.links.get(clause_id, [])

    def for_target(self, target: str) -> list[str]:
        """Our clauses that link to one of the framework's clauses or to a part of it ("1.1" is part
        of criterion "1"), in file order."""
        return [
            c
            for c, links in self.links.items()
            if any(within(link.target, target) for link in links)
        ]


def within(target: str, named: str) -> bool:
    """Whether a framework clause is the one named or a part of it."""
    return target == named or target.startswith(f"{named}.")


class GlossaryTerm(BaseModel):
    """A term with our own definition and the clauses it relates to."""

    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    clauses: list[str] = Field(default_factory=list)
    see_also: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    line: int = 0


class Corpus(BaseModel):
    """Everything the assistant knows, as typed objects.

    Besides the notes: the indicator catalogue and the references the notes point at by id, the
    practitioner templates, the illustrative worked cases and the self-assessment rubric (None only
    when `rubric.yaml` could not be read and problems were being collected).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    root: Path
    structure: Structure
    notes: dict[str, Note]
    crosswalks: dict[str, Crosswalk]
    glossary: list[GlossaryTerm]
    indicators: dict[str, CatalogueIndicator] = Field(default_factory=dict)
    references: dict[str, Reference] = Field(default_factory=dict)
    templates: dict[str, Template] = Field(default_factory=dict)
    cases: dict[str, Case] = Field(default_factory=dict)
    rubric: Rubric | None = None

    def note(self, clause_id: str) -> Note | None:
        """The guidance note of a clause, if it has one (2 and the bibliography have none)."""
        return self.notes.get(clause_id)

    def words(self) -> list[str]:
        """Every word the corpus uses, as often as it uses it (the spelling checker's dictionary)."""
        texts = [n.body for n in self.notes.values()]
        texts += [f"{t.term} {t.definition} {' '.join(t.aliases)}" for t in self.glossary]
        texts += [c.title for c in self.structure]
        texts += [
            link.rationale
            for cw in self.crosswalks.values()
            for links in cw.links.values()
            for link in links
        ]
        return [w for text in texts for w in _WORDS.findall(text.lower())]

    def references_of(self, note: Note) -> list[Reference]:
        """The references a note lists in its front matter, in that order (unknown ids skipped)."""
        return [self.references[r] for r in note.meta.references if r in self.references]

    def template(self, template_id: str) -> Template:
        """A template by id; raises `NotFound` naming the templates there are."""
        key = template_id.strip().lower().removesuffix(".yaml")
        if key not in self.templates:
            known = ", ".join(sorted(self.templates)) or "none"
            raise NotFound(f"There is no template {template_id!r}. Templates: {known}.")
        return self.templates[key]

    def templates_for(self, clause_id: str) -> list[Template]:
        """The templates tied to a clause, those that name it earliest first."""
        tied = [t for t in self.templates.values() if clause_id in t.clauses]
        return sorted(tied, key=lambda t: (t.clauses.index(clause_id), t.id))

    def documents(self) -> list[Document]:
        """One `Document` per note section, clause, crosswalk link and glossary term."""
        docs: list[Document] = []
        for clause in self.structure:
            docs.append(_structure_document(self, clause))
            note = self.notes.get(clause.id)
            if note is None:
                continue
            for section in note.sections:
                docs.append(
                    Document(
                        page_content=f"{clause.label} — {section.title}\n\n{section.text}",
                        metadata=_meta(clause, "guidance", note.path, self.root)
                        | {
                            "section": section.title,
                            "line": section.line,
                            "keywords": ",".join(note.meta.keywords),
                        },
                    )
                )
        for crosswalk in self.crosswalks.values():
            for clause_id, links in crosswalk.links.items():
                clause = self.structure.get(clause_id)
                for link in links:
                    target = crosswalk.targets.get(link.target, "")
                    docs.append(
                        Document(
                            page_content=f"{clause.label} and {crosswalk.name} {link.target} "
                            f"{target}: {link.rationale}",
                            metadata=_meta(clause, "crosswalk", crosswalk.path, self.root)
                            | {"section": crosswalk.framework, "target": link.target},
                        )
                    )
        for term in self.glossary:
            primary = self.structure.get(term.clauses[0]) if term.clauses else None
            meta = _meta(primary, "glossary", self.root / GLOSSARY_FILE, self.root)
            docs.append(
                Document(
                    page_content=f"{term.term}: {term.definition}",
                    metadata=meta | {"section": term.term, "clauses": ",".join(term.clauses)},
                )
            )
        docs.extend(_case_documents(self))
        return docs


def _case_documents(corpus: Corpus) -> list[Document]:
    """One `Document` per section of a worked case that walks through a clause, marked illustrative.

    The case's "In brief" and closing lessons name no single clause, so they are not indexed.
    """
    docs = []
    for case in corpus.cases.values():
        for clause_id, section in case.clause_sections():
            if clause_id not in corpus.structure:
                continue
            clause = corpus.structure.get(clause_id)
            label = f"Illustrative case, not a real organization: {case.meta.setting}"
            docs.append(
                Document(
                    page_content=f"{clause.label} — {label}\n\n{section.text}",
                    metadata=_meta(clause, "case", case.path, corpus.root)
                    | {
                        "section": f"Illustrative case: {case.id}",
                        "line": section.line,
                        "case": case.id,
                        "illustrative": True,
                    },
                )
            )
    return docs


def _structure_document(corpus: Corpus, clause: Clause) -> Document:
    parent = corpus.structure.get(clause.parent) if clause.parent else None
    children = ", ".join(c.label for c in corpus.structure.children(clause.id))
    text = f"ISO 11367:2025 clause {clause.label}, page {clause.page}, a {clause.kind.value}"
    text += f" under {parent.label}." if parent else "."
    if children:
        text += f" It contains {children}."
    path = corpus.root / STRUCTURE_FILE
    return Document(
        page_content=text,
        metadata=_meta(clause, "structure", path, corpus.root) | {"section": "structure"},
    )


def _meta(clause: Clause | None, doc_type: str, path: Path, root: Path) -> dict[str, Any]:
    return {
        "clause": clause.id if clause else "",
        "clause_title": clause.title if clause else "",
        "kind": clause.kind.value if clause else "",
        "doc_type": doc_type,
        "source": str(path.relative_to(root.parent))
        if path.is_relative_to(root.parent)
        else str(path),
    }


def _model(model: type[BaseModel], data: Any, path: Path, line: int, what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        at = (
            data.line_of(str(error["loc"][0]))
            if isinstance(data, LineDict) and error["loc"]
            else line
        )
        raise CorpusError(path, at, f"{what} {where}: {error['msg']}".replace(" :", ":")) from exc


def load_structure(root: Path) -> Structure:
    """Read the clause tree."""
    path = root / STRUCTURE_FILE
    data = load_yaml(path)
    if not isinstance(data, LineDict) or "clauses" not in data or "standard" not in data:
        raise CorpusError(path, 1, "expected a mapping with 'standard' and 'clauses'")
    info = _model(StandardInfo, data["standard"], path, data.line_of("standard"), "standard")
    clauses: list[Clause] = []
    for entry in data["clauses"]:
        line = getattr(entry, "line", 1)
        clause = _model(Clause, entry, path, line, "clause")
        if any(c.id == clause.id for c in clauses):
            raise CorpusError(path, line, f"duplicate clause id {clause.id}")
        clauses.append(clause)
    return Structure(info, clauses)


def load_crosswalk(path: Path) -> Crosswalk:
    """Read one crosswalk file, remembering the line of each link."""
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise CorpusError(path, 1, "expected a YAML mapping")
    raw_links = data.get("links") or {}
    links: dict[str, list[CrosswalkLink]] = {}
    for clause_id, entries in raw_links.items():
        line = raw_links.line_of(clause_id) if isinstance(raw_links, LineDict) else 1
        if not isinstance(entries, list):
            raise CorpusError(path, line, f"links of {clause_id} must be a list")
        links[str(clause_id)] = [
            _model(CrosswalkLink, dict(e) | {"line": getattr(e, "line", line)}, path, line, "link")
            for e in entries
            if isinstance(e, dict)
        ]
    body = {k: v for k, v in data.items() if k != "links"}
    crosswalk: Crosswalk = _model(Crosswalk, body, path, 1, "crosswalk")
    crosswalk.links = links
    crosswalk.path = path
    crosswalk.link_lines = (
        {str(k): raw_links.line_of(k) for k in raw_links} if isinstance(raw_links, LineDict) else {}
    )
    return crosswalk


def load_glossary(root: Path) -> list[GlossaryTerm]:
    """Read the glossary."""
    path = root / GLOSSARY_FILE
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("terms"), list):
        raise CorpusError(path, 1, "expected a mapping with a 'terms' list")
    terms = []
    for entry in data["terms"]:
        line = getattr(entry, "line", 1)
        values = dict(entry) | {"line": line} if isinstance(entry, dict) else entry
        terms.append(_model(GlossaryTerm, values, path, line, "term"))
    return terms


def load_corpus(root: Path, problems: list[CorpusError] | None = None) -> Corpus:
    """Load the whole corpus from `root`.

    Without `problems`, the first file that cannot be read or parsed raises `CorpusError`. With a
    list, such a file is skipped and its error appended, so a validator can report every file at once.
    Content problems (a missing section, an unknown clause, a note too short) are never raised here:
    `validation.validate_corpus` reports them.
    """
    if not root.is_dir():
        raise CorpusError(root, 1, "corpus folder not found")

    def collect(error: CorpusError) -> None:
        if problems is None:
            raise error
        problems.append(error)

    structure = load_structure(root)
    notes: dict[str, Note] = {}
    for path in sorted((root / GUIDANCE_DIR).glob("*.md")):
        try:
            note = parse_note(path)
        except CorpusError as error:
            collect(error)
            continue
        if note.clause in notes:
            other = notes[note.clause].path.name
            line = note.meta_lines.get("clause", 2)
            collect(
                CorpusError(path, line, f"duplicate note for clause {note.clause} (also {other})")
            )
            continue
        notes[note.clause] = note
    crosswalks = {}
    for framework in FRAMEWORKS:
        path = root / CROSSWALK_DIR / f"{framework}.yaml"
        try:
            if not path.exists():
                raise CorpusError(path, 1, f"missing crosswalk file for {framework}")
            crosswalks[framework] = load_crosswalk(path)
        except CorpusError as error:
            collect(error)
    glossary: list[GlossaryTerm] = []
    try:
        glossary = load_glossary(root)
    except CorpusError as error:
        collect(error)
    corpus = Corpus(
        root=root, structure=structure, notes=notes, crosswalks=crosswalks, glossary=glossary
    )
    _load_toolkit(corpus, collect)
    for note in notes.values():
        note.catalogue = corpus.indicators
    return corpus


def _load_toolkit(corpus: Corpus, collect: Callable[[CorpusError], None]) -> None:
    """The catalogue, references, templates, cases and rubric; a file that fails is collected."""
    root = corpus.root
    for attr, load in (("indicators", load_indicators), ("references", load_references)):
        try:
            setattr(corpus, attr, load(root, collect))
        except CorpusError as error:
            collect(error)
    corpus.templates = load_templates(root, collect)
    corpus.cases = load_cases(root, collect)
    try:
        corpus.rubric = load_rubric(root)
    except CorpusError as error:
        collect(error)

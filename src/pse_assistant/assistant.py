"""The `Assistant` facade: the one object the CLI, the API and the UI call."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict

from .answering import Composed, compose_plan
from .assess import AssessmentStore
from .chat import Answer, Context, Responder, final_answer
from .chunking import chunk_corpus_documents
from .conversations import Conversation, ConversationStore
from .corpus import Corpus, load_corpus
from .embeddings import LocalEmbeddings
from .errors import BackendUnavailable, CorpusError, IngestError, NotFound
from .index import USER_DOC, BuildReport, ChunkIndex, Progress, make_client
from .ingest import chunk_file, expand_paths
from .llm import LlmClient
from .notes import Note
from .plan_export import export as export_plan
from .plans import ActionPlan, PlanProfile, draft_plan
from .retrieval import ClauseRetriever, HybridSearcher, RetrievalConfig, SearchResult
from .settings import Settings, get_settings
from .structure import Clause
from .trainers import Training
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


class IngestReport(BaseModel):
    """What `ingest` did: documents added (with chunk counts and clauses) and files refused."""

    added: list[dict[str, Any]]
    failed: list[tuple[str, str]]
    build: dict[str, Any]


class Assistant:
    """Guidance on ISO 11367:2025 from the project's corpus.

    Args:
        settings: the configuration; `get_settings()` when omitted.
        corpus: an already loaded corpus; loaded from `settings.corpus_dir` on first use when omitted.
        embedder: the embeddings (tests pass a fast fake); the offline MiniLM when omitted.
        chroma_client: a Chroma client; embedded under the data folder, or `PSE_CHROMA_URL`, when omitted.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        corpus: Corpus | None = None,
        embedder: Embeddings | None = None,
        chroma_client: Any = None,
        llm: LlmClient | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        if corpus is not None:
            self.__dict__["corpus"] = corpus
        if embedder is not None:
            self.__dict__["embedder"] = embedder
        if llm is not None:
            self.__dict__["llm"] = llm
        self._client = chroma_client
        # A server builds the index in the background and answers 503 meanwhile, rather than
        # building it inside a request; the CLI builds on first use.
        self.auto_build = True

    @cached_property
    def corpus(self) -> Corpus:
        """The corpus, loaded once on first use."""
        return load_corpus(self.settings.corpus_dir)

    @cached_property
    def embedder(self) -> Embeddings:
        """The embedding model, loaded on first use."""
        return LocalEmbeddings(self.settings.embedding_model)

    @cached_property
    def index(self) -> ChunkIndex:
        """The chunk index in Chroma."""
        client = self._client or make_client(self.settings.data_dir, self.settings.chroma_url)
        embedded = self._client is None and not self.settings.chroma_url
        return ChunkIndex(
            client,
            self.embedder,
            model_name=str(getattr(self.embedder, "model_name", type(self.embedder).__name__)),
            lock_path=self.settings.data_dir / "index.lock" if embedded else None,
            prefix=self.settings.collection_prefix,
        )

    @cached_property
    def searcher(self) -> HybridSearcher:
        """Hybrid clause-aware search over the index."""
        return HybridSearcher(self.index, self.embedder, self.corpus)

    @cached_property
    def llm(self) -> LlmClient | None:
        """The optional language model, when `PSE_LLM_BASE_URL` is set."""
        s = self.settings
        if not s.llm_base_url:
            return None
        return LlmClient(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout)

    @cached_property
    def conversations(self) -> ConversationStore:
        """Conversations and feedback, in SQLite under the data folder."""
        return ConversationStore(self.settings.data_dir / "pse.sqlite3")

    @cached_property
    def responder(self) -> Responder:
        """Turns questions into answers."""
        return Responder(
            self.corpus, lambda query, k: self.search(query, k=k), self.llm, self._plan_answer
        )

    def _plan_answer(self, clause_id: str) -> Composed:
        """A plan request in a chat gets a plan for a typical organization, with how to tailor it."""
        profile = PlanProfile(
            organization="public service organization", horizon_months=12, maturity=2
        )
        plan = self.draft_plan(clause_id, profile)
        return compose_plan(
            self.corpus, plan, f'pse plan {clause_id} --org "your organization" --out plan.docx'
        )

    def draft_plan(self, clauses: str | list[str], profile: PlanProfile) -> ActionPlan:
        """An action plan for sub-elements, elements or principles, tailored to `profile`."""
        return draft_plan(self.corpus, clauses, profile)

    def export_plan(self, plan: ActionPlan, fmt: str, path: Path) -> Path:
        """Write a plan as md, docx, xlsx or json (into `path`, or under its suggested name if a folder)."""
        return export_plan(plan, fmt, path)

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        """Answer a question, in a conversation (a new one when no id is given)."""
        return final_answer(self.ask_stream(question, conversation_id))

    def ask_stream(self, question: str, conversation_id: str | None = None) -> Any:
        """Stream an answer: token events, then the final `Answer`, which is then saved.

        Raises `ConversationNotFound` for an unknown conversation id before anything streams.
        """
        store = self.conversations
        if conversation_id:
            conversation = store.get(conversation_id, with_turns=False)
            context = Context(conversation.focus, conversation.intent)
        else:
            conversation_id = store.create(" ".join(question.split())[:80] or "Conversation")
            context = Context([], "")
        if self.auto_build:
            self.ensure_index()

        def events() -> Any:
            for event in self.responder.stream(question, context):
                if event["type"] == "answer":
                    answer: Answer = event["answer"]
                    answer.conversation_id = str(conversation_id)
                    focus = answer.clauses[:2] if answer.status == "answered" else context.focus
                    intent = answer.intent if answer.status == "answered" else context.intent
                    store.add_turn(
                        str(conversation_id),
                        question,
                        answer.model_dump(mode="json"),
                        focus,
                        intent,
                    )
                yield event

        return events()

    def feedback(self, answer_id: str, rating: str, comment: str = "") -> str:
        """Keep a thumbs up or down on an answer for evaluators; raises `NotFound` for an unknown answer."""
        if not self.conversations.answer_exists(answer_id):
            raise NotFound(f"No answer has the id {answer_id!r}.")
        return self.conversations.add_feedback(answer_id, rating, comment.strip())

    def evaluate(
        self,
        split: str | None = "test",
        dataset: Path | None = None,
        out_dir: Path | None = None,
        ablation: bool = True,
        judge: bool = False,
        repeats: int = 1,
        exports: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> tuple[Any, dict[str, Path]]:
        """Run a question set (a shipped split, or your own JSONL/CSV) and write the run's files.

        Returns the run and the paths written (summary.json, results.jsonl, report.html, junit.xml
        and any exports). The judge, when asked for, uses the `PSE_LLM_*` endpoint and never gates.
        """
        from datetime import datetime

        from .evals import Judge, default_dataset, load_dataset, run_eval, write_export, write_run

        path = dataset or default_dataset(split or "test")
        items = load_dataset(path, split)
        judge_model = None
        if judge:
            s = self.settings
            if not s.llm_base_url:
                raise BackendUnavailable("The judge needs PSE_LLM_BASE_URL (and PSE_LLM_MODEL).")
            judge_model = Judge(
                base_url=s.llm_base_url,
                model=s.llm_model,
                api_key=s.llm_api_key,
                cache_path=s.data_dir / "judge-cache.json",
                repeats=repeats,
            )
        label = path.stem + (f" ({split})" if split and split != path.stem else "")
        run = run_eval(
            self, items, ablation=ablation, judge=judge_model, progress=progress, label=label
        )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = out_dir or self.settings.data_dir / "eval-runs" / f"{stamp}-{split or path.stem}"
        paths = write_run(run, folder)
        for fmt in exports:
            paths[f"{fmt}.jsonl"] = write_export(fmt, items, run, folder, self.corpus)
        return run, paths

    @cached_property
    def training(self) -> Training:
        """Self-assessments, workshop packs and quizzes (assessments in SQLite in the data folder)."""
        return Training(
            self.corpus, AssessmentStore(self.settings.data_dir / "assessments.sqlite3")
        )

    def conversation(self, conversation_id: str) -> Conversation:
        """One conversation with its turns; raises `ConversationNotFound`."""
        return self.conversations.get(conversation_id)

    def _count_tokens(self, text: str) -> int:
        counter = getattr(self.embedder, "count_tokens", None)
        return int(counter(text)) if counter else len(text.split()) * 2

    def corpus_chunks(self) -> list[Any]:
        """The shipped corpus cut into index chunks."""
        return chunk_corpus_documents(self.corpus.documents(), self._count_tokens)

    def build_index(self, rebuild: bool = False, progress: Progress | None = None) -> BuildReport:
        """Bring the index up to date with the corpus; only changed chunks are embedded again.

        User documents already ingested are kept (and re-embedded from their stored text on rebuild).
        """
        report = self.index.write(
            keep=lambda d: d.metadata.get("doc_type") == USER_DOC,
            add=self.corpus_chunks(),
            rebuild=rebuild,
            progress=progress,
        )
        self._written(report)
        return report

    def _written(self, report: BuildReport) -> None:
        """After a write, searches in this process use the new generation at once."""
        if report.changed and "searcher" in self.__dict__:
            self.searcher.invalidate()

    def ensure_index(self, progress: Progress | None = None) -> BuildReport | None:
        """Build the index if there is none yet (first start); otherwise do nothing."""
        if self.index.active() is not None:
            return None
        return self.build_index(progress=progress)

    def search(self, query: str, k: int = 5, config: RetrievalConfig | None = None) -> SearchResult:
        """Ranked clauses and passages for a question; raises `IndexNotReady` before `pse index`."""
        return self.searcher.search(query, k=k, config=config)

    def retriever(self, k: int = 5) -> ClauseRetriever:
        """The same search as a LangChain retriever."""
        return ClauseRetriever(searcher=self.searcher, k=k)

    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        """Add the user's own files to the index; a bad file is refused, the others still added."""
        self.ensure_index()
        max_bytes = int(self.settings.max_upload_mb * 1_000_000)
        failed: list[tuple[str, str]] = []
        chunks: list[Any] = []
        added: dict[str, dict[str, Any]] = {}
        for path in expand_paths(list(paths)):
            try:
                file_chunks = chunk_file(path, self.corpus.structure, self._count_tokens, max_bytes)
            except IngestError as error:
                failed.append((str(path), error.reason))
                continue
            chunks.extend(file_chunks)
            doc_id = str(file_chunks[0].metadata["doc_id"])
            clauses = sorted(
                {c for ch in file_chunks for c in str(ch.metadata["clauses"]).split(",") if c}
            )
            added[doc_id] = {
                "id": doc_id,
                "file": path.name,
                "chunks": len(file_chunks),
                "clauses": clauses,
            }
        report = BuildReport()
        if chunks:
            replaced = set(added)
            report = self.index.write(
                keep=lambda d: d.metadata.get("doc_id") not in replaced,
                add=chunks,
                progress=progress,
            )
        return IngestReport(added=list(added.values()), failed=failed, build=vars(report))

    def documents(self) -> list[dict[str, Any]]:
        """The user documents in the index."""
        return self.index.user_documents()

    def remove_document(self, doc_id: str) -> BuildReport:
        """Remove one user document from the index; raises `PseError` for an unknown id."""
        known = {str(d["id"]) for d in self.documents()}
        if doc_id not in known:
            listing = ", ".join(sorted(known)) or "none"
            raise NotFound(f"No ingested document has the id {doc_id!r} (known: {listing}).")
        report = self.index.write(keep=lambda d: d.metadata.get("doc_id") != doc_id, add=[])
        self._written(report)
        return report

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

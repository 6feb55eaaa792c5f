"""The `Assistant` facade: the one object the CLI, the API and the UI call.

Everything heavy (the embedding model, Chroma, BM25, office libraries, the language model) is imported
and built on first use, so `pse clauses` or `pse --help` never pays for what it does not touch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pse_assistant.core.downloads import DownloadArea, within
from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.core.pages import Page, check_limit, decode_cursor, encode_cursor
from pse_assistant.core.settings import Settings, get_settings
from pse_assistant.corpus.loader import Corpus, load_corpus
from pse_assistant.corpus.structure import Clause
from pse_assistant.corpus.views import ClauseView, clause_view

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from pse_assistant.accounts.roles import Principal, Role
    from pse_assistant.accounts.service import Accounts
    from pse_assistant.answer.composer import Composed
    from pse_assistant.answer.conversations import (
        Conversation,
        ConversationStore,
        FeedbackEntry,
    )
    from pse_assistant.answer.llm import LlmClient
    from pse_assistant.answer.models import Answer, AnswerStreamEvent
    from pse_assistant.answer.responder import Responder
    from pse_assistant.answer.understanding import Vocabulary
    from pse_assistant.core.db import Database
    from pse_assistant.core.errors import CorpusError
    from pse_assistant.evals.run import EvalRun
    from pse_assistant.migrations.legacy import DatabaseStatus, LegacyImport
    from pse_assistant.plans.context import PlanContext
    from pse_assistant.plans.models import ActionPlan, PlanRequest
    from pse_assistant.search.index import BuildReport, ChunkIndex, Progress, UserDocument
    from pse_assistant.search.retrieval import (
        ClauseRetriever,
        HybridSearcher,
        RetrievalConfig,
        SearchResult,
    )
    from pse_assistant.search.units import UnitIndex
    from pse_assistant.templates.filling import FilledTemplate, TemplateSummary
    from pse_assistant.training.assessment import Assessment, Consensus, Score
    from pse_assistant.training.service import Training
    from pse_assistant.training.workshop import WorkshopPack


# Seconds an instance of a shared deployment waits for another one's index build before it gives up.
INDEX_LOCK_WAIT = 900.0


class IngestReport(BaseModel):
    """What `ingest` did: documents added (with chunk counts and clauses) and files refused."""

    added: list[dict[str, Any]]
    failed: list[tuple[str, str]]
    build: dict[str, Any]


class IndexStatus(BaseModel):
    """Whether the search index is built, and how many chunks it holds."""

    ready: bool
    chunks: int


class CorpusSummary(BaseModel):
    """What the loaded corpus holds, in the counts `pse corpus validate` reports."""

    clauses: int
    notes: int
    words: int
    crosswalk_links: int
    glossary_terms: int
    indicators: int = 0
    references: int = 0
    templates: int = 0
    cases: int = 0


class Assistant:
    """Guidance on ISO 11367:2025 from the project's corpus.

    Args:
        settings: the configuration; `get_settings()` when omitted.
        corpus: an already loaded corpus; loaded from `settings.corpus_dir` on first use when omitted.
        embedder: the embeddings (tests pass a fast fake); the offline MiniLM when omitted.
        chroma_client: a Chroma client; embedded under the data folder, or `PSE_CHROMA_URL`, when omitted.
        llm: a language model client; built from `PSE_LLM_*` when omitted.
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
        # The old SQLite files this process copied into the database on its first use.
        self.legacy_imports: list[LegacyImport] = []

    # -- the parts, built on first use -------------------------------------------------------------
    @cached_property
    def corpus(self) -> Corpus:
        """The corpus, loaded once on first use."""
        return load_corpus(self.settings.corpus_dir)

    @cached_property
    def embedder(self) -> Embeddings:
        """The embedding model, loaded on first use."""
        from pse_assistant.search.embeddings import LocalEmbeddings

        return LocalEmbeddings(self.settings.embedding_model)

    @cached_property
    def index(self) -> ChunkIndex:
        """The chunk index in Chroma."""
        from pse_assistant.search.index import ChunkIndex, make_client

        client = self._client or make_client(self.settings.data_dir, self.settings.chroma_url)
        return ChunkIndex(
            client,
            self.embedder,
            model_name=str(
                getattr(self.embedder, "vectors_id", None)
                or getattr(self.embedder, "model_name", type(self.embedder).__name__)
            ),
            prefix=self.settings.collection_prefix,
            **self._index_locks("chunks"),
        )

    @cached_property
    def unit_index(self) -> UnitIndex:
        """The embedded answer units (and example questions), stored beside the chunks."""
        from pse_assistant.answer.intents import example_units
        from pse_assistant.search.index import ChunkIndex
        from pse_assistant.search.units import UnitIndex, corpus_units

        index = ChunkIndex(
            self.index.client,
            self.embedder,
            model_name=self.index.model_name,
            prefix=self.settings.collection_prefix,
            kind="units",
            **self._index_locks("units"),
        )
        return UnitIndex(index, lambda: [*corpus_units(self.corpus), *example_units()])

    def _index_locks(self, kind: str) -> dict[str, Any]:
        """How writers of one kind of collection take turns.

        Embedded: a file in the data folder, failing at once when taken (one machine, one
        person). On a Chroma server every instance of the deployment writes to the same
        collections: with PostgreSQL they take an advisory lock named after the collection prefix
        (so two deployments sharing one server do not wait for each other), otherwise a file lock
        in the data folder (instances on one machine); either way a second writer waits for the
        first, then finds the index up to date instead of building it again.
        """
        lock_name = "index.lock" if kind == "chunks" else f"{kind}.lock"
        if self._client is not None and not self.settings.chroma_url:
            return {}  # a client the caller made (tests): no lock, as before
        if not self.settings.chroma_url:
            return {"lock_path": self.settings.data_dir / lock_name}
        from pse_assistant.core.db import database_url

        if not database_url(self.settings).startswith("postgresql"):
            return {"lock_path": self.settings.data_dir / lock_name, "lock_wait": INDEX_LOCK_WAIT}
        name = f"pse-index:{self.settings.collection_prefix}:{kind}"
        return {"writer_lock": lambda: self.database.advisory_lock(name, wait=INDEX_LOCK_WAIT)}

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The words questions are spelt against: the corpus's own, and ordinary English."""
        from pse_assistant.answer.understanding import Vocabulary
        from pse_assistant.search.embeddings import default_model_path

        folder = Path(self.settings.embedding_model or default_model_path())
        return Vocabulary(self.corpus.words(), folder / "vocab.txt")

    @cached_property
    def searcher(self) -> HybridSearcher:
        """Hybrid clause-aware search over the index."""
        from pse_assistant.search.retrieval import HybridSearcher

        return HybridSearcher(self.index, self.embedder, self.corpus)

    @cached_property
    def llm(self) -> LlmClient | None:
        """The optional language model, when `PSE_LLM_BASE_URL` is set."""
        s = self.settings
        if not s.llm_base_url:
            return None
        from pse_assistant.answer.llm import LlmClient

        return LlmClient(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout)

    @cached_property
    def database(self) -> Database:
        """The database of saved work, brought to the newest schema on first use.

        SQLite in the data folder, or `PSE_DATABASE_URL`. The first use also copies, once, the
        SQLite files an earlier version left in the data folder (see `migrations.legacy`).
        """
        from pse_assistant.core.db import Database, database_url
        from pse_assistant.migrations.legacy import import_legacy

        database = Database(database_url(self.settings))
        database.upgrade()
        self.legacy_imports = import_legacy(database, self.settings.data_dir)
        return database

    def database_status(self) -> DatabaseStatus:
        """Where saved work is kept, its schema revision, and the old files copied into it."""
        from pse_assistant.migrations.legacy import DatabaseStatus, recorded_imports

        database = self.database
        return DatabaseStatus(
            url=database.engine.url.render_as_string(hide_password=True),
            revision=database.revision() or "",
            imports=recorded_imports(database),
        )

    @cached_property
    def conversations(self) -> ConversationStore:
        """Conversations and feedback, in the database."""
        from pse_assistant.answer.conversations import ConversationStore

        return ConversationStore(self.database)

    @cached_property
    def responder(self) -> Responder:
        """Turns questions into answers."""
        from pse_assistant.answer.responder import Parts, Responder

        parts = Parts(
            search=lambda query, k: self.search(_fit(query), k=k),
            vector=self.searcher.query_vector,
            units=self.unit_index.current,
            vocabulary=self.vocabulary,
            llm=self.llm,
            plan=self._plan_answer,
        )
        return Responder(self.corpus, parts)

    @cached_property
    def training(self) -> Training:
        """Self-assessments, workshop packs and quizzes (assessments in the database)."""
        from pse_assistant.training.assessment_store import AssessmentStore
        from pse_assistant.training.service import Training

        return Training(self.corpus, AssessmentStore(self.database))

    @cached_property
    def downloads(self) -> DownloadArea:
        """The managed folder for files written for download; swept as new ones are made."""
        return DownloadArea(max_age=self.settings.downloads_max_age)

    # -- the corpus ----------------------------------------------------------------------------------
    def validate_corpus(self) -> list[CorpusError]:
        """Check the configured corpus folder from disk; an empty list means valid."""
        from pse_assistant.corpus.validation import validate_corpus

        return validate_corpus(self.settings.corpus_dir)

    def corpus_summary(self) -> CorpusSummary:
        """Counts of what the corpus holds."""
        corpus = self.corpus
        return CorpusSummary(
            clauses=len(corpus.structure),
            notes=len(corpus.notes),
            words=sum(n.words for n in corpus.notes.values()),
            crosswalk_links=sum(
                len(v) for cw in corpus.crosswalks.values() for v in cw.links.values()
            ),
            glossary_terms=len(corpus.glossary),
            indicators=len(corpus.indicators),
            references=len(corpus.references),
            templates=len(corpus.templates),
            cases=len(corpus.cases),
        )

    def clauses(self) -> list[Clause]:
        """Every clause in document order."""
        return list(self.corpus.structure)

    def clause(self, ref: str) -> ClauseView:
        """One clause by id or reference (`7.2.3`, `§7.2.3`, `clause 7.2.3`); raises `ClauseNotFound`."""
        return clause_view(self.corpus, ref)

    # -- the index and search --------------------------------------------------------------------
    def _count_tokens(self, text: str) -> int:
        counter = getattr(self.embedder, "count_tokens", None)
        return int(counter(text)) if counter else len(text.split()) * 2

    def corpus_chunks(self) -> list[Any]:
        """The shipped corpus cut into index chunks."""
        from pse_assistant.search.chunking import chunk_corpus_documents

        return chunk_corpus_documents(self.corpus.documents(), self._count_tokens)

    def build_index(
        self,
        rebuild: bool = False,
        progress: Progress | None = None,
        actor: Principal | None = None,
    ) -> BuildReport:
        """Bring the index up to date with the corpus; only changed chunks are embedded again.

        User documents already ingested are kept (and re-embedded from their stored text on rebuild).
        A build someone asked for (`actor`) is written to the audit log; the server's own refresh
        at start-up is not.
        """
        from pse_assistant.search.index import USER_DOC

        report = self.index.write(
            keep=lambda d: d.metadata.get("doc_type") == USER_DOC,
            add=self.corpus_chunks(),
            rebuild=rebuild,
            progress=progress,
        )
        self._written(report)
        units = self.unit_index.write(rebuild=rebuild, progress=progress)
        report.units, report.units_embedded = units.total, units.embedded
        report.changed = report.changed or units.changed
        report.seconds += units.seconds
        if actor is not None:
            action = "index.rebuild" if rebuild else "index.refresh"
            self.record(actor, action, "", f"{report.embedded} chunks embedded")
        return report

    def _written(self, report: BuildReport) -> None:
        """After a write, searches in this process use the new generation at once."""
        if report.changed and "searcher" in self.__dict__:
            self.searcher.invalidate()

    def index_status(self) -> IndexStatus:
        """Whether the index is built, its answer units included (the server answers 503 until
        it is: a start that stopped after the chunks and before the units is not ready)."""
        active = self.index.active()
        ready = active is not None and self.unit_index.ready()
        return IndexStatus(ready=ready, chunks=active.count() if active else 0)

    def ensure_index(self, progress: Progress | None = None) -> BuildReport | None:
        """Build the index if there is none yet (first start); otherwise do nothing.

        A data folder from a version without answer units gets them on first use.
        """
        if self.index.active() is None:
            return self.build_index(progress=progress)
        if not self.unit_index.ready():
            return self.unit_index.write(progress=progress)
        return None

    def search(self, query: str, k: int = 5, config: RetrievalConfig | None = None) -> SearchResult:
        """Ranked clauses and passages for a question; raises `IndexNotReady` before `pse index`."""
        return self.searcher.search(query, k=k, config=config)

    def retriever(self, k: int = 5) -> ClauseRetriever:
        """The same search as a LangChain retriever."""
        from pse_assistant.search.retrieval import ClauseRetriever

        return ClauseRetriever(searcher=self.searcher, k=k)

    def ingest(
        self,
        paths: Sequence[Path],
        progress: Progress | None = None,
        follow_symlinks: bool = False,
        actor: Principal | None = None,
    ) -> IngestReport:
        """Add the user's own files to the index; a bad file is refused, the others still added.

        Each file is held to the `PSE_INGEST_*` limits (size unpacked, pages, passages, seconds);
        a symbolic link is refused, naming the link, unless `follow_symlinks`.
        """
        from pse_assistant.core.errors import IngestError
        from pse_assistant.search.index import BuildReport
        from pse_assistant.search.ingest import chunk_file, expand_paths
        from pse_assistant.search.limits import IngestLimits

        self.ensure_index()
        limits = IngestLimits.from_settings(self.settings)
        files, failed = expand_paths(list(paths), follow_symlinks)
        chunks: list[Any] = []
        added: dict[str, dict[str, Any]] = {}
        for path in files:
            try:
                file_chunks = chunk_file(path, self.corpus.structure, self._count_tokens, limits)
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
            self._written(report)
        for doc in added.values():
            self.record(
                actor, "document.ingest", str(doc["id"]), f"{doc['file']}, {doc['chunks']} passages"
            )
        return IngestReport(added=list(added.values()), failed=failed, build=vars(report))

    def documents(self) -> list[dict[str, Any]]:
        """The user documents in the index."""
        return self.index.user_documents()

    def document_page(self, limit: int, cursor: str | None = None) -> Page[UserDocument]:
        """One page of the user documents, oldest first (one read of the index, or none)."""
        from pse_assistant.search.index import UserDocument

        limit = check_limit(limit)
        docs = [UserDocument.model_validate(d) for d in self.documents()]
        docs.sort(key=lambda d: (d.ingested, d.id))
        if cursor:
            after = tuple(decode_cursor(cursor, (str, str)))
            docs = [d for d in docs if (d.ingested, d.id) > after]
        more = len(docs) > limit
        items = docs[:limit]
        last = items[-1] if more else None
        return Page(
            items=items, next_cursor=encode_cursor(last.ingested, last.id) if last else None
        )

    def remove_document(self, doc_id: str, actor: Principal | None = None) -> BuildReport:
        """Remove one user document from the index; raises `NotFound` for an unknown id."""
        known = {str(d["id"]) for d in self.documents()}
        if doc_id not in known:
            listing = ", ".join(sorted(known)) or "none"
            raise NotFound(f"No ingested document has the id {doc_id!r} (known: {listing}).")
        report = self.index.write(keep=lambda d: d.metadata.get("doc_id") != doc_id, add=[])
        self._written(report)
        self.record(actor, "document.remove", doc_id)
        return report

    # -- answers and conversations ---------------------------------------------------------------
    def ask(
        self, question: str, conversation_id: str | None = None, owner: str | None = None
    ) -> Answer:
        """Answer a question, in a conversation (a new one when no id is given).

        `owner` is the signed-in user (None with auth off): a new conversation is theirs, and
        another user's conversation id is `ConversationNotFound`. The same holds for every
        conversation method below.
        """
        from pse_assistant.answer.responder import final_answer

        return final_answer(self.ask_stream(question, conversation_id, owner))

    def ask_stream(
        self, question: str, conversation_id: str | None = None, owner: str | None = None
    ) -> Iterator[AnswerStreamEvent]:
        """Stream an answer: token events, then the final answer event, whose answer is saved.

        Raises `ConversationNotFound` for an unknown conversation id before anything streams.
        """
        from pse_assistant.answer.responder import Context

        question = clean_text(question, multiline=True)
        store = self.conversations
        if conversation_id:
            conversation = store.get(conversation_id, with_turns=False, owner=owner)
            asked, previous = store.last_turn(conversation_id)
            context = Context(conversation.focus, conversation.intent, previous, asked)
        else:
            title = " ".join(question.split())[:80] or "Conversation"
            conversation_id = store.create(title, owner=owner)
            context = Context([])
        if self.auto_build:
            self.ensure_index()
        return self._saved(
            self.responder.stream(question, context), question, conversation_id, context
        )

    def _saved(
        self,
        events: Iterator[AnswerStreamEvent],
        question: str,
        conversation_id: str,
        context: Any,
    ) -> Iterator[AnswerStreamEvent]:
        """Pass the events on, saving the final answer as the conversation's next turn."""
        from pse_assistant.answer.models import AnswerEvent, Status, label_origins

        for event in events:
            if isinstance(event, AnswerEvent):
                answer = label_origins(event.answer)
                answer.conversation_id = conversation_id
                answered = answer.status == Status.ANSWERED
                self.conversations.add_turn(
                    conversation_id,
                    question,
                    answer.model_dump(mode="json"),
                    answer.clauses[:2] if answered else context.focus,
                    answer.intent if answered else context.intent,
                )
            yield event

    def _plan_answer(self, clause_id: str, question: str, said_before: set[str]) -> Composed:
        """A plan request in a chat gets a plan for a typical organization, with how to tailor it.

        What the question says is kept: its horizon ("a 6-month plan"), a small or national
        organization, and its constraints (no budget, unions, a hiring freeze).
        """
        from pse_assistant.answer.special import compose_plan
        from pse_assistant.plans.models import PlanRequest
        from pse_assistant.plans.situations import plan_profile

        request = PlanRequest.model_validate(
            {"clauses": [clause_id], "organization": "public service organization", "maturity": 2}
            | plan_profile(question)
        )
        return compose_plan(
            self.corpus,
            self.draft_plan(request),
            f'pse plan {clause_id} --org "your organization" --out plan.docx',
            said_before,
        )

    def conversation_list(self, owner: str | None = None) -> list[Conversation]:
        """Saved conversations, newest first, without their turns."""
        return self.conversations.all(owner)

    def conversation_page(
        self, limit: int, cursor: str | None = None, owner: str | None = None
    ) -> Page[Conversation]:
        """One page of saved conversations, newest first, without their turns."""
        return self.conversations.page(limit, cursor, owner)

    def conversation(self, conversation_id: str, owner: str | None = None) -> Conversation:
        """One conversation with its turns; raises `ConversationNotFound`."""
        return self.conversations.get(conversation_id, owner=owner)

    def conversation_answers(self, conversation_id: str, owner: str | None = None) -> list[Answer]:
        """A saved conversation's answers in order, each with its question, to show it again."""
        from pse_assistant.answer.models import Answer

        turns = self.conversation(conversation_id, owner).turns
        return [Answer.model_validate(t.answer) for t in turns]

    def rename_conversation(
        self, conversation_id: str, title: str, owner: str | None = None
    ) -> None:
        """Give a conversation a new title; raises `ConversationNotFound` or `InvalidInput`."""
        self.conversations.rename(conversation_id, title, owner)

    def conversation_download(
        self, conversation_id: str, fmt: str = "md", owner: str | None = None
    ) -> Path:
        """A conversation exported (md or json) into the managed download folder."""
        from pse_assistant.core.office import export_format, write_text

        chosen = export_format(fmt, ("md", "json"), "conversation")
        text = self.export_conversation(conversation_id, chosen, owner)
        return write_text(
            self.downloads.folder("conversation") / f"conversation-{conversation_id}.{chosen}", text
        )

    def plannable(self, clauses: Sequence[str]) -> list[str]:
        """The clauses among `clauses` a plan can be drafted for (sub-elements, elements, principles)."""
        from pse_assistant.plans.context import plannable

        return plannable(self.corpus.structure, list(clauses))

    def plan_context(
        self, conversation_id: str, answer_id: str | None = None, owner: str | None = None
    ) -> PlanContext:
        """A plan request from a conversation: the clauses its answer named (the given one, else the
        latest that named any) and what the questions said about the organization.

        Raises:
            ConversationNotFound: an unknown conversation.
            InvalidInput: no answer in it names a sub-element, element or principle.
        """
        from pse_assistant.plans.context import plan_context, plannable

        answers = self.conversation_answers(conversation_id, owner)
        chosen = [a for a in answers if a.id == answer_id] or [
            a for a in reversed(answers) if plannable(self.corpus.structure, a.clauses)
        ]
        clauses = chosen[0].clauses if chosen else []
        return plan_context(self.corpus.structure, clauses, [a.question for a in answers])

    def delete_conversation(self, conversation_id: str, owner: str | None = None) -> None:
        """Delete a conversation and its turns; raises `ConversationNotFound`."""
        self.conversations.delete(conversation_id, owner)

    def export_conversation(
        self, conversation_id: str, fmt: str = "md", owner: str | None = None
    ) -> str:
        """A conversation as Markdown or JSON text; raises `ConversationNotFound`."""
        from pse_assistant.core.office import export_format

        chosen = export_format(fmt, ("md", "json"), "conversation")
        if chosen == "json":
            return self.conversations.export(conversation_id, "json", owner)
        return self.conversations.export(conversation_id, "md", owner)

    def feedback(
        self, answer_id: str, rating: str, comment: str = "", owner: str | None = None
    ) -> str:
        """Keep a thumbs up or down on an answer for evaluators; raises `NotFound` for an unknown
        answer (or one in another user's conversation)."""
        if not self.conversations.answer_exists(answer_id, owner):
            raise NotFound(f"No answer has the id {answer_id!r}.")
        return self.conversations.add_feedback(answer_id, rating, comment.strip())

    def feedback_page(self, limit: int, cursor: str | None = None) -> Page[FeedbackEntry]:
        """Answer feedback, oldest first, a page at a time (for trainers and evaluators)."""
        return self.conversations.feedback_page(limit, cursor)

    # -- plans ----------------------------------------------------------------------------------------
    def draft_plan(self, request: PlanRequest) -> ActionPlan:
        """An action plan for sub-elements, elements or principles, tailored to the request's profile."""
        from pse_assistant.plans.drafting import draft_plan

        return draft_plan(self.corpus, request.clauses, request.profile())

    def export_plan(self, plan: ActionPlan, fmt: str, path: Path) -> Path:
        """Write a plan as md, docx, xlsx or json (into `path`, or under its suggested name if a folder)."""
        from pse_assistant.plans.export import export

        return export(plan, fmt, path)

    def plan_markdown(self, plan: ActionPlan) -> str:
        """A plan as Markdown, as the Plan tab and the terminal show it."""
        from pse_assistant.plans.export import to_markdown

        return to_markdown(plan)

    def plan_download(self, plan: ActionPlan, fmt: str) -> Path:
        """A plan written into the managed download folder."""
        return self.downloads.write("plan", lambda folder: self.export_plan(plan, fmt, folder))

    # -- templates -----------------------------------------------------------------------------------
    def templates(self) -> list[TemplateSummary]:
        """Every practitioner template, in the order of their ids."""
        from pse_assistant.templates.filling import summarize

        return [summarize(t) for _, t in sorted(self.corpus.templates.items())]

    def template(self, template_id: str) -> FilledTemplate:
        """One template with its pre-filled rows; raises `NotFound` naming the templates there are."""
        from pse_assistant.templates.filling import fill_template

        return fill_template(self.corpus, template_id)

    def export_template(self, template_id: str, fmt: str | None, path: Path) -> Path:
        """Write a template as docx or xlsx (its default when `fmt` is None) to `path` or into a folder."""
        from pse_assistant.templates.export import export

        filled = self.template(template_id)
        return export(filled, fmt or filled.template.default_format.value, path)

    def template_download(self, template_id: str, fmt: str | None = None) -> Path:
        """A template written into the managed download folder."""
        template = self.corpus.template(template_id)  # NotFound before any folder is made
        return self.export_template(template.id, fmt, self.downloads.folder("template"))

    # -- workshops and assessments -------------------------------------------------------------------
    def workshop_markdown(self, pack: WorkshopPack) -> str:
        """A workshop pack as Markdown."""
        from pse_assistant.training.workshop_export import to_markdown

        return to_markdown(pack)

    def workshop_download(self, pack: WorkshopPack, fmt: str) -> Path:
        """A workshop pack written into the managed download folder."""
        return self.downloads.write(
            "workshop", lambda folder: self.training.export_workshop(pack, fmt, folder)
        )

    def assessment_report_download(self, assessment_id: str, fmt: str) -> Path:
        """An assessment report (xlsx or docx), kept per assessment version in the download folder."""
        from pse_assistant.training.service import REPORT_FORMATS

        if fmt not in REPORT_FORMATS:
            raise InvalidInput(f"An assessment exports to xlsx or docx, not {fmt[:20]!r}.")
        key = f"report-{assessment_id}-v{self.training.version(assessment_id)}"
        return self.downloads.cached(
            key,
            f"assessment-{assessment_id}.{fmt}",
            lambda path: self.training.report(assessment_id, fmt, path.parent),
        )

    def assessment_charts_download(self, assessment_id: str) -> list[Path]:
        """An assessment's radar charts and heat map (PNG and SVG), kept per assessment version."""
        names = self.training.chart_names(assessment_id)
        return [self.assessment_chart_download(assessment_id, name) for name in names]

    def assessment_chart_download(self, assessment_id: str, name: str) -> Path:
        """One chart by file name (`radar-7.1.png`, `heat-map.svg`...); raises `NotFound`.

        Drawn once per version of the assessment (each score or agreement is a new version) and
        served from the download folder until then.
        """
        key = f"charts-{assessment_id}-v{self.training.version(assessment_id)}"
        return self.downloads.cached(
            key, name, lambda path: self.training.chart(assessment_id, name, path)
        )

    def evaluation_download(
        self,
        split: str,
        ablation: bool = False,
        dataset: Path | None = None,
        uploads: Path | None = None,
        progress: Progress | None = None,
        actor: Principal | None = None,
    ) -> tuple[EvalRun, dict[str, Path]]:
        """An evaluation run whose files are written into the managed download folder.

        A question set of the person's own (`dataset`) is read only when it lies inside `uploads`,
        the folder their uploads go to: a request naming any other path is refused without the disk
        being looked at, so it can neither read a file nor learn whether one exists.
        """
        from pse_assistant.evals import evaluate

        if dataset is not None and (uploads is None or not within(dataset, uploads)):
            raise InvalidInput(
                "Choose your question set with the upload button: only a file uploaded there "
                "is read."
            )
        result = self.downloads.write(
            "evaluation",
            lambda folder: evaluate(
                self,
                split=None if dataset else split,
                dataset=dataset,
                out_dir=folder,
                ablation=ablation,
                progress=progress,
            ),
        )
        self.record(actor, "eval.run", dataset.name if dataset else split, "")
        return result

    # -- accounts, access and the audit log ----------------------------------------------------------
    @cached_property
    def accounts(self) -> Accounts:
        """Users, tokens, sign-in, invitations and the audit log."""
        from pse_assistant.accounts.service import Accounts

        return Accounts(self.database, self.settings)

    def principal(
        self, name: str | None, via: str = "session", since: str = ""
    ) -> Principal | None:
        """The signed-in user a session names, with their current role; the one local person
        (as admin) when auth is off; None when nobody (or a disabled account) is signed in."""
        from pse_assistant.accounts.roles import LOCAL

        if self.settings.auth == "off":
            return LOCAL
        return self.accounts.principal_for_session(name, via, since) if name else None

    def require(self, principal: Principal | None, role: Role) -> Principal:
        """The caller if their role reaches `role`; `Unauthorized` or `Forbidden` otherwise.

        The API's route table and the UI's tabs both come here, so a hidden tab's event, called
        directly, is refused exactly as the API would refuse it.
        """
        from pse_assistant.core.errors import Forbidden, Unauthorized

        if principal is None:
            raise Unauthorized("Sign in first: your session has ended or was never started.")
        if not principal.role.covers(role):
            raise Forbidden(
                f"This needs the {role.value} role; {principal.name} is {principal.role.value}."
            )
        return principal

    def record(
        self, actor: Principal | None, action: str, target: str = "", detail: str = ""
    ) -> None:
        """Write an admin or trainer action to the audit log (nothing when no actor is named)."""
        if actor is not None:
            self.accounts.audit.record(actor, action, target, detail)

    def _may_score(self, caller: Principal, assessment_id: str) -> bool:
        """Trainers and admins reach every assessment; an assessor those they were invited to."""
        from pse_assistant.accounts.roles import Role

        if caller.via == "off" or caller.role.covers(Role.TRAINER):
            return True
        return self.accounts.invitations.invited(assessment_id, caller.name)

    def assessment_for(self, caller: Principal, assessment_id: str) -> Assessment:
        """An assessment the caller may see; another one is `NotFound`, as if it did not exist."""
        if not self._may_score(caller, assessment_id):
            raise NotFound(f"No assessment has the id {assessment_id!r}.")
        return self.training.assessment(assessment_id)

    def assessment_page_for(
        self, caller: Principal, limit: int, cursor: str | None = None
    ) -> Page[Assessment]:
        """A page of the assessments the caller may see (an assessor's pages may be shorter)."""
        page = self.training.assessment_page(limit, cursor)
        if self._may_score(caller, ""):
            return page
        mine = self.accounts.invitations.assessments_of(caller.name)
        return Page(items=[a for a in page.items if a.id in mine], next_cursor=page.next_cursor)

    def score_as(
        self,
        caller: Principal,
        assessment_id: str,
        assessor: str,
        clause: str,
        score: int,
        evidence: str = "",
    ) -> Score:
        """Record a score; with auth on it is always the caller's own, whatever name was typed."""
        self.assessment_for(caller, assessment_id)
        name = assessor if caller.via == "off" else caller.name
        return self.training.score(assessment_id, name, clause, score, evidence)

    def agree_as(
        self, caller: Principal, assessment_id: str, clause: str, score: int, reason: str
    ) -> Consensus:
        """Record the agreed score of an element, and who agreed it in the audit log."""
        agreed = self.training.agree(assessment_id, clause, score, reason)
        self.record(caller, "assessment.consensus", assessment_id, f"{clause} = {score}")
        return agreed

    def invite(self, caller: Principal, assessment_id: str) -> str:
        """A single-use invitation code to score an assessment (raises `NotFound` for an unknown one)."""
        self.training.assessment(assessment_id)
        return self.accounts.invitations.invite(assessment_id, caller)

    def accept_invitation(self, caller: Principal, code: str) -> Assessment:
        """Spend an invitation code: its assessment becomes the caller's to score."""
        if caller.via == "off":
            raise NotFound("Invitations need sign-in; with PSE_AUTH=off everyone may score.")
        return self.training.assessment(self.accounts.invitations.accept(code, caller))


def _fit(query: str) -> str:
    """A follow-up's query is the question plus the clauses in focus, which can pass the search's
    length limit for a question at the limit; the middle goes, the clauses at the end stay."""
    from pse_assistant.search.retrieval import MAX_QUERY_CHARS

    if len(query) <= MAX_QUERY_CHARS:
        return query
    return f"{query[: MAX_QUERY_CHARS - 101]} {query[-100:]}"


@lru_cache(maxsize=1)
def get_assistant() -> Assistant:
    """The process-wide assistant, built on first use from `get_settings()`."""
    return Assistant()

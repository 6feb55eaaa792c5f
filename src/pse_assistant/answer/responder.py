"""Answering a question in a conversation: validate, resolve follow-ups, retrieve, compose or generate.

The `Responder` decides what kind of answer a question gets (answered, out of scope, no such clause,
invalid input), carries a conversation's focus into its follow-ups, composes the grounded answer, and,
when a language model is configured, lets it write the answer from the same passages, checks its
citations, and falls back to the grounded answer with a visible notice if the endpoint fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pse_assistant.answer.composer import Composed, Composer, find_term
from pse_assistant.answer.intents import Intent, detect_intent, is_follow_up
from pse_assistant.answer.llm import LlmClient, check_citations
from pse_assistant.answer.models import (
    Answer,
    AnswerEvent,
    AnswerStreamEvent,
    Citation,
    Mode,
    ResetEvent,
    Status,
    TokenEvent,
)
from pse_assistant.core.errors import BackendUnavailable
from pse_assistant.core.text import lead, sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.references import find_references
from pse_assistant.search.retrieval import MAX_QUERY_CHARS, Hit, SearchResult

# Below this cosine similarity a question with no clause reference is not about the corpus (measured
# on the dev split: off-topic questions scored 0.13-0.32, on-topic ones 0.38 and up).
ON_TOPIC_SIMILARITY = 0.35
PLANNABLE = {"sub-element", "element", "principle"}
SCOPE_HELP = (
    "I can help with ISO 11367:2025 public service excellence: what a clause means and how to meet it, "
    "the evidence an assessor looks for, indicators, pitfalls, examples, definitions, crosswalks to "
    "ISO 9001, CAF, UK CSE and ISO 23592, action plans and workshop material."
)

PlanDrafter = Callable[[str], Composed | None]


@dataclass
class Context:
    """What a conversation is about so far."""

    focus: list[str]
    intent: Intent | None = None


class Responder:
    """Turns a question (and its conversation's context) into an `Answer`.

    Args:
        corpus: the loaded corpus.
        search: the retrieval function, `search(query, k)`.
        llm: the optional language model.
        plan: drafts a plan summary for a clause (None when plans are unavailable).
    """

    def __init__(
        self,
        corpus: Corpus,
        search: Callable[[str, int], SearchResult],
        llm: LlmClient | None = None,
        plan: PlanDrafter | None = None,
    ) -> None:
        self.corpus = corpus
        self.search = search
        self.llm = llm
        self.plan = plan
        self._foreign = {name: dict(cw.targets) for name, cw in corpus.crosswalks.items()}

    def respond(self, question: str, context: Context | None = None) -> Answer:
        """The complete answer (an LLM's, when configured and reachable)."""
        return final_answer(self.stream(question, context))

    def stream(self, question: str, context: Context | None = None) -> Iterator[AnswerStreamEvent]:
        """Token events while the answer is written, then one answer event."""
        grounded, hits = self._grounded(question, context or Context([]))
        if self.llm is None or grounded.status != Status.ANSWERED or grounded.intent == Intent.PLAN:
            yield from _tokens(grounded.answer)
            yield AnswerEvent(answer=grounded)
            return
        pieces: list[str] = []
        try:
            for token in self.llm.stream(grounded.resolved_question or question, hits):
                pieces.append(token)
                yield TokenEvent(text=token)
        except BackendUnavailable as error:
            grounded.notices.append(f"{error} This answer is composed from the corpus instead.")
            yield ResetEvent()
            yield from _tokens(grounded.answer)
            yield AnswerEvent(answer=grounded)
            return
        yield AnswerEvent(answer=self._verified(grounded, "".join(pieces), hits))

    def _verified(self, grounded: Answer, text: str, hits: list[Hit]) -> Answer:
        allowed = {h.clause for h in hits if h.clause}
        reply = check_citations(text, allowed)
        notices = []
        if reply.removed:
            notices.append(
                "Removed citations of clauses the model was not given: "
                + ", ".join(f"[{c}]" for c in reply.removed)
                + "."
            )
        if not reply.verified:
            notices.append(
                "The model's answer cites no passage it was given: check it against the sources."
            )
        citations = []
        for clause in reply.cited:
            hit = next(h for h in hits if h.clause == clause)
            citations.append(
                Citation(
                    clause=clause,
                    title=hit.title,
                    section=hit.section,
                    quote=lead(hit.text, 2),
                    source=hit.source,
                )
            )
        sources = "; ".join(f"[{c.clause}] {c.title}" for c in citations)
        body = reply.text + (f"\n\n**Sources:** {sources}" if sources else "")
        return grounded.model_copy(
            update={
                "id": uuid.uuid4().hex[:16],
                "answer": body,
                "citations": citations,
                "mode": Mode.LLM,
                "notices": notices,
                "verified": reply.verified,
            }
        )

    # -- the grounded answer ---------------------------------------------------------------------
    def _grounded(self, question: str, context: Context) -> tuple[Answer, list[Hit]]:
        text = " ".join(question.split())
        if not text:
            return Answer(
                question=question,
                answer="Please type a question. " + SCOPE_HELP,
                status=Status.INVALID_INPUT,
            ), []
        if len(text) > MAX_QUERY_CHARS:
            message = f"Your question is {len(text)} characters long; please keep it under {MAX_QUERY_CHARS}."
            return Answer(question=question, answer=message, status=Status.INVALID_INPUT), []
        refs = find_references(text, self.corpus.structure, self._foreign)
        if refs.missing and not refs.clauses:
            return self._not_found(text, refs.missing), []
        intent = detect_intent(text)
        follow_up = (
            not refs.clauses and not refs.foreign and bool(context.focus) and is_follow_up(text)
        )
        if follow_up:
            intent = intent or context.intent or Intent.SUMMARY
            query = f"{text} {' '.join(context.focus)}"
        else:
            if (
                refs.clauses
                and intent in {None, Intent.SUMMARY}
                and context.intent
                and is_follow_up(text)
            ):
                intent = context.intent
            query = text
        result = self.search(query, 8)
        if (
            not follow_up
            and not refs
            and not refs.foreign
            and result.best_similarity < ON_TOPIC_SIMILARITY
        ):
            # One on-topic sentence is enough: text wrapped around a real question (an attempt to
            # change the instructions, a greeting) must not hide it.
            parts = [p for p in sentences(text) if len(p.split()) >= 3]
            results = [self.search(part, 8) for part in parts] if len(parts) > 1 else []
            best = max(results, key=lambda r: r.best_similarity, default=result)
            if best.best_similarity < ON_TOPIC_SIMILARITY:
                return self._out_of_scope(text, result), []
            result = best
        clauses = self._clauses(context.focus if follow_up else refs.clauses, result, intent)
        resolved = text if not follow_up else f"{text} (about {', '.join(clauses[:2])})"
        composed = self._compose(intent, text, clauses, result)
        answer = Answer(
            question=question,
            resolved_question=resolved,
            answer=composed.text,
            citations=composed.citations,
            intent=intent or Intent.HOW_TO,
            clauses=composed.clauses,
            hits=result.hits,
        )
        return answer, [h for h in result.hits if h.clause]

    def _clauses(self, named: list[str], result: SearchResult, intent: Intent | None) -> list[str]:
        clauses = list(named) or list(result.clauses[:3])
        if intent == Intent.COMPARISON and len(clauses) < 2:
            clauses += [c for c in result.clauses if c not in clauses][: 2 - len(clauses)]
        if intent == Intent.CROSSWALK and not named:
            clauses = result.clauses[:3]
        return clauses or ["1"]

    def _compose(
        self, intent: Intent | None, text: str, clauses: list[str], result: SearchResult
    ) -> Composed:
        composer = Composer(self.corpus)
        if (
            intent in {Intent.DEFINITION, Intent.SUMMARY, None}
            and (term := find_term(self.corpus, text))
            and (
                intent == Intent.DEFINITION
                or not find_references(text, self.corpus.structure).clauses
            )
        ):
            name, definition, term_clauses = term
            ranked = [c for c in result.clauses if c in term_clauses]
            ordered = ranked + [c for c in term_clauses if c not in ranked]
            return composer.definition(name, definition, ordered, text, result.hits)
        if intent == Intent.PLAN and self.plan is not None:
            target = next(
                (c for c in clauses if self.corpus.structure.get(c).kind.value in PLANNABLE), None
            )
            target = target or next(
                (c for c in result.clauses if self.corpus.structure.get(c).kind.value in PLANNABLE),
                None,
            )
            if target and (planned := self.plan(target)) is not None:
                return planned
        return composer.compose(intent or Intent.HOW_TO, text, clauses, result.hits)

    def _not_found(self, text: str, missing: list[str]) -> Answer:
        structure = self.corpus.structure
        lines = []
        for clause_id in missing:
            if clause_id.startswith("Annex"):
                last = structure.get("bibliography")
                lines.append(
                    f"There is no {clause_id} in ISO 11367:2025: it has no annexes, and its last entry is "
                    f"the {last.title} (page {last.page})."
                )
                continue
            nearest = structure.nearest(clause_id)
            names = "; ".join(f"{n} {structure.get(n).title}" for n in nearest)
            lines.append(
                f"There is no clause {clause_id} in ISO 11367:2025. The nearest clauses are: {names}."
            )
        lines.append("Ask about one of them, or run `pse clauses` to see the whole structure.")
        return Answer(
            question=text,
            answer="\n\n".join(lines),
            status=Status.CLAUSE_NOT_FOUND,
            intent=Intent.CLAUSE_LOOKUP,
        )

    def _out_of_scope(self, text: str, result: SearchResult) -> Answer:
        message = (
            "That is outside what I can answer: I only know the project's guidance on ISO 11367:2025 and "
            f'the frameworks it maps to. {SCOPE_HELP} For example: "How do we meet 7.2.3 at the counter?" '
            'or "Which indicators fit accessibility?"'
        )
        return Answer(
            question=text,
            answer=message,
            status=Status.OUT_OF_SCOPE,
            intent=Intent.OUT_OF_SCOPE,
            hits=result.hits[:0],
        )


def final_answer(events: Iterable[AnswerStreamEvent]) -> Answer:
    """Run an answer stream to its end and return the `Answer` it closes with."""
    answer = None
    for event in events:
        if isinstance(event, AnswerEvent):
            answer = event.answer
    if answer is None:
        raise RuntimeError("the answer stream ended without an answer")
    return answer


def _tokens(text: str) -> Iterator[TokenEvent]:
    """A grounded answer streamed in word-sized pieces, so every mode streams the same way."""
    words = text.split(" ")
    for index in range(0, len(words), 6):
        tail = " " if index + 6 < len(words) else ""
        yield TokenEvent(text=" ".join(words[index : index + 6]) + tail)

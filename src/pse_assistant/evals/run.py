"""Run a question set through the assistant and score it: answers, retrieval, plans and the ablation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from pse_assistant.answer.models import Answer
from pse_assistant.answer.responder import PLANNABLE
from pse_assistant.core.errors import PseError
from pse_assistant.evals.baseline import TutorialPipeline
from pse_assistant.plans.models import ActionPlan, PlanRequest
from pse_assistant.search.retrieval import RetrievalConfig

from .dataset import EvalItem
from .scoring import (
    RETRIEVAL_METRICS,
    ItemResult,
    aggregate,
    expected_status,
    grouped,
    mean,
    retrieval_metrics,
    score,
)
from .semantic import KeyPointMatcher, calibration_path

if TYPE_CHECKING:
    from pse_assistant.assistant import Assistant

    from .judge import Judge

Progress = Callable[[int, int], None]
ABLATION: dict[str, RetrievalConfig | None] = {
    "bm25": RetrievalConfig(mode="bm25", clause_aware=False),
    "dense": RetrievalConfig(mode="dense", clause_aware=False),
    "hybrid": RetrievalConfig(clause_aware=False),
    "hybrid + clause-aware (default)": RetrievalConfig(),
    "tutorial (1000/200 chars, dense)": None,
}
PLAN_ORGANIZATION = "public service organization"


class EvalRun(BaseModel):
    """A finished evaluation: the summary (what the gate and the report read) and every item."""

    summary: dict[str, Any]
    items: list[ItemResult] = Field(default_factory=list)


def run_eval(
    assistant: Assistant,
    items: Sequence[EvalItem],
    ablation: bool = True,
    plans: bool = True,
    judge: Judge | None = None,
    progress: Progress | None = None,
    label: str = "",
) -> EvalRun:
    """Ask every item as a user would and score the answers; deterministic unless a judge is given.

    Each item runs in a fresh conversation (a multi-turn item's turns in order, the last answer
    scored), which is deleted afterwards so evaluations do not fill the user's history.

    Args:
        assistant: the assistant under test, with its index built.
        items: the questions.
        ablation: also rank the single-turn answerable items with each retrieval variant and the
            tutorial pipeline (builds the tutorial's in-memory index, a few seconds).
        plans: draft and check a plan for each plan-request item.
        judge: an optional LLM judge for faithfulness and relevance, reported but never gating.
        progress: called with (done, total) after each item.
        label: a name for the run (the split or the dataset file), kept in the summary.
    """
    started = time.perf_counter()
    # Bring the index up to date with the corpus (only changed passages are embedded): a run on an
    # index built before the notes or the example questions changed would score the old corpus.
    assistant.build_index()
    assistant.search("warm up", k=1)  # load the model now, not inside the first item's latency
    results = []
    matcher = _matcher(assistant)
    for done, item in enumerate(items, start=1):
        result = _run_item(assistant, item, plans, matcher)
        if judge is not None and result.status == "answered":
            result.judge = judge.score(result.question, result.answer, result.contexts)
        results.append(score(result, item))
        if progress:
            progress(done, len(items))
    summary: dict[str, Any] = {
        "label": label,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": aggregate(results),
        "by_type": grouped(results, "type"),
        "by_persona": grouped(results, "persona"),
        "by_clause": grouped(results, "clause"),
    }
    if ablation:
        summary["ablation"] = run_ablation(assistant, items)
    if judge is not None:
        summary["judge"] = judge.summarize([r.judge for r in results if r.judge])
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return EvalRun(summary=summary, items=results)


def _run_item(
    assistant: Assistant, item: EvalItem, plans: bool, matcher: KeyPointMatcher | None = None
) -> ItemResult:
    conversation: str | None = None
    answer: Answer | None = None
    previous = ""
    elapsed = 0.0
    try:
        for message in item.messages:
            began = time.perf_counter()
            previous = answer.answer if answer is not None else ""
            answer = assistant.ask(message, conversation)
            elapsed = (time.perf_counter() - began) * 1000
            conversation = answer.conversation_id
    finally:
        if conversation:
            assistant.delete_conversation(conversation)
    assert answer is not None  # an item has at least one message
    result = ItemResult(
        id=item.id,
        type=item.type,
        persona=item.persona,
        answerable=item.answerable,
        gold_clauses=item.gold_clauses,
        question=answer.resolved_question or item.last,
        turns=len(item.messages),
        status=answer.status,
        expected_status=expected_status(item),
        answer=answer.answer,
        cited=list(dict.fromkeys(c.clause for c in answer.citations)),
        retrieved=list(dict.fromkeys(h.clause for h in answer.hits if h.clause)),
        contexts=[h.text for h in answer.hits if h.clause],
        previous_answer=previous,
    )
    result.metrics["latency_ms"] = round(elapsed, 1)
    if matcher is not None and item.must_include and answer.status == "answered":
        covered = matcher.covered(item.must_include, answer.answer)
        result.semantic_points = [p for p, ok in zip(item.must_include, covered, strict=True) if ok]
    if item.answerable and item.gold_clauses:
        result.ranking = assistant.search(result.question, k=10).clauses
        result.metrics |= retrieval_metrics(result.ranking, item.gold_clauses)
    if plans and item.type == "plan-request":
        result.plan = check_plan(assistant, item.gold_clauses + result.ranking)
        result.metrics |= {
            "plan_schema_validity": float(result.plan["schema_valid"]),
            "plan_horizon_fit": float(result.plan["horizon_fit"]),
            "plan_traceability": float(result.plan["traceable"]),
        }
    return result


def _matcher(assistant: Assistant) -> KeyPointMatcher | None:
    """The semantic key-point check, when a calibration is shipped (None otherwise)."""
    if not calibration_path().is_file():
        return None
    return KeyPointMatcher(assistant.embedder.embed_documents)


def check_plan(assistant: Assistant, candidates: Sequence[str]) -> dict[str, Any]:
    """Draft a plan for the first plannable clause and check its schema, horizon and sources.

    Traceability means every action is one of its clause's guidance steps (by title) or the closing
    "Review and embed" action, so nothing in a plan is invented.
    """
    structure = assistant.corpus.structure
    target = next(
        (c for c in candidates if c in structure and structure.get(c).kind.value in PLANNABLE), None
    )
    check: dict[str, Any] = {
        "clause": target,
        "schema_valid": False,
        "horizon_fit": False,
        "traceable": False,
        "actions": 0,
        "error": "",
    }
    if target is None:
        check["error"] = "no plannable clause among the gold and retrieved clauses"
        return check
    try:
        plan = assistant.draft_plan(PlanRequest(clauses=[target], organization=PLAN_ORGANIZATION))
        ActionPlan.model_validate(plan.model_dump(), context={"clause_ids": set(structure.ids)})
    except (PseError, ValidationError) as error:
        check["error"] = str(error).splitlines()[0]
        return check
    horizon = plan.profile.horizon_months
    untraced = []
    for action in plan.actions:
        note = assistant.corpus.note(action.source_clause)
        steps = {s.title for s in note.steps()} if note else set()
        if action.title not in steps and not action.title.startswith("Review and embed"):
            untraced.append(action.id)
    check |= {
        "schema_valid": True,
        "horizon_fit": all(1 <= a.start_month <= a.end_month <= horizon for a in plan.actions),
        "traceable": not untraced,
        "actions": len(plan.actions),
        "untraced": untraced,
    }
    return check


def run_ablation(
    assistant: Assistant, items: Sequence[EvalItem]
) -> dict[str, dict[str, float | None]]:
    """Retrieval metrics of each variant on the same single-turn answerable items and corpus.

    Follow-ups are left out: their query only makes sense with the conversation's context, which
    the variants (and the tutorial pipeline) do not have.
    """
    chosen = [i for i in items if i.answerable and i.gold_clauses and i.question]
    table: dict[str, dict[str, float | None]] = {}
    if not chosen:
        return table
    tutorial: TutorialPipeline | None = None
    for name, config in ABLATION.items():
        rankings = []
        for item in chosen:
            if config is None:
                tutorial = tutorial or TutorialPipeline(assistant.corpus, assistant.embedder)
                rankings.append(tutorial.clauses(item.last, 10))
            else:
                rankings.append(assistant.search(item.last, k=10, config=config).clauses)
        scores = [
            retrieval_metrics(r, i.gold_clauses) for r, i in zip(rankings, chosen, strict=True)
        ]
        table[name] = {"items": float(len(chosen))}
        table[name] |= {m: mean(s[m] for s in scores) for m in RETRIEVAL_METRICS}
    return table

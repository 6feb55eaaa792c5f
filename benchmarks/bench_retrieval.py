"""Retrieval quality and speed at clause level: our hybrid retriever and its variants vs the tutorial.

Usage: .venv/bin/python benchmarks/bench_retrieval.py [--split dev|test] [--repeat N]
Prints recall@5, MRR@10, hit@1, nDCG@10 per variant on the question set, and warm search latency
(p50/p95) over at least 200 queries for the default configuration.
"""

from __future__ import annotations

import argparse
import time

from common import retrieval_questions, scratch_assistant

from pse_assistant.evals.baseline import TutorialPipeline
from pse_assistant.evals.metrics import hit_at, ndcg_at, percentile, recall_at, reciprocal_rank
from pse_assistant.search.retrieval import RetrievalConfig

VARIANTS = {
    "hybrid rrf + clause-aware (default)": RetrievalConfig(),
    "hybrid weighted 0.5 + clause-aware": RetrievalConfig(fusion="weighted", dense_weight=0.5),
    "hybrid weighted 0.7 + clause-aware": RetrievalConfig(fusion="weighted", dense_weight=0.7),
    "hybrid rrf, no clause awareness": RetrievalConfig(clause_aware=False),
    "dense only + clause-aware": RetrievalConfig(mode="dense"),
    "bm25 only + clause-aware": RetrievalConfig(mode="bm25"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes over the questions for latency"
    )
    parser.add_argument("--only-default", action="store_true")
    args = parser.parse_args()
    questions = retrieval_questions(args.split)
    assistant = scratch_assistant()
    assistant.build_index()
    print(f"{len(questions)} answerable single-turn questions from the {args.split} split\n")
    print(f"{'variant':44} {'recall@5':>8} {'MRR@10':>7} {'hit@1':>6} {'nDCG@10':>8}")
    variants = {k: v for k, v in VARIANTS.items() if not args.only_default or "default" in k}
    for name, config in variants.items():
        ranked = [assistant.search(q["question"], k=10, config=config).clauses for q in questions]
        report(name, ranked, questions)
    if not args.only_default:
        tutorial = TutorialPipeline(assistant.corpus, assistant.embedder)
        report(
            "tutorial (1000/200 chars, dense top-k)",
            [tutorial.clauses(q["question"]) for q in questions],
            questions,
        )
    latencies = []
    config = RetrievalConfig()
    assistant.search("warm up", config=config)
    for _ in range(args.repeat):
        for q in questions:
            started = time.perf_counter()
            assistant.search(q["question"], k=5, config=config)
            latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"\nwarm search over {len(latencies)} queries: p50 {percentile(latencies, 50):.1f} ms, "
        f"p95 {percentile(latencies, 95):.1f} ms"
    )


def report(name: str, ranked: list[list[str]], questions: list[dict]) -> None:  # type: ignore[type-arg]
    gold = [q["gold_clauses"] for q in questions]
    n = len(questions)
    r5 = sum(recall_at(r, g, 5) for r, g in zip(ranked, gold, strict=True)) / n
    mrr = sum(reciprocal_rank(r, g, 10) for r, g in zip(ranked, gold, strict=True)) / n
    h1 = sum(hit_at(r, g, 1) for r, g in zip(ranked, gold, strict=True)) / n
    nd = sum(ndcg_at(r, g, 10) for r, g in zip(ranked, gold, strict=True)) / n
    print(f"{name:44} {r5:8.3f} {mrr:7.3f} {h1:6.3f} {nd:8.3f}")


if __name__ == "__main__":
    main()

"""Warm `ask` latency in grounded mode (no LLM), the full path: conversation, retrieval, composition, save.

Usage: .venv/bin/python benchmarks/bench_ask.py
Target (issue 4): p50 <= 60 ms, p95 <= 150 ms.
"""

from __future__ import annotations

import json
import time

from common import DATASETS, scratch_assistant

from pse_assistant.evals.metrics import percentile


def main() -> None:
    assistant = scratch_assistant()
    assistant.build_index()
    questions = []
    for split in ("dev", "test"):
        for line in (DATASETS / f"{split}.jsonl").read_text().splitlines():
            item = json.loads(line)
            questions.append(item.get("question") or item["turns"][0])
    assistant.ask("warm up: what does 7.2.3 say?")
    latencies = []
    statuses: dict[str, int] = {}
    while len(latencies) < 300:
        for question in questions:
            started = time.perf_counter()
            answer = assistant.ask(question)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
    print(
        f"warm ask (grounded), {len(latencies)} questions: p50 {percentile(latencies, 50):.1f} ms, "
        f"p95 {percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms"
    )
    print("statuses:", statuses)


if __name__ == "__main__":
    main()

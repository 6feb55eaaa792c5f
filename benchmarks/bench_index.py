"""Index build, refresh and search speed, and peak memory, on this machine.

Usage: .venv/bin/python benchmarks/bench_index.py
Targets (issue 3): full build <= 30 s; refresh with nothing changed <= 3 s; warm search p50 <= 25 ms
and p95 <= 60 ms over at least 200 queries; peak memory <= 1.2 GB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import retrieval_questions, scratch_assistant

from pse_assistant.assistant import Assistant
from pse_assistant.evals.metrics import percentile

PSE = str(Path(sys.executable).with_name("pse"))


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def float32_agreement(assistant: Assistant) -> str:
    """How far the stored chunk vectors (bfloat16 where the processor has it) are from float32 ones."""
    collection = assistant.index.require_active()
    texts = [d.page_content for d in assistant.index.chunks(collection)]
    stored = assistant.index.vectors(collection)
    exact = assistant.index.embedder.model.encode(texts, batch_size=8, normalize_embeddings=True)
    cosine = (stored * exact).sum(axis=1)
    return f"min {cosine.min():.5f}, mean {cosine.mean():.6f} over {len(texts)} chunks"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="pse-bench-index-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")} | {
        "PSE_DATA_DIR": str(data)
    }
    build = timed([PSE, "index"], env)
    refresh = timed([PSE, "index"], env)
    rebuild = timed([PSE, "index", "--rebuild"], env)
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"pse index, fresh data folder (process start, model load, embed all): {build:.1f} s")
    print(f"pse index, nothing changed:                                          {refresh:.1f} s")
    print(f"pse index --rebuild:                                                 {rebuild:.1f} s")
    print(
        f"peak memory of those processes:                                     {child_peak:.0f} MB"
    )

    assistant = scratch_assistant(data)
    print(f"stored vectors against float32 ones, cosine: {float32_agreement(assistant)}")
    questions = [q["question"] for q in retrieval_questions("dev") + retrieval_questions("test")]
    assistant.search("warm up")
    latencies = []
    while len(latencies) < 200:
        for question in questions:
            started = time.perf_counter()
            assistant.search(question, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"warm search, {len(latencies)} queries:  p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms"
    )
    print(f"peak memory of the searching process: {peak:.0f} MB")


if __name__ == "__main__":
    main()

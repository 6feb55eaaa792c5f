"""Server start-up time and /api/ask throughput under concurrent clients on loopback.

Usage: .venv/bin/python benchmarks/bench_serve.py [--seconds 30] [--clients 16 64]
Targets (issue 5): from `pse serve` to ready <= 15 s with a built index; 16 clients for 30 s against
/api/ask in grounded mode with no errors and at least 20 answers per second. Issue 12 adds 64
clients and p99: each run prints answers/s, p50/p95/p99 and the errors.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import DATASETS

from pse_assistant.evals.metrics import percentile

PSE = str(Path(sys.executable).with_name("pse"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pse-bench-serve-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")} | {
        "PSE_DATA_DIR": str(data)
    }
    subprocess.run([PSE, "index"], env=env, check=True, capture_output=True)
    port = free_port()
    started = time.perf_counter()
    log = data / "server.log"
    server = subprocess.Popen(
        [PSE, "serve", "--port", str(port)],
        env=env,
        stderr=log.open("w"),
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).json()["status"] == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        ready = time.perf_counter() - started
        print(f"pse serve to ready (index already built): {ready:.1f} s")
        questions = [
            json.loads(line).get("question")
            for line in (DATASETS / "test.jsonl").read_text().splitlines()
            if json.loads(line).get("question")
        ]
        # The first question loads every chunk and builds BM25 (seconds): measure after it.
        httpx.post(f"{url}/api/ask", json={"question": questions[0]}, timeout=120)
        for clients in args.clients:
            load(url, questions, clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        failures = log.read_text().count("Traceback")
        print(f"server log: {failures} tracebacks ({log})")


def load(url: str, questions: list[str], clients: int, seconds: float) -> None:
    """`clients` threads asking for `seconds`; prints answers/s, p50/p95/p99 and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            i = offset
            while time.perf_counter() < deadline:
                question = questions[i % len(questions)]
                i += clients
                t0 = time.perf_counter()
                try:
                    response = http.post("/api/ask", json={"question": question})
                    problem = "" if response.status_code == 200 else f"{response.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    (errors.append(problem) if problem else latencies.append(elapsed))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - begin
    print(
        f"{clients} clients for {wall:.0f} s: {len(latencies)} answers, {len(errors)} errors, "
        f"{len(latencies) / wall:.1f} answers/s, p50 {percentile(latencies, 50):.0f} ms, "
        f"p95 {percentile(latencies, 95):.0f} ms, p99 {percentile(latencies, 99):.0f} ms",
        flush=True,
    )
    for error in sorted(set(errors))[:5]:
        print("error:", error, errors.count(error))


if __name__ == "__main__":
    main()

"""Server start-up time and /api/ask throughput under concurrent clients on loopback.

Usage: .venv/bin/python benchmarks/bench_serve.py [--seconds 30] [--clients 16 64]
       .venv/bin/python benchmarks/bench_serve.py --instances 2 [--clients 16]
       .venv/bin/python benchmarks/bench_serve.py --urls http://127.0.0.1:7860 http://...:7861
Targets (issue 5): from `pse serve` to ready <= 15 s with a built index; 16 clients for 30 s against
/api/ask in grounded mode with no errors and at least 20 answers per second. Issue 12 adds 64
clients and p99: each run prints answers/s, p50/p95/p99 and the errors. Issue 15 adds the shared
deployment: `--instances N` starts a throwaway PostgreSQL cluster, `chroma run` on the index just
built and N `pse serve` processes on one database (as the multi-instance test does), and the
clients take the instances in turn, as a round-robin load balancer would; `--urls` measures
instances already running.
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
from typing import Any

import httpx
from common import DATASETS

from pse_assistant.evals.metrics import percentile

PSE = str(Path(sys.executable).with_name("pse"))
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--instances", type=int, default=0, help="a shared deployment of N")
    parser.add_argument("--urls", nargs="+", default=[], help="instances already running")
    args = parser.parse_args()
    questions = [
        json.loads(line).get("question")
        for line in (DATASETS / "test.jsonl").read_text().splitlines()
        if json.loads(line).get("question")
    ]
    if args.urls:
        run_load(args.urls, questions, args)
        return
    data = Path(tempfile.mkdtemp(prefix="pse-bench-serve-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")} | {
        "PSE_DATA_DIR": str(data)
    }
    subprocess.run([PSE, "index"], env=env, check=True, capture_output=True)
    if args.instances:
        shared(data, questions, args)
    else:
        embedded(data, env, questions, args)


def embedded(data: Path, env: dict[str, str], questions: list[str], args: Any) -> None:
    """One `pse serve` on the embedded defaults (SQLite, the Chroma folder in the data folder)."""
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
        run_load([url], questions, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        failures = log.read_text().count("Traceback")
        print(f"server log: {failures} tracebacks ({log})")


def shared(data: Path, questions: list[str], args: Any) -> None:
    """N instances on a throwaway PostgreSQL cluster and `chroma run` over the index in `data`."""
    sys.path.insert(0, str(ROOT))
    from tests.deployment import chroma_server, instances
    from tests.postgres import cluster, new_database, server_bin

    bin_dir = server_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL's initdb was not found: apt-get install postgresql")
    with (
        cluster(bin_dir) as server,
        chroma_server(data / "chroma", data) as chroma,
        instances(args.instances, data, new_database(server), chroma) as started,
    ):
        print(f"{len(started)} instances on PostgreSQL and {chroma}", flush=True)
        run_load([i.url for i in started], questions, args)
        failures = sum(i.log.read_text().count("Traceback") for i in started)
        print(f"server logs: {failures} tracebacks ({data})")


def run_load(urls: list[str], questions: list[str], args: Any) -> None:
    """A warm-up question on each instance, then each client count in turn."""
    # The first question loads every chunk and builds BM25 (seconds): measure after it.
    for url in urls:
        httpx.post(f"{url}/api/ask", json={"question": questions[0]}, timeout=120)
    for clients in args.clients:
        load(urls, questions, clients, args.seconds)


def load(urls: list[str], questions: list[str], clients: int, seconds: float) -> None:
    """`clients` threads asking for `seconds`; prints answers/s, p50/p95/p99 and errors.

    Client n sends every question to instance n modulo the instances, so each gets an even
    share, as behind a round-robin balancer (one connection per client, kept alive).
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client(base_url=urls[offset % len(urls)], timeout=60) as http:
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

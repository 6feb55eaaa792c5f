"""Schemathesis against the live API: every operation, every check, a fixed seed.

Usage: .venv/bin/python benchmarks/fuzz_api.py [--max-examples 200] [--seed 1] [--workers 1]
       [--real-model] [--max-time SECONDS]

Starts the whole app (API and UI) on a loopback port over a scratch data folder, with the fast
deterministic embedder unless --real-model, and runs `st run` with `--checks all`. Prints the test
cases generated, the failures and the duration, and exits 1 on any failure or error. `make test`
runs the same thing with a small budget (tests/test_fuzz.py); this is the long run for a release.
POST /api/evals is left out: each call is a whole evaluation run (half a minute), not an API
question.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ST = str(Path(sys.executable).with_name("st"))


@dataclass
class FuzzResult:
    """What one schemathesis run found."""

    cases: int
    failures: int
    errors: int
    seconds: float
    exit_code: int
    output: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, real_model: bool = False) -> tuple[str, object]:
    """The app on a loopback port, index built; returns its URL and the uvicorn server."""
    import uvicorn

    from pse_assistant.assistant import Assistant
    from pse_assistant.core.settings import Settings

    sys.path.insert(0, str(ROOT))
    embedder = None
    if not real_model:
        from tests.fakes import HashEmbeddings

        embedder = HashEmbeddings()
    assistant = Assistant(Settings(data_dir=data_dir), embedder=embedder)
    assistant.ensure_index()
    from pse_assistant.server import create_app

    port = free_port()
    app = create_app(assistant, refresh_index=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    return f"http://127.0.0.1:{port}", server


def fuzz(
    url: str,
    max_examples: int,
    seed: int = 1,
    workers: int = 1,
    max_time: float | None = None,
) -> FuzzResult:
    """Run `st run` against `url` and read its JSON report."""
    report = Path(tempfile.mkdtemp(prefix="pse-fuzz-"))
    command = [
        ST,
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--seed",
        str(seed),
        "--max-examples",
        str(max_examples),
        "--workers",
        str(workers),
        "--exclude-path",
        "/api/evals",
        "--no-color",
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-dir",
        str(report),
    ]
    if max_time:
        command += ["--max-time", str(int(max_time))]
    started = time.perf_counter()
    # In the report folder: schemathesis keeps a cache in its working directory.
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=report)
    seconds = time.perf_counter() - started
    found = sorted(report.glob("*.json"))
    data = json.loads(found[-1].read_text()) if found else {}
    cases = data.get("test_cases", {}).get("generated", 0)
    return FuzzResult(
        cases=int(cases),
        failures=_count(data.get("failures")),
        errors=_count(data.get("errors")),
        seconds=seconds,
        exit_code=done.returncode,
        output=done.stdout + done.stderr,
    )


def _count(value: object) -> int:
    return len(value) if isinstance(value, list | dict) else int(value or 0)  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    # One worker: with two, Python 3.11's ast module (used by Hypothesis inside schemathesis) can
    # fail in threads ("AST constructor recursion depth mismatch"), an error of the tool, not the API.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-time", type=float, default=None)
    parser.add_argument("--real-model", action="store_true")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pse-bench-fuzz-"))
    url, server = serve(data, args.real_model)
    try:
        result = fuzz(url, args.max_examples, args.seed, args.workers, args.max_time)
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
    start = result.output.find("= FAILURES =")
    print(result.output[start if start >= 0 else result.output.find("= SUMMARY =") :].strip())
    print(
        f"fuzz: {result.cases} cases, {result.failures} failures, {result.errors} errors, "
        f"{result.seconds:.0f} s (seed {args.seed}, at most {args.max_examples} per operation)"
    )
    sys.exit(0 if result.exit_code == 0 and not result.failures and not result.errors else 1)


if __name__ == "__main__":
    main()

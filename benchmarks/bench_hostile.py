"""Ingest time and peak memory for each hostile file, at the sizes issue 12 reported.

Usage: .venv/bin/python benchmarks/bench_hostile.py [--scale issue|test]

Makes the hostile files of tests/hostile.py (a 20 KB DOCX holding 5 MB of XML, one holding 300 MB,
2,100 parts, broken and 2,100-page PDFs, 40 MB of HTML, wrong extensions, binary text, UTF-16,
hidden HTML text, a passage flood), builds the index once with the real model, then ingests each
file in a fresh process with the default limits and prints the outcome, the seconds `ingest` took,
the process's memory before and its peak while ingesting (Linux's VmHWM, reset just before), and
the difference. The first line is a process that only loads the model and the index.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(data: Path, file: Path | None) -> None:
    """In a fresh process: ingest one file (or none) and print what it cost."""
    from pse_assistant.assistant import Assistant
    from pse_assistant.core.settings import Settings

    assistant = Assistant(Settings(data_dir=data))
    assistant.index_status()
    assistant.embedder.embed_query("warm up")
    before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from here
    started = time.perf_counter()
    outcome = "baseline (model and index loaded)"
    if file is not None:
        report = assistant.ingest([file])
        outcome = (
            f"refused: {report.failed[0][1]}"
            if report.failed
            else f"ingested: {report.added[0]['chunks']} passages"
        )
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    print(
        json.dumps({"seconds": seconds, "before_mb": before, "peak_mb": peak, "outcome": outcome})
    )


def _status(field: str) -> float:
    """A memory figure of this process from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["issue", "test"], default="issue")
    parser.add_argument("--child", nargs=2, metavar=("DATA", "FILE"))
    args = parser.parse_args()
    if args.child:
        data, file = args.child
        child(Path(data), None if file == "-" else Path(file))
        return
    sys.path.insert(0, str(ROOT))
    from tests.hostile import cases

    from pse_assistant.assistant import Assistant
    from pse_assistant.core.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="pse-bench-hostile-"))
    data = work / "data"
    Assistant(Settings(data_dir=data)).build_index()
    rows = [("(none)", "-", 0)]
    for case in cases(args.scale):
        made = time.perf_counter()
        path = case.make(work / case.name)
        print(
            f"made {case.name}: {path.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - made:.1f} s"
        )
        rows.append((case.name, str(path), path.stat().st_size))
    print(f"{'file':<18} {'size':>9} {'ingest':>8} {'before':>7} {'peak':>7} {'added':>6}  outcome")
    for name, path, size in rows:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(data), path],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        added = result["peak_mb"] - result["before_mb"]
        print(
            f"{name:<18} {size / 1e6:>7.2f}MB {result['seconds']:>7.2f}s "
            f"{result['before_mb']:>5.0f}MB {result['peak_mb']:>5.0f}MB {added:>4.0f}MB  "
            f"{result['outcome'][:100]}",
            flush=True,
        )


if __name__ == "__main__":
    main()

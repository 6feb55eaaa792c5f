"""How fast the command line starts: `pse --help`, `pse clauses` and `pse clause 7.2.3`.

Usage: .venv/bin/python benchmarks/bench_cli.py [--runs N]
Target (issue 10): `pse --help` under 0.5 s on the 2-core machine.
Each command runs as a new process, as a person types it; the figure is the median of N runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PSE = str(Path(sys.executable).with_name("pse"))
COMMANDS = (["--help"], ["clauses"], ["clause", "7.2.3"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    for args in COMMANDS:
        subprocess.run([PSE, *args], capture_output=True, check=True)  # warm the file cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([PSE, *args], capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        print(
            f"pse {' '.join(args):<14} median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s ({runs} runs)"
        )


if __name__ == "__main__":
    main()

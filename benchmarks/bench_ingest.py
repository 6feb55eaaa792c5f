"""Ingest a 100-page PDF into an existing index, end to end, as `pse ingest` does.

Usage: .venv/bin/python benchmarks/bench_ingest.py
Target (issue 3): <= 60 s for a 100-page PDF.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from common import ROOT, scratch_assistant
from fpdf import FPDF


def make_pdf(path: Path, pages: int = 100) -> Path:
    """A text PDF of `pages` pages (about 350 words each), written from the guidance notes."""
    words = " ".join(
        p.read_text() for p in sorted((ROOT / "corpus" / "guidance").glob("*.md"))
    ).split()
    words = [
        w.encode("latin-1", "ignore").decode("latin-1")
        for w in words
        if "#" not in w and "*" not in w
    ]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in range(pages):
        pdf.add_page()
        start = (page * 350) % max(1, len(words) - 350)
        pdf.multi_cell(0, 5, f"Page {page + 1}. " + " ".join(words[start : start + 350]))
    pdf.output(str(path))
    return path


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="pse-bench-ingest-"))
    pdf = make_pdf(folder / "hundred-pages.pdf")
    assistant = scratch_assistant(folder / "data")
    assistant.build_index()
    started = time.perf_counter()
    report = assistant.ingest([pdf])
    seconds = time.perf_counter() - started
    doc = report.added[0]
    print(
        f"ingested a 100-page PDF ({pdf.stat().st_size / 1e6:.1f} MB): {doc['chunks']} chunks in {seconds:.1f} s"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

"""Schemathesis against the live app's OpenAPI document: every check, a fixed seed, a small budget.

The longer run for a release is `benchmarks/fuzz_api.py` (the same code, a bigger budget).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fuzz_api import fuzz, serve  # noqa: E402


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    url, server = serve(tmp_path / "data")
    try:
        result = fuzz(url, max_examples=25, seed=1, workers=1)  # about 30 s, 1,600 cases
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
    assert result.cases > 1000, result.output[-2000:]
    assert result.exit_code == 0 and result.failures == 0 and result.errors == 0, result.output[
        -6000:
    ]

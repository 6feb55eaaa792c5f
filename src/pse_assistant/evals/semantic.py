"""Key-point coverage that credits a point said in other words, calibrated on hand-labelled answers.

The literal check asks whether a key point ("step aside") occurs word for word in the answer. The
semantic check also accepts an answer passage close to it in meaning: each key point is embedded
with the assistant's own model and compared with every sentence of the answer and every window of a
few words inside it; the point counts as covered when the best similarity reaches a threshold. The
threshold is not a guess: `calibrate` chooses it on a sample of (key point, answer) pairs that a
person labelled covered or not (evals/datasets/coverage_labels.jsonl), and reports how often the
check then agrees with the person.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from pse_assistant.core.text import sentences

from .dataset import evals_dir

Embed = Callable[[list[str]], list[list[float]]]
WINDOW, STRIDE = 8, 4
_NUMBER = re.compile(r"[\d.,% ]+")  # a clause id or a figure is said literally or not at all
_CITATION = re.compile(r"\[\d+(?:\.\d+)*\]|\*\*Sources:\*\*.*$", re.S)


class Label(BaseModel):
    """A person's judgement: does this answer express this key point?"""

    id: str
    point: str
    answer: str
    covered: bool
    note: str = ""


class Calibration(BaseModel):
    """The chosen threshold and how well the check agrees with the labels at it."""

    threshold: float
    agreement: float
    labels: int
    literal_agreement: float


def labels_path() -> Path:
    """The shipped hand-labelled sample."""
    return evals_dir() / "datasets" / "coverage_labels.jsonl"


def calibration_path() -> Path:
    """The committed calibration (threshold and agreement)."""
    return evals_dir() / "datasets" / "coverage_calibration.json"


def load_labels(path: Path | None = None) -> list[Label]:
    """The labelled sample, one JSON object per line."""
    lines = (path or labels_path()).read_text(encoding="utf-8").splitlines()
    return [Label.model_validate_json(line) for line in lines if line.strip()]


def load_threshold() -> float:
    """The committed threshold."""
    data = json.loads(calibration_path().read_text(encoding="utf-8"))
    return float(data["threshold"])


def passages(answer: str) -> list[str]:
    """The answer's sentences and the windows of a few words inside them, without citations."""
    plain = " ".join(_CITATION.sub(" ", answer.replace("**", "")).split())
    found: list[str] = []
    for sentence in sentences(plain):
        words = sentence.split()
        found.append(sentence)
        found += [
            " ".join(words[i : i + WINDOW])
            for i in range(0, max(len(words) - WINDOW, 0) + 1, STRIDE)
        ]
    return list(dict.fromkeys(p for p in found if p.strip()))


def literal(point: str, answer: str) -> bool:
    """The point word for word (case- and space-insensitive)."""
    return " ".join(point.lower().split()) in " ".join(answer.lower().split())


class KeyPointMatcher:
    """Says which key points an answer covers, literally or in meaning.

    Args:
        embed: the embedding function (unit-length vectors), e.g. `embedder.embed_documents`.
        threshold: the similarity from which a point counts as said; the calibrated one by default.
    """

    def __init__(self, embed: Embed, threshold: float | None = None) -> None:
        self.embed = embed
        self.threshold = load_threshold() if threshold is None else threshold

    def similarities(self, points: Sequence[str], answer: str) -> list[float]:
        """Each point's best similarity to a passage of the answer (1.0 when said literally)."""
        texts = passages(answer)
        if not points:
            return []
        if not texts:
            return [1.0 if literal(p, answer) else 0.0 for p in points]
        vectors = np.asarray(self.embed([*points, *texts]), dtype=np.float32)
        best = (vectors[: len(points)] @ vectors[len(points) :].T).max(axis=1)
        return [
            1.0 if literal(p, answer) else 0.0 if _NUMBER.fullmatch(p.strip()) else float(b)
            for p, b in zip(points, best, strict=True)
        ]

    def covered(self, points: Sequence[str], answer: str) -> list[bool]:
        """Which points the answer covers."""
        return [s >= self.threshold for s in self.similarities(points, answer)]


def calibrate(labels: Sequence[Label], embed: Embed) -> Calibration:
    """The threshold that agrees best with the labels, and the agreement reached (and the literal one)."""
    matcher = KeyPointMatcher(embed, threshold=1.0)
    scores = [matcher.similarities([lab.point], lab.answer)[0] for lab in labels]
    truth = [lab.covered for lab in labels]
    candidates = sorted({round(s, 3) for s in scores if s < 1.0} | {0.5})
    best_t, best_agree = 1.0, -1.0
    for t in candidates:
        agree = sum((s >= t) == y for s, y in zip(scores, truth, strict=True)) / len(labels)
        if agree > best_agree:
            best_t, best_agree = t, agree
    literal_agree = sum(literal(lab.point, lab.answer) == lab.covered for lab in labels) / len(
        labels
    )
    return Calibration(
        threshold=best_t,
        agreement=round(best_agree, 4),
        labels=len(labels),
        literal_agreement=round(literal_agree, 4),
    )

"""Radar charts per element group and a heat map of a self-assessment, as PNG or SVG."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pse_assistant.core.errors import InvalidInput, NotFound
from pse_assistant.core.fields import clean_text
from pse_assistant.training.assessment import AssessmentResult, ElementView

AGREED = "agreed"
FORMATS = (".png", ".svg")


def _figure(width: float, height: float, polar: bool = False) -> tuple[Any, Any]:
    """A figure on its own Agg canvas: no pyplot state, so API worker threads never share one."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(projection="polar" if polar else None)
    return figure, axes


def _save(figure: Any, path: Path) -> Path:
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput(f"A chart is written as PNG or SVG, not '{path.suffix or path.name}'.")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=path.suffix.lower().lstrip("."), bbox_inches="tight")
    return path


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else f"{title[: limit - 1].rstrip()}…"


def _plain(text: str) -> str:
    """Text as typed: matplotlib reads `$...$` as TeX math, and bad math fails the whole chart."""
    return clean_text(text).replace("$", r"\$")


def _row(element: ElementView, column: str) -> float:
    value = element.agreed if column == AGREED else element.scores.get(column)
    return float(value) if value is not None else math.nan


def radar_chart(result: AssessmentResult, group: str, path: Path) -> Path:
    """One line per assessor (and the agreed scores, dashed) over the elements of one group.

    Raises:
        InvalidInput: a group the assessment does not have, or a suffix other than .png or .svg.
    """
    elements = [e for e in result.elements if e.group == group]
    if not elements:
        raise InvalidInput(
            f"The assessment has no element group '{group}'. Choose one of: "
            f"{', '.join(result.groups)}."
        )
    figure, axes = _figure(6, 6, polar=True)
    angles = [2 * math.pi * i / len(elements) for i in range(len(elements))]
    closed = [*angles, angles[0]]
    columns = [*result.assessors]
    if any(e.agreed is not None for e in elements):
        columns.append(AGREED)
    for column in columns:
        values = [_row(e, column) for e in elements]
        style: dict[str, Any] = {"linewidth": 1.5, "marker": "o", "label": _plain(column)}
        if column == AGREED:
            style |= {"linestyle": "--", "color": "black", "linewidth": 2.5}
        axes.plot(closed, [*values, values[0]], **style)
    axes.set_xticks(angles)
    axes.set_xticklabels([e.clause for e in elements])
    axes.set_ylim(0, 5)
    axes.set_yticks([1, 2, 3, 4, 5])
    title = result.group_titles.get(group, "")
    axes.set_title(_plain(f"{group} {title}"), fontsize=10, wrap=True)
    if columns:
        axes.legend(loc="upper right", bbox_to_anchor=(1.3, 1.1), fontsize=8)
    return _save(figure, path)


def heat_map(result: AssessmentResult, path: Path) -> Path:
    """Elements down, assessors (and the agreed score) across, each cell annotated with its score.

    Raises:
        InvalidInput: a suffix other than .png or .svg.
    """
    columns = [*result.assessors, AGREED]
    rows = [[_row(e, c) for c in columns] for e in result.elements]
    figure, axes = _figure(1.2 * len(columns) + 3, 0.4 * len(rows) + 1.5)
    image = axes.imshow(rows, cmap="RdYlGn", vmin=1, vmax=5, aspect="auto")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if not math.isnan(value):
                axes.text(c, r, f"{value:.0f}", ha="center", va="center", fontsize=9)
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels([_plain(c) for c in columns], rotation=30, ha="right")
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(
        [_plain(f"{e.clause} {_short(e.title)}") for e in result.elements], fontsize=8
    )
    axes.set_title(_plain(f"{result.assessment.name}: scores by assessor"), fontsize=10)
    figure.colorbar(image, ax=axes, ticks=[1, 2, 3, 4, 5])
    return _save(figure, path)


def chart_names(result: AssessmentResult) -> list[str]:
    """The file name of every chart: `radar-7.1.png` ... `heat-map.svg`, PNG first."""
    return [
        name
        for suffix in FORMATS
        for name in [*(f"radar-{group}{suffix}" for group in result.groups), f"heat-map{suffix}"]
    ]


def write_chart(result: AssessmentResult, name: str, path: Path) -> Path:
    """One chart by its file name, written to `path`.

    Raises:
        NotFound: a name that is not one of `chart_names(result)`.
    """
    known = chart_names(result)
    if name not in known:
        raise NotFound(f"No chart is called {name[:60]!r}; there are: {', '.join(known)}.")
    stem = name.rsplit(".", 1)[0]
    if stem == "heat-map":
        return heat_map(result, path)
    return radar_chart(result, stem.removeprefix("radar-"), path)


def write_charts(result: AssessmentResult, folder: Path) -> list[Path]:
    """Every chart as PNG (for documents) and SVG (for the web): a radar per group, then the map."""
    return [write_chart(result, name, folder / name) for name in chart_names(result)]

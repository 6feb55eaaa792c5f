"""A run on disk: summary.json, results.jsonl, junit.xml for CI, and a standalone HTML report."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .run import EvalRun
from .scoring import RETRIEVAL_METRICS, ItemResult

FILES = ("summary.json", "results.jsonl", "junit.xml", "report.html")
HEADLINE = (
    "pass_rate",
    "status_accuracy",
    "hit@1",
    "hit@5",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "citation_validity",
    "citation_correctness",
    "coverage",
    "forbidden_rate",
    "abstention_precision",
    "abstention_recall",
    "plan_schema_validity",
    "plan_horizon_fit",
    "plan_traceability",
    "words",
    "latency_p50_ms",
    "latency_p95_ms",
    "items",
)
CHARTS = (("pass_rate", "pass rate"), ("recall@5", "recall@5"), ("coverage", "key-point coverage"))


def write_run(run: EvalRun, out_dir: Path) -> dict[str, Path]:
    """Write the four files of a run into `out_dir` (created) and return them by name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in FILES}
    paths["summary.json"].write_text(json.dumps(run.summary, indent=2) + "\n", encoding="utf-8")
    paths["results.jsonl"].write_text(
        "".join(r.model_dump_json() + "\n" for r in run.items), encoding="utf-8"
    )
    paths["junit.xml"].write_bytes(junit_xml(run))
    paths["report.html"].write_text(html_report(run), encoding="utf-8")
    return paths


def read_run(run_dir: Path) -> EvalRun:
    """A run written by `write_run`, read back (for `compare`)."""
    run_dir = Path(run_dir)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    lines = (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    items = [ItemResult.model_validate_json(line) for line in lines if line.strip()]
    return EvalRun(summary=summary, items=items)


def junit_xml(run: EvalRun) -> bytes:
    """One testcase per item (classname = its type) so CI dashboards show which questions fail."""
    failures = sum(not r.passed for r in run.items)
    suite = ET.Element(
        "testsuite",
        name=f"pse-eval {run.summary.get('label', '')}".strip(),
        tests=str(len(run.items)),
        failures=str(failures),
        errors="0",
        time=f"{float(run.summary.get('seconds', 0.0)):.1f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in run.summary.get("metrics", {}).items():
        ET.SubElement(properties, "property", name=name, value=str(value))
    for result in run.items:
        case = ET.SubElement(
            suite,
            "testcase",
            name=result.id,
            classname=result.type,
            time=f"{(result.metrics.get('latency_ms') or 0.0) / 1000:.3f}",
        )
        if not result.passed:
            failure = ET.SubElement(case, "failure", message="; ".join(result.reasons))
            failure.text = f"Q: {result.question}\n\n{result.answer}"
    data: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
    return data


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10:
        return f"{int(value)}"
    return f"{value:.3f}" if isinstance(value, float) else html.escape(str(value))


def _count(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def bar_chart(title: str, rows: Sequence[tuple[str, float | None]], width: int = 460) -> str:
    """A horizontal bar chart of values in [0, 1] as inline SVG, so the report needs no script."""
    label_w, bar_w, row_h = 150, width - 210, 18
    height = 24 + row_h * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{html.escape(title)}">',
        f'<text x="0" y="14" font-weight="bold" font-size="13">{html.escape(title)}</text>',
    ]
    for i, (name, value) in enumerate(rows):
        y = 24 + i * row_h
        share = max(0.0, min(1.0, value or 0.0))
        colour = "#2e7d32" if share >= 0.8 else "#f9a825" if share >= 0.5 else "#c62828"
        parts += [
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
            f"{html.escape(name)}</text>",
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 5}" fill="#eee"/>',
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * share:.1f}" height="{row_h - 5}" '
            f'fill="{colour}"><title>{html.escape(name)}: {_fmt(value)}</title></rect>',
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}" font-size="11">{_fmt(value)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{_fmt(c) if not isinstance(c, str) else html.escape(c)}</td>" for c in r)
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _group_section(title: str, groups: dict[str, dict[str, float | None]]) -> str:
    charts = "".join(
        bar_chart(f"{label} by {title}", [(n, g.get(metric)) for n, g in groups.items()])
        for metric, label in CHARTS
    )
    return f'<h2>By {html.escape(title)}</h2><div class="charts">{charts}</div>'


def _worst(items: Sequence[ItemResult], limit: int = 15) -> list[ItemResult]:
    """Failed items first, then the lowest coverage and recall, so the report opens on what to fix."""
    return sorted(
        items,
        key=lambda r: (
            r.passed,
            r.metrics.get("coverage") if r.metrics.get("coverage") is not None else 1.0,
            r.metrics.get("recall@5") if r.metrics.get("recall@5") is not None else 1.0,
        ),
    )[:limit]


def html_report(run: EvalRun) -> str:
    """The whole report as one HTML file with inline CSS and SVG, readable offline."""
    summary = run.summary
    metrics = summary.get("metrics", {})
    counts = {"items", "words"}  # whole numbers, never "96.000"
    headline = _table(
        ["metric", "value"],
        [
            (m, _count(metrics.get(m)) if m in counts else metrics.get(m))
            for m in HEADLINE
            if m in metrics
        ],
    )
    parts = [
        f"<h1>pse-assistant evaluation {html.escape(str(summary.get('label', '')))}</h1>",
        f"<p>{_fmt(_count(metrics.get('items')))} items, created {html.escape(str(summary.get('created', '')))}, "
        f"{_fmt(summary.get('seconds'))} s. Metrics are offline and deterministic; see evals/README.md.</p>",
        "<h2>Summary</h2>",
        headline,
        _group_section("type", summary.get("by_type", {})),
        _group_section("persona", summary.get("by_persona", {})),
        _group_section("clause", summary.get("by_clause", {})),
    ]
    if ablation := summary.get("ablation"):
        rows = [[name, *(v.get(m) for m in RETRIEVAL_METRICS)] for name, v in ablation.items()]
        parts += ["<h2>Retrieval ablation</h2>", _table(["variant", *RETRIEVAL_METRICS], rows)]
    if judge := summary.get("judge"):
        rows = [[k, v] for k, v in judge.items()]
        parts += ["<h2>Judge (not gating)</h2>", _table(["field", "value"], rows)]
    worst = [
        [r.id, r.type, r.persona, "pass" if r.passed else "FAIL", "; ".join(r.reasons), r.question]
        for r in _worst(run.items)
    ]
    parts += [
        "<h2>Worst items</h2>",
        _table(["id", "type", "persona", "result", "reasons", "question"], worst),
    ]
    style = (
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
        "font-size:13px;text-align:left;vertical-align:top}.charts{display:flex;flex-wrap:wrap;gap:16px}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>pse-assistant evaluation</title><style>{style}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )

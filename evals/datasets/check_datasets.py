"""Check evals/datasets/{dev,test}.jsonl against the corpus: fields, types, gold clauses, key points.

Run from anywhere: .venv/bin/python evals/datasets/check_datasets.py
Exit code 1 when a problem is found. `make test` runs it (tests/test_evals.py).
"""

from __future__ import annotations

import collections
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "evals" / "datasets"
CORPUS = ROOT / "corpus"
SPLITS = ("dev", "test")
TYPES = {
    "clause-lookup", "how-to", "evidence", "indicators", "crosswalk", "definition", "comparison",
    "plan-request", "follow-up", "out-of-scope", "nonexistent-clause", "prompt-injection",
    "typo", "greeting", "other-language", "situation", "multi-clause",
}  # fmt: skip
UNANSWERABLE_TYPES = {"out-of-scope", "nonexistent-clause", "prompt-injection", "greeting"}
# other-language: the key phrase of the "the guidance is in English" notice in the question's language
NOTICES = {
    "en anglais", "auf englisch", "en inglés", "in inglese", "in het engels", "em inglês",
    "po angielsku", "på engelska", "på engelsk", "englanniksi", "în limba engleză", "v angličtině",
    "στα αγγλικά", "angol nyelvű",
}  # fmt: skip
# situation: the situation the answer must say it recognised
SITUATIONS = {
    "small organization", "large or national organization", "little or no budget", "few staff",
    "rural", "minority languages", "digital channels", "counter and phone", "staff representatives",
    "statutory service",
}  # fmt: skip
PERSONAS = {"civil-servant", "trainer", "evaluator"}
REQUIRED = (
    "id", "gold_clauses", "must_include", "must_not_include", "answerable", "persona", "type", "split",
)  # fmt: skip


def norm(text: str) -> str:
    """Lower case with single spaces: how key points are matched."""
    return re.sub(r"\s+", " ", text.lower())


@dataclass
class Sources:
    """The corpus text each key point may come from, by clause."""

    clause_ids: set[str]
    notes: dict[str, str]
    glossary: dict[str, str] = field(default_factory=lambda: collections.defaultdict(str))
    crosswalks: dict[str, str] = field(default_factory=lambda: collections.defaultdict(str))


def load_sources() -> Sources:
    """The structure's clause ids, each note's body, glossary and crosswalk text per clause."""
    structure = yaml.safe_load((CORPUS / "standard/iso-11367-2025.yaml").read_text())
    notes = {
        p.stem: norm(p.read_text(encoding="utf-8").split("---", 2)[2])
        for p in (CORPUS / "guidance").glob("*.md")
    }
    sources = Sources({c["id"] for c in structure["clauses"]}, notes)
    for term in yaml.safe_load((CORPUS / "glossary.yaml").read_text())["terms"]:
        text = norm(" ".join([term["term"], term["definition"], *term.get("aliases", [])]))
        for clause in term["clauses"]:
            sources.glossary[clause] += " | " + text
    for framework in ("iso9001", "caf2020", "cse", "iso23592"):
        data = yaml.safe_load((CORPUS / f"crosswalks/{framework}.yaml").read_text())
        for clause, links in data["links"].items():
            for link in links:
                title = data["targets"].get(link["target"], "")
                sources.crosswalks[clause] += " | " + norm(
                    f"{link['target']} {title} {link['rationale']}"
                )
    return sources


def check_shape(row: dict[str, Any], split: str, where: str) -> list[str]:
    """Fields, ids, type, persona, question or turns."""
    errors = [f"{where}: missing {k}" for k in REQUIRED if k not in row]
    has_question, has_turns = "question" in row, "turns" in row
    if has_question == has_turns:
        errors.append(f"{where}: need exactly one of question / turns")
    turns = row.get("turns")
    if has_turns and not (
        isinstance(turns, list)
        and 2 <= len(turns) <= 3
        and all(isinstance(x, str) and x for x in turns)
    ):
        errors.append(f"{where}: turns must be 2-3 non-empty strings")
    if has_question and not (isinstance(row["question"], str) and row["question"].strip()):
        errors.append(f"{where}: empty question")
    if not str(row.get("id", "")).startswith(split + "-"):
        errors.append(f"{where}: id prefix")
    if row.get("split") != split:
        errors.append(f"{where}: split mismatch")
    if row.get("type") not in TYPES:
        errors.append(f"{where}: bad type {row.get('type')}")
    if row.get("persona") not in PERSONAS:
        errors.append(f"{where}: bad persona {row.get('persona')}")
    if (row.get("type") == "follow-up") != has_turns:
        errors.append(f"{where}: follow-up <-> turns mismatch")
    return errors


def check_gold(row: dict[str, Any], sources: Sources, where: str) -> list[str]:
    """Gold clauses, answerability, and the counts each type needs."""
    kind, gold, points = row.get("type"), row.get("gold_clauses", []), row.get("must_include", [])
    answerable, forbidden = row.get("answerable"), row.get("must_not_include", [])
    errors = [] if isinstance(answerable, bool) else [f"{where}: answerable not bool"]
    for clause in gold:
        if clause not in sources.clause_ids:
            errors.append(f"{where}: unknown clause {clause}")
        elif clause not in sources.notes:
            errors.append(f"{where}: clause {clause} has no guidance note")
    if len(set(gold)) != len(gold):
        errors.append(f"{where}: duplicate gold")
    if len(forbidden) > 3:
        errors.append(f"{where}: too many must_not_include")
    if answerable:
        if not 1 <= len(gold) <= 3:
            errors.append(f"{where}: answerable needs 1-3 gold clauses")
        if not 1 <= len(points) <= 3:
            errors.append(f"{where}: answerable needs 1-3 must_include")
    else:
        if gold or points:
            errors.append(f"{where}: unanswerable must have empty gold and must_include")
        if kind not in UNANSWERABLE_TYPES:
            errors.append(f"{where}: unanswerable type {kind}")
    return errors + check_type_rules(row, where)


def check_type_rules(row: dict[str, Any], where: str) -> list[str]:
    """The shape rules of the types that need more than the defaults."""
    kind, gold, points = row.get("type"), row.get("gold_clauses", []), row.get("must_include", [])
    answerable = row.get("answerable")
    errors = []
    if kind in ("out-of-scope", "nonexistent-clause", "greeting") and answerable:
        errors.append(f"{where}: {kind} must be unanswerable")
    if kind == "greeting" and row.get("must_not_include"):
        errors.append(f"{where}: greeting needs empty must_not_include")
    if kind in ("typo", "other-language", "situation") and answerable and not 1 <= len(gold) <= 2:
        errors.append(f"{where}: {kind} needs 1-2 gold")
    if kind == "multi-clause" and (len(gold) != 2 or len(points) != 2):
        errors.append(f"{where}: multi-clause needs exactly 2 gold and 2 must_include")
    if kind == "other-language" and (len(points) != 1 or points[0] not in NOTICES):
        errors.append(f"{where}: other-language needs exactly one must_include, a notice phrase")
    if kind == "situation" and len([p for p in points if p in SITUATIONS]) != 1:
        errors.append(f"{where}: situation needs exactly one situation label in must_include")
    if kind == "comparison" and len(gold) < 2:
        errors.append(f"{where}: comparison needs 2 gold")
    return errors


def check_points(row: dict[str, Any], sources: Sources, where: str) -> list[str]:
    """Every key point occurs in its source; no forbidden string occurs in the gold notes."""
    kind, gold = row["type"], row.get("gold_clauses", [])
    errors = []
    for point in row.get("must_include", []):
        if point != point.lower():
            errors.append(f"{where}: must_include not lowercase: {point!r}")
        if not 1 <= len(point.split()) <= 4:
            errors.append(f"{where}: must_include length: {point!r}")
        labelled = (kind == "other-language" and point in NOTICES) or (
            kind == "situation" and point in SITUATIONS
        )
        if not gold or labelled:
            continue
        first = gold[0]
        text = sources.notes.get(first, "")
        if kind == "multi-clause":
            text = " | ".join(sources.notes.get(g, "") for g in gold)
        if kind == "definition":
            text += sources.glossary[first]
        if kind == "crosswalk":
            text += sources.crosswalks[first]
        if norm(point) not in text:
            errors.append(f"{where}: must_include {point!r} not found for {first} ({kind})")
    gold_text = norm(" ".join(sources.notes.get(g, "") for g in gold))
    for banned in row.get("must_not_include", []):
        if banned.lower() in gold_text:
            errors.append(f"{where}: must_not_include {banned!r} occurs in the gold note itself")
    return errors


def read_split(split: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of one split file, and its JSON errors."""
    rows, errors = [], []
    text = (DATASETS / f"{split}.jsonl").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"{split}.jsonl:{number}: invalid JSON: {error}")
            continue
        row["_where"] = f"{split}.jsonl:{number}"
        rows.append(row)
    return rows, errors


def check_coverage(items: dict[str, list[dict[str, Any]]], sources: Sources) -> list[str]:
    """Every noted clause is gold at least three times overall and once in each split."""
    cov = {
        s: collections.Counter(g for r in items[s] for g in r.get("gold_clauses", []))
        for s in items
    }
    errors = []
    for clause in sorted(sources.notes, key=lambda x: [int(p) for p in x.split(".")]):
        total = cov["dev"][clause] + cov["test"][clause]
        if total < 3 or cov["dev"][clause] < 1 or cov["test"][clause] < 1:
            errors.append(
                f"coverage: {clause} total={total} dev={cov['dev'][clause]} test={cov['test'][clause]}"
            )
    return errors


def report(items: dict[str, list[dict[str, Any]]]) -> None:
    """The mix by type and persona, printed for the README's table."""
    rows = items["dev"] + items["test"]
    print(f"items: dev={len(items['dev'])} test={len(items['test'])} total={len(rows)}")
    for key in ("type", "persona"):
        counts = collections.Counter(r[key] for r in rows)
        by_split = {s: collections.Counter(r[key] for r in items[s]) for s in SPLITS}
        print(f"\nby {key}:")
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            share = 100 * n / len(rows)
            print(
                f"  {name:20s} {n:4d}  ({share:4.1f}%)  "
                f"dev={by_split['dev'][name]:3d} test={by_split['test'][name]:3d}"
            )
    answerable = sum(bool(r["answerable"]) for r in rows)
    print(f"\nanswerable: true={answerable} false={len(rows) - answerable}")


def check() -> list[str]:
    """Every problem in both splits, as `file:line: message`."""
    sources = load_sources()
    items: dict[str, list[dict[str, Any]]] = {}
    errors: list[str] = []
    seen: set[str] = set()
    for split in SPLITS:
        rows, problems = read_split(split)
        items[split] = rows
        errors += problems
        for row in rows:
            where = row.pop("_where")
            if row.get("id") in seen:
                errors.append(f"{where}: duplicate id {row.get('id')}")
            seen.add(str(row.get("id")))
            errors += check_shape(row, split, where)
            errors += check_gold(row, sources, where)
            errors += check_points(row, sources, where) if row.get("type") in TYPES else []
    errors += check_coverage(items, sources)
    report(items)
    return errors


def main() -> int:
    """Run every check; exit code 1 when a problem is found."""
    errors = check()
    if errors:
        print(f"\n{len(errors)} problem(s):")
        print("\n".join("  " + e for e in errors))
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

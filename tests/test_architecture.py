"""The shape of the code: capability packages, imports that only point one way, short functions.

These read the source with `ast`, so they fail on the commit that breaks a rule, with the file, the
line and the rule it breaks.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"pse_assistant": ROOT / "src" / "pse_assistant", "pse_ui": ROOT / "ui" / "pse_ui"}
CORE = ("core", "accounts", "corpus", "search", "answer", "plans", "templates", "training", "evals")
EDGES = ("api", "cli", "pse_ui", "server")
# What each core package may import, besides itself (anything lower may also be imported lazily).
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "corpus": {"core"},
    "search": {"core", "corpus"},
    "plans": {"core", "corpus"},
    "templates": {"core", "corpus"},
    "answer": {"core", "corpus", "search", "plans"},
    "training": {"core", "corpus", "plans"},
    "evals": {"core", "corpus", "search", "answer", "plans", "training"},
}
MAX_FUNCTION_LINES = 60
HEAVY = (
    "torch",
    "chromadb",
    "gradio",
    "sentence_transformers",
    "transformers",
    "matplotlib",
    "sqlalchemy",
    "alembic",
    "psycopg",
)


@dataclass(frozen=True)
class Import:
    """One import of a project module: who imports what, where, and whether at module level."""

    importer: str
    target: str
    path: Path
    line: int
    top_level: bool
    type_only: bool


def _module_name(path: Path) -> str:
    for package, folder in PACKAGES.items():
        if path.is_relative_to(folder):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            return ".".join([package, *parts])
    raise AssertionError(path)


def _sources() -> Iterator[Path]:
    for folder in PACKAGES.values():
        yield from sorted(folder.rglob("*.py"))


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _imports() -> list[Import]:
    found: list[Import] = []
    for path in _sources():
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path.name == "__init__.py", node.level, node.module)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if target.split(".")[0] in PACKAGES:
                    found.append(
                        Import(
                            module,
                            target,
                            path,
                            node.lineno,
                            id(node) in top,
                            id(node) in type_only,
                        )
                    )
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "pse_ui":
        return "pse_ui"
    return parts[1] if len(parts) > 1 else "pse_assistant"


def _existing(target: str) -> str:
    """The longest prefix of an import target that is a module (drops imported names)."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        base = PACKAGES[parts[0]].joinpath(*parts[1:])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return candidate
        parts.pop()
    return target


def test_no_import_cycles_at_module_level() -> None:
    graph: dict[str, set[str]] = {}
    for imp in _imports():
        if imp.top_level and not imp.type_only:
            target = _existing(imp.target)
            if target != imp.importer:
                graph.setdefault(imp.importer, set()).add(target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_core_packages_never_import_the_edges_or_the_facade() -> None:
    problems = []
    for imp in _imports():
        layer, target = _layer(imp.importer), _layer(imp.target)
        if layer not in CORE or imp.type_only or target == layer:
            continue
        if target in (*EDGES, "assistant") or (target in CORE and target not in ALLOWED[layer]):
            problems.append(
                f"{imp.path.relative_to(ROOT)}:{imp.line}: {layer} imports {imp.target}"
            )
    assert not problems, "\n".join(problems)


def test_edges_do_not_import_each_other() -> None:
    problems = []
    for imp in _imports():
        layer, target = _layer(imp.importer), _layer(imp.target)
        where = f"{imp.path.relative_to(ROOT)}:{imp.line}: {imp.importer} imports {imp.target}"
        if layer in ("api", "pse_ui") and target in EDGES and target != layer:
            problems.append(where)
        serve = imp.importer == "pse_assistant.cli.serve" and target == "server"
        if layer == "cli" and target in EDGES and target != "cli" and not serve:
            problems.append(where)  # only `pse serve` starts the server
        if imp.importer.startswith("pse_assistant.api.routes") and imp.target.startswith(
            "pse_assistant.api.app"
        ):
            problems.append(where)  # routers never import back from the app module
        if (
            imp.importer.startswith("pse_assistant.cli.")
            and _existing(imp.target) == "pse_assistant.cli"
        ):
            problems.append(where)  # command modules never import back from the CLI root
    assert not problems, "\n".join(problems)


def test_every_subpackage_says_what_lives_there_and_what_it_may_import() -> None:
    for folder in PACKAGES.values():
        for init in folder.rglob("__init__.py"):
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
            if init.parent.name == "routes":
                continue
            assert "Lives here" in doc and "May import" in doc, init.relative_to(ROOT)


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name} ({lines})")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("args", [["--help"], ["clauses"], ["clause", "7.2.3"]])
def test_the_command_line_starts_without_heavy_imports(args: list[str]) -> None:
    """`pse --help` and `pse clauses` must not load the model, Chroma, Gradio, matplotlib or the
    database layer (SQLAlchemy, Alembic, psycopg)."""
    script = (
        "import sys\nfrom pse_assistant.cli import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"

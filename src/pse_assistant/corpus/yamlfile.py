"""YAML loading that remembers line numbers, so corpus problems can be reported as `file:line`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pse_assistant.core.errors import CorpusError


class LineDict(dict[str, Any]):
    """A mapping from a YAML file that knows the line of itself and of each key."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of `key` in the file, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


# libyaml's parser when PyYAML was built with it (the wheels are): about ten times faster than the
# pure-Python one, with the same node marks.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings are `LineDict`s and which refuses duplicate keys."""

    path: Path


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key) if key is not None else ""
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise CorpusError(loader.path, line, f"duplicate key {key!r}")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text from `path`; a syntax error becomes a `CorpusError` with its line."""
    loader = _LineLoader(text)
    loader.path = path
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        message = f"invalid YAML: {exc.problem or exc}"
        context = exc.context_mark
        if exc.context and context is not None and context.line + first_line != line:
            message += f" ({exc.context} at line {context.line + first_line})"
        raise CorpusError(path, line, message) from exc
    finally:
        loader.dispose()
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
    if isinstance(data, dict):
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for item in data:
            _shift_lines(item, offset)


def load_yaml(path: Path) -> Any:
    """Read and parse one YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(path, 1, f"cannot read file: {exc}") from exc
    return parse_yaml(text, path)

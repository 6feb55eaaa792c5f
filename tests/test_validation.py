"""Each kind of corpus problem is reported as `file:line: message`, all at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pse_assistant.core.errors import CorpusError
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.validation import validate_corpus
from tests.conftest import Edit


def messages(root: Path) -> list[str]:
    return [str(p) for p in validate_corpus(root)]


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def only(found: list[str], pattern: str) -> str:
    hits = [m for m in found if re.search(pattern, m)]
    assert len(hits) == 1, found
    return hits[0]


def test_missing_section(corpus_copy: Path) -> None:
    note = corpus_copy / "guidance" / "7.2.3.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("## Common pitfalls", "## Pitfalls we saw"), encoding="utf-8")
    found = messages(corpus_copy)
    assert only(found, "missing section 'Common pitfalls'").startswith(f"{note}:")
    line = line_of(note, "## Pitfalls we saw")
    assert f"{note}:{line}: unexpected section 'Pitfalls we saw'" in found


def test_unknown_related_clause(corpus_copy: Path, edit: Edit) -> None:
    note = corpus_copy / "guidance" / "5.2.4.md"
    edit(note, "related: [", 'related: ["9.4.7", ')
    found = messages(corpus_copy)
    line = line_of(note, "related:")
    message = only(found, "unknown clause 9.4.7 in related")
    assert message.startswith(f"{note}:{line}:")
    assert "nearest: 7.4" in message


def test_duplicate_clause_id_in_structure(corpus_copy: Path) -> None:
    path = corpus_copy / "standard" / "iso-11367-2025.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if '{id: "7.2.3"' in line)
    lines.insert(index + 1, lines[index])
    path.write_text("\n".join(lines), encoding="utf-8")
    assert messages(corpus_copy) == [f"{path}:{index + 2}: duplicate clause id 7.2.3"]


def test_duplicate_note_for_a_clause(corpus_copy: Path) -> None:
    guidance = corpus_copy / "guidance"
    shutil.copy(guidance / "7.2.3.md", guidance / "7.2.3-copy.md")
    found = messages(corpus_copy)
    assert (
        f"{guidance / '7.2.3.md'}:2: duplicate note for clause 7.2.3 (also 7.2.3-copy.md)" in found
    )


def test_title_that_differs_from_structure(corpus_copy: Path, edit: Edit) -> None:
    note = corpus_copy / "guidance" / "7.4.2.md"
    edit(note, "title: ", "title: Equity and access ")
    found = messages(corpus_copy)
    line = line_of(note, "title:")
    assert only(found, "differs from the structure").startswith(f"{note}:{line}: title 'Equity")


def test_note_below_its_word_minimum(corpus_copy: Path) -> None:
    note = corpus_copy / "guidance" / "5.1.6.md"
    text = note.read_text(encoding="utf-8")
    head, sep, _ = text.partition("## Why it matters in public services")
    note.write_text(head + sep + "\nShort.\n", encoding="utf-8")
    found = messages(corpus_copy)
    assert re.search(
        r"5\.1\.6\.md:\d+: \d+ words, below the 400-word minimum for a principle", "\n".join(found)
    )


def test_sentence_shared_between_notes(corpus_copy: Path, edit: Edit, corpus: Corpus) -> None:
    _, line = corpus.notes["7.2.2"].sentences(12)[0]
    source = corpus_copy / "guidance" / "7.2.2.md"
    raw = source.read_text(encoding="utf-8").split("\n")[line - 1]
    target = corpus_copy / "guidance" / "7.3.3.md"
    edit(target, "## Example\n", f"## Example\n\n{raw.lstrip('-* 0123456789.')}\n")
    shared = [m for m in messages(corpus_copy) if "sentence shared with" in m]
    assert shared
    for message in shared:
        assert message.startswith(f"{target}:")
        assert f"sentence shared with guidance/7.2.2.md:{line}" in message


def test_broken_shapes_are_named(corpus_copy: Path) -> None:
    note = corpus_copy / "guidance" / "7.1.2.md"
    text = note.read_text(encoding="utf-8")
    text = re.sub(r"\n\s*- Answer: [A-E].*", "", text, count=1)
    text = text.replace("- Good target:", "- Target we like:", 1)
    head, _, levels = text.partition("## Maturity levels")
    levels = re.sub(r"\n5\. \*\*.*", "", levels, count=1)
    note.write_text(f"{head}## Maturity levels{levels}", encoding="utf-8")
    found = "\n".join(messages(corpus_copy))
    assert "needs '- Answer: X.' naming an option" in found
    assert "lacks '- Good target:'" in found
    assert (
        f"{note}:{line_of(note, '## Maturity levels')}: Maturity levels needs exactly five" in found
    )


def test_invalid_yaml_reports_its_line(corpus_copy: Path) -> None:
    path = corpus_copy / "glossary.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("- term:"))
    lines[index] = "  - term: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = messages(corpus_copy)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{index + 2}: invalid YAML")
    assert found[0].endswith(f"(while parsing a flow sequence at line {index + 1})")


def test_crosswalk_and_front_matter_must_agree(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "crosswalks" / "cse.yaml"
    edit(
        path,
        "links:\n",
        'links:\n  "8.1":\n    - {target: "9", rationale: "Nothing at all here."}\n',
    )
    found = messages(corpus_copy)
    line = line_of(path, '"8.1":')
    assert f"{path}:{line}: unknown clause 8.1 (nearest: 7.1, 7.2, 7.3)" in found
    assert f"{path}:{line + 1}: unknown cse id '9'" in found


def test_glossary_problems(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "glossary.yaml"
    edit(path, "see_also: [", 'see_also: ["flux capacitor", ')
    found = messages(corpus_copy)
    assert len(found) == 1
    assert "sees also unknown term 'flux capacitor'" in found[0]


def test_every_problem_is_reported_at_once(corpus_copy: Path, edit: Edit) -> None:
    edit(corpus_copy / "guidance" / "7.4.2.md", "title: ", "title: X")
    edit(corpus_copy / "guidance" / "5.2.4.md", "related: [", 'related: ["9.9", ')
    (corpus_copy / "guidance" / "7.3.1.md").unlink()
    found = messages(corpus_copy)
    assert len(found) == 3
    assert any("missing guidance note for clause 7.3.1" in m for m in found)


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    found = validate_corpus(tmp_path / "nowhere")
    assert [p.detail for p in found] == ["corpus folder not found"]
    with pytest.raises(CorpusError):
        raise found[0]

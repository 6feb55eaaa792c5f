"""Each check on what the notes point at fails on a broken fixture, as `file:line: message`.

Catalogue ids and targets, reference ids, standards without a year, `last_reviewed`, and the shapes
of templates, worked cases and the rubric: one corrupted copy of the shipped corpus per check.
"""

from __future__ import annotations

from pathlib import Path

from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.validation_toolkit import citations
from tests.conftest import Edit
from tests.test_validation import line_of, messages, only


def note(root: Path, clause: str = "7.2.3") -> Path:
    return root / "guidance" / f"{clause}.md"


def test_a_catalogue_id_missing_from_the_catalogue(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(path, "- Catalogue: declaration-completion", "- Catalogue: declaration-completeness")
    found = messages(corpus_copy)
    line = line_of(path, "### Declaration completion")
    message = only(found, "declaration-completeness")
    assert message == (
        f"{path}:{line}: indicator 'Declaration completion' names catalogue id "
        "'declaration-completeness', which indicators.yaml lacks"
    )
    catalogue = corpus_copy / "indicators.yaml"
    entry = line_of(catalogue, "- id: declaration-completion")
    assert f"{catalogue}:{entry}: indicator 'declaration-completion' is used by no note" in found


def test_a_note_indicator_without_its_catalogue_bullet(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(path, "- Catalogue: incident-debrief-rate\n", "")
    found = messages(corpus_copy)
    line = line_of(path, "### Incident debrief rate")
    assert f"{path}:{line}: indicator 'Incident debrief rate' lacks '- Catalogue:'" in found


def test_a_catalogue_entry_no_note_uses(corpus_copy: Path) -> None:
    catalogue = corpus_copy / "indicators.yaml"
    entry = (
        "\n  - id: queue-length\n    name: Queue length\n    definition: People waiting.\n"
        '    formula: "people in the queue at noon"\n    data_source: A count.\n'
        "    frequency: weekly\n    target: Fewer than 10.\n    target_source: our-suggestion\n"
        '    clauses: ["7.4.1"]\n'
    )
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + entry, encoding="utf-8")
    found = messages(corpus_copy)
    line = line_of(catalogue, "- id: queue-length")
    assert f"{catalogue}:{line}: indicator 'queue-length' is used by no note" in found
    assert len(found) == 1


def test_a_good_target_that_disagrees_with_the_catalogue(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(path, "- Good target: At least 98%", "- Good target: At least 95%")
    found = messages(corpus_copy)
    line = line_of(path, "### Declaration completion")
    message = only(found, "Good target states")
    assert message.startswith(
        f"{path}:{line}: indicator 'Declaration completion': Good target states 95, which the "
        "catalogue target of 'declaration-completion' does not"
    )


def test_a_reference_id_missing_from_references(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(path, "references: [", "references: [iso-99999-2030, ")
    found = messages(corpus_copy)
    line = line_of(path, "references:")
    assert found == [f"{path}:{line}: unknown reference id 'iso-99999-2030' (references.yaml)"]


def test_a_standard_cited_without_its_year(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(path, "ISO 37001:2016 Anti-bribery", "ISO 37001 Anti-bribery")
    found = messages(corpus_copy)
    line = line_of(path, "ISO 37001 Anti-bribery")
    assert f"{path}:{line}: 'ISO 37001' is cited without its year or version" in found


def test_unpublished_standards_and_committees_need_no_year(corpus_copy: Path, edit: Edit) -> None:
    found = citations("ISO/TC 312 prepares ISO/NP TS 26263; ISO 9001 and EN 301 549 V3.2.1 apply.")
    assert [c for _, c in found] == ["ISO/NP TS 26263", "ISO 9001", "EN 301 549 V3.2.1"]
    path = note(corpus_copy, "7")
    assert "ISO/NP TS 26263" in path.read_text(encoding="utf-8")
    edit(path, "## Related", "ISO/TC 312 also follows ISO/NP TS 26263 closely.\n\n## Related")
    assert messages(corpus_copy) == []


def test_a_cited_standard_the_note_does_not_list(corpus_copy: Path, edit: Edit) -> None:
    path = note(corpus_copy)
    edit(
        path,
        "## Common pitfalls\n",
        "## Common pitfalls\n\n- Measuring satisfaction without ISO 10004:2018 in mind.\n"
        "- Skipping ISO 45001:2018 on workplace safety.\n",
    )
    found = messages(corpus_copy)
    first = line_of(path, "ISO 10004:2018 in mind")
    assert (
        f"{path}:{first}: cites ISO 10004:2018 but front matter 'references' lacks iso-10004-2018"
        in found
    )
    assert f"{path}:{first + 1}: 'ISO 45001:2018' is not in references.yaml" in found


def test_a_missing_or_malformed_last_reviewed(corpus_copy: Path, edit: Edit) -> None:
    edit(note(corpus_copy), 'last_reviewed: "2026-11-30"\n', "")
    path = note(corpus_copy, "7.4.1")
    edit(path, 'last_reviewed: "2026-11-30"', 'last_reviewed: "30/11/2026"')
    found = messages(corpus_copy)
    assert f"{note(corpus_copy)}:2: front matter lacks last_reviewed (a date, YYYY-MM-DD)" in found
    line = line_of(path, "last_reviewed:")
    message = only(found, "7.4.1.md:[0-9]+: front matter")
    assert message.startswith(f"{path}:{line}: front matter last_reviewed: Input should be a valid")


def test_template_shape_problems(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "templates" / "gifts-register.yaml"
    edit(path, 'clauses: ["7.2.3"', 'clauses: ["7.2.9"')
    edit(path, '  - "G-2026-011"\n', "")
    found = messages(corpus_copy)
    assert only(found, "unknown clause 7.2.9").startswith(f"{path}:{line_of(path, 'clauses:')}:")
    assert only(found, "example row has").startswith(f"{path}:{line_of(path, 'example:')}:")
    assert any("is '2026-02-18', not one of its choices" not in m for m in found)


def test_an_example_value_outside_its_choices(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "templates" / "complaint-log.yaml"
    edit(path, '  - "Upheld"\n', '  - "Sort of upheld"\n')
    found = messages(corpus_copy)
    assert found == [
        f"{path}:{line_of(path, 'example:')}: the example's 'Outcome' is 'Sort of upheld', "
        "not one of its choices"
    ]


def test_a_template_field_of_the_wrong_kind_is_located(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "templates" / "journey-map.yaml"
    edit(path, "default_format: docx", "default_format: pdf")
    found = messages(corpus_copy)
    assert len(found) == 1
    line = line_of(path, "default_format:")
    assert found[0].startswith(f"{path}:{line}: template journey-map: default_format:")


def test_case_headings_must_match_the_structure(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "cases" / "small-municipality.md"
    edit(path, "## 7.2.2 Employee engagement", "## 7.2.2 Staff engagement")
    found = messages(corpus_copy)
    line = line_of(path, "## 7.2.2 Staff engagement")
    assert found == [
        f"{path}:{line}: heading '7.2.2 Staff engagement' should be '7.2.2 Employee engagement'"
    ]


def test_no_sentence_shared_between_a_case_and_a_note(
    corpus_copy: Path, edit: Edit, corpus: Corpus
) -> None:
    _, line = corpus.notes["7.3.1"].sentences(12)[0]
    raw = note(corpus_copy, "7.3.1").read_text(encoding="utf-8").split("\n")[line - 1]
    case = corpus_copy / "cases" / "national-agency.md"
    edit(case, "## Lessons across the model\n", f"## Lessons across the model\n\n{raw}\n")
    found = [m for m in messages(corpus_copy) if "sentence shared with" in m]
    assert found and all(m.startswith(f"{case}:") for m in found)
    assert f"sentence shared with guidance/7.3.1.md:{line}" in found[0]


def test_rubric_levels_must_run_from_one_to_five(corpus_copy: Path, edit: Edit) -> None:
    path = corpus_copy / "rubric.yaml"
    edit(path, "  - level: 5", "  - level: 4")
    found = messages(corpus_copy)
    assert found == [f"{path}:{line_of(path, 'levels:')}: levels must be numbered 1 to 5, in order"]

"""Action plans: drafted from the guidance, tailored to the profile, valid, and exported faithfully."""

from __future__ import annotations

import itertools
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pydantic import ValidationError

from pse_assistant.core.errors import ClauseNotFound, InvalidInput
from pse_assistant.corpus.loader import Corpus
from pse_assistant.plans.drafting import draft_plan
from pse_assistant.plans.export import (
    BAR_FILL,
    export,
    suggested_filename,
    to_docx,
    to_json,
    to_markdown,
    to_xlsx,
)
from pse_assistant.plans.models import ActionPlan, PlanProfile
from pse_assistant.plans.rules import ORG_TYPES, STEP_ROLES
from pse_assistant.plans.situations import plan_profile

SNAPSHOTS = Path(__file__).parent / "snapshots"
TODAY = date(2026, 1, 15)


def plan_for(corpus: Corpus, clauses: str | list[str], **profile: object) -> ActionPlan:
    fields: dict[str, object] = {"organization": "City of Lisbon"} | profile
    return draft_plan(corpus, clauses, PlanProfile.model_validate(fields), today=TODAY)


def assert_schedule_valid(plan: ActionPlan) -> None:
    by_id = {a.id: a for a in plan.actions}
    for action in plan.actions:
        assert 1 <= action.start_month <= action.end_month <= plan.profile.horizon_months
        for dep in action.depends_on:
            assert by_id[dep].end_month < action.start_month, (dep, action.id)


def assert_traceable(corpus: Corpus, plan: ActionPlan) -> None:
    """Every action, indicator, evidence item and pitfall risk comes from its clause's note."""
    for action in plan.actions:
        note = corpus.notes[action.source_clause]
        if action.source_step is None:
            level5 = note.maturity()[4]
            assert action.title == f"Review and embed: {level5.label}"
            assert level5.description in action.description
            continue
        step = note.steps()[action.source_step - 1]
        assert action.title == step.title
        assert " ".join(step.text.split()).startswith(action.description)
        evidence = [b.text for b in note.bullets("Evidence an assessor looks for")]
        assert action.deliverable in evidence or step.title in action.deliverable
    for indicator in plan.indicators:
        source = {i.name: i for i in corpus.notes[indicator.source_clause].indicators()}
        entry = source[indicator.name].entry  # defined and targeted as the catalogue has it
        assert entry is not None and indicator.catalogue_id == entry.id
        assert indicator.definition == entry.definition
        assert indicator.target == entry.target and indicator.frequency == entry.frequency
        assert indicator.baseline is None
    for action in plan.actions:
        if action.template:
            assert action.source_clause in corpus.templates[action.template].clauses
            assert action.id in next(t.actions for t in plan.templates if t.id == action.template)
    for item in plan.evidence:
        bullets = corpus.notes[item.source_clause].bullets("Evidence an assessor looks for")
        assert item.text in [b.text for b in bullets]
    for risk in plan.risks:
        if risk.source_clause is not None:
            pitfalls = corpus.notes[risk.source_clause].bullets("Common pitfalls")
            assert risk.risk in [b.text for b in pitfalls]


# What can be planned


def test_a_sub_element_becomes_one_action_per_step_in_order(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2.2")
    steps = corpus.notes["7.2.2"].steps()
    assert plan.title == "Action plan: 7.2.2 Employee engagement"
    assert plan.clauses == ["7.2.2"]
    assert [a.title for a in plan.actions] == [s.title for s in steps]
    assert [a.source_step for a in plan.actions] == [s.number for s in steps]
    assert [a.id for a in plan.actions] == [f"A{n}" for n in range(1, len(steps) + 1)]
    assert plan.actions[-1].end_month == 12
    assert plan.generated_on == TODAY
    assert plan.mode == "grounded"
    assert "not from the text of ISO 11367:2025" in plan.notice
    assert 2 <= len(plan.objectives) <= 4
    assert plan.objectives[0].text.startswith("Within 12 months, take 7.2.2 Employee engagement")
    assert_schedule_valid(plan)
    assert_traceable(corpus, plan)


def test_an_element_expands_to_its_sub_elements(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2")
    assert plan.clauses == ["7.2.1", "7.2.2", "7.2.3"]
    assert plan.title == (
        "Programme plan: 7.2 Public service excellence culture and employee engagement"
    )
    assert {a.source_clause for a in plan.actions} == set(plan.clauses)
    assert {i.source_clause for i in plan.indicators} == set(plan.clauses)
    assert_schedule_valid(plan)
    assert_traceable(corpus, plan)


def test_a_principle_can_be_planned(corpus: Corpus) -> None:
    plan = plan_for(corpus, "principle 5.2.4")
    assert plan.clauses == ["5.2.4"]
    assert [a.title for a in plan.actions] == [s.title for s in corpus.notes["5.2.4"].steps()]
    assert [i.frequency for i in plan.indicators] == ["twice a year", "quarterly", "monthly"]
    assert_traceable(corpus, plan)


def test_several_clauses_make_one_programme(corpus: Corpus) -> None:
    plan = plan_for(corpus, ["7.2.2", "7.2.1", "§7.2.2"])
    assert plan.clauses == ["7.2.1", "7.2.2"]
    assert plan.title == "Programme plan: 7.2.1 and 7.2.2"
    assert plan_for(corpus, "7.2.1, 7.2.2") == plan
    assert "The clauses run side by side over all 12 months." in plan.summary
    starts = {
        c: min(a.start_month for a in plan.actions if a.source_clause == c) for c in plan.clauses
    }
    assert starts == {"7.2.1": 1, "7.2.2": 1}
    assert [a.id for a in plan.actions] == [f"A{n}" for n in range(1, len(plan.actions) + 1)]
    roles = {r.role for r in STEP_ROLES} | {v.lead_role for v in ORG_TYPES.values()}
    roles |= {v.executive_role for v in ORG_TYPES.values()}
    assert {a.owner_role for a in plan.actions} <= roles
    assert_schedule_valid(plan)
    assert_traceable(corpus, plan)


@pytest.mark.parametrize(
    ("ref", "kind"),
    [("4", "benefits"), ("5.1", "principle-group"), ("1", "scope"), ("2", "references")],
)
def test_other_kinds_of_clause_are_refused(corpus: Corpus, ref: str, kind: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_for(corpus, ref)
    message = str(caught.value)
    assert f"is of the kind '{kind}'." in message
    assert "a sub-element (7.x.y), an element (7.x) or a principle (5.x.y)" in message


def test_unknown_clauses_name_the_nearest(corpus: Corpus) -> None:
    with pytest.raises(ClauseNotFound) as caught:
        plan_for(corpus, ["7.2.2", "7.2.9"])
    assert str(caught.value) == (
        "There is no clause 7.2.9 in ISO 11367:2025. Nearest clauses: 7.2.3, 7.2.2, 7.2.1."
    )
    with pytest.raises(InvalidInput, match="Name at least one clause"):
        plan_for(corpus, " , ")


# The profile


@pytest.mark.parametrize(
    ("organization", "org_type"),
    [
        ("regional health agency", "health"),
        ("Ministry of Health", "ministry"),
        ("City of Ghent", "municipality"),
        ("County council of Kent", "regional-authority"),
        ("National tax agency", "national-agency"),
        ("Thames Water", "utility"),
        ("University of Tartu", "education"),
        ("District court of Utrecht", "police-justice"),
        ("Friends of the Earth", "other"),
    ],
)
def test_org_type_is_read_from_the_name(organization: str, org_type: str) -> None:
    assert PlanProfile(organization=organization).org_type == org_type


def test_a_given_org_type_wins() -> None:
    assert PlanProfile(organization="City water board", org_type="utility").org_type == "utility"


@pytest.mark.parametrize(
    "fields",
    [
        {"organization": "x"},
        {"organization": "City", "horizon_months": 2},
        {"organization": "City", "horizon_months": 37},
        {"organization": "City", "maturity": 0},
        {"organization": "City", "maturity": 6},
        {"organization": "City", "size": "huge"},
        {"organization": "City", "org_type": "bank"},
        {"organization": "City", "priorities": "x" * 1001},
    ],
)
def test_invalid_profiles_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PlanProfile.model_validate(fields)


# Tailoring


def test_maturity_changes_where_the_plan_starts_and_how_it_ends(corpus: Corpus) -> None:
    low = plan_for(corpus, "7.2.2", maturity=1)
    high = plan_for(corpus, "7.2.2", maturity=5)
    steps = corpus.notes["7.2.2"].steps()
    assert low.actions[0].title == steps[0].title
    assert all(a.source_step is not None for a in low.actions)
    assert "to lay the foundations" in low.summary

    assert {a.source_step for a in high.actions}.isdisjoint({1, 2})
    review = high.actions[-1]
    assert review.title == "Review and embed: Staff-led improvement"
    assert review.source_section == "Maturity levels"
    assert review.depends_on == [high.actions[-2].id]
    assert f"7.2.2 step 1 “{steps[0].title}”" in high.summary
    assert "review-and-embed action aimed at maturity level 5" in high.summary
    assert [(d.source_step, d.reason) for d in high.deferred] == [(1, "maturity"), (2, "maturity")]
    assert low.objectives[0].text != high.objectives[0].text
    assert "keep 7.2.2 Employee engagement at maturity level 5" in high.objectives[0].text


def test_a_short_horizon_keeps_the_first_steps_and_says_what_is_deferred(corpus: Corpus) -> None:
    short = plan_for(corpus, "7.2.2", horizon_months=3)
    long = plan_for(corpus, "7.2.2", horizon_months=24)
    steps = corpus.notes["7.2.2"].steps()
    assert [a.title for a in short.actions] == [s.title for s in steps[:3]]
    for step in steps[3:]:
        assert f"7.2.2 step {step.number} “{step.title}”" in short.summary
    assert "3-month horizon" in short.summary
    assert short.review_rhythm.startswith("Monthly check-ins")
    assert len(long.actions) == len(steps) and not long.deferred
    assert long.actions[-1].end_month == 24
    assert all(a.end_month - a.start_month + 1 == 3 for a in long.actions)
    assert "quarterly review" in long.review_rhythm and "month 24" in long.review_rhythm
    assert_schedule_valid(short)
    assert_schedule_valid(long)


@pytest.mark.parametrize("clauses", ["7.2.2", "7.4", "5.2.4", "7.1.1, 5.2.6, 7.3.3, 7.4.3"])
@pytest.mark.parametrize("horizon", [3, 5, 12, 36])
@pytest.mark.parametrize(("maturity", "size"), [(1, "small"), (3, "medium"), (5, "large")])
def test_every_schedule_is_valid(
    corpus: Corpus, clauses: str, horizon: int, maturity: int, size: str
) -> None:
    plan = plan_for(corpus, clauses, horizon_months=horizon, maturity=maturity, size=size)
    assert_schedule_valid(plan)
    assert_traceable(corpus, plan)
    for clause in plan.clauses:
        chain = [a for a in plan.actions if a.source_clause == clause]
        assert chain, clause
        assert not chain[0].depends_on
        assert all(b.depends_on == [a.id] for a, b in itertools.pairwise(chain))


def test_priorities_move_matching_steps_earlier(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2.2", priorities="Training on handling distress")
    assert plan.actions[0].title == corpus.notes["7.2.2"].steps()[0].title  # the foundations
    assert plan.actions[1].title == "Train for service, not only for rules"
    assert [a.source_step for a in plan.actions][:4] == [1, 6, 2, 3]
    assert "Moved earlier because they match your priorities: 7.2.2 step 6" in plan.summary
    unmatched = plan_for(corpus, "7.2.2", priorities="zebra crossings")
    assert [a.source_step for a in unmatched.actions] == list(range(1, 9))
    assert "so the guidance order is kept" in unmatched.summary


def test_a_review_step_never_moves_ahead_of_the_foundations(corpus: Corpus) -> None:
    """The issue's case: "repeat calls" once put "Revisit yearly… repeat the diagnostic" first."""
    plan = plan_for(corpus, "7.2", priorities="digital self-service, fewer repeat calls")
    for clause in plan.clauses:
        chain = [a for a in plan.actions if a.source_clause == clause]
        assert chain[0].source_step == 1, clause
        assert not chain[0].depends_on
    revisit = [a for a in plan.actions if a.title.startswith("Revisit yearly")]
    assert all(a.start_month > 1 for a in revisit)
    assert "match no step's wording closely" in plan.summary
    calls = plan_for(corpus, "7.4.1", priorities="digital self-service, fewer repeat calls")
    moved = [a.title for a in calls.actions[1:3]]
    assert "Design for first-contact resolution" in moved and calls.actions[0].source_step == 1


@pytest.mark.parametrize("maturity", [1, 4, 5])
def test_review_and_embed_comes_after_every_step_of_its_clause(
    corpus: Corpus, maturity: int
) -> None:
    plan = plan_for(corpus, "7.1, 7.2.3", maturity=maturity, priorities="review and embed")
    for clause in plan.clauses:
        chain = [a for a in plan.actions if a.source_clause == clause]
        embeds = [a for a in chain if a.source_step is None]
        assert len(embeds) == (1 if maturity >= 4 else 0)
        for embed in embeds:
            assert chain[-1] is embed
            assert all(a.end_month < embed.start_month for a in chain[:-1])


def test_dependencies_point_backwards_in_time_and_in_the_guidance(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2.2, 7.4.1", priorities="training and first-contact resolution")
    by_id = {a.id: a for a in plan.actions}
    for action in plan.actions:
        for dep in action.depends_on:
            assert by_id[dep].end_month < action.start_month, (dep, action.id)
            assert by_id[dep].source_clause == action.source_clause
            if action.source_step is not None:
                assert (by_id[dep].source_step or 0) < action.source_step
    train = next(a for a in plan.actions if a.title.startswith("Train for service"))
    assert by_id[train.depends_on[0]].source_step == 1  # moved forward: waits for the foundations


def test_deliverables_name_an_artefact_from_the_evidence_list(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2")
    evidence = {e.text for e in plan.evidence}
    named = [a for a in plan.actions if a.deliverable in evidence]
    assert len(named) >= len(plan.actions) - 4
    assert not any("A dated record of" in a.deliverable for a in plan.actions)
    by_title = {a.title: a.deliverable for a in plan.actions}
    assert by_title["Set a gifts and hospitality rule staff can apply at the counter"].startswith(
        "A gifts and hospitality register"
    )
    assert by_title["Make leaders visibly own it"].startswith("Management meeting notes")
    assert by_title["Train for service, not only for rules"].startswith("A skills matrix")


def test_a_pitfall_sits_on_the_step_it_concerns_or_on_the_plan(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2.3")
    by_id = {a.id: a for a in plan.actions}
    for risk in (r for r in plan.risks if r.source_clause):
        if risk.action is None:
            assert "the clause as a whole" in risk.mitigation or "not scheduled" in risk.mitigation
        else:
            assert by_id[risk.action].title in risk.mitigation
    de_escalation = next(r for r in plan.risks if "de-escalation" in r.risk)
    assert de_escalation.action is None and "gifts" not in de_escalation.mitigation
    calls = plan_for(corpus, "7.4.1")
    ring_back = next(r for r in calls.risks if "ring back later" in r.risk)
    assert ring_back.action is not None
    assert {a.id: a for a in calls.actions}[ring_back.action].title == (
        "Design for first-contact resolution"
    )


def test_size_sets_how_many_clauses_run_at_once(corpus: Corpus) -> None:
    small = plan_for(corpus, "7.2", size="small", priorities="integrity and gifts")
    assert "takes on at most 1 clause(s) at a time" in small.summary
    assert "months 1–4: 7.2.3; months 5–8: 7.2.1; months 9–12: 7.2.2" in small.summary
    assert "one person may hold several of the" in small.summary
    large = plan_for(corpus, "7.2", size="large")
    assert "side by side over all 12 months" in large.summary
    assert {
        min(a.start_month for a in large.actions if a.source_clause == c) for c in large.clauses
    } == {1}


def test_constraints_and_pitfalls_become_risks(corpus: Corpus) -> None:
    plan = plan_for(
        corpus,
        "7.2.2",
        constraints="No budget; hiring freeze, union consultation and elections in May. Old lifts",
    )
    own = [r for r in plan.risks if r.source_clause is None]
    assert [r.risk.split(" (")[0] for r in own] == [
        "Little or no budget for new spending",
        "Too few people to carry the actions",
        "Changes to roles or working time need consultation with staff representatives",
        "The political calendar may pause or redirect the work",
        "Constraint: Old lifts",
    ]
    assert all(r.mitigation for r in own)
    pitfalls = corpus.notes["7.2.2"].bullets("Common pitfalls")
    assert [r.risk for r in plan.risks if r.source_clause] == [b.text for b in pitfalls]
    assert "Your constraints appear among the risks" in plan.summary
    assert all(r.action is None or r.action in {a.id for a in plan.actions} for r in plan.risks)


def test_owner_roles_follow_the_org_type_and_the_step(corpus: Corpus) -> None:
    city = {a.source_step: a.owner_role for a in plan_for(corpus, "7.2.2").actions}
    health = plan_for(corpus, "7.2.2", organization="Regional health agency").actions
    assert city[6] == "HR / learning lead"
    assert city[1] == "Performance and data lead"
    assert city[5] == "Head of customer services"
    assert {a.source_step: a.owner_role for a in health}[5] == "Patient experience lead"
    integrity = plan_for(corpus, "7.2.3").actions
    assert integrity[0].owner_role == "Integrity officer"


def test_drafting_is_deterministic(corpus: Corpus) -> None:
    assert plan_for(corpus, "7.4", maturity=4) == plan_for(corpus, "7.4", maturity=4)
    undated = draft_plan(corpus, "7.2.2", PlanProfile(organization="City of Lisbon"))
    assert undated.generated_on == date.today()


# The validator


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["actions"][0].update(end_month=13), "ends after the plan's horizon"),
        (lambda d: d["actions"][1].update(start_month=1), "starts before A1, its dependency"),
        (lambda d: d["actions"][1].update(depends_on=["A99"]), "unknown action A99"),
        (lambda d: d["actions"][0].update(start_month=3, end_month=2), "before it starts"),
        (lambda d: d["actions"][2].update(id="A1"), "ids must be unique"),
        (lambda d: d["evidence"][0].update(source_clause="7.3.1"), "cite 7.3.1"),
        (lambda d: d.update(clauses=["7.2.2", "nonsense"]), "nonsense is not a clause"),
    ],
)
def test_an_inconsistent_plan_cannot_be_built(corpus: Corpus, change: object, message: str) -> None:
    data = plan_for(corpus, "7.2.2").model_dump()
    change(data)  # type: ignore[operator]
    with pytest.raises(ValidationError, match=re.escape(message)):
        ActionPlan.model_validate(data)


def test_clauses_are_checked_against_the_structure_when_given(corpus: Corpus) -> None:
    data = plan_for(corpus, "7.2.2").model_dump()
    for item in [*data["actions"], *data["indicators"], *data["evidence"], *data["objectives"]]:
        item["source_clause"] = "7.2.9"
    for item in data["risks"]:
        item["source_clause"] = None
    data["clauses"] = ["7.2.9"]
    ActionPlan.model_validate(data)
    with pytest.raises(ValidationError, match=re.escape("7.2.9 is not a clause")):
        ActionPlan.model_validate(data, context={"clause_ids": set(corpus.structure.ids)})


# Exports, read back


def test_markdown_shows_every_action_and_the_notice(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.2", horizon_months=6, constraints="no budget")
    text = to_markdown(plan)
    assert text.startswith(f"# {plan.title}\n")
    for action in plan.actions:
        assert f"| {action.id} {action.title} |" in text
        assert f"{action.id}  " in text
    assert plan.notice in text
    assert "## Steps not scheduled" in text
    assert "| Little or no budget" in text and "your constraints |" in text


def test_docx_reads_back_with_title_and_one_row_per_action(corpus: Corpus, tmp_path: Path) -> None:
    plan = plan_for(corpus, "7.2.1, 7.2.2", horizon_months=6)
    path = to_docx(plan, tmp_path / "plan.docx")
    doc = Document(str(path))
    assert doc.paragraphs[0].text == plan.title
    assert doc.core_properties.title == plan.title
    actions, indicators, risks = doc.tables
    assert [c.text for c in actions.rows[0].cells] == [
        "Action",
        "Owner",
        "Months",
        "Deliverable",
        "Clause",
        "Depends on",
    ]
    assert len(actions.rows) - 1 == len(plan.actions)
    assert actions.rows[1].cells[0].text == f"A1 {plan.actions[0].title}"
    assert len(indicators.rows) - 1 == len(plan.indicators)
    assert len(risks.rows) - 1 == len(plan.risks)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert plan.notice in body and plan.review_rhythm in body


def test_xlsx_is_a_gantt_sheet(corpus: Corpus, tmp_path: Path) -> None:
    plan = plan_for(corpus, "7.2", horizon_months=9)
    book = load_workbook(to_xlsx(plan, tmp_path / "plan.xlsx"))
    assert book.sheetnames == ["Actions", "Indicators", "Evidence", "Risks", "Summary"]
    sheet = book["Actions"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "ID",
        "Action",
        "Owner",
        "Start",
        "End",
        "Deliverable",
        "Clause",
        "Depends on",
    ]
    assert header[8:] == [f"M{m}" for m in range(1, 10)]
    assert sheet.freeze_panes == "C2"
    assert sheet.max_row - 1 == len(plan.actions)
    for row, action in zip(sheet.iter_rows(min_row=2), plan.actions, strict=True):
        assert [row[0].value, row[1].value, row[3].value] == [
            action.id,
            action.title,
            action.start_month,
        ]
        filled = [m for m, cell in enumerate(row[8:], start=1) if cell.fill.fill_type == "solid"]
        assert filled == list(range(action.start_month, action.end_month + 1))
        assert all(
            cell.fill.fgColor.rgb.endswith(BAR_FILL) for cell in row[8:] if cell.fill.fill_type
        )
    assert book["Indicators"].max_row - 1 == len(plan.indicators)
    assert book["Evidence"].max_row - 1 == len(plan.evidence)
    assert book["Risks"].max_row - 1 == len(plan.risks)
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    assert summary["Title"] == plan.title and summary["Notice"] == plan.notice


def test_json_round_trips(corpus: Corpus) -> None:
    plan = plan_for(corpus, "7.4", maturity=4, priorities="complaints", constraints="election")
    text = to_json(plan)
    assert json.loads(text)["clauses"] == ["7.4.1", "7.4.2", "7.4.3"]
    assert ActionPlan.model_validate_json(text) == plan


def test_export_dispatches_and_names_files(corpus: Corpus, tmp_path: Path) -> None:
    single = plan_for(corpus, "7.2.2")
    programme = plan_for(corpus, "7.2.1, 7.2.2")
    assert suggested_filename(single, "docx") == "plan-7.2.2-12m.docx"
    assert suggested_filename(programme, "xlsx") == "programme-7.2.1-7.2.2-12m.xlsx"
    assert suggested_filename(plan_for(corpus, "7.3, 7.4"), "md") == (
        "programme-7.3.1-to-7.4.3-12m.md"
    )
    for fmt in ("md", "docx", "xlsx", "json"):
        path = export(single, fmt, tmp_path)
        assert path == tmp_path / f"plan-7.2.2-12m.{fmt}" and path.stat().st_size > 0
    assert export(single, "markdown", tmp_path / "out" / "p.md").read_text(encoding="utf-8")
    with pytest.raises(
        InvalidInput, match=re.escape("Unknown plan format 'pdf'. Choose one of: md, docx")
    ):
        export(single, "pdf", tmp_path)


def test_markdown_snapshot(corpus: Corpus) -> None:
    """The Markdown of one fixed profile; regenerate with PSE_UPDATE_SNAPSHOTS=1 and review the diff."""
    plan = plan_for(
        corpus,
        "7.2.2",
        organization="Regional health agency of Lower Saxony",
        size="large",
        horizon_months=9,
        maturity=4,
        priorities="training for front-line staff",
        constraints="hiring freeze; works council must agree rota changes",
    )
    path = SNAPSHOTS / "plan-7.2.2.md"
    text = to_markdown(plan)
    if os.environ.get("PSE_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_actions_link_the_template_their_step_needs(corpus: Corpus, tmp_path: Path) -> None:
    plan = plan_for(corpus, "7.4", horizon_months=24, maturity=1)
    linked = {a.title: a.template for a in plan.actions if a.template}
    assert linked["Run complaints as a staged process"] == "complaint-log"
    assert linked["Blueprint the journey and mark every handoff"] == "service-blueprint"
    assert linked["Write a definition sheet for every measure"] == "indicator-sheet"
    assert "Ask about effort and outcome, not recommendation" not in linked  # "not X" is not X
    complaint = next(t for t in plan.templates if t.id == "complaint-log")
    assert complaint.command == "pse template complaint-log --out complaint-log.xlsx"
    markdown = to_markdown(plan)
    assert "## Templates to use" in markdown
    assert (
        f"- **Complaint log** for {', '.join(complaint.actions)}: `{complaint.command}`" in markdown
    )
    document = Document(str(to_docx(plan, tmp_path / "plan.docx")))
    texts = [p.text for p in document.paragraphs]
    assert "Templates to use" in texts
    assert any(t.startswith("Complaint log for ") for t in texts)
    book = load_workbook(to_xlsx(plan, tmp_path / "plan.xlsx"))
    rows = [(r[0].value, r[1].value) for r in book["Summary"].iter_rows(min_row=2)]
    assert (
        "Template",
        f"Complaint log for {', '.join(complaint.actions)}: {complaint.command}",
    ) in rows
    assert "| Target |" in markdown and "(our suggestion)" in markdown


def test_a_plan_request_read_from_a_conversation(corpus: Corpus) -> None:
    from pse_assistant.plans.context import plan_context

    questions = [
        "We're a tax office with 300 staff: who is our customer anyway?",
        "Our priority is fewer repeat calls. We have no budget and a hiring freeze.",
        "make that a plan over 18 months, we are at maturity level 3",
    ]
    context = plan_context(corpus.structure, ["7.2", "7.2.3", "5", "7.2.3"], questions)
    request = context.request
    assert request.clauses == ["7.2", "7.2.3"]  # plannable only, once each
    assert (request.organization, request.org_type) == ("tax office", "national-agency")
    assert (request.size, request.horizon_months, request.maturity) == ("medium", 18, 3)
    assert request.priorities == "fewer repeat calls"
    assert "no budget" in request.constraints
    assert {"organization", "size", "horizon_months", "maturity", "priorities"} <= set(
        context.found
    )
    quiet = plan_context(corpus.structure, ["7.4.1"], ["How do we handle complaints?"])
    assert quiet.found == [] and quiet.request.organization == "public service organization"
    with pytest.raises(InvalidInput, match="sub-element, an element or a principle"):
        plan_context(corpus.structure, ["4", "bibliography"], questions)


@pytest.mark.parametrize(
    ("question", "profile"),
    [
        ("Make a 6-month plan to reduce repeat calls.", {"horizon_months": 6}),
        (
            "Draft a two-year plan for a small council with no budget and a hiring freeze.",
            {"horizon_months": 24, "size": "small", "constraints": "no budget; hiring freeze"},
        ),
        (
            "A plan over the next 18 months for a national agency.",
            {"horizon_months": 18, "size": "large"},
        ),
        ("A 48-month plan, please.", {}),  # longer than a plan may run: the default stays
        ("make that a plan", {}),
    ],
)
def test_a_plan_asked_for_in_a_question_keeps_what_the_question_says(
    question: str, profile: dict[str, object]
) -> None:
    assert plan_profile(question) == profile

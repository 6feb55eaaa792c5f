"""Action plans drafted from the guidance notes' steps, tailored to an organization's profile."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from pse_assistant.core.errors import InvalidInput, NotApplicable
from pse_assistant.core.text import trim_sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Indicator, Note, Step
from pse_assistant.corpus.structure import Clause, ClauseKind
from pse_assistant.plans.linking import link_templates
from pse_assistant.plans.matching import deliverables, pitfall_step, priority_score
from pse_assistant.plans.models import (
    ActionPlan,
    DeferredStep,
    EvidenceItem,
    Objective,
    PlanAction,
    PlanIndicator,
    PlanProfile,
    PlanRisk,
)
from pse_assistant.plans.rules import (
    CONSTRAINTS,
    EXECUTIVE,
    FREQUENCIES,
    ORG_TYPES,
    SAY,
    SIZE_NOTES,
    STEP_ROLES,
    STREAMS,
    Say,
)


def draft_plan(
    corpus: Corpus, clauses: str | list[str], profile: PlanProfile, today: date | None = None
) -> ActionPlan:
    """Draft a plan from the notes of the given clauses, tailored to `profile`.

    Args:
        corpus: the loaded corpus; every action, indicator, evidence item and pitfall comes from it.
        clauses: sub-elements (7.x.y), elements (7.x, expanded to their sub-elements) or
            principles (5.x.y); a string may list several, separated by commas.
        profile: the organization the plan is for.
        today: the date stamped on the plan, injectable so that exports can be reproduced.

    Raises:
        ClauseNotFound: an id that is not in the standard.
        InvalidInput: a clause of another kind, or one without guidance steps.
    """
    named, targets = _resolve(corpus, clauses)
    notes = [_note(corpus, c) for c in targets]
    notes.sort(key=lambda n: -priority_score(profile.priorities, n, None))
    windows = _waves(len(notes), profile)
    drafts = [_draft(n, profile, w) for n, w in zip(notes, windows, strict=True)]
    actions, templates = link_templates(corpus, _number([a for d in drafts for a in d.actions]))
    plan = {
        "title": _title(named, targets),
        "clauses": [c.id for c in targets],
        "profile": profile,
        "summary": _summary(profile, notes, drafts, windows, actions),
        "objectives": [o for d in drafts for o in _objectives(corpus, d, profile, len(notes))],
        "actions": actions,
        "indicators": [_indicator(n.clause, i) for n in notes for i in n.indicators()],
        "evidence": [
            EvidenceItem(text=b.text, source_clause=n.clause)
            for n in notes
            for b in n.bullets("Evidence an assessor looks for")
        ],
        "risks": _constraint_risks(profile.constraints)
        + [r for d in drafts for r in _pitfalls(d, actions)],
        "deferred": [s for d in drafts for s in d.deferred],
        "templates": templates,
        "review_rhythm": _review_rhythm(profile.horizon_months),
        "generated_on": today or date.today(),
    }
    return ActionPlan.model_validate(plan, context={"clause_ids": set(corpus.structure.ids)})


@dataclass
class _Draft:
    """One clause's actions before numbering, keyed by their place in the clause's chain."""

    note: Note
    actions: list[tuple[str, PlanAction]]
    kept: list[Step]
    deferred: list[DeferredStep]
    moved: list[Step]


def _resolve(corpus: Corpus, clauses: str | list[str]) -> tuple[list[Clause], list[Clause]]:
    """The clauses as named, and the sub-elements and principles they stand for, in order."""
    refs = re.split(r"[,;]", clauses) if isinstance(clauses, str) else clauses
    named = [corpus.structure.get(r) for r in refs if r.strip()]
    found: dict[str, Clause] = {}
    for clause in named:
        if clause.kind is ClauseKind.ELEMENT:
            subs = corpus.structure.children(clause.id)
            found |= {c.id: c for c in subs if c.kind is ClauseKind.SUB_ELEMENT}
        elif clause.kind in (ClauseKind.SUB_ELEMENT, ClauseKind.PRINCIPLE):
            found[clause.id] = clause
        else:
            raise NotApplicable(
                f"Clause {clause.label} is of the kind '{clause.kind.value}'. A plan can be drafted for a "
                "sub-element (7.x.y), an element (7.x) or a principle (5.x.y)."
            )
    if not found:
        raise InvalidInput("Name at least one clause: a sub-element, an element or a principle.")
    return named, sorted(found.values(), key=lambda c: corpus.structure.ids.index(c.id))


def _note(corpus: Corpus, clause: Clause) -> Note:
    note = corpus.note(clause.id)
    if note is None or not note.steps():
        raise NotApplicable(f"Clause {clause.label} has no guidance steps to draft a plan from.")
    return note


def _title(named: list[Clause], targets: list[Clause]) -> str:
    if len(targets) == 1:
        return f"Action plan: {targets[0].label}"
    if len({c.id for c in named}) == 1:
        return f"Programme plan: {named[0].label}"
    return f"Programme plan: {_and([c.id for c in targets])}"


def _waves(count: int, profile: PlanProfile) -> list[tuple[int, int]]:
    """Month windows per clause: as many clauses at once as the size allows, 3 months at least."""
    horizon = profile.horizon_months
    waves = min(math.ceil(count / STREAMS[profile.size]), max(1, horizon // 3), count)
    spans = _spans(1, horizon, waves)
    return [spans[i // math.ceil(count / waves)] for i in range(count)]


def _spans(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """Cut months first..last into `parts` back-to-back spans, the earlier ones longer by a month."""
    base, extra = divmod(last - first + 1, parts)
    spans, start = [], first
    for i in range(parts):
        end = start + base + (1 if i < extra else 0) - 1
        spans.append((start, end))
        start = end + 1
    return spans


def _draft(note: Note, profile: PlanProfile, window: tuple[int, int]) -> _Draft:
    """Turn one note's steps into actions inside its window, each depending on an earlier one.

    High maturity skips the first steps and adds a closing review against maturity level 5;
    priorities move matching steps forward (never ahead of the first, never a review step);
    steps that cannot get a month each are deferred.
    """
    steps, skipped, (first, last) = note.steps(), 0, window
    if profile.maturity >= 4:
        skipped = min(profile.maturity - 3, len(steps) - 2)
    ordered = _order(note, profile, steps[skipped:])
    embed = profile.maturity >= 4 and len(note.maturity()) == 5
    months = last - first + (0 if embed and last > first else 1)
    kept, late = ordered[:months], sorted(ordered[months:], key=lambda s: s.number)
    fitting = deliverables(note)
    actions: list[tuple[str, PlanAction]] = []
    for step, (start, end) in zip(kept, _spans(first, first + months - 1, len(kept)), strict=True):
        action = PlanAction(
            id="A0",
            title=step.title,
            description=_trim(step.text),
            owner_role=_owner(profile, step),
            start_month=start,
            end_month=end,
            deliverable=fitting.get(step.number) or SAY[Say.RECORD].format(title=step.title),
            source_clause=note.clause,
            source_step=step.number,
            depends_on=_after(note.clause, step, kept[: len(actions)]),
        )
        actions.append((f"{note.clause}#{step.number}", action))
    if embed:
        actions.append(_embed(note, profile, last, actions[-1][0]))
    deferred = [
        DeferredStep(title=s.title, source_clause=note.clause, source_step=s.number, reason=reason)
        for group, reason in ((steps[:skipped], "maturity"), (late, "horizon"))
        for s in group
    ]
    moved = [s for i, s in enumerate(kept) if i + skipped < steps.index(s)]
    return _Draft(note, actions, kept, deferred, moved)


def _order(note: Note, profile: PlanProfile, steps: list[Step]) -> list[Step]:
    """The steps in scheduled order: the first lays the foundations and stays first; steps matching
    the priorities come next (strongest first); the rest, review steps included, keep their order."""
    if not steps:
        return []
    rest = steps[1:]
    scores = {s.number: priority_score(profile.priorities, note, s) for s in rest}
    return [steps[0], *sorted(rest, key=lambda s: -scores[s.number])]


def _after(clause: str, step: Step, earlier: list[Step]) -> list[str]:
    """What a step depends on: the latest step scheduled before it that comes before it in the
    guidance, so a step moved forward waits for the foundations and not for the steps it jumped."""
    before = [s for s in earlier if s.number < step.number]
    return [f"{clause}#{before[-1].number}"] if before else []


def _embed(note: Note, profile: PlanProfile, month: int, last: str) -> tuple[str, PlanAction]:
    """The closing review against maturity level 5, after the clause's last scheduled step."""
    level = note.maturity()[4]
    action = PlanAction(
        id="A0",
        title=f"Review and embed: {level.label}",
        description=SAY[Say.EMBED].format(label=level.label, text=level.description),
        owner_role=ORG_TYPES[profile.org_type].executive_role,
        start_month=month,
        end_month=month,
        deliverable=SAY[Say.EMBED_DELIVERABLE],
        source_clause=note.clause,
        source_section="Maturity levels",
        depends_on=[last],
    )
    return f"{note.clause}#embed", action


def _number(keyed: list[tuple[str, PlanAction]]) -> list[PlanAction]:
    """Number actions A1.. by start month (stable), and point dependencies at those ids."""
    ordered = sorted(keyed, key=lambda pair: pair[1].start_month)
    ids = {key: f"A{i}" for i, (key, _) in enumerate(ordered, start=1)}
    return [
        a.model_copy(update={"id": ids[k], "depends_on": [ids[d] for d in a.depends_on]})
        for k, a in ordered
    ]


def _trim(text: str, limit: int = 320) -> str:
    """Whole sentences up to `limit` characters (always the first), so no step stops mid-thought."""
    return trim_sentences(text, max_chars=limit)


def _owner(profile: PlanProfile, step: Step) -> str:
    """The role a step's title points to, else its first sentence; else the organization's lead.

    The title goes first because it names the action; the sentence often mentions side matters.
    """
    for text, in_title in ((step.title, True), (_trim(step.text, 0), False)):
        for rule in STEP_ROLES:
            if (in_title or not rule.title_only) and re.search(rule.pattern, text, re.IGNORECASE):
                org = ORG_TYPES[profile.org_type]
                return org.executive_role if rule.role == EXECUTIVE else rule.role
    return ORG_TYPES[profile.org_type].lead_role


def _indicator(clause_id: str, indicator: Indicator) -> PlanIndicator:
    """The note's indicator, defined, measured and targeted as the catalogue has it.

    Without a catalogue entry (a corpus of your own), the note's words are kept and the frequency
    is the first one its measurement names.
    """
    entry = indicator.entry
    if entry is not None:
        return PlanIndicator(
            name=indicator.name,
            definition=entry.definition,
            how_to_measure=f"{entry.formula[:1].upper()}{entry.formula[1:]}. Data: {entry.data_source}",
            target=entry.target,
            frequency=entry.frequency.value,
            source_clause=clause_id,
            catalogue_id=entry.id,
            target_source="our suggestion" if entry.suggested else entry.target_source,
        )
    how = indicator.how_to_measure or ""
    hits = [(m.start(), name) for name, p in FREQUENCIES if (m := re.search(p, how, re.I))]
    return PlanIndicator(
        name=indicator.name,
        definition=indicator.definition or "",
        how_to_measure=how,
        target=indicator.good_target or "",
        frequency=min(hits)[1] if hits else "quarterly",
        source_clause=clause_id,
    )


def _constraint_risks(constraints: str) -> list[PlanRisk]:
    """One risk per kind of constraint named; a constraint of no known kind is kept in its words."""
    risks: list[PlanRisk] = []
    for part in (p.strip() for p in re.split(r"[;,.\n]+|\band\b", constraints)):
        kind = next((c for c in CONSTRAINTS if re.search(c.pattern, part, re.I)), None)
        if kind is None and len(part) >= 3:
            risks.append(PlanRisk(risk=f"Constraint: {part}", mitigation=SAY[Say.CONSTRAINT]))
        elif kind is not None and all(not r.risk.startswith(kind.risk) for r in risks):
            risks.append(
                PlanRisk(risk=f"{kind.risk} (you noted: “{part}”)", mitigation=kind.mitigation)
            )
    return risks


def _pitfalls(draft: _Draft, actions: list[PlanAction]) -> list[PlanRisk]:
    """The note's pitfalls as risks, each on the action of the step it concerns, else on the plan."""
    note = draft.note
    by_step = {a.source_step: a for a in actions if a.source_clause == note.clause}
    risks = []
    for pitfall in note.bullets("Common pitfalls"):
        step = pitfall_step(note, pitfall.text)
        action = by_step.get(step.number) if step is not None else None
        key = Say.PITFALL if step is None else Say.PITFALL_KEPT if action else Say.PITFALL_LATE
        mitigation = SAY[key].format(
            n=step.number if step else "",
            title=step.title if step else "",
            action=action.id if action else "",
        )
        risks.append(
            PlanRisk(
                risk=pitfall.text,
                mitigation=mitigation,
                source_clause=note.clause,
                action=action.id if action else None,
            )
        )
    return risks


def _objectives(
    corpus: Corpus, draft: _Draft, profile: PlanProfile, clauses: int
) -> list[Objective]:
    """A maturity move per clause; for a single clause also the steps' purpose and a baseline."""
    note, h, m = draft.note, profile.horizon_months, profile.maturity
    levels, label = note.maturity(), corpus.structure.get(note.clause).label
    goal, now = levels[min(m, len(levels) - 1)], levels[m - 1]
    key = Say.MATURITY_KEEP if goal is now else Say.MATURITY_UP
    values = {"h": h, "m": m, "label": label, "now": now.label, "level": goal.level}
    texts = [SAY[key].format_map(values | {"goal": goal.label, "text": goal.description})]
    brief, indicators = note.section("In brief"), note.indicators()
    if clauses == 1 and brief is not None:
        texts.append(
            SAY[Say.STEPS].format(
                h=h, n=len(draft.kept), total=len(note.steps()), brief=_trim(brief.text, 0)
            )
        )
    if clauses == 1 and indicators:
        first = indicators[0]
        texts.append(
            SAY[Say.BASELINE].format(month=min(3, h), name=first.name, target=first.good_target)
        )
    return [Objective(text=t, source_clause=note.clause) for t in texts]


def _review_rhythm(horizon: int) -> str:
    if horizon <= 6:
        return SAY[Say.SHORT_REVIEW].format(h=horizon)
    quarters = ", ".join(str(m) for m in range(3, horizon, 3))
    return SAY[Say.REVIEW].format(h=horizon, quarters=quarters)


def _summary(
    profile: PlanProfile,
    notes: list[Note],
    drafts: list[_Draft],
    windows: list[tuple[int, int]],
    actions: list[PlanAction],
) -> str:
    """What was drafted, then one sentence for each way the profile shaped it."""
    p, deferred = profile, [d for dr in drafts for d in dr.deferred]
    skipped = [d for d in deferred if d.reason == "maturity"]
    late = [d for d in deferred if d.reason == "horizon"]
    moved = [f"{d.note.clause} step {s.number} “{s.title}”" for d in drafts for s in d.moved]
    waves = {
        w: [n.clause for n, nw in zip(notes, windows, strict=True) if nw == w] for w in windows
    }
    keys = [Say.INTRO, Say.HIGH if skipped else Say.LOW if p.maturity <= 2 else Say.MID]
    keys.append(Say.DEFERRED if late else Say.FITS)
    if moved or p.priorities:
        keys.append(Say.MOVED if moved else Say.UNMOVED)
    if len(notes) > 1:
        keys.append(Say.WAVES if len(waves) > 1 else Say.PARALLEL)
    if size_note := SIZE_NOTES.get(p.size):
        keys.append(size_note)
    if p.constraints:
        keys.append(Say.CONSTRAINTS)
    values = {
        "org": p.organization,
        "size": p.size,
        "org_type": ORG_TYPES[p.org_type].name,
        "h": p.horizon_months,
        "m": p.maturity,
        "n": len(actions),
        "ids": _and([n.clause for n in notes]),
        "skipped": _steps(skipped),
        "late": _steps(late),
        "moved": "; ".join(moved),
        "streams": STREAMS[p.size],
        "n_waves": len(waves),
        "waves": "; ".join(f"months {a}–{b}: {_and(ids)}" for (a, b), ids in sorted(waves.items())),
        "roles": len({a.owner_role for a in actions}),
    }
    return " ".join(SAY[key].format_map(values) for key in keys)


def _steps(items: list[DeferredStep]) -> str:
    return "; ".join(f"{d.source_clause} step {d.source_step} “{d.title}”" for d in items)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

"""Action plans drafted from the guidance notes' steps, tailored to an organization's profile."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal, Self

import Stemmer
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .corpus import Corpus
from .errors import InvalidInput
from .notes import Indicator, Note, Step
from .structure import CLAUSE_ID, Clause, ClauseKind

OrgType = Literal[
    "municipality", "regional-authority", "national-agency", "ministry", "utility", "health",
    "education", "police-justice", "other",
]  # fmt: skip
# org type: (how a summary names it, usual lead role, executive role, words that reveal it).
# Detection follows this order, so a "regional health agency" is a health body.
ORG_TYPES: dict[OrgType, tuple[str, str, str, str]] = {
    "ministry": ("ministry", "Director-general's office", "Secretary-general", r"ministr|minister|government department"),
    "health": ("health body", "Patient experience lead", "Chief executive", r"health|hospital|clinic|patient|medical|care trust"),
    "education": ("education body", "Head of student services", "Principal or rector", r"school|universit|college|education|academ"),
    "police-justice": ("police or justice body", "Head of public contact", "Chief officer", r"police|court|justice|prison|probation|tribunal"),
    "utility": ("utility", "Customer operations manager", "Managing director", r"utilit|water|energy|electric|gas\b|transport|transit|waste|rail"),
    "regional-authority": ("regional authority", "Head of service delivery", "Chief executive", r"region|county|province|canton|state government"),
    "municipality": ("municipality", "Head of customer services", "Chief executive", r"municipal|city|town|council|borough|commune|village"),
    "national-agency": ("national agency", "Director of operations", "Director-general", r"agency|national|federal|authority|administration|office"),
    "other": ("public organization", "Service excellence lead", "Head of the organization", r"$^"),
}  # fmt: skip
# The role a step's wording points to, the first match winning; "executive" means the org type's
# own. Roles marked True are read from the step's title only: its text mentions them in passing.
STEP_ROLES: tuple[tuple[str, str, bool], ...] = (
    (r"integrity|gifts?\b|hospitality|conflicts? of interest|speak-up|whistle", "Integrity officer", False),
    (r"complaint|redress", "Complaints manager", True),
    (r"train|skills?\b|coach|hire\b|recruit|induction|well-being|human resources", "HR / learning lead", False),
    (r"strateg|purpose|vision|mandate|endorse|risk appetite|leaders|executive|steering", "executive", False),
    (r"digital|website|online|wcag|automat|\bapps?\b|(?-i:\bIT\b)", "Digital services lead", False),
    (r"indicator|measure|metric|data\b|survey|audit|results|demand|review rhythm", "Performance and data lead", False),
    (r"budget|cost|financ|resources", "Finance lead", True),
    (r"contract|supplier|procure|partner", "Contracts and partnerships lead", False),
    (r"equality|equit|accessib|disab|fair", "Equality and accessibility lead", False),
    (r"letter|plain language|publish|\bbrief|communicat|explain", "Communications lead", True),
    (r"building|premises|facilit", "Facilities manager", True),
    (r"innovat|pilot|sandbox|portfolio|stop well|scale", "Innovation lead", False),
    (r"journey|blueprint|prototype|design", "Service design lead", False),
)  # fmt: skip
# Kinds of constraint: (words that reveal it, the risk, its mitigation).
CONSTRAINTS: tuple[tuple[str, str, str], ...] = (
    (r"budget|fund|money|cost|financ|austerit|\bcuts?\b", "Little or no budget for new spending", "Start with the actions that need time rather than money, and cost each later action before committing to it."),
    (r"hiring|recruit|freeze|vacanc|headcount|shortage|understaff|capacity|workload", "Too few people to carry the actions", "Give each action a named owner with protected hours, and avoid running two actions on the same team at once."),
    (r"union|works council|representative|collective agreement|social partner", "Changes to roles or working time need consultation with staff representatives", "Involve staff representatives from the first month and build their consultation time into the schedule."),
    (r"election|politic|minister|elected|government change", "The political calendar may pause or redirect the work", "Schedule visible, uncontroversial actions before any pre-election period and brief elected members early."),
    (r"legacy|(?-i:\bIT\b)|system|software|vendor|supplier", "Technology or supplier limits slow what can change", "Change process and content first, and raise system changes with the supplier at the next contract review."),
    (r"\blaw|legal|statut|regulat|gdpr|data protection", "Legal limits on what may change", "Ask legal services to confirm the room for manoeuvre before actions that change rules, forms or data use."),
    (r"deadline|peak|season|busy", "Competing deadlines or seasonal peaks", "Avoid starting actions in peak months and agree the schedule with operational managers."),
)  # fmt: skip
FREQUENCIES = (
    ("weekly", r"\bweek(ly)?\b"),
    ("monthly", r"\bmonth(ly)?\b"),
    ("quarterly", r"quarter"),
    ("twice a year", r"twice|half-year"),
    ("annually", r"annual|yearly|each year|a year\b"),
)
STREAMS = {"small": 1, "medium": 2, "large": 3}  # clauses an organization of this size runs at once
# Every sentence a plan adds around the corpus's own words, in one place for review and translation.
SAY = {
    "notice": "This plan is drafted from the pse-assistant project's own guidance notes, not from the text of ISO 11367:2025, so check it against the standard and your own context before adopting it.",
    "intro": "Drafted for {org} (a {size} {org_type}) over {h} months from maturity level {m}: {n} actions from the guidance steps of {ids}.",
    "low": "At maturity level {m} every step is kept, starting from step 1 of each clause to lay the foundations.",
    "mid": "At maturity level {m} every step is kept, starting from step 1 of each clause.",
    "high": "At maturity level {m} the foundational steps are taken as in place ({skipped}), and each clause ends with a review-and-embed action aimed at maturity level 5.",
    "deferred": "The {h}-month horizon leaves less than a month for every step, so these are deferred to a later cycle: {late}.",
    "fits": "Every kept step fits the {h}-month horizon.",
    "moved": "Moved earlier because they match your priorities: {moved}.",
    "unmoved": "Your priorities match no step's wording closely, so the guidance order is kept.",
    "parallel": "The clauses run side by side over all {h} months.",
    "waves": "A {size} organization takes on at most {streams} clause(s) at a time, so the clauses run in {n_waves} waves: {waves}.",
    "small": "In a small organization one person may hold several of the {roles} owner roles named below.",
    "large": "In a large organization, name one owner per directorate under each role.",
    "constraints": "Your constraints appear among the risks, each with a mitigation.",
    "embed": "Check practice against maturity level 5 of the guidance (“{label}”): {text} Keep what works, close the gaps and choose the next cycle's steps.",
    "embed_deliverable": "Review against maturity level 5, with the next cycle's actions",
    "record": "A dated record of “{title}” in practice",
    "constraint": "Review this constraint at each steering meeting and move the actions it blocks.",
    "pitfall_kept": "The closest step in the guidance is step {n}, “{title}”: check for this pitfall whenever that action is reviewed.",
    "pitfall_late": "The closest step in the guidance is step {n}, “{title}”, which is not scheduled: check for this pitfall at each review of the plan.",
    "pitfall": "Name this pitfall at the start and check for it at each review of the plan.",
    "maturity_up": "Within {h} months, take {label} from maturity level {m} (“{now}”) to level {level} (“{goal}”): {text}",
    "maturity_keep": "Within {h} months, keep {label} at maturity level {level} (“{goal}”): {text}",
    "steps": "Within {h} months, complete {n} of the {total} guidance steps, so that practice matches what the guidance says the clause covers: “{brief}”",
    "baseline": "By month {month}, measure a baseline for “{name}”, then track it towards: {target}",
    "short_review": "Monthly check-ins of the action owners on progress and blockers; a management review in month {h} to decide the next cycle, including the deferred steps.",
    "review": "Monthly steering meeting of the action owners; a quarterly review of the indicators and risks (months {quarters}); a management review in month {h} to decide the next cycle.",
}
_STOP = frozenset(
    "this that with from your their them they have will into when what which each every other "
    "than rather same more most only also make made over after before while without".split()
)


class PlanProfile(BaseModel):
    """Who the plan is for; every tailoring choice in `draft_plan` reads one of these fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str = Field(min_length=2, max_length=120)
    org_type: OrgType = "other"
    size: Literal["small", "medium", "large"] = "medium"
    horizon_months: int = Field(default=12, ge=3, le=36)
    maturity: int = Field(default=2, ge=1, le=5)
    priorities: str = Field(default="", max_length=1000)
    constraints: str = Field(default="", max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _derive_org_type(cls, data: Any) -> Any:
        """Read the type from the free text when not given, so people only type their name."""
        if isinstance(data, dict) and not data.get("org_type"):
            return data | {"org_type": org_type_of(str(data.get("organization", "")))}
        return data


class PlanAction(BaseModel):
    """One scheduled action, traceable to the step (or maturity level) of the note it comes from."""

    id: str = Field(pattern=r"^A\d+$")
    title: str
    description: str
    owner_role: str
    start_month: int = Field(ge=1)
    end_month: int = Field(ge=1)
    deliverable: str
    source_clause: str
    source_step: int | None = None
    source_section: str = "How to meet it"
    depends_on: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_month < self.start_month:
            raise ValueError(f"action {self.id} ends (month {self.end_month}) before it starts")
        return self


class PlanIndicator(BaseModel):
    """An indicator from a note; the baseline stays unknown until the organization measures it."""

    name: str
    definition: str
    how_to_measure: str
    baseline: str | None = None
    target: str
    frequency: str
    source_clause: str


class EvidenceItem(BaseModel):
    """Something an assessor will ask to see."""

    text: str
    source_clause: str


class PlanRisk(BaseModel):
    """A risk with its mitigation; `source_clause` is None for risks from the user's constraints."""

    risk: str
    mitigation: str
    source_clause: str | None = None


class Objective(BaseModel):
    """What the plan should achieve for one clause."""

    text: str
    source_clause: str


class DeferredStep(BaseModel):
    """A guidance step left out: beyond the horizon, or taken as in place at a high maturity."""

    title: str
    source_clause: str
    source_step: int
    reason: Literal["horizon", "maturity"]


class ActionPlan(BaseModel):
    """A drafted plan whose validator makes an inconsistent schedule impossible to build.

    Pass `context={"clause_ids": ...}` to `model_validate` to check the clauses against the
    structure as well; `draft_plan` always does.
    """

    title: str
    clauses: list[str] = Field(min_length=1)
    profile: PlanProfile
    summary: str
    objectives: list[Objective]
    actions: list[PlanAction] = Field(min_length=1)
    indicators: list[PlanIndicator]
    evidence: list[EvidenceItem]
    risks: list[PlanRisk]
    deferred: list[DeferredStep] = Field(default_factory=list)
    review_rhythm: str
    generated_on: date
    mode: Literal["grounded", "llm"] = "grounded"
    notice: str = SAY["notice"]

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        known = (info.context or {}).get("clause_ids")
        for clause_id in self.clauses:
            if not CLAUSE_ID.match(clause_id) or (known is not None and clause_id not in known):
                raise ValueError(f"{clause_id} is not a clause of ISO 11367:2025")
        groups = (self.actions, self.indicators, self.evidence, self.objectives, self.deferred)
        cited = {i.source_clause for g in groups for i in g} | {r.source_clause for r in self.risks}
        if stray := sorted(c for c in cited if c is not None and c not in self.clauses):
            raise ValueError(f"items cite {', '.join(stray)}, which the plan does not cover")
        by_id = {a.id: a for a in self.actions}
        if len(by_id) != len(self.actions):
            raise ValueError("action ids must be unique")
        for action in self.actions:
            if action.end_month > self.profile.horizon_months:
                raise ValueError(f"action {action.id} ends after the plan's horizon")
            for dep in action.depends_on:
                if dep not in by_id or dep == action.id:
                    raise ValueError(f"action {action.id} depends on unknown action {dep}")
                if by_id[dep].end_month > action.start_month:
                    raise ValueError(
                        f"action {action.id} starts before {dep}, its dependency, ends"
                    )
        return self


def org_type_of(organization: str) -> OrgType:
    """The org type whose words first appear in a free-text name; "other" when none do."""
    for org_type, (*_, pattern) in ORG_TYPES.items():
        if re.search(rf"\b(?:{pattern})", organization, re.IGNORECASE):
            return org_type
    return "other"


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
    notes.sort(key=lambda n: -_priority_score(profile, n, None))
    windows = _waves(len(notes), profile)
    drafts = [_draft(n, profile, w) for n, w in zip(notes, windows, strict=True)]
    actions = _number([a for d in drafts for a in d.actions])
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
        "risks": _constraint_risks(profile.constraints) + [r for d in drafts for r in _pitfalls(d)],
        "deferred": [s for d in drafts for s in d.deferred],
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
            raise InvalidInput(
                f"Clause {clause.label} is of the kind '{clause.kind.value}'. A plan can be drafted for a "
                "sub-element (7.x.y), an element (7.x) or a principle (5.x.y)."
            )
    if not found:
        raise InvalidInput("Name at least one clause: a sub-element, an element or a principle.")
    return named, sorted(found.values(), key=lambda c: corpus.structure.ids.index(c.id))


def _note(corpus: Corpus, clause: Clause) -> Note:
    note = corpus.note(clause.id)
    if note is None or not note.steps():
        raise InvalidInput(f"Clause {clause.label} has no guidance steps to draft a plan from.")
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
    """Turn one note's steps into a chain of actions, each after the previous, inside its window.

    High maturity skips the first steps and adds a closing review against maturity level 5;
    priorities move matching steps forward; steps that cannot get a month each are deferred.
    """
    steps, skipped, (first, last) = note.steps(), 0, window
    if profile.maturity >= 4:
        skipped = min(profile.maturity - 3, len(steps) - 2)
    ranked = sorted(steps[skipped:], key=lambda s: -_priority_score(profile, note, s))
    embed = profile.maturity >= 4 and len(note.maturity()) == 5
    months = last - first + (0 if embed and last > first else 1)
    kept, late = ranked[:months], sorted(ranked[months:], key=lambda s: s.number)
    deliverables = _deliverables(note)
    actions: list[tuple[str, PlanAction]] = []
    for step, (start, end) in zip(kept, _spans(first, first + months - 1, len(kept)), strict=True):
        action = PlanAction(
            id="A0",
            title=step.title,
            description=_trim(step.text),
            owner_role=_owner(profile, step),
            start_month=start,
            end_month=end,
            deliverable=deliverables.get(step.number) or SAY["record"].format(title=step.title),
            source_clause=note.clause,
            source_step=step.number,
            depends_on=[actions[-1][0]] if actions else [],
        )
        actions.append((f"{note.clause}#{step.number}", action))
    if embed:
        level = note.maturity()[4]
        action = PlanAction(
            id="A0",
            title=f"Review and embed: {level.label}",
            description=SAY["embed"].format(label=level.label, text=level.description),
            owner_role=ORG_TYPES[profile.org_type][2],
            start_month=last,
            end_month=last,
            deliverable=SAY["embed_deliverable"],
            source_clause=note.clause,
            source_section="Maturity levels",
            depends_on=[actions[-1][0]],
        )
        actions.append((f"{note.clause}#embed", action))
    deferred = [
        DeferredStep(title=s.title, source_clause=note.clause, source_step=s.number, reason=reason)
        for group, reason in ((steps[:skipped], "maturity"), (late, "horizon"))
        for s in group
    ]
    moved = [s for i, s in enumerate(kept) if i + skipped < steps.index(s)]
    return _Draft(note, actions, kept, deferred, moved)


def _number(keyed: list[tuple[str, PlanAction]]) -> list[PlanAction]:
    """Number actions A1.. by start month (stable), and point dependencies at those ids."""
    ordered = sorted(keyed, key=lambda pair: pair[1].start_month)
    ids = {key: f"A{i}" for i, (key, _) in enumerate(ordered, start=1)}
    return [
        a.model_copy(update={"id": ids[k], "depends_on": [ids[d] for d in a.depends_on]})
        for k, a in ordered
    ]


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("english")


def _stems(text: str) -> set[str]:
    """Stems of the words of four letters or more: enough to tell "training" matches "train"."""
    words = [w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in _STOP]
    return set(_stemmer().stemWords(words))


def _step_stems(step: Step) -> set[str]:
    return _stems(f"{step.title} {step.text}")


def _priority_score(profile: PlanProfile, note: Note, step: Step | None) -> float:
    """Stems a step (or, with no step, the clause's title and keywords) shares with the priorities.

    A stem counts less the more steps use it, and not at all when half of them do: "staff" or
    "service" says nothing about one step of a note on employee engagement.
    """
    wanted = _stems(profile.priorities)
    if not wanted or step is None:
        return len(wanted & _stems(f"{note.meta.title} {' '.join(note.meta.keywords)}"))
    counts: dict[str, int] = {}
    for other in note.steps():
        for stem in _step_stems(other):
            counts[stem] = counts.get(stem, 0) + 1
    shared = wanted & _step_stems(step)
    return sum(1 / counts[s] for s in shared if counts[s] * 2 < len(note.steps()))


def _deliverables(note: Note) -> dict[int, str]:
    """Pair steps with the evidence bullet that shows them done: a deliverable an assessor checks.

    A bullet serves one step at most and must share three stems with it, so weak matches fall
    back to a plain record of the step rather than a misleading artefact.
    """
    evidence = note.bullets("Evidence an assessor looks for")
    pairs = [
        (len(_step_stems(s) & _stems(e.text)), s.number, e.text)
        for s in note.steps()
        for e in evidence
    ]
    chosen: dict[int, str] = {}
    for score, number, text in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if score >= 3 and number not in chosen and text not in chosen.values():
            chosen[number] = text
    return chosen


def _trim(text: str, limit: int = 320) -> str:
    """Whole sentences up to `limit` characters (always the first), so no step stops mid-thought."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", " ".join(text.split()))
    kept = sentences[:1]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def _owner(profile: PlanProfile, step: Step) -> str:
    """The role a step's title points to, else its first sentence; else the organization's lead.

    The title goes first because it names the action; the sentence often mentions side matters.
    """
    for text, in_title in ((step.title, True), (_trim(step.text, 0), False)):
        for pattern, role, title_only in STEP_ROLES:
            if (in_title or not title_only) and re.search(pattern, text, re.IGNORECASE):
                return ORG_TYPES[profile.org_type][2] if role == "executive" else role
    return ORG_TYPES[profile.org_type][1]


def _indicator(clause_id: str, indicator: Indicator) -> PlanIndicator:
    """Keep the note's indicator; its frequency is the first one its measurement names."""
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
        kind = next((c for c in CONSTRAINTS if re.search(c[0], part, re.I)), None)
        if kind is None and len(part) >= 3:
            risks.append(PlanRisk(risk=f"Constraint: {part}", mitigation=SAY["constraint"]))
        elif kind is not None and all(not r.risk.startswith(kind[1]) for r in risks):
            risks.append(PlanRisk(risk=f"{kind[1]} (you noted: “{part}”)", mitigation=kind[2]))
    return risks


def _pitfalls(draft: _Draft) -> list[PlanRisk]:
    """The note's pitfalls as risks, each mitigated by the step whose wording it shares most."""
    risks = []
    for pitfall in draft.note.bullets("Common pitfalls"):
        words = _stems(pitfall.text)
        step = max(draft.note.steps(), key=lambda s: len(words & _step_stems(s)))
        key = "pitfall_kept" if step in draft.kept else "pitfall_late"
        key = key if len(words & _step_stems(step)) >= 2 else "pitfall"
        mitigation = SAY[key].format(n=step.number, title=step.title)
        risks.append(
            PlanRisk(risk=pitfall.text, mitigation=mitigation, source_clause=draft.note.clause)
        )
    return risks


def _objectives(
    corpus: Corpus, draft: _Draft, profile: PlanProfile, clauses: int
) -> list[Objective]:
    """A maturity move per clause; for a single clause also the steps' purpose and a baseline."""
    note, h, m = draft.note, profile.horizon_months, profile.maturity
    levels, label = note.maturity(), corpus.structure.get(note.clause).label
    goal, now = levels[min(m, len(levels) - 1)], levels[m - 1]
    key = "maturity_keep" if goal is now else "maturity_up"
    values = {"h": h, "m": m, "label": label, "now": now.label, "level": goal.level}
    texts = [SAY[key].format_map(values | {"goal": goal.label, "text": goal.description})]
    brief, indicators = note.section("In brief"), note.indicators()
    if clauses == 1 and brief is not None:
        texts.append(
            SAY["steps"].format(
                h=h, n=len(draft.kept), total=len(note.steps()), brief=_trim(brief.text, 0)
            )
        )
    if clauses == 1 and indicators:
        first = indicators[0]
        texts.append(
            SAY["baseline"].format(month=min(3, h), name=first.name, target=first.good_target)
        )
    return [Objective(text=t, source_clause=note.clause) for t in texts]


def _review_rhythm(horizon: int) -> str:
    if horizon <= 6:
        return SAY["short_review"].format(h=horizon)
    quarters = ", ".join(str(m) for m in range(3, horizon, 3))
    return SAY["review"].format(h=horizon, quarters=quarters)


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
    keys = ["intro", "high" if skipped else "low" if p.maturity <= 2 else "mid"]
    keys.append("deferred" if late else "fits")
    if moved or p.priorities:
        keys.append("moved" if moved else "unmoved")
    if len(notes) > 1:
        keys.append("waves" if len(waves) > 1 else "parallel")
    if p.size != "medium":
        keys.append(p.size)
    if p.constraints:
        keys.append("constraints")
    values = {
        "org": p.organization,
        "size": p.size,
        "org_type": ORG_TYPES[p.org_type][0],
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

"""The tables that tailor a plan, and every sentence a plan adds around the corpus's own words.

Kept apart from the drafting logic so a reviewer or translator can read them in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pse_assistant.plans.situations import constraint_situations

OrgType = Literal[
    "municipality", "regional-authority", "national-agency", "ministry", "utility", "health",
    "education", "police-justice", "other",
]  # fmt: skip


@dataclass(frozen=True)
class OrgTypeRule:
    """How a plan names an organization type, who usually leads and who is the executive."""

    name: str
    lead_role: str
    executive_role: str
    pattern: str  # words in an organization's name that reveal the type


@dataclass(frozen=True)
class StepRole:
    """The role a step's wording points to; `title_only` roles are read from the step title only."""

    pattern: str
    role: str
    title_only: bool


@dataclass(frozen=True)
class ConstraintRule:
    """A kind of constraint: the words that reveal it, the risk it brings, and its mitigation."""

    pattern: str
    risk: str
    mitigation: str


EXECUTIVE = "executive"  # a StepRole's role meaning "the organization type's executive role"
# Detection follows this order, so a "regional health agency" is a health body.
ORG_TYPES: dict[OrgType, OrgTypeRule] = {
    "ministry": OrgTypeRule("ministry", "Director-general's office", "Secretary-general", r"ministr|minister|government department"),
    "health": OrgTypeRule("health body", "Patient experience lead", "Chief executive", r"health|hospital|clinic|patient|medical|care trust"),
    "education": OrgTypeRule("education body", "Head of student services", "Principal or rector", r"school|universit|college|education|academ"),
    "police-justice": OrgTypeRule("police or justice body", "Head of public contact", "Chief officer", r"police|court|justice|prison|probation|tribunal"),
    "utility": OrgTypeRule("utility", "Customer operations manager", "Managing director", r"utilit|water|energy|electric|gas\b|transport|transit|waste|rail"),
    "regional-authority": OrgTypeRule("regional authority", "Head of service delivery", "Chief executive", r"region|county|province|canton|state government"),
    "municipality": OrgTypeRule("municipality", "Head of customer services", "Chief executive", r"municipal|city|town|council|borough|commune|village"),
    "national-agency": OrgTypeRule("national agency", "Director of operations", "Director-general", r"agency|national|federal|authority|administration|office"),
    "other": OrgTypeRule("public organization", "Service excellence lead", "Head of the organization", r"$^"),
}  # fmt: skip
# The role a step's wording points to, the first match winning; EXECUTIVE means the org type's
# own. Roles marked True are read from the step's title only: its text mentions them in passing.
STEP_ROLES: tuple[StepRole, ...] = (
    StepRole(r"integrity|gifts?\b|hospitality|conflicts? of interest|speak-up|whistle", "Integrity officer", False),
    StepRole(r"complaint|redress", "Complaints manager", True),
    StepRole(r"train|skills?\b|coach|hire\b|recruit|induction|well-being|human resources", "HR / learning lead", False),
    StepRole(r"strateg|purpose|vision|mandate|endorse|risk appetite|leaders|executive|steering", EXECUTIVE, False),
    StepRole(r"digital|website|online|wcag|automat|\bapps?\b|(?-i:\bIT\b)", "Digital services lead", False),
    StepRole(r"indicator|measure|metric|data\b|survey|audit|results|demand|review rhythm", "Performance and data lead", False),
    StepRole(r"budget|cost|financ|resources", "Finance lead", True),
    StepRole(r"contract|supplier|procure|partner", "Contracts and partnerships lead", False),
    StepRole(r"equality|equit|accessib|disab|fair", "Equality and accessibility lead", False),
    StepRole(r"letter|plain language|publish|\bbrief|communicat|explain", "Communications lead", True),
    StepRole(r"building|premises|facilit", "Facilities manager", True),
    StepRole(r"innovat|pilot|sandbox|portfolio|stop well|scale", "Innovation lead", False),
    StepRole(r"journey|blueprint|prototype|design", "Service design lead", False),
)  # fmt: skip
# Kinds of constraint, in the order they are matched: one vocabulary with the answers' situations.
CONSTRAINTS: tuple[ConstraintRule, ...] = tuple(
    ConstraintRule(s.constraint, s.risk, s.mitigation) for s in constraint_situations()
)
FREQUENCIES = (
    ("weekly", r"\bweek(ly)?\b"),
    ("monthly", r"\bmonth(ly)?\b"),
    ("quarterly", r"quarter"),
    ("twice a year", r"twice|half-year"),
    ("annually", r"annual|yearly|each year|a year\b"),
)
STREAMS = {"small": 1, "medium": 2, "large": 3}  # clauses an organization of this size runs at once
# A step whose title looks back closes a cycle: priorities never move it ahead of the foundations.
REVIEW_STEP = r"revisit|\breview|renewal|long haul|once a year|yearly|after delivery"
# Aims people write as priorities, and the words the guidance uses for them, so that "fewer repeat
# calls" finds "first-contact resolution" and "failure demand" rather than any step saying "repeat".
PRIORITY_TERMS: tuple[tuple[str, str], ...] = (
    (r"repeat (call|contact)|avoidable (call|contact)|fewer calls|call volume|chasing", "failure demand first-contact resolution"),
    (r"self-service|digital|online|website|\bapps?\b", "digital online"),
    (r"wait|queue|backlog|delay|faster|speed", "waiting delay processing times"),
    (r"complain|redress", "complaints redress"),
    (r"accessib|disab|inclusi", "accessibility disabled"),
    (r"trust|integrity|corruption|brib", "integrity"),
)  # fmt: skip


class Say(StrEnum):
    """The name of each sentence a plan adds, so a misspelt key is a type error, not a KeyError."""

    NOTICE = "notice"
    INTRO = "intro"
    LOW = "low"
    MID = "mid"
    HIGH = "high"
    DEFERRED = "deferred"
    FITS = "fits"
    MOVED = "moved"
    UNMOVED = "unmoved"
    PARALLEL = "parallel"
    WAVES = "waves"
    SMALL = "small"
    LARGE = "large"
    CONSTRAINTS = "constraints"
    EMBED = "embed"
    EMBED_DELIVERABLE = "embed_deliverable"
    RECORD = "record"
    CONSTRAINT = "constraint"
    PITFALL_KEPT = "pitfall_kept"
    PITFALL_LATE = "pitfall_late"
    PITFALL = "pitfall"
    MATURITY_UP = "maturity_up"
    MATURITY_KEEP = "maturity_keep"
    STEPS = "steps"
    BASELINE = "baseline"
    SHORT_REVIEW = "short_review"
    REVIEW = "review"


# Every sentence a plan adds around the corpus's own words, in one place for review and translation.
SAY: dict[Say, str] = {
    Say.NOTICE: "This plan is drafted from the pse-assistant project's own guidance notes, not from the text of ISO 11367:2025, so check it against the standard and your own context before adopting it.",
    Say.INTRO: "Drafted for {org} (a {size} {org_type}) over {h} months from maturity level {m}: {n} actions from the guidance steps of {ids}.",
    Say.LOW: "At maturity level {m} every step is kept, starting from step 1 of each clause to lay the foundations.",
    Say.MID: "At maturity level {m} every step is kept, starting from step 1 of each clause.",
    Say.HIGH: "At maturity level {m} the foundational steps are taken as in place ({skipped}), and each clause ends with a review-and-embed action aimed at maturity level 5.",
    Say.DEFERRED: "The {h}-month horizon leaves less than a month for every step, so these are deferred to a later cycle: {late}.",
    Say.FITS: "Every kept step fits the {h}-month horizon.",
    Say.MOVED: "Moved earlier because they match your priorities: {moved}.",
    Say.UNMOVED: "Your priorities match no step's wording closely, so the guidance order is kept.",
    Say.PARALLEL: "The clauses run side by side over all {h} months.",
    Say.WAVES: "A {size} organization takes on at most {streams} clause(s) at a time, so the clauses run in {n_waves} waves: {waves}.",
    Say.SMALL: "In a small organization one person may hold several of the {roles} owner roles named below.",
    Say.LARGE: "In a large organization, name one owner per directorate under each role.",
    Say.CONSTRAINTS: "Your constraints appear among the risks, each with a mitigation.",
    Say.EMBED: "Check practice against maturity level 5 of the guidance (“{label}”): {text} Keep what works, close the gaps and choose the next cycle's steps.",
    Say.EMBED_DELIVERABLE: "Review against maturity level 5, with the next cycle's actions",
    Say.RECORD: "A short dated report on “{title}”: what was done, by whom, and what changed",
    Say.CONSTRAINT: "Review this constraint at each steering meeting and move the actions it blocks.",
    Say.PITFALL_KEPT: "Guard against it in {action} “{title}” (step {n} of the guidance), and check for it whenever that action is reviewed.",
    Say.PITFALL_LATE: "It concerns step {n}, “{title}”, which is not scheduled in this plan: check for it at each review of the plan.",
    Say.PITFALL: "It concerns the clause as a whole: name it at the start and check for it at each review of the plan.",
    Say.MATURITY_UP: "Within {h} months, take {label} from maturity level {m} (“{now}”) to level {level} (“{goal}”): {text}",
    Say.MATURITY_KEEP: "Within {h} months, keep {label} at maturity level {level} (“{goal}”): {text}",
    Say.STEPS: "Within {h} months, complete {n} of the {total} guidance steps, so that practice matches what the guidance says the clause covers: “{brief}”",
    Say.BASELINE: "By month {month}, measure a baseline for “{name}”, then track it towards: {target}",
    Say.SHORT_REVIEW: "Monthly check-ins of the action owners on progress and blockers; a management review in month {h} to decide the next cycle, including the deferred steps.",
    Say.REVIEW: "Monthly steering meeting of the action owners; a quarterly review of the indicators and risks (months {quarters}); a management review in month {h} to decide the next cycle.",
}

# The sentence a plan adds for an organization of each size other than medium.
SIZE_NOTES = {"small": Say.SMALL, "large": Say.LARGE}


def org_type_of(organization: str) -> OrgType:
    """The org type whose words first appear in a free-text name; "other" when none do."""
    for org_type, rule in ORG_TYPES.items():
        if re.search(rf"\b(?:{rule.pattern})", organization, re.IGNORECASE):
            return org_type
    return "other"

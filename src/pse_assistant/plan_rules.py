"""The tables that tailor a plan, and every sentence a plan adds around the corpus's own words.

Kept apart from the drafting logic so a reviewer or translator can read them in one place.
"""

from __future__ import annotations

import re
from typing import Literal

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


def org_type_of(organization: str) -> OrgType:
    """The org type whose words first appear in a free-text name; "other" when none do."""
    for org_type, (*_, pattern) in ORG_TYPES.items():
        if re.search(rf"\b(?:{pattern})", organization, re.IGNORECASE):
            return org_type
    return "other"

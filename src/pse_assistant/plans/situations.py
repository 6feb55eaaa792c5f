"""The one vocabulary of an organization's situation: its size, budget, staff, users, channels, duties.

An answer recognises a situation in a question ("a small municipality with no budget") and picks the
steps and pitfalls that fit it; a plan recognises the same words in its profile's constraints and
turns them into risks with mitigations. Both read this table, so the words mean the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    """A situation: how an answer names it, the words that reveal it, and the words that fit it.

    Args:
        id: a short name.
        label: how an answer names it ("For a small organization: ...").
        pattern: words in a question or a plan's constraints that reveal it.
        fits: stems of words that mark a step or pitfall as fitting the situation.
        constraint: for a constraint, the words that reveal it in a plan profile's constraints.
        risk: for a constraint, the risk a plan records.
        mitigation: for a constraint, how a plan mitigates it.
    """

    id: str
    label: str
    pattern: str
    fits: tuple[str, ...] = ()
    constraint: str = ""
    risk: str = ""
    mitigation: str = ""

    def found_in(self, text: str) -> bool:
        """Whether the text reveals this situation."""
        return re.search(self.pattern, text, re.IGNORECASE) is not None


SITUATIONS: tuple[Situation, ...] = (
    Situation("small", "a small organization", r"\bsmall (?:municipalit|council|town|village|team|office|organi[sz]ation|body|agency|service|unit|school)|\bfew thousand (?:inhabitants|residents)|\b(?:municipalit(?:y|ies)|town|village|commune|parish|council|island) (?:of|with) (?:about |around |some |only |just |under |fewer than )?(?<![\d,.])(?:[1-9][,.]?\d{3}|\d{1,3}) (?:people|inhabitants|residents)\b|(?<![\d,.])\b(?:[1-9][,.]?\d{3}|\d{1,3}) inhabitants\b|\bunder 10[ ,.]?000\b|\bone-person\b|\btiny\b|\b(?:team|staff) of (?:one|two|three|four|five|six|[1-9])\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|[2-9]|[1-4][0-9]) (?:people|staff|officers|employees|workers)\b(?! (?:short|missing))", ("small", "one person", "part-time", "simple", "start with one", "one service", "lighthouse", "low-cost", "existing")),
    Situation("large", "a large or national organization", r"\bnational (?:[\w-]+ )?(?:agency|authority|office|service|body|administration|department|directorate|institute|insurer|fund)|\bministr|\bnationwide\b|\bfederal\b|\bcentral government\b|\bthousands of (?:staff|employees|cases|calls)|\b\d{1,3}[,.]\d{3} (?:staff|employees|civil servants|officers)\b|\bemploy(?:s|ing)? (?:about |around |some |over )?\d{1,3}[,.]\d{3} people\b|\b\d{1,3}[,.]\d{3} people work|\b(?:\d{2,}|dozens of) (?:regional |local |district )?offices\b|\blarge (?:agency|organi[sz]ation|authority|department)", ("national", "region", "scale", "directorate", "central", "across", "every office")),
    Situation("budget", "little or no budget", r"\bno (?:budget|money|funding)\b|\blittle (?:budget|money)\b|\bwithout (?:a )?(?:budget|funding|money)\b|\bzero budget\b|\baustert|\bbudget cuts?\b|\bbudgets? (?:was|were|has been|have been|is being|got) (?:cut|slashed|frozen)\b|\bcut to (?:nothing|zero)\b|\bno money left\b|\bno extra (?:money|funds)\b|\btight budget\b|\bcheap(?:ly)?\b|\blow[- ]cost\b", ("cost", "free", "low-cost", "without", "existing", "budget", "time rather than money", "simple"), r"budget|fund|money|cost|financ|austerit|\bcuts?\b", "Little or no budget for new spending", "Start with the actions that need time rather than money, and cost each later action before committing to it."),
    Situation("staff", "few staff", r"\bhiring freeze\b|\bunderstaff|\bshort[- ]staffed\b|\b(?:people|staff|posts?) short\b|\bvacanc|\bheadcount\b|\bstaff shortage|\bnot enough (?:staff|people)\b|\bfew staff\b|\bworkload\b|\bswamped\b|\bcapacity\b", ("workload", "capacity", "demand", "failure demand", "repeat", "avoidable", "time"), r"hiring|recruit|freeze|vacanc|headcount|shortage|understaff|capacity|workload", "Too few people to carry the actions", "Give each action a named owner with protected hours, and avoid running two actions on the same team at once."),
    Situation("rural", "rural areas", r"\brural\b|\bremote (?:areas?|villages?|communit|places?)\b|\bvillages\b|\bcountryside\b|\bsparsely\b|\bislands?\b|\bfar from (?:our|the) offices?\b", ("rural", "remote", "outreach", "mobile", "home visit", "intermediar", "library", "travel", "partners")),
    Situation("languages", "users who speak minority languages", r"\bminority language|\binterpret|\bspeak (?:\w+ )?(?:turkish|arabic|polish|romanian|ukrainian|somali|urdu|russian|spanish|portuguese|french|german|roma\w*)\b|\b(?:turkish|arabic|somali|urdu|ukrainian)\b|\bdo(?:n't| not) speak (?:english|the language)|\bnon-native speakers?\b|\bmigrants?\b|\brefugees?\b", ("language", "interpret", "translat", "easy-read", "plain", "community", "pictogram")),
    Situation("digital", "digital channels", r"\bonline\b|\bwebsite\b|\bweb\b|\bapp\b|\bchatbot\b|\bdigital\b|\be-?mail\b|\bportal\b|\be-services?\b|\bself-service\b", ("online", "digital", "website", "channel", "assisted", "automat", "chatbot", "email")),
    Situation("counter", "services at the counter and phone", r"\bcounter\b|\bfront desk\b|\breception\b|\bphone\b|\bcall (?:centre|center)\b|\bcontact cent(?:re|er)\b|\bhelpline\b|\bwalk-in\b|\bcalls\b", ("counter", "phone", "call", "contact centre", "front-line", "front line")),
    Situation("unions", "consulting staff representatives (unions, works councils)", r"\bunions?\b|\bworks council\b|\bstaff representatives?\b|\bcollective agreement\b|\bsocial partners?\b", ("representative", "union", "works council", "consult", "workload"), r"union|works council|representative|collective agreement|social partner", "Changes to roles or working time need consultation with staff representatives", "Involve staff representatives from the first month and build their consultation time into the schedule."),
    Situation("statutory", "a statutory service", r"\blegal (?:duty|obligation)|\bstatutory\b|\bby law\b|\b(?:under|by|in) (?:the )?statute\b|\b(?:fixed|set|laid down) (?:by|in) (?:law|statute|regulation)\b|\blegally (?:required|obliged|bound)\b|\bcompulsory\b|\bmandatory\b|\b(?:required|obliged) by law\b|\blaw requires\b|\benforcement\b|\binspections?\b", ("law", "legal", "statutory", "compulsory", "eligible", "rights", "discretion", "duty")),
    Situation("politics", "an election or political calendar", r"\belections?\b|\bpolitic|\bminister(?:ial)?\b|\belected\b|\bgovernment change\b", (), r"election|politic|minister|elected|government change", "The political calendar may pause or redirect the work", "Schedule visible, uncontroversial actions before any pre-election period and brief elected members early."),
    Situation("systems", "technology or supplier limits", r"\blegacy\b|(?-i:\bIT\b)|\bsystems?\b|\bsoftware\b|\bvendor\b|\bsupplier\b", ("system", "supplier", "vendor", "manual"), r"legacy|(?-i:\bIT\b)|system|software|vendor|supplier", "Technology or supplier limits slow what can change", "Change process and content first, and raise system changes with the supplier at the next contract review."),
    Situation("legal-limits", "legal limits on what may change", r"\blaw\b|\blegal\b|\bstatut|\bregulat|\bgdpr\b|\bdata protection\b", ("law", "legal", "data protection", "gdpr"), r"\blaw|legal|statut|regulat|gdpr|data protection", "Legal limits on what may change", "Ask legal services to confirm the room for manoeuvre before actions that change rules, forms or data use."),
    Situation("peaks", "deadlines or seasonal peaks", r"\bdeadlines?\b|\bpeaks?\b|\bseason|\bbusy\b", ("peak", "season", "deadline"), r"deadline|peak|season|busy", "Competing deadlines or seasonal peaks", "Avoid starting actions in peak months and agree the schedule with operational managers."),
)  # fmt: skip
# What an answer recognises in a question (the constraint-only situations speak to plans).
ANSWER_SITUATIONS = ("small", "large", "budget", "staff", "rural", "languages", "digital", "counter", "unions", "statutory")  # fmt: skip


def constraint_situations() -> list[Situation]:
    """The situations a plan records as risks, in the order its constraints are matched."""
    return [s for s in SITUATIONS if s.risk]


def recognise(text: str, only: tuple[str, ...] = ANSWER_SITUATIONS) -> list[Situation]:
    """The situations a text reveals, in the table's order."""
    return [s for s in SITUATIONS if s.id in only and s.found_in(text)]


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12, "eighteen": 18}  # fmt: skip
_COUNT = rf"(\d{{1,2}}|{'|'.join(_NUMBERS)})"
_HORIZON = re.compile(
    rf"\b{_COUNT}[- ](month|year)s?\b|\bover (?:the next )?{_COUNT} (month|year)s\b", re.IGNORECASE
)


def horizon_months(text: str) -> int | None:
    """The plan horizon a text asks for ("a 6-month plan", "over two years"), in months, if any."""
    match = _HORIZON.search(text)
    if match is None:
        return None
    number, unit = match.group(1, 2) if match.group(1) else match.group(3, 4)
    count = int(number) if number.isdigit() else _NUMBERS[number.lower()]
    return count * (12 if unit.lower() == "year" else 1)


def plan_profile(text: str) -> dict[str, object]:
    """What a question says about the plan it asks for: horizon, size, and its constraints.

    The keys are `PlanProfile` fields; a horizon outside what a plan allows is left out. A
    constraint is kept in the question's own words ("no budget", "hiring freeze").
    """
    profile: dict[str, object] = {}
    months = horizon_months(text)
    if months is not None and 3 <= months <= 36:
        profile["horizon_months"] = months
    constraints = []
    for situation in SITUATIONS:
        match = re.search(situation.pattern, text, re.IGNORECASE)
        if match is None:
            continue
        if situation.id in {"small", "large"}:
            profile.setdefault("size", situation.id)
        if situation.constraint and re.search(situation.constraint, match.group(0), re.I):
            constraints.append(match.group(0))
    if constraints:
        profile["constraints"] = "; ".join(constraints)
    return profile


def without(text: str, situations: Sequence[Situation]) -> str:
    """The text with the words that revealed `situations` taken out ("and for a small team?")."""
    for situation in situations:
        text = re.sub(situation.pattern, " ", text, flags=re.IGNORECASE)
    return text


def describe(situations: list[Situation]) -> str:
    """The recognised situations as one phrase: "a small organization with little or no budget"."""
    labels = [s.label for s in situations]
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} and {labels[-1]}"

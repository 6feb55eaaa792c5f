"""Answering a question in a conversation: read it, decide what it is, retrieve, compose or generate.

The `Responder` reads the question (small talk, another language, misspellings, the situation it
describes), decides what kind of answer it gets (answered, small talk, out of scope, no such clause,
invalid input), carries a conversation's focus into its follow-ups, picks the clauses and composes the
grounded answer from the units that answer the question. When a language model is configured it
writes the answer from the same selected passages, its citations are checked, and an endpoint that
fails falls back to the grounded answer with a visible notice.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from pse_assistant.answer.composer import Ask, Composed, Composer, Composition
from pse_assistant.answer.intents import (
    NON_DOMAIN,
    Intent,
    detect_intent,
    is_follow_up,
    neighbour_votes,
    own_topic,
    topic,
)
from pse_assistant.answer.llm import LlmClient, check_citations
from pse_assistant.answer.models import (
    Answer,
    AnswerEvent,
    AnswerStreamEvent,
    Citation,
    Mode,
    ResetEvent,
    Status,
    TokenEvent,
)
from pse_assistant.answer.scope import (
    WORDING,
    WORDING_NOTE,
    SmallTalk,
    asks_for_wording,
    not_found,
    out_of_scope,
    too_long,
)
from pse_assistant.answer.selection import SECTION_FIT, Selector, rank_clauses, said
from pse_assistant.answer.special import (
    HOMES,
    comparison,
    crosswalk,
    definition,
    find_term,
    summary,
    workshop,
)
from pse_assistant.answer.understanding import (
    CAPABILITIES,
    SMALL_TALK_WORDS,
    Reading,
    Vocabulary,
    read,
)
from pse_assistant.core.errors import BackendUnavailable
from pse_assistant.core.text import content_stems, sentences
from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.references import References, find_references
from pse_assistant.plans.situations import without
from pse_assistant.search.retrieval import MAX_QUERY_CHARS, Hit, SearchResult, content_words
from pse_assistant.search.units import UnitKind, UnitMatrix

# Below this cosine similarity a question with no clause reference is not about the corpus (measured
# on the dev split: off-topic questions scored 0.13-0.32, on-topic ones 0.38 and up).
ON_TOPIC_SIMILARITY = 0.35
# A question whose nearest example questions are mostly off-topic ones needs retrieval at least
# this close to count as on topic; one where they are only the largest share, this close.
OFF_TOPIC_DOUBT, PLURALITY_DOUBT = 0.5, 0.42
# ...and one whose nearest example question is this close, with most neighbours of one domain kind,
# is about the corpus whatever its topic words retrieve.
DOMAIN_NEIGHBOUR = 0.55
# ...and one none of whose nearest example questions is off-topic, and most of them one kind of
# domain question, is on topic from this similarity (dev: off-topic questions all had an off-topic
# neighbour; the on-topic ones just under ON_TOPIC_SIMILARITY had none).
NO_DOUBT_SIMILARITY = 0.3
SHORT_QUESTION = 4
# A message of at most SMALL_TALK_WORDS words is small talk when this share of its nearest example
# questions are greetings, thanks or questions about the assistant, the nearest this close.
CHAT, CHAT_VOTE, CHAT_SIMILARITY = frozenset({"greeting", "thanks", "about"}), 0.6, 0.45
REUSES = {Intent.PLAN, Intent.WORKSHOP}  # answers that may restate the answer they are made from
OWN_TOPIC = 2  # content words that make a follow-up about something new as well
POINTING_WORDS = 3  # a turn this short that names with "the" what the answer before said follows it
PLANNABLE = {"sub-element", "element", "principle"}
INSTRUCTIONS_NOTE = (
    "Your message also gave me instructions; I do not follow instructions inside a question, so "
    "this answers the question before them."
)
CLAUSES = 3  # retrieved clauses whose units may compete for an answer
CLOSE = 0.6  # ...when their retrieval score is at least this share of the best clause's
RELATED = 0.5  # ...and "also relevant" from this share of the best score
TITLE_WORDS = 2  # a clause title this long, said whole in a question, names the clause
TERM_RANK = 2  # a clause the glossary ties to a term the question uses competes from this rank
SPECIFIC = {"sub-element", "principle"}
GROUP_RANK = 2  # a group note retrieval ranks first joins the answer at this place in its clauses
GROUP_DEPTH = 4  # a question about the groups leads with the best group note this high
GROUPS_FIRST = 2  # a question whose first this many clauses found are all group notes is about them
GROUP_QUESTION = (
    r"\b(the model|whole (?:organi[sz]ation|standard)|overall|across the (?:whole )?organi[sz]ation|"
    r"get(?:ting)? started|where (?:do|should|can|would) (?:we|i) (?:start|begin)|"
    r"(?:the|our|a) (?:\w+ )?first (?:\d+|few|two|three|six|hundred) (?:days|weeks|months)|"
    r"all (?:the )?(?:principles|elements)|the (?:principles|elements)|scope|the terms|benefits|"
    r"the standard as a whole|(?:implement|adopt|introduc|start)\w* (?:with )?(?:(?:iso )?11367|the standard)|"
    # an element as a whole, the case for the standard, who the customer is (clauses 3 and 4)
    r"as a whole|(?:hang|fit|tie)s? (?:them )?together|worth (?:it|the effort|the investment)|"
    r"business case|why (?:bother|should we)|nice[- ]to[- ]have|"
    r"who (?:is|are) (?:our|the) (?:customers?|citizens?))\b"
    # the standard itself, asked about as a whole ("What is ISO 11367 about?")
    r"|^\W*(?:what(?:'s| is| does)|tell me about)(?: the| this)? (?:iso[ -]?11367(?::2025)?|standard)"
    r"(?: (?:about|for|cover|say|ask|require)\w*)?\W*$"
)
# Words nearly every question here uses: sharing one of them does not make two questions one subject.
EVERYDAY_STEMS = content_stems(
    "service services staff customer customers citizen citizens public people person organization "
    "organisation team teams work way time need make get start improve want use year new thing help "
    "good better question answer really actually just like know think standard excellence clause "
    "principle element case office department council municipality agency ministry manager managers "
    "level levels look show take give keep run"
)
# (clause, the question, sentences said before) -> a plan answer
PlanDrafter = Callable[[str, str, set[str]], Composed | None]


@dataclass
class Context:
    """What a conversation is about so far, and what its last answer said."""

    focus: list[str]
    intent: Intent | None = None
    previous: str = ""
    asked: str = ""  # the question the last answer answered


@dataclass
class Parts:
    """What the responder needs besides the corpus: search, the question vector, units, words."""

    search: Callable[[str, int], SearchResult]
    vector: Callable[[str], list[float]]
    units: Callable[[], UnitMatrix]
    vocabulary: Vocabulary
    llm: LlmClient | None = None
    plan: PlanDrafter | None = None


@dataclass
class Understood:
    """A question after reading, reference finding, retrieval and classification."""

    text: str
    reading: Reading
    refs: References
    follow_up: bool
    query: str
    result: SearchResult
    vector: np.ndarray
    votes: dict[str, float]
    intent: Intent | None = None
    notices: list[str] = field(default_factory=list)
    inherited: Intent | None = None  # the intent carried over from the conversation
    wording: bool = False  # asks for the standard's own text
    points_back: bool = False  # names with "the" what the answer before said


class Responder:
    """Turns a question (and its conversation's context) into an `Answer`."""

    def __init__(self, corpus: Corpus, parts: Parts) -> None:
        self.corpus = corpus
        self.parts = parts
        self._foreign = {name: dict(cw.targets) for name, cw in corpus.crosswalks.items()}
        self._kinds = {c.id: c.kind.value for c in corpus.structure}  # "principle", "element"...

    def respond(self, question: str, context: Context | None = None) -> Answer:
        """The complete answer (an LLM's, when configured and reachable)."""
        return final_answer(self.stream(question, context))

    def stream(self, question: str, context: Context | None = None) -> Iterator[AnswerStreamEvent]:
        """Token events while the answer is written, then one answer event."""
        grounded, passages = self._grounded(question, context or Context([]))
        llm = self.parts.llm
        if llm is None or grounded.status != Status.ANSWERED or grounded.intent == Intent.PLAN:
            yield from _tokens(grounded.answer)
            yield AnswerEvent(answer=grounded)
            return
        pieces: list[str] = []
        try:
            for token in llm.stream(_with_situation(grounded), passages):
                pieces.append(token)
                yield TokenEvent(text=token)
        except BackendUnavailable as error:
            grounded.notices.append(f"{error} This answer is composed from the corpus instead.")
            yield ResetEvent()
            yield from _tokens(grounded.answer)
            yield AnswerEvent(answer=grounded)
            return
        yield AnswerEvent(answer=_verified(grounded, "".join(pieces), passages))

    # -- the grounded answer ---------------------------------------------------------------------
    def _grounded(self, question: str, context: Context) -> tuple[Answer, list[Hit]]:
        text = " ".join(question.split())
        if not text:
            return Answer(
                question=question,
                answer="Please type a question. " + SmallTalk.HELP,
                status=Status.INVALID_INPUT,
            ), []
        if len(text) > MAX_QUERY_CHARS:
            return too_long(question, len(text), MAX_QUERY_CHARS), []
        refs = find_references(text, self.corpus.structure, self._foreign)
        if refs.missing and not refs.clauses:
            return not_found(self.corpus.structure, text, refs.missing), []
        reading = read(text, self.parts.vocabulary)
        if reading.small_talk is not None:
            return SmallTalk.answer(question, reading.small_talk), []
        if not refs and (kind := self._chatter(reading)) is not None:
            return SmallTalk.answer(question, kind), []
        understood = self._understand(text, reading, refs, context)
        if understood is None:
            # "Hey! First time here. What can I ask you?" is too long for small talk's first check.
            if CAPABILITIES.search(reading.query):
                return SmallTalk.answer(question, "about"), []
            result = self.parts.search(reading.query, 8)
            return out_of_scope(text, result), []
        composed = self._compose(understood, context)
        clauses = composed.clauses
        if understood.follow_up and _tells_situation(reading):
            # Only the situation is new: the conversation's main clause stays first in its focus.
            clauses = sorted(clauses, key=lambda c: _index(context.focus, c))
        answer = Answer(
            question=question,
            resolved_question=understood.query if understood.follow_up else reading.query,
            answer=_preface(understood) + composed.text,
            citations=composed.citations,
            intent=understood.intent or Intent.HOW_TO,
            clauses=clauses,
            hits=understood.result.hits,
            notices=understood.notices,
            situations=[s.label for s in reading.situations],
        )
        return answer, _passages(composed)

    def _understand(
        self, text: str, reading: Reading, refs: References, context: Context
    ) -> Understood | None:
        """Retrieve and classify; None when the question is outside the corpus."""
        points_back = _points_back(reading.query, context.previous)
        follow_up = bool(
            context.focus
            and not refs.clauses
            and not refs.foreign
            and (
                is_follow_up(reading.query)
                or _tells_situation(reading)
                or _same_subject(reading.query, context.asked)
                or points_back
            )
        )
        query = f"{reading.query} {' '.join(context.focus)}" if follow_up else reading.query
        result = self.parts.search(topic(query), 8)
        vector = np.asarray(self.parts.vector(query), dtype=np.float32)
        votes = self._votes(query)
        named = bool(refs or refs.foreign or follow_up or reading.language)
        wording = asks_for_wording(text)
        # Asking for the standard's text inside an attempt to change the instructions asks for
        # nothing this assistant gives: declined, whatever clause it names.
        if wording and _leading(votes) == "out-of-scope":
            return None
        if not named and self._off_topic(reading, result, votes):
            return None
        # Guidance cannot stand in for the wording asked for; what the clause is about comes closest.
        intent = Intent.SUMMARY if wording else detect_intent(reading.query, votes)
        inherited = None
        how = _asks_how(reading.query)
        if follow_up and intent in {None, Intent.HOW_TO, Intent.SUMMARY} and not how:
            inherited = context.intent
        if refs.clauses and intent in {None, Intent.SUMMARY, Intent.HOW_TO} and is_follow_up(text):
            inherited = context.intent
        understood = Understood(
            text, reading, refs, follow_up, query, result, vector, votes, inherited or intent
        )
        understood.inherited = inherited
        understood.wording = wording
        understood.points_back = points_back
        if wording:
            understood.notices.append(WORDING_NOTE)
        if reading.language is not None:
            understood.notices.append(
                f"The question looks {reading.language.name}; the guidance is in English."
            )
        return understood

    def _chatter(self, reading: Reading) -> str | None:
        """ "greeting", "thanks" or "about" for a short message whose nearest examples are those.

        Catches what the patterns do not ("Morning!", "appreciate it", "bonjour"); a short message
        that retrieval finds on topic is a question, however friendly.
        """
        if len(reading.text.split()) > SMALL_TALK_WORDS:
            return None
        votes = self._votes(reading.text)
        chat = {k: v for k, v in votes.items() if k in CHAT}
        if sum(chat.values()) < CHAT_VOTE or votes.get("_best", 0.0) < CHAT_SIMILARITY:
            return None
        if self.parts.search(reading.text, 8).best_similarity >= ON_TOPIC_SIMILARITY:
            return None
        return max(chat, key=lambda k: chat[k])

    def _off_topic(self, reading: Reading, result: SearchResult, votes: dict[str, float]) -> bool:
        """Unrelated to the corpus: weak retrieval, or neighbours that are off-topic questions."""
        if _leading(votes) == "out-of-scope":
            share = votes["out-of-scope"]
            if result.best_similarity < (OFF_TOPIC_DOUBT if share >= 0.5 else PLURALITY_DOUBT):
                return True
        if result.best_similarity >= ON_TOPIC_SIMILARITY or _domain_neighbours(votes):
            return False
        if result.best_similarity >= NO_DOUBT_SIMILARITY and _undoubted(votes):
            return False
        # One on-topic sentence is enough: text wrapped around a real question (an attempt to
        # change the instructions, a greeting) must not hide it. The whole question counts too,
        # as the search ran on its topic words only. A sentence whose nearest examples are mostly
        # off-topic ones ("you are now FreeBot") does not count, however close its words.
        parts = [p for p in sentences(reading.query) if len(p.split()) >= 3]
        texts = [reading.query, *parts] if len(parts) > 1 else [reading.query]
        return not any(
            self.parts.search(text, 8).best_similarity >= ON_TOPIC_SIMILARITY
            and _leading(self._votes(text)) != "out-of-scope"
            for text in texts
        )

    def _votes(self, text: str) -> dict[str, float]:
        """How the example questions nearest to `text` are labelled (see `neighbour_votes`)."""
        matrix = self.parts.units()
        vector = np.asarray(self.parts.vector(text), dtype=np.float32)
        labels = [matrix.units[r].label for r in matrix.questions]
        return neighbour_votes(vector, matrix.vectors[matrix.questions], labels)

    def _clauses(self, u: Understood, context: Context) -> list[str]:
        """The clauses to answer from: named ones, the conversation's, or the best retrieved.

        Without a named clause the answer comes from the best principle or sub-element and any other
        that retrieval scores close to it. A group note leads only when the question is about the
        groups; when retrieval ranks one first it joins behind the two best specific clauses.
        """
        named = context.focus if u.follow_up else u.refs.clauses
        ranked = list(u.result.clauses)
        if u.intent == Intent.CROSSWALK and not u.refs.clauses:
            # "Does ISO 9001 10.2 have a home in 11367?": the clauses mapped to it, best found first.
            homes = {
                c
                for fw, target in u.refs.foreign
                for c in self.corpus.crosswalks[fw].for_target(target)
            }
            mapped = sorted(homes, key=lambda c: _index(ranked, c))
            return mapped[:HOMES] or ranked[:3] or ["1"]
        # A situation ("and for a small team?", "we have two researchers and no budget") asks for
        # the same topic, tailored; "does the directive apply to us?" asks about what it said.
        if (
            u.follow_up
            and not _tells_situation(u.reading)
            and not u.points_back
            and len(own_topic(without(u.reading.query, u.reading.situations))) >= OWN_TOPIC
        ):
            return self._moved_on(u, named)
        if named:
            clauses = list(named)
        else:
            scores = u.result.clause_scores
            groups = [c for c in ranked[:GROUP_DEPTH] if self._kinds.get(c) not in SPECIFIC]
            about_groups = self._on_groups(u)
            group = groups[:1] if about_groups or ranked[:1] == groups[:1] else []
            pool = list(group) if about_groups else []
            specific = [c for c in ranked if self._kinds.get(c) in SPECIFIC] or ranked
            specific = self._with_term(u.reading.query, specific)
            pool += rank_clauses(self.parts.units(), u.vector, specific, self._fit(u)) or specific
            if group and group[0] not in pool:  # retrieval's best passages are the group's
                pool.insert(GROUP_RANK, group[0])
            top = max((scores.get(c, 0.0) for c in pool[:1]), default=0.0) or 1.0
            clauses = [c for c in pool[:CLAUSES] if scores.get(c, 0.0) >= CLOSE * top] or pool[:1]
            # A clause named by its title ("operational service excellence") leads.
            titled = self._named_by_title(u.reading.query)
            clauses = [*titled, *(c for c in clauses if c not in titled)][
                : max(CLAUSES, len(titled))
            ]
        if u.intent == Intent.COMPARISON and len(clauses) < 2:
            clauses += [c for c in ranked if c not in clauses][: 2 - len(clauses)]
        return clauses or ["1"]

    def _group_lead(self, u: Understood, clauses: list[str]) -> str | None:
        """The group note a question about the groups ("where do we start?") opens with.

        Its closest sentence elsewhere can be a specific clause's aside that only shares a word
        ("start from the guidance" in innovation management); the group note's own first moves
        answer it, also when a sub-element ranks above the group ("Where do we start with culture
        and employee engagement?" finds 7.2.2 first, and its closest sentence is the group's last
        move).
        """
        if u.refs.clauses or u.follow_up or not self._on_groups(u):
            return None
        groups = [c for c in clauses if self._kinds.get(c) not in SPECIFIC]
        return groups[0] if groups else None

    def _on_groups(self, u: Understood) -> bool:
        """A question about the groups: in its wording ("where do we start?"), or in what it finds
        ("Is ISO 11367 certifiable?" finds the scope, model, terms and benefits notes first)."""
        first = u.result.clauses[:GROUPS_FIRST]
        found = len(first) == GROUPS_FIRST and not SPECIFIC & {self._kinds.get(c) for c in first}
        return found or _about_groups(u.reading.query)

    def _named_by_title(self, question: str) -> list[str]:
        """The clauses a question names by their whole title, of two words or more."""
        lowered = question.lower()
        return [
            c.id
            for c in self.corpus.structure
            if len(c.title.split()) >= TITLE_WORDS and c.title.lower() in lowered
        ]

    def _with_term(self, question: str, ranked: list[str]) -> list[str]:
        """The ranking with the clauses of a glossary term the question uses ("delight") moved up.

        A word the glossary defines ties the question to its clauses even when the clause's
        passages share few other words with it; they compete second, behind retrieval's best.
        """
        term = find_term(self.corpus, question)
        if term is None or not ranked:
            return ranked
        tied = [
            c for c in term[2] if self._kinds.get(c) in SPECIFIC and c not in ranked[:TERM_RANK]
        ]
        tied.sort(key=lambda c: ranked.index(c) if c in ranked else len(ranked))
        return [ranked[0], *tied, *(c for c in ranked[1:] if c not in tied)]

    def _moved_on(self, u: Understood, focus: list[str]) -> list[str]:
        """A follow-up with a topic of its own: the conversation's clauses first, then its own.

        "and how do we stop teams gaming the numbers?" after an answer on indicators may be
        answered from the indicators clause or from the one about gaming, whichever answers closer.
        """
        own = self.parts.search(topic(u.reading.query), 8).clauses
        pool = [*focus, *(c for c in own if self._kinds.get(c) in SPECIFIC and c not in focus)]
        return rank_clauses(self.parts.units(), u.vector, pool, self._fit(u))[:CLAUSES] or focus

    @staticmethod
    def _fit(u: Understood) -> dict[UnitKind, float]:
        """The unit kinds an answer to this question draws on."""
        return SECTION_FIT.get(u.intent or Intent.HOW_TO, SECTION_FIT[Intent.HOW_TO])

    def _related(self, u: Understood, clauses: list[str]) -> list[str]:
        """Principles and sub-elements retrieval ranked close to the best, beside the chosen ones."""
        scores = u.result.clause_scores
        top = max(scores.values(), default=0.0) or 1.0
        return [
            c
            for c in u.result.clauses[: CLAUSES + 1]
            if c not in clauses
            and self._kinds.get(c) in SPECIFIC
            and scores.get(c, 0.0) >= RELATED * top
        ]

    def _compose(self, u: Understood, context: Context) -> Composed:
        clauses = self._clauses(u, context)
        # Nothing the answer just before said is said again in the same conversation, whether or
        # not this turn reads as a follow-up ("we made one last year; what now?").
        before = said(context.previous)

        def selector() -> Selector:
            weights = _weights(clauses, u.result, named=bool(u.refs.clauses or u.follow_up))
            return Selector(
                self.parts.units(), u.vector, weights, u.reading.situations, avoid=before
            ).asked(u.reading.query)

        chosen = selector()
        special = self._special(u, context, Composition(self.corpus, chosen), clauses)
        # A follow-up that would only say again what the answer before said gets the steps instead
        # (a plan or workshop material made from that answer is what was asked for).
        if special is not None and (u.intent in REUSES or not said(special.text) & before):
            return special
        ask = Ask(
            Intent.HOW_TO if special is not None else u.intent or Intent.HOW_TO,
            u.reading.query,
            clauses,
            u.result.hits,
            u.reading.situations,
            u.follow_up,
            related=self._related(u, clauses),
            opens_with=self._group_lead(u, clauses),
            term=find_term(self.corpus, u.reading.query, quoted=True),
        )
        # A rejected special answer marked its sentences as said: the steps start from a fresh one.
        return Composer(self.corpus, chosen if special is None else selector()).compose(ask)

    def _special(
        self, u: Understood, context: Context, out: Composition, clauses: list[str]
    ) -> Composed | None:
        """A definition, plan, crosswalk, comparison, workshop or summary answer, when asked."""
        intent = u.intent
        term = None
        if intent == Intent.COMPARISON:
            # "Does 'equitable' mean the same as 'equal'?" compares words: the glossary answers.
            term = find_term(self.corpus, u.reading.query, quoted=True)
        elif intent in {Intent.DEFINITION, Intent.SUMMARY, None} and (
            intent == Intent.DEFINITION or (not u.refs.clauses and _short(u.reading.query))
        ):
            term = find_term(self.corpus, u.reading.query)
        if term is not None:
            name, text, term_clauses = term
            ranked = [c for c in u.result.clauses if c in term_clauses]
            ordered = ranked + [c for c in term_clauses if c not in ranked]
            return definition(out, name, text, ordered, ordered[0] if ordered else clauses[0])
        if intent == Intent.PLAN and self.parts.plan and not _about_groups(u.reading.query):
            # A plan takes a whole clause: the one whose passages retrieval finds closest as a
            # whole, not the one with the single closest sentence (unless the asker named one).
            named = bool(u.refs.clauses or u.follow_up)
            candidates = [*clauses, *u.result.clauses] if named else [*u.result.clauses, *clauses]
            target = next((c for c in candidates if self._kinds.get(c) in PLANNABLE), None)
            planned = self.parts.plan(target, u.reading.query, set(out.said)) if target else None
            if planned is not None:
                return planned
        if intent == Intent.CROSSWALK:
            return crosswalk(out, u.reading.query, clauses, u.refs.foreign)
        if intent == Intent.COMPARISON:
            return comparison(out, clauses)
        if intent == Intent.WORKSHOP:
            return workshop(out, clauses)
        carried = bool(context.intent) and is_follow_up(u.reading.query)
        lookup = u.refs.clauses and _bare_lookup(u.reading.query) and not carried
        if intent in {Intent.CLAUSE_LOOKUP, Intent.SUMMARY} or lookup:
            return summary(out, clauses)
        return None


def _index(items: list[str], item: str) -> int:
    """Where `item` stands in `items`; after all of them when it is not there."""
    return items.index(item) if item in items else len(items)


def _same_subject(text: str, before: str) -> bool:
    """A turn that takes up a subject the question before named ("how do we recruit the parents?"
    after "co-design sessions with parents"), beyond the words every question here uses."""
    shared = content_stems(" ".join(own_topic(text))) & content_stems(" ".join(own_topic(before)))
    return bool(shared - EVERYDAY_STEMS)


def _points_back(text: str, previous: str) -> bool:
    """A short turn that names, with "the", something the answer before spoke of ("does the
    directive even apply to us?" after an answer on the whistleblowing directive)."""
    if len(own_topic(text)) > POINTING_WORDS:
        return False
    named = content_stems(" ".join(_THE.findall(text))) - EVERYDAY_STEMS
    return bool(named & content_stems(previous))


_THE = re.compile(r"\bthe ([a-z][\w-]+)", re.IGNORECASE)


def _tells_situation(reading: Reading) -> bool:
    """A statement that only adds the asker's situation ("We have two researchers and no budget.")."""
    return bool(reading.situations) and not _QUESTION.search(reading.query)


_QUESTION = re.compile(
    r"\?|^\W*(?:and |so |but |ok,? )?(?:how|what|why|when|where|which|who|can|could|should|would|"
    r"do|does|is|are|will|please|give|draft|make|list|tell|explain|show)\b",
    re.IGNORECASE,
)


def _about_groups(text: str) -> bool:
    return re.search(GROUP_QUESTION, text, re.IGNORECASE) is not None


def _leading(votes: dict[str, float]) -> str:
    """The label most of the nearest example questions carry."""
    return max((k for k in votes if not k.startswith("_")), key=lambda k: votes[k], default="")


def _domain_neighbours(votes: dict[str, float]) -> bool:
    """The nearest example questions are close and agree on one kind of domain question."""
    domain = [v for k, v in votes.items() if k not in NON_DOMAIN and not k.startswith("_")]
    return votes.get("_best", 0.0) >= DOMAIN_NEIGHBOUR and max(domain, default=0.0) >= 0.5


def _undoubted(votes: dict[str, float]) -> bool:
    """No nearest example question is off-topic or small talk, and most are one domain kind."""
    if any(votes.get(k, 0.0) > 0 for k in NON_DOMAIN):
        return False
    return max((v for k, v in votes.items() if not k.startswith("_")), default=0.0) >= 0.5


def _short(text: str) -> bool:
    """A question short enough to be about one term ("what is failure demand?")."""
    return len(content_words(text)) <= SHORT_QUESTION


def _bare_lookup(text: str) -> bool:
    """A question that only names a clause ("5.1.3", "what does 7.2.3 say?")."""
    return len(content_words(text)) <= 2


def _asks_how(text: str) -> bool:
    """A turn that asks what to do ("ok, and what should I tell managers?"), whatever came before."""
    return (
        re.match(r"^\W*(?:(?:ok(?:ay)?|and|so|but|then)\W+)*(?:how|what should)\b", text, re.I)
        is not None
    )


def _weights(clauses: list[str], result: SearchResult, named: bool) -> dict[str, float]:
    """Each chosen clause's weight: by naming order for named ones; else the first one's in full
    and the others' by retrieval score against the best."""
    if named:
        return {c: 1.0 - 0.2 * i for i, c in enumerate(clauses)}
    scores = result.clause_scores
    top = max((scores.get(c, 0.0) for c in clauses), default=0.0) or 1.0
    # The clause ranked first by its closest unit weighs as much as retrieval's best: its steps
    # answer the question even when another clause shares more of its words.
    return {c: 1.0 if i == 0 else scores.get(c, 0.0) / top for i, c in enumerate(clauses)}


def _preface(u: Understood) -> str:
    """The wording notice, the language notice or the "I read this as" line, before the answer."""
    lines = [f"> {WORDING} Here is the project's guidance instead."] if u.wording else []
    if u.reading.instructions:
        lines.append(f"> {INSTRUCTIONS_NOTE}")
    if u.reading.language is not None:
        lines.append(f"> {u.reading.language.notice}")
    if u.reading.read_as:
        lines.append(f"_{u.reading.read_as}_")
    return "\n\n".join(lines) + ("\n\n" if lines else "")


def _passages(composed: Composed) -> list[Hit]:
    """The selected passages, as the language model is given them (not whole notes)."""
    return [
        Hit(
            clause=c.clause,
            title=c.title,
            section=c.section,
            score=0.0,
            text=c.quote,
            source=c.source,
        )
        for c in composed.citations
    ]


def _with_situation(answer: Answer) -> str:
    """The question as the model reads it, with the situation the asker described."""
    question = answer.resolved_question or answer.question
    if answer.situations:
        question += f"\n(The asker's situation: {'; '.join(answer.situations)}.)"
    return question


def _verified(grounded: Answer, text: str, hits: list[Hit]) -> Answer:
    """The model's answer with its citations checked against the passages it was given."""
    reply = check_citations(text, {h.clause for h in hits if h.clause})
    notices = list(grounded.notices)
    if reply.removed:
        removed = ", ".join(f"[{c}]" for c in reply.removed)
        notices.append(f"Removed citations of clauses the model was not given: {removed}.")
    if not reply.verified:
        notices.append(
            "The model's answer cites no passage it was given: check it against the sources."
        )
    first = {h.clause: h for h in reversed(hits)}
    citations = [
        Citation(
            clause=c,
            title=first[c].title,
            section=first[c].section,
            quote=first[c].text,
            source=first[c].source,
        )
        for c in reply.cited
    ]
    sources = "; ".join(f"[{c.clause}] {c.title}" for c in citations)
    body = reply.text + (f"\n\n**Sources:** {sources}" if sources else "")
    return grounded.model_copy(
        update={
            "id": uuid.uuid4().hex[:16],
            "answer": body,
            "citations": citations,
            "mode": Mode.LLM,
            "notices": notices,
            "verified": reply.verified,
        }
    )


def final_answer(events: Iterable[AnswerStreamEvent]) -> Answer:
    """Run an answer stream to its end and return the `Answer` it closes with."""
    answer = None
    for event in events:
        if isinstance(event, AnswerEvent):
            answer = event.answer
    if answer is None:
        raise RuntimeError("the answer stream ended without an answer")
    return answer


def _tokens(text: str) -> Iterator[TokenEvent]:
    """A grounded answer streamed in word-sized pieces, so every mode streams the same way."""
    words = text.split(" ")
    for index in range(0, len(words), 6):
        tail = " " if index + 6 < len(words) else ""
        yield TokenEvent(text=" ".join(words[index : index + 6]) + tail)

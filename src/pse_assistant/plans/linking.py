"""The template each plan action needs, chosen from the templates tied to its clause and its wording.

A step gets a template when its title names the template's subject (a word of the template's title
that is not generic, such as "complaint", "charter" or "RACI") and it shares at least two words with
the template's title, summary and columns; or when it names the subject in its text and shares at
least three; or when it shares six, however it names the subject. A step that says "not X" is not
about X. A template serves one step
per clause at most: the one that matches it best.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import Stemmer

from pse_assistant.corpus.loader import Corpus
from pse_assistant.corpus.notes import Step
from pse_assistant.corpus.toolkit import Template
from pse_assistant.plans.models import PlanAction, PlanTemplate

# Words of template titles that name a form, not a subject, or that every step uses.
GENERIC = frozenset(
    "map sheet brief log register template service definition self customer citizen decision "
    "space checklist evidence".split()
)
_STOP = frozenset(
    "this that with from your their them they have will into when what which each every other "
    "than rather same more most only also make made over after before while without about".split()
)
_NEGATED = re.compile(r"\b(?:not|no|rather than)\s+[a-z'-]+", re.IGNORECASE)
TITLE_OVERLAP = 2
TEXT_OVERLAP = 3
CLOSE_OVERLAP = 6  # a step that shares this many words is about the template, however it names it


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("english")


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in _STOP]


def _stems(words: list[str]) -> set[str]:
    return set(_stemmer().stemWords(words))


def _subject(template: Template) -> set[str]:
    return _stems([w for w in _words(template.title) if w not in GENERIC])


def _about(template: Template) -> set[str]:
    columns = " ".join(c.name for c in template.columns)
    return _stems(_words(f"{template.title} {template.summary} {columns}"))


def _score(template: Template, step: Step) -> int:
    """How clearly a step needs a template; 0 when it does not."""
    title = _stems(_words(_NEGATED.sub(" ", step.title)))
    text = _stems(_words(step.text))
    shared = len(_about(template) & (title | text))
    subject = _subject(template)
    if subject & title and shared >= TITLE_OVERLAP:
        return 100 + shared
    if subject & text and shared >= TEXT_OVERLAP:
        return shared
    return shared if shared >= CLOSE_OVERLAP else 0


def link_templates(
    corpus: Corpus, actions: list[PlanAction]
) -> tuple[list[PlanAction], list[PlanTemplate]]:
    """The actions with the template each needs, and the templates the plan uses, in action order."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for action in actions:
        note = corpus.note(action.source_clause)
        if note is None or action.source_step is None:
            continue
        step = next((s for s in note.steps() if s.number == action.source_step), None)
        if step is None:
            continue
        scored = [(_score(t, step), t.id) for t in corpus.templates_for(action.source_clause)]
        score, template_id = max(scored, key=lambda p: p[0], default=(0, ""))
        key = (template_id, action.source_clause)
        if score and score > best.get(key, (0, ""))[0]:
            best[key] = (score, action.id)
    chosen = {action_id: template_id for (template_id, _), (_, action_id) in best.items()}
    linked = [a.model_copy(update={"template": chosen.get(a.id)}) for a in actions]
    used: dict[str, list[str]] = {}
    for action in linked:
        if action.template:
            used.setdefault(action.template, []).append(action.id)
    templates = []
    for template_id, action_ids in used.items():
        template = corpus.templates[template_id]
        suffix = template.default_format.value
        templates.append(
            PlanTemplate(
                id=template_id,
                title=template.title,
                actions=action_ids,
                command=f"pse template {template_id} --out {template_id}.{suffix}",
            )
        )
    return linked, templates

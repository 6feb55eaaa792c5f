"""The Assess tab: each assessor scores the assessment's own elements through a shared join link;
the consensus view shows everyone's scores and progress; charts, reports and a plan from the gaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from pse_assistant.accounts.roles import Role
from pse_assistant.assistant import Assistant
from pse_assistant.core.errors import InvalidInput, PseError
from pse_assistant.core.text import shift_headings
from pse_assistant.training.assessment import Assessment, AssessmentResult

from .common import caller, guard, tab_heading

NO_ASSESSMENT = "No assessment is open: start one above, or open one by its id or join link."


def join_link(assessment_id: str, invite: str | None = None) -> str:
    """The link that opens an assessment for another assessor (an invitation token once accounts exist)."""
    token = f"&invite={invite}" if invite else ""
    return f"/?assessment={assessment_id}{token}#assess"


def progress_line(result: AssessmentResult) -> str:
    """Everyone's progress: "Ana 12 of 12 · Ben 3 of 12"."""
    total = len(result.elements)
    done = result.progress()
    return " · ".join(f"{a} {n} of {total}" for a, n in done.items()) or "nobody has scored yet"


def consensus_markdown(result: AssessmentResult) -> str:
    """The consensus table, everyone's progress and the findings, as Markdown."""
    header, rows = result.table()
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    findings = "\n\n".join(f"**{k}:** {v}" for k, v in result.findings().items())
    a = result.assessment
    return (
        f"### Consensus view: {a.organization}, {a.name}\n\n**Progress:** {progress_line(result)}\n\n"
        + "\n".join(lines)
        + "\n\n"
        + findings
    )


@dataclass
class Opened:
    """What the tab shows once an assessment is open."""

    assessment_id: str
    header: str
    element: Any
    scale: str
    progress: str


class AssessTab:
    """The Assess tab's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.training = assistant.training
        self.items = {i.clause: i for i in self.training.items(True)}

    def choices(self, assessment: Assessment) -> list[tuple[str, str]]:
        """Only the assessment's own elements, labelled with their titles."""
        return [(f"{c} {self.items[c].title}", c) for c in assessment.items]

    def scale(self, clause: str | None) -> str:
        """An element's questions and its five maturity levels."""
        item = self.items.get(clause or "")
        if item is None:
            return ""
        questions = "\n".join(f"- {q}" for q in item.questions)
        levels = "\n".join(f"{lv.level}. **{lv.label}.** {lv.description}" for lv in item.levels)
        return f"### {item.clause} {item.title}\n\n{questions}\n\n{levels}"

    def my_progress(self, assessment_id: str, assessor: str) -> tuple[str, list[str]]:
        """The assessor's progress line, and the elements they have not scored yet."""
        assessment = self.training.assessment(assessment_id)
        name = (assessor or "").strip()
        if not name:
            return "Enter your name to score and to see your progress.", list(assessment.items)
        mine = self.training.my_scores(assessment_id, name)
        todo = [c for c in assessment.items if c not in mine]
        total = len(assessment.items)
        return f"**{name}:** {total - len(todo)} of {total} scored.", todo

    def opened(self, assessment: Assessment, assessor: str, clause: str | None = None) -> Opened:
        progress, todo = self.my_progress(assessment.id, assessor)
        value = clause if clause in assessment.items else (todo or assessment.items)[0]
        kind = "sub-elements and principles" if assessment.include_principles else "sub-elements"
        link = join_link(assessment.id)
        header = (
            f"**{assessment.organization}: {assessment.name}** · {len(assessment.items)} {kind} · "
            f"[join link for the other assessors]({link}) (copy it, or share the id "
            f"`{assessment.id}`)"
        )
        element = gr.update(choices=self.choices(assessment), value=value, interactive=True)
        return Opened(assessment.id, header, element, self.scale(value), progress)

    @guard
    def join(
        self,
        assessment_id: str,
        assessor: str,
        invite: str | None = None,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        """Open an assessment by id (pasted, or from a join link) with its own elements.

        With sign-in on, a join link's invitation is spent for the signed-in user, who then
        scores as themselves; without one, only an assessment they were invited to opens.
        """
        if not (assessment_id or "").strip():
            raise InvalidInput("Paste the assessment id, or open the join link you were sent.")
        who = caller(self.assistant, request, Role.ASSESSOR)
        if who.via == "off":
            assessment = self.training.join(assessment_id, invite)
        elif invite:
            assessment = self.assistant.accept_invitation(who, invite)
        else:
            assessment = self.assistant.assessment_for(who, assessment_id.strip())
        o = self.opened(assessment, assessor if who.via == "off" else who.name)
        return o.assessment_id, o.header, o.element, o.scale, o.progress, gr.Accordion(open=False)

    @guard
    def start(
        self,
        name: str,
        organization: str,
        principles: bool,
        assessor: str,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        who = caller(self.assistant, request, Role.TRAINER)
        created = self.training.create(name or "Self-assessment", organization, principles)
        self.assistant.record(who, "assessment.create", created.id, created.name)
        gr.Info(f"Assessment {created.id} started: share its join link with the other assessors.")
        o = self.opened(created, assessor)
        return o.assessment_id, o.header, o.element, o.scale, o.progress, gr.Accordion(open=False)

    def progress_for(self, aid: str, assessor: str) -> Any:
        """The assessor's progress once they have typed their name."""
        try:
            return self.my_progress(aid.strip(), assessor)[0] if aid else gr.skip()
        except PseError:
            return gr.skip()

    @guard
    def choose(self, aid: str, assessor: str, clause: str | None) -> tuple[Any, Any, str]:
        """An element chosen: its scale, and the assessor's own score and evidence if given."""
        mine = self.training.my_scores(aid.strip(), assessor) if aid and assessor else {}
        given = mine.get(clause or "")
        return (
            (given.score if given else None),
            (given.evidence if given else ""),
            self.scale(clause),
        )

    @guard
    def save(
        self,
        aid: str,
        assessor: str,
        clause: str | None,
        score: int | None,
        evidence: str,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        if not aid:
            raise InvalidInput(NO_ASSESSMENT)
        if not clause:
            raise InvalidInput("Choose the element you are scoring.")
        if score is None:
            raise InvalidInput("Choose a score from 1 to 5.")
        who = caller(self.assistant, request, Role.ASSESSOR)
        saved = self.assistant.score_as(
            who, aid.strip(), assessor.strip(), clause, int(score), evidence or ""
        )
        gr.Info(f"Saved {saved.assessor}'s score {score} for {clause}.")
        o = self.opened(self.training.assessment(aid.strip()), saved.assessor)
        consensus = consensus_markdown(self.training.result(aid.strip()))
        return consensus, o.element, o.scale, o.progress, None, ""

    @guard
    def agree(
        self,
        aid: str,
        clause: str | None,
        score: int | None,
        reason: str,
        request: gr.Request | None = None,
    ) -> str:
        if not aid or not clause:
            raise InvalidInput(NO_ASSESSMENT)
        if score is None:
            raise InvalidInput("Choose the agreed score from 1 to 5.")
        who = caller(self.assistant, request, Role.TRAINER)
        self.assistant.agree_as(who, aid.strip(), clause, int(score), reason or "")
        return consensus_markdown(self.training.result(aid.strip()))

    @guard
    def results(self, aid: str, request: gr.Request | None = None) -> tuple[str, Any, Any]:
        if not aid:
            raise InvalidInput(NO_ASSESSMENT)
        aid = aid.strip()
        self.assistant.assessment_for(caller(self.assistant, request, Role.ASSESSOR), aid)
        charts = self.assistant.assessment_charts_download(aid)
        files = [str(self.assistant.assessment_report_download(aid, f)) for f in ("xlsx", "docx")]
        pngs = [str(p) for p in charts if p.suffix == ".png"]
        svgs = [str(p) for p in charts if p.suffix == ".svg"]
        shown = consensus_markdown(self.training.result(aid))
        return (
            shown,
            gr.update(value=pngs, visible=True),
            gr.update(value=files + svgs, visible=True),
        )

    @guard
    def gaps(self, aid: str, request: gr.Request | None = None) -> str:
        """The weakest elements as one plan, for the assessment's own organization."""
        if not aid:
            raise InvalidInput(NO_ASSESSMENT)
        caller(self.assistant, request, Role.TRAINER)
        plan = self.training.plan_from_gaps(aid.strip())
        return shift_headings(self.assistant.plan_markdown(plan), 2)


@dataclass
class AssessParts:
    """What the page load needs to open an assessment from a join link."""

    tab: AssessTab
    aid: gr.Textbox
    assessor: gr.Textbox
    opened: list[Any]


def _start_form() -> tuple[gr.Accordion, gr.Textbox, gr.Textbox, gr.Checkbox, gr.Button]:
    """The form to start an assessment; it folds away once one is open, to put scoring first."""
    with gr.Accordion("Start a new assessment", open=True) as form:
        with gr.Row():
            name = gr.Textbox(label="Assessment name", value="Self-assessment")
            organization = gr.Textbox(label="Organization", value="Riverside council")
            principles = gr.Checkbox(label="Also score the 14 principles", value=False)
        start_button = gr.Button("Start assessment")
    return form, name, organization, principles, start_button


def _results(tab: AssessTab, aid: gr.Textbox, element: gr.Dropdown) -> gr.Markdown:
    """The consensus meeting, the consensus view with charts and reports, and the gap plan."""
    with gr.Accordion("Consensus meeting", open=False):
        agreed = gr.Radio([1, 2, 3, 4, 5], label="Agreed score (1–5)")
        reason = gr.Textbox(label="Reason for the agreed score")
        agree_button = gr.Button("Record the agreed score for the chosen element")
    results_button = gr.Button("Show consensus, charts and reports", elem_id="show-consensus")
    consensus = gr.Markdown(elem_id="consensus")
    gallery = gr.Gallery(label="Radar charts and heat map", columns=3, height="auto", visible=False)
    reports = gr.File(
        label="Downloads (XLSX, DOCX, SVG charts)", file_count="multiple", visible=False
    )
    gaps_button = gr.Button("Turn the gaps into a plan")
    gap_plan = gr.Markdown(elem_id="gap-plan")
    agree_button.click(tab.agree, [aid, element, agreed, reason], consensus, api_name="agree")
    results_button.click(
        tab.results, aid, [consensus, gallery, reports], api_name="assessment_results"
    )
    gaps_button.click(tab.gaps, aid, gap_plan, api_name="gap_plan")
    return consensus


def assess_tab(assistant: Assistant) -> AssessParts:
    """Render the Assess tab inside the app's `gr.Tabs()`."""
    tab = AssessTab(assistant)
    with gr.Tab("Assess", id="assess", elem_id="assess-tab"):
        tab_heading(
            "Self-assessment",
            "Everyone scores on their own through the join link; the consensus view shows the spread.",
        )
        form, name, organization, principles, start_button = _start_form()
        with gr.Row(equal_height=True):
            aid = gr.Textbox(
                label="Assessment id (or open its join link)", elem_id="assessment-id", scale=3
            )
            open_button = gr.Button("Open assessment", scale=1, min_width=160)
        header = gr.Markdown(NO_ASSESSMENT, elem_id="assessment-header")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                assessor = gr.Textbox(label="Your name (assessor)", elem_id="assessor")
                progress = gr.Markdown(elem_id="my-progress")
                element = gr.Dropdown(
                    [], value=None, label="Element", elem_id="element", interactive=False
                )
                score = gr.Radio([1, 2, 3, 4, 5], label="Your score (1–5)", elem_id="score")
                evidence = gr.Textbox(label="Evidence for your score", lines=3)
                save_button = gr.Button("Save my score", variant="primary", elem_id="save-score")
            with gr.Column(min_width=300):
                scale = gr.Markdown(elem_id="element-scale")
        consensus = _results(tab, aid, element)
    opened = [aid, header, element, scale, progress, form]
    start_button.click(
        tab.start, [name, organization, principles, assessor], opened, api_name="start_assessment"
    )
    for trigger in (open_button.click, aid.submit):
        trigger(tab.join, [aid, assessor], opened, api_visibility="private")
    assessor.blur(tab.progress_for, [aid, assessor], progress, api_visibility="private")
    element.input(
        tab.choose, [aid, assessor, element], [score, evidence, scale], api_visibility="private"
    )
    save_button.click(
        tab.save, [aid, assessor, element, score, evidence],
        [consensus, element, scale, progress, score, evidence], api_name="score",
    )  # fmt: skip
    return AssessParts(tab, aid, assessor, opened)

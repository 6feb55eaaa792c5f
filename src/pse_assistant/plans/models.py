"""The action-plan models; their validators make an inconsistent schedule impossible to build."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from pse_assistant.core.fields import ClauseRef, OptionalText, Whole, text_pattern
from pse_assistant.corpus.structure import CLAUSE_ID
from pse_assistant.plans.rules import SAY, OrgType, Say, org_type_of


class PlanProfile(BaseModel):
    """Who the plan is for; every tailoring choice in `draft_plan` reads one of these fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str = Field(min_length=2, max_length=120, pattern=text_pattern(2))
    org_type: OrgType = "other"
    size: Literal["small", "medium", "large"] = "medium"
    horizon_months: Whole = Field(default=12, ge=3, le=36)
    maturity: Whole = Field(default=2, ge=1, le=5)
    priorities: OptionalText = Field(default="", max_length=1000)
    constraints: OptionalText = Field(default="", max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _derive_org_type(cls, data: Any) -> Any:
        """Read the type from the free text when not given, so people only type their name."""
        if isinstance(data, dict) and "org_type" not in data:
            return data | {"org_type": org_type_of(str(data.get("organization", "")))}
        return data


class PlanRequest(PlanProfile):
    """The clauses to plan for and the organization's profile: what every edge asks a plan with."""

    clauses: list[ClauseRef] = Field(min_length=1, max_length=12, examples=[["7.2.2"]])

    def profile(self) -> PlanProfile:
        """The organization's profile without the clauses."""
        return PlanProfile.model_validate(self.model_dump(exclude={"clauses"}))


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
    template: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_month < self.start_month:
            raise ValueError(f"action {self.id} ends (month {self.end_month}) before it starts")
        return self


class PlanIndicator(BaseModel):
    """An indicator from a note, defined as the catalogue defines it; the baseline stays unknown
    until the organization measures it."""

    name: str
    definition: str
    how_to_measure: str
    baseline: str | None = None
    target: str
    frequency: str
    source_clause: str
    catalogue_id: str | None = None
    target_source: str | None = None


class PlanTemplate(BaseModel):
    """A template some actions need, and how to get it."""

    id: str
    title: str
    actions: list[str] = Field(min_length=1)
    command: str


class EvidenceItem(BaseModel):
    """Something an assessor will ask to see."""

    text: str
    source_clause: str


class PlanRisk(BaseModel):
    """A risk with its mitigation; `source_clause` is None for risks from the user's constraints.

    `action` names the scheduled action a pitfall concerns; None means the plan as a whole.
    """

    risk: str
    mitigation: str
    source_clause: str | None = None
    action: str | None = None


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
    templates: list[PlanTemplate] = Field(default_factory=list)
    review_rhythm: str
    generated_on: date
    mode: Literal["grounded", "llm"] = "grounded"
    notice: str = SAY[Say.NOTICE]

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
        listed = {t.id: t for t in self.templates}
        for action in self.actions:
            if action.template and action.id not in getattr(
                listed.get(action.template), "actions", []
            ):
                raise ValueError(f"action {action.id} needs template {action.template}, not listed")
        for action in self.actions:
            if action.end_month > self.profile.horizon_months:
                raise ValueError(f"action {action.id} ends after the plan's horizon")
            for dep in action.depends_on:
                if dep not in by_id or dep == action.id:
                    raise ValueError(f"action {action.id} depends on unknown action {dep}")
                if by_id[dep].end_month >= action.start_month:
                    raise ValueError(
                        f"action {action.id} starts before {dep}, its dependency, ends"
                    )
        if stray_risk := sorted(r.action for r in self.risks if r.action and r.action not in by_id):
            raise ValueError(f"a risk names unknown action {', '.join(stray_risk)}")
        return self

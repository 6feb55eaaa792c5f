"""Action plans: drafted from the notes' steps, tailored to an organization, exported to office formats.

Lives here: `models` (`ActionPlan`, `PlanProfile`, `PlanRequest` and their validators), `rules` (the
tailoring tables and every sentence a plan adds), `matching` (priorities, evidence and pitfalls paired
with the steps they concern), `drafting` (`draft_plan`), `linking` (the template each action needs),
`export` (Markdown, DOCX, XLSX, JSON). May import: `core`, `corpus`.
"""

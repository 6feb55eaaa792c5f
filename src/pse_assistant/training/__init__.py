"""What trainers and assessors use: self-assessments with consensus, charts, reports, workshops, quizzes.

Lives here: `items` (what an assessment asks about each element), `assessment` (the store and the
consensus view), `charts`, `assessment_export`, `workshop` (packs and quizzes), `workshop_export`,
`service` (`Training`, the one object the facade exposes). May import: `core`, `corpus`, `plans`.
"""

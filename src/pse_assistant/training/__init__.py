"""What trainers and assessors use: self-assessments with consensus, charts, reports, workshops, quizzes.

Lives here: `items` (what an assessment asks about each element), `assessment` (the models and the
consensus view), `assessment_store` (assessments in SQLite), `charts`, `assessment_export`,
`workshop` (packs, quizzes and grading), `agenda` (timed blocks, the exercise fitted to its slot),
`workshop_export` (Markdown, DOCX, the one-page handout), `workshop_slides` (the designed 16:9 deck),
`service` (`Training`, the one object the facade exposes).
May import: `core`, `corpus`, `plans`.
"""

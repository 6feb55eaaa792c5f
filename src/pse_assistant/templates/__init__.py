"""Practitioner templates: filled from the corpus and rendered as Word or Excel files to download.

Lives here: `filling` (`FilledTemplate`, `fill_template`: a template with the rows taken from the
indicator catalogue or the notes' evidence lists, and `TemplateSummary` for listings), `export` (DOCX
and XLSX rendering with guidance, column help and an illustrative example row). The template data
itself is corpus content (`corpus.toolkit.Template`). May import: `core`, `corpus`.
"""

"""The corpus: the standard's structure, our guidance notes, crosswalks, glossary and toolkit, loaded and checked.

Lives here: `structure` (the clause tree and clause ids), `notes` (guidance notes and their structured
parts), `catalogue` (the indicator catalogue and the references the notes cite), `toolkit` (templates,
illustrative worked cases, the self-assessment rubric), `loader` (`Corpus` and `load_corpus`),
`validation` and `validation_toolkit` (`pse corpus validate`), `references` (clause references in free
text), `yamlfile` (YAML with line numbers), `views` (a clause as readers see it). May import:
`pse_assistant.core`.
"""

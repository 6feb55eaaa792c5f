"""The corpus: the standard's structure, our guidance notes, crosswalks and glossary, loaded and checked.

Lives here: `structure` (the clause tree and clause ids), `notes` (guidance notes and their structured
parts), `loader` (`Corpus` and `load_corpus`), `validation` (`pse corpus validate`), `references`
(clause references in free text), `yamlfile` (YAML with line numbers), `views` (a clause as readers see
it). May import: `pse_assistant.core`.
"""

"""The Gradio UI of pse-assistant: one module per tab over the one `Assistant` facade.

Lives here: `app` (`build_ui`, which assembles the tabs), `common` (copyright, style, the error guard),
one module per tab (`ask`, `browse`, `plan`, `assess`, `workshop`, `quiz`, `evaluate`) and
`templates` (the Browse tab's templates section). May import: the facade and the public models of the
core packages; never the API or the CLI.
"""

from .app import build_ui

__all__ = ["build_ui"]

"""The Gradio UI of pse-assistant: one module per tab over the one `Assistant` facade.

Lives here: `app` (`build_ui`, which assembles the tabs), `theme` (`look()`: the theme, CSS and page
script to mount it with), `common` (copyright, clause links, headings, the error guard), `links`
(what crosses tabs: "Open in Plan", the page load), one module per tab (`ask` with `history`,
`browse`, `plan`, `assess`, `workshop`, `quiz`, `evaluate`) and `templates` (the Browse tab's
templates section). May import: the facade and the public models of the core packages; never the API
or the CLI.
"""

from .app import build_ui
from .theme import look

__all__ = ["build_ui", "look"]

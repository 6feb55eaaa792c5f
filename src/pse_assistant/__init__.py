"""pse-assistant: an offline guidance assistant for ISO 11367:2025 public service excellence.

Lives here: `assistant` (the `Assistant` facade every edge calls), the core capability packages
(`core`, `corpus`, `search`, `answer`, `plans`, `training`, `evals`), the edges (`api`, `cli`, and
the Gradio UI in the separate `pse_ui` package) and `server` (which mounts the API and the UI on one
app). May import: nothing at package level, so `import pse_assistant` stays instant.
"""

__version__ = "0.1.0"

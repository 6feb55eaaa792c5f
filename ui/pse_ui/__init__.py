"""The Gradio UI of pse-assistant: Ask, Browse and Plan tabs over the `Assistant` facade."""

from .app import build_ui

__all__ = ["build_ui"]

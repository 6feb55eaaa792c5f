"""pse-assistant: an offline guidance assistant for ISO 11367:2025 public service excellence."""

__version__ = "0.1.0"

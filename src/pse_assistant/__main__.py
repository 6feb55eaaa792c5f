"""Run the CLI with `python -m pse_assistant`."""

from .cli import main

main()

"""Run the CLI with `python -m pse_assistant`."""

from pse_assistant.cli import main

main()

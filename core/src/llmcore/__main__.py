"""``python -m llmcore`` runs the CLI."""

from .cli import main

main()

"""``python -m council`` runs the CLI."""

from council.cli import main

main()

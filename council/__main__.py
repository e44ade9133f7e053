"""``python -m council`` runs the CLI."""

from council.cli.main import main

main()

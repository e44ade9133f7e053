"""The CLI's subcommands, each filled in with its options only when it is the one run.

``council --help`` lists every command by name and help line; it need not know their options,
and some options (``council run``'s choices, read from the registries and the run config) cost
imports. So a command's options are added by its ``fill`` function, called for the command
named on the command line, or for every command when the full parser is wanted (tests, docs).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

Fill = Callable[[argparse.ArgumentParser], None]
"""Adds a command's arguments and sets its ``func``."""


class Commands:
    """The subparsers of the CLI, filling in only the wanted command (None: every command)."""

    def __init__(self, sub: Any, wanted: str | None) -> None:
        self._sub = sub
        self._wanted = wanted

    def add(self, name: str, help: str, fill: Fill) -> None:
        """Add command ``name`` with its help line; fill in its options if it is wanted."""
        parser = self._sub.add_parser(name, help=help)
        if self._wanted is None or self._wanted == name:
            fill(parser)


def command_of(argv: Sequence[str]) -> str:
    """The command an argument list names: its first word that is not an option.

    The top-level parser takes no option but ``--help``, so that word is the command (or a
    mistake the parser reports); an empty string when there is none.

    >>> command_of(["run", "kh-x", "--json"]), command_of(["--help"])
    ('run', '')
    """
    return next((arg for arg in argv if not arg.startswith("-")), "")

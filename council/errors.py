"""Errors the command line turns into one line and exit code 2."""


class UsageError(Exception):
    """Bad usage or input: one line, exit 2."""

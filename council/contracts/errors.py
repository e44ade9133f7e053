"""Errors the command line turns into one line and exit code 2."""


class UsageError(Exception):
    """Bad usage or input: one line, exit 2."""


class RunStopped(Exception):
    """A run stopped part-way (a failure or Ctrl-C); its checkpoint lets it be resumed."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code

"""Errors the command line turns into one line and exit code 2; ``one_line`` makes sure."""


class UsageError(Exception):
    """Bad usage or input: one line, exit 2."""


class RunStopped(Exception):
    """A run stopped part-way (a failure or Ctrl-C); its checkpoint lets it be resumed."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


_BREAKS = {c: repr(chr(c))[1:-1] for c in [*range(32), *range(0x7F, 0xA0), 0x2028, 0x2029]}
"""Control characters and line breaks, as their escapes (``\\n``, ``\\x1b``)."""


def one_line(text: str) -> str:
    r"""``text`` with every control character and line break escaped: it prints as one line.

    >>> one_line("translations.\r: bad")
    'translations.\\r: bad'
    """
    return text.translate(_BREAKS)

"""The options of ``council run`` (and the LLM transport options rerun and resume share).

Every option that sets a ``RunConfig`` field takes its default, its choices and its help text
from that field (``run_option``): the model is the one place they are written.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from pathlib import Path
from typing import Any

from council.contracts.config import choices_of, default_of, description_of


def _finite(text: str) -> float:
    """A float flag's value: a finite number (``nan`` and ``inf`` are not a time or a price)."""
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _fraction(text: str) -> float:
    value = _finite(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction in [0, 1]")
    return value


def _non_negative(text: str) -> float:
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


_non_negative.__name__ = "float"  # argparse's word for a value that is not a number


def _positive(kind: type[float] | type[int]) -> Any:
    def parse(text: str) -> float | int:
        value = _finite(text) if kind is float else kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not positive")
        return value

    parse.__name__ = kind.__name__
    return parse


def shorten(message: str, longest: int = 60) -> str:
    """A usage message on one short line: quoted values over ``longest`` characters elided.

    >>> shorten("argument --seed: invalid int value: '" + "9" * 5000 + "'")
    "argument --seed: invalid int value: '99999999999999999999…' (5,000 characters)"
    """

    def elide(match: re.Match[str]) -> str:
        value = match.group(1)
        return f"'{value[:20]}…' ({len(value):,} characters)"

    short = re.sub("'([^']{" + str(longest + 1) + ",})'", elide, message)
    return " ".join(short.split())


def writable(path: Path, flag: str, command: str) -> Path:
    """``path`` if a file can be written there (UsageError naming the flag if it cannot).

    A new file is probed (created and removed), so a folder that refuses writes is found
    before any work starts.

    >>> writable(Path("/no/x.md"), "--out", "export")
    Traceback (most recent call last):
    ...
    council.contracts.errors.UsageError: export: --out: /no/x.md: its folder does not exist
    """
    from council.contracts.errors import UsageError

    def fail(why: str) -> UsageError:
        return UsageError(f"{command}: {flag}: {path}: {why}")

    if "\x00" in str(path) or not str(path):
        raise fail("not a file name")
    folder = path.parent
    if path.is_dir():
        raise fail("is a folder, not a file")
    if not folder.is_dir():
        raise fail("its folder does not exist" if not folder.exists() else "not in a folder")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise fail("cannot be written (permission denied)")
        return path
    try:  # a probe: permissions alone cannot tell (root, read-only mounts, /proc)
        path.touch(exist_ok=False)
        path.unlink()
    except OSError as err:
        raise fail(f"cannot be written ({err.strerror or err})") from None
    return path


def sqlite_int(text: str) -> int:
    """An integer flag the store compares or limits with: it must fit SQLite's 64 bits."""
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{shorten(repr(text))} is past 64 bits")
    return value


sqlite_int.__name__ = "int"


def flag_of(field: str) -> str:
    """The flag that sets a config field: ``max_seat_failures`` is ``--max-seat-failures``."""
    return "--" + field.replace("_", "-")


def run_option(p: Any, field: str, *, note: str = "", **kwargs: Any) -> None:
    """Add the flag of a ``RunConfig`` field, with the field's default, choices and help.

    ``note`` adds what only the command line needs to say (a format, the names it takes).
    """
    default = default_of(field)
    kwargs.setdefault("default", default)
    if "type" not in kwargs and kwargs.get("action") is None:
        if isinstance(default, int | float) and not isinstance(default, bool):
            kwargs["type"] = type(default)  # the bounds are the config's to check
        elif _closed(field):
            kwargs["choices"] = choices_of(field)
    words = description_of(field).rstrip(".")
    if words[1:2].islower():  # "Seats, ..." reads "seats, ..."; "LLM runs" stays
        words = words[:1].lower() + words[1:]
    if note:
        words += f"; {note}"
    if default is not None and default != () and not isinstance(default, bool):
        words += f"; default {default}"
    kwargs["help"] = words.replace("%", "%%")
    p.add_argument(flag_of(field), **kwargs)


def _closed(field: str) -> bool:
    try:
        choices_of(field)
    except ValueError:
        return False
    return True


TIMEOUT_S, BACKOFF_S = 60.0, 0.5
"""--timeout and --retry-backoff's defaults: the LLM client's own (``LLMSettings``; a test holds
them equal). Not read from it here: that would import the OpenAI SDK for every command."""


def add_transport_options(p: Any) -> None:
    """How LLM calls go: timeouts, backoff, rate limits, prices (run, rerun and resume)."""
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=TIMEOUT_S,
        help="seconds per request; default %(default)s",
    )
    p.add_argument(
        "--retry-backoff",
        type=_non_negative,
        default=BACKOFF_S,
        metavar="S",
        help="first retry delay, doubling with jitter (Retry-After wins); default %(default)s",
    )
    p.add_argument(
        "--rpm", type=_positive(int), metavar="N", help="requests per minute, per endpoint"
    )
    p.add_argument(
        "--tpm", type=_positive(int), metavar="N", help="tokens per minute, per endpoint"
    )
    p.add_argument("--prices", help="YAML/JSON file: model -> {input, output} $ per 1M tokens")


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Every option of ``council run`` (the run's settings, LLM seats included)."""
    from council.rules.faults import FAULTS
    from council.rules.quorum import RULES
    from council.rules.voting import METHODS

    run_option(p, "size", metavar="N")
    run_option(p, "personas", note="comma-separated")
    run_option(p, "byzantine", metavar="K")
    run_option(p, "fault", metavar="NAME[:ARG]", note="one of " + ", ".join(FAULTS.names()))
    run_option(p, "protocol")
    run_option(
        p,
        "quorum",
        note=f"names: {', '.join(RULES.names())}; a fraction such as 0.6; groups:G/P, a share P "
        "of each of at least G of the four groups",
    )
    run_option(p, "weights", metavar="GROUP=W,...")
    run_option(p, "faulty_groups", metavar="GROUP,...")
    run_option(p, "method", choices=METHODS.names())
    run_option(p, "update", note="fj: Friedkin-Johnsen, wmsr: trims extremes, majority: strict")
    run_option(p, "rounds", metavar="R")
    run_option(p, "ballots", metavar="B")
    run_option(p, "topology")
    run_option(p, "seed", metavar="S")
    net = p.add_argument_group("network faults (seeded; default none)")
    run_option(net, "drop", metavar="P")
    run_option(net, "delay", metavar="P")
    run_option(
        net,
        "partition",
        metavar="SIDE|SIDE@R1-R2",
        note="a side is groups and seats, e.g. 'government,industry|academia,civil_society@1-2'",
    )
    llm = p.add_argument_group("LLM seats (--backend openai; key from OPENAI_API_KEY)")
    run_option(llm, "backend")
    run_option(llm, "model", metavar="M")
    run_option(llm, "base_url", note="default OPENAI_BASE_URL")
    run_option(llm, "models", metavar="FILE", note="a YAML file, see README")
    run_option(llm, "max_concurrency", metavar="N")
    run_option(llm, "cache")
    run_option(llm, "language")
    run_option(llm, "temperature")
    add_transport_options(llm)
    run_option(llm, "max_cost", type=_positive(float), metavar="USD")
    run_option(llm, "max_seat_failures", type=_fraction, metavar="FRACTION")
    run_option(llm, "baseline", action="store_true")
    llm.add_argument(
        "--estimate", action="store_true", help="print calls, tokens and cost, and call nothing"
    )

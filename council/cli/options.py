"""The options of ``council run`` (and the LLM transport options rerun and resume share)."""

from __future__ import annotations

import argparse
from typing import Any, get_args

from council.contracts.config import Update


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in [0, 1]")
    return value


def _positive(kind: type[float] | type[int]) -> Any:
    def parse(text: str) -> float | int:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not positive")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_transport_options(p: Any) -> None:
    """How LLM calls go: timeouts, backoff, rate limits, prices (run, rerun and resume)."""
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument(
        "--retry-backoff",
        type=float,
        default=0.5,
        metavar="S",
        help="first retry delay, doubling with jitter (Retry-After wins)",
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
    from council.rules.voting import METHODS

    p.add_argument("--size", type=int, default=33, help="seats composed from the library")
    p.add_argument("--personas", help="exactly these personas, comma-separated")
    p.add_argument("--byzantine", type=int, default=0, metavar="K", help="faulty seats")
    p.add_argument(
        "--fault",
        default="equivocate",
        metavar="NAME[:ARG]",
        help=f"fault model: {', '.join(FAULTS.names())}",
    )
    p.add_argument("--protocol", choices=["bft", "tally"], default="bft")
    p.add_argument(
        "--quorum",
        default="bft",
        help="bft, majority, supermajority, unanimity, a fraction such as 0.6, groups:G/P "
        "(a share P of at least G of the four groups) or a quorum file FILE.yaml",
    )
    p.add_argument(
        "--weights",
        metavar="GROUP=W,...",
        help="weigh each seat by its group (others 1): a weighted threshold rule",
    )
    p.add_argument(
        "--faulty-groups",
        metavar="GROUP,...",
        help="draw the faulty seats from these groups only (default: all seats)",
    )
    p.add_argument("--method", choices=METHODS.names(), default="plurality")
    p.add_argument(
        "--update",
        choices=list(get_args(Update)),
        default="fj",
        help="fj (Friedkin-Johnsen), wmsr (trims extremes), majority (strict)",
    )
    p.add_argument("--rounds", type=int, default=2, metavar="R")
    p.add_argument("--ballots", type=int, default=3, metavar="B")
    p.add_argument(
        "--topology", choices=["complete", "small-world", "scale-free", "ring"], default="complete"
    )
    p.add_argument("--seed", type=int, default=0)
    net = p.add_argument_group("network faults (seeded; default none)")
    net.add_argument("--drop", type=float, default=0.0, metavar="P", help="lose each message")
    net.add_argument(
        "--delay", type=float, default=0.0, metavar="P", help="deliver each message a round late"
    )
    net.add_argument(
        "--partition",
        metavar="SIDE|SIDE@R1-R2",
        help="cut two sides apart for rounds R1..R2; a side is groups and seats, e.g. "
        "'government,industry|academia,civil_society@1-2'",
    )
    llm = p.add_argument_group("LLM seats (--backend openai; key from OPENAI_API_KEY)")
    llm.add_argument("--backend", choices=["offline", "openai"], default="offline")
    llm.add_argument("--model", help="model name (default gpt-4o-mini)")
    llm.add_argument("--base-url", help="OpenAI-compatible endpoint (default OPENAI_BASE_URL)")
    llm.add_argument(
        "--models",
        metavar="FILE",
        help="YAML: a default model plus per-group or per-persona models (see README)",
    )
    llm.add_argument(
        "--max-concurrency",
        type=int,
        default=64,
        metavar="N",
        help="LLM calls at once (default 64)",
    )
    llm.add_argument(
        "--cache",
        choices=["on", "read", "off"],
        default="on",
        help="response cache: use and fill (on), replay only (read), or bypass",
    )
    llm.add_argument(
        "--language", choices=["en", "km"], default="en", help="language of the rationales"
    )
    llm.add_argument("--temperature", type=float, default=0.7)
    add_transport_options(llm)
    llm.add_argument(
        "--max-cost",
        type=_positive(float),
        metavar="USD",
        help="stop (status error) once the calls cost this much; refuse to start if the "
        "estimate's lower bound passes it",
    )
    llm.add_argument(
        "--max-seat-failures",
        type=_fraction,
        default=0.25,
        metavar="FRACTION",
        help="share of LLM seat-phases that may fail before the run is an error (default 0.25)",
    )
    llm.add_argument(
        "--baseline",
        action="store_true",
        help="also run the fault-free baseline (doubles the calls)",
    )
    llm.add_argument(
        "--estimate", action="store_true", help="print calls, tokens and cost, and call nothing"
    )

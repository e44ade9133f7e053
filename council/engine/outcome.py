"""From a trace to its outcome, as DESIGN.md's "How a run goes" defines it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.contracts.choices import Status
from council.engine.adversary import NONE
from council.engine.context import RunContext
from council.engine.phases import Trace


@dataclass(frozen=True)
class Summary:
    """A run's outcome as numbers (option indices, NONE for none); ``metrics`` measures the rest."""

    status: Status
    option: int
    """The option most honest seats committed (ties to the lowest index); NONE if none did."""
    commits: np.ndarray
    """(n,) each seat's committed option (NONE for none, and for every faulty seat)."""
    tally: np.ndarray
    """(options,) first choices cast in the deciding (or last) ballot: honest ballots plus each
    faulty seat's most sent."""


def summarize(ctx: RunContext, trace: Trace) -> Summary:
    """The outcome of a run (DESIGN "How a run goes", 8)."""
    honest = ctx.honest
    ballots = trace.ballots
    commits = ballots[-1].committed if ballots else np.full(ctx.n, NONE)
    honest_commits = commits[honest]
    honest_commits = honest_commits[honest_commits != NONE]
    if len(honest_commits):
        option = int(np.bincount(honest_commits, minlength=ctx.n_options).argmax())
        status: Status = "decided"
    else:
        option = NONE
        status = "escalated" if ctx.config.human_seats else "no_quorum"
    deciding = len(ballots) - 1
    for i, ballot in enumerate(ballots):
        if (ballot.committed[honest] != NONE).any():
            deciding = i
            break
    cast = ballots[deciding].cast if ballots else np.full(ctx.n, NONE)
    tally = np.bincount(cast[cast != NONE], minlength=ctx.n_options)
    return Summary(status=status, option=option, commits=commits, tally=tally)


def too_many_failures(failures: int, seat_phases: int, limit: float) -> str | None:
    """Why a run with this many failed LLM seat-phases is an error, or None if it is not.

    More than ``limit`` (``--max-seat-failures``) of the seat-phases failing makes the run an
    error; any failure at all only marks it degraded.

    >>> too_many_failures(9, 33, 0.25)
    '9 of 33 LLM seat-phases failed, more than the 25% --max-seat-failures allows'
    >>> too_many_failures(8, 33, 0.25) is None
    True
    """
    if seat_phases and failures > limit * seat_phases:
        return (
            f"{failures} of {seat_phases} LLM seat-phases failed, more than the "
            f"{limit:.0%} --max-seat-failures allows"
        )
    return None

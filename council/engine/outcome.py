"""From a trace to an outcome and its metrics, as DESIGN.md's "How a run goes" defines them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from council.engine.adversary import NONE
from council.engine.context import RunContext
from council.engine.phases import Trace, messages_heard
from council.rules.opinion import distribution

Status = Literal["decided", "no_quorum", "escalated", "error"]


@dataclass(frozen=True)
class Summary:
    """The numbers of a run's outcome (option indices; NONE for none)."""

    status: Status
    option: int
    commits: np.ndarray
    """(n,) each seat's committed option (NONE for none, and for every faulty seat)."""
    safety_violation: bool
    tally: np.ndarray
    """(K,) first choices cast in that ballot: honest ballots plus each faulty seat's most sent."""
    rounds_used: int
    messages: int
    honest_drift: float
    honest_flips: int


def summarize(ctx: RunContext, trace: Trace) -> Summary:
    """Outcome and metrics of a run."""
    honest = ctx.honest
    ballots = trace.ballots
    commits = ballots[-1].committed if ballots else np.full(ctx.n, NONE)
    honest_commits = commits[honest]
    honest_commits = honest_commits[honest_commits != NONE]
    if len(honest_commits):
        counts = np.bincount(honest_commits, minlength=ctx.k)
        option = int(counts.argmax())
        status: Status = "decided"
        violation = int((counts > 0).sum()) > 1
    else:
        option = NONE
        status = "escalated" if ctx.config.human_seats else "no_quorum"
        violation = False
    deciding = len(ballots) - 1
    for i, ballot in enumerate(ballots):
        if (ballot.committed[honest] != NONE).any():
            deciding = i
            break
    cast = ballots[deciding].cast if ballots else np.full(ctx.n, NONE)
    tally = np.bincount(cast[cast != NONE], minlength=ctx.k)

    first, last = trace.views[0][honest], trace.views[-1][honest]
    if len(first):
        # One softmax over both sets of rows: row by row, the same numbers as two.
        both = distribution(np.concatenate([first, last]))
        tv = 0.5 * np.abs(both[: len(first)] - both[len(first) :]).sum(axis=1)
        drift = float(tv.sum() / len(tv))
        flips = int((first.argmax(axis=1) != last.argmax(axis=1)).sum())
    else:
        drift, flips = 0.0, 0
    # Most rounds hear over the same (cached) graph: count each distinct one once.
    heard_counts: dict[int, int] = {}
    messages = 0
    for _, heard in trace.inboxes:
        key = id(heard)
        if key not in heard_counts:
            heard_counts[key] = messages_heard(heard)
        messages += heard_counts[key]
    messages += sum(b.messages for b in ballots)
    return Summary(
        status=status,
        option=option,
        commits=commits,
        safety_violation=violation,
        tally=tally,
        rounds_used=trace.rounds_used,
        messages=messages,
        honest_drift=round(drift, 6),
        honest_flips=flips,
    )


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

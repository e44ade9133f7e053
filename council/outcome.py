"""From a trace to an outcome and its metrics, as DESIGN.md's "How a run goes" defines them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from council.adversary import NONE
from council.context import RunContext
from council.offline import distribution
from council.phases import Trace, messages_heard

Status = Literal["decided", "no_quorum", "escalated"]


@dataclass(frozen=True)
class Summary:
    """The numbers of a run's outcome (option indices; NONE for none)."""

    status: Status
    option: int
    commits: np.ndarray
    """(n,) each seat's committed option (NONE for none, and for every faulty seat)."""
    safety_violation: bool
    deciding_ballot: int
    """Index into ``trace.ballots`` of the deciding (or last) ballot."""
    tally: np.ndarray
    """(K,) first choices cast in that ballot: honest ballots plus each faulty seat's most sent."""
    rounds_used: int
    messages: int
    honest_drift: float
    honest_flips: int


def summarize(ctx: RunContext, trace: Trace) -> Summary:
    """Outcome and metrics of a run."""
    commits = trace.ballots[-1].committed if trace.ballots else np.full(ctx.n, NONE)
    honest_commits = commits[ctx.honest & (commits != NONE)]
    if len(honest_commits):
        option = int(np.bincount(honest_commits, minlength=ctx.k).argmax())
        status: Status = "decided"
    else:
        option = NONE
        status = "escalated" if ctx.config.human_seats else "no_quorum"
    deciding = next(
        (i for i, b in enumerate(trace.ballots) if np.any(b.committed[ctx.honest] != NONE)),
        len(trace.ballots) - 1,
    )
    cast = trace.ballots[deciding].cast if trace.ballots else np.full(ctx.n, NONE)
    tally = np.bincount(cast[cast != NONE], minlength=ctx.k)

    first, last = trace.views[0][ctx.honest], trace.views[-1][ctx.honest]
    if len(first):
        tv = 0.5 * np.abs(distribution(first) - distribution(last)).sum(axis=1)
        drift = float(tv.mean())
        flips = int((first.argmax(axis=1) != last.argmax(axis=1)).sum())
    else:
        drift, flips = 0.0, 0
    messages = sum(messages_heard(h) for _, h in trace.inboxes) + sum(
        b.messages for b in trace.ballots
    )
    return Summary(
        status=status,
        option=option,
        commits=commits,
        safety_violation=len(set(honest_commits.tolist())) > 1,
        deciding_ballot=deciding,
        tally=tally,
        rounds_used=trace.rounds_used,
        messages=messages,
        honest_drift=round(drift, 6),
        honest_flips=flips,
    )

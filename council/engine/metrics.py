"""A run's metrics, each defined once (DESIGN "How a run goes", 8-10).

The run record (``council.engine.records``) and a sweep's row (``council.experiments.blocks``)
both take them from ``measure``; ``METRICS`` names them in the order both list them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from council.engine.adversary import NONE
from council.engine.context import RunContext
from council.engine.outcome import Summary
from council.engine.phases import Trace, messages_heard
from council.rules.opinion import distribution


@dataclass(frozen=True)
class RunMetrics:
    """What one run measured, in the order the record's ``metrics`` and a sweep row list it."""

    safety_violation: bool
    """Two honest seats committed different options."""
    agrees_with_baseline: bool | None
    """The outcome's option is the fault-free run's (both none counts); None: not computed."""
    rounds_used: int
    """Deliberation rounds run after the opening."""
    messages: int
    """Point-to-point messages, deliberation and protocol, one per recipient."""
    honest_drift: float
    """Mean total-variation distance of honest seats' opening and final preferences, 6 decimals."""
    honest_flips: int
    """Honest seats whose top option changed between the opening and the last round."""


METRICS: tuple[str, ...] = tuple(f.name for f in fields(RunMetrics))
"""The metrics' names, in order (a sweep table's result columns after status and option)."""


def measure(ctx: RunContext, trace: Trace, summary: Summary, baseline: int | None) -> RunMetrics:
    """The metrics of a run whose outcome is ``summary``; ``baseline`` None: not computed.

    ``summary.option`` is what the baseline is compared with (NONE for no decision).
    """
    drift, flips = honest_drift_and_flips(ctx, trace)
    return RunMetrics(
        safety_violation=safety_violation(ctx, summary.commits),
        agrees_with_baseline=agrees(summary.option, baseline),
        rounds_used=trace.rounds_used,
        messages=messages(trace),
        honest_drift=drift,
        honest_flips=flips,
    )


def agrees(option: int, baseline: int | None) -> bool | None:
    """Whether an outcome's option is the baseline's (None when there is no baseline).

    >>> agrees(2, 2), agrees(NONE, NONE), agrees(1, NONE), agrees(1, None)
    (True, True, False, None)
    """
    return None if baseline is None else bool(option == baseline)


def safety_violation(ctx: RunContext, commits: np.ndarray) -> bool:
    """Whether two honest seats committed different options (``commits``: NONE for none)."""
    honest = commits[ctx.honest]
    honest = honest[honest != NONE]
    return bool(len(honest)) and bool((honest != honest[0]).any())


def honest_drift_and_flips(ctx: RunContext, trace: Trace) -> tuple[float, int]:
    """Honest drift (rounded to 6 decimals) and honest flips, from the opening to the last round."""
    honest = ctx.honest
    first, last = trace.views[0][honest], trace.views[-1][honest]
    if not len(first):
        return 0.0, 0
    # One softmax over both sets of rows: row by row, the same numbers as two.
    both = distribution(np.concatenate([first, last]))
    tv = 0.5 * np.abs(both[: len(first)] - both[len(first) :]).sum(axis=1)
    drift = float(tv.sum() / len(tv))
    flips = int((first.argmax(axis=1) != last.argmax(axis=1)).sum())
    return round(drift, 6), flips


def messages(trace: Trace) -> int:
    """Point-to-point messages delivered: every deliberation round's and every ballot's."""
    # Most rounds hear over the same (cached) graph: count each distinct one once.
    heard_counts: dict[int, int] = {}
    count = 0
    for _, heard in trace.inboxes:
        key = id(heard)
        if key not in heard_counts:
            heard_counts[key] = messages_heard(heard)
        count += heard_counts[key]
    return count + sum(b.messages for b in trace.ballots)

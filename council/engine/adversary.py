"""What faulty seats send, asked of the run's fault model (``council.rules.faults``).

The model carries the behaviour; this module only hands it the round's arrays and applies
what is common to every model: without faulty seats everyone hears the same views, and a
silent statement is heard by nobody. Arrays are indexed [recipient, sender].
"""

from __future__ import annotations

import numpy as np

from council.engine.context import RunContext
from council.rules.faults import NONE as NONE
from council.rules.faults import FaultyBallots as FaultyBallots
from council.rules.faults.base import same_for_all


def deliberation_inbox(
    ctx: RunContext, views: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray]:
    """What each seat hears in a round: (inbox (n, n, K), heard (n, n)), both read-only.

    ``views`` (n, K) is every seat's current view (a faulty seat's row is its own). Without
    faulty seats every recipient hears the same views: the inbox is then a broadcast of
    ``views``, not a copy.
    """
    heard = ctx.hears
    faulty = ctx.faulty.nonzero()[0]
    if not len(faulty):
        return same_for_all(views, len(views)), heard
    inbox = ctx.fault.inbox(ctx, faulty, views, step)
    if ctx.fault.silent(step - 1):  # round step carries the statements of round step - 1
        heard = heard.copy()
        heard[:, faulty] = False
    return inbox, heard

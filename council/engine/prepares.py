"""A ballot's prepare phase as received: the ballots sent, and each seat's winner and support.

Every honest seat sends its own ballot to all; the faulty seats send what their fault model
says, in a few variants (``FaultyBallots``). Views differ only in that variant, so each distinct
view is decided once: with the method's vectorised form where it has one (one row of totals
per view), else with its scalar form view by view. Network faults and quorum systems beyond one
threshold make every view its own (``council.engine.views``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.engine.context import RunContext
from council.engine.views import decide_delivered, honest_senders
from council.rules.faults import NONE, FaultyBallots
from council.rules.voting import Method, Profile


@dataclass(frozen=True)
class Received:
    """The prepares as received: every seat's own ballot, and what the faulty seats sent whom."""

    ranks: np.ndarray
    """(n, K) every seat's own ranking (faulty rows are replaced per recipient below)."""
    approve: np.ndarray | None
    """(n, K) every seat's own approvals (None when the method does not read them)."""
    faulty: FaultyBallots | None
    """What the faulty seats sent (None without faulty seats)."""
    cast: np.ndarray
    """(n,) first choice each seat sent (most sent, for a faulty seat)."""


def receive(
    ctx: RunContext,
    faulty: np.ndarray,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    step: int,
    after_round: int,
) -> Received:
    """Every seat's own ballot, and what the fault model has the faulty seats send whom."""
    cast = ranks[:, 0].copy()
    sent = None
    if len(faulty):
        sent = ctx.fault.ballots(ctx, faulty, ranks, approve, step, after_round)
        if sent.speaks:
            # What each faulty seat put first, counted over recipients (variants weighted).
            m, k = len(faulty), ctx.n_options
            weight = np.bincount(sent.variant, minlength=len(sent.rankings))
            index = np.arange(m) * k + sent.rankings[:, :, 0]  # (V, m)
            counts = np.bincount(
                index.ravel(), weights=np.repeat(weight, m), minlength=m * k
            ).reshape(m, k)
            cast[faulty] = counts.argmax(axis=1)
        else:
            cast[faulty] = NONE
    return Received(ranks, approve, sent, cast)


def decide_views(
    ctx: RunContext,
    faulty: np.ndarray,
    got: Received,
    absent: np.ndarray | None = None,
    delivered: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's method winner and its support, computing each distinct view once.

    Views differ only in what the faulty seats sent, which comes in a few variants. ``absent``
    honest seats sent no ballot. ``delivered`` (network faults): which ballots reached whom;
    then every view is its own.
    """
    if delivered is not None:
        voters = honest_senders(ctx, absent)
        return decide_delivered(ctx.method, faulty, got, voters, delivered)
    ranks, approve = got.ranks, got.approve
    if len(faulty) or absent is not None:
        voters = ctx.honest if absent is None else ctx.honest & ~absent
        ranks, approve = ranks[voters], None if approve is None else approve[voters]
    sent = got.faulty
    if sent is None or not sent.speaks or not sent.rankings.shape[1]:
        w, b = decide_many(ctx.method, ranks, approve, None, None)
        return w.repeat(ctx.n), b.repeat(ctx.n)
    w, b = decide_many(ctx.method, ranks, approve, sent.rankings, sent.approvals)
    return w[sent.variant], b[sent.variant]


def decide_many(
    method: Method,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    extra_ranks: np.ndarray | None,
    extra_approve: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Winner and support of each view: the common ballots plus one set of extra ballots each.

    ``ranks`` and ``approve`` (m, K) are the ballots every view holds; ``extra_ranks`` and
    ``extra_approve`` (V, e, K) the ones only view v holds. With no extra ballots, one view.
    Winners tie to the lower option; NONE, 0 for no ballots. ``approve`` may be None when the
    method does not read approvals.
    """
    k = ranks.shape[1]
    if approve is None:
        approve = np.zeros(ranks.shape, dtype=bool)
    extra = extra_ranks is not None and extra_approve is not None and extra_ranks.shape[1] > 0
    if not len(ranks) and not extra:
        views = 1 if extra_ranks is None else len(extra_ranks)
        return np.full(views, NONE), np.zeros(views, dtype=int)
    backing_rule = method.support_scores
    backing = backing_rule(ranks, approve)[None, :]
    if extra:
        assert extra_ranks is not None and extra_approve is not None
        backing = backing + backing_rule(extra_ranks, extra_approve)
    scoring = method.scores
    if scoring is backing_rule:
        winner = backing.argmax(axis=1)
    elif scoring is not None:
        totals = scoring(ranks, approve)[None, :]
        if extra:
            assert extra_ranks is not None and extra_approve is not None
            totals = totals + scoring(extra_ranks, extra_approve)
        winner = totals.argmax(axis=1)
    else:
        if not extra or extra_ranks is None or extra_approve is None:
            extra_ranks = np.zeros((1, 0, k), dtype=np.intp)
            extra_approve = np.zeros((1, 0, k), dtype=bool)
        winner = np.array(
            [
                method(
                    Profile.trusted(
                        np.concatenate([ranks, extra_ranks[v]]),
                        np.concatenate([approve, extra_approve[v]]),
                    )
                )[0]
                for v in range(len(extra_ranks))
            ]
        )
    return winner, backing[np.arange(len(winner)), winner]

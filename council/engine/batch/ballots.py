"""One ballot of many runs at once: ballots, faulty prepares and commits, views, locks.

``council.engine.protocols.run_ballot`` with a run axis in front, for a plain threshold
without network faults: every seat's view is the honest ballots plus the variant of the faulty
seats' ballots it received, scored with the method's vectorised form (its additive rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.rules.faults import NONE
from council.rules.faults.runs import RunDraws, RunForm, positions
from council.rules.voting import METHODS, Profile

SCORED = ("plurality", "approval", "borda")
"""Methods decided by their additive rows; the others (Copeland, IRV) view by view."""


@dataclass
class Protocol:
    """What a ballot needs of its cell: seats, options, rules, the fault's run form."""

    n: int
    k: int
    threshold: int
    quorum: int
    bft: bool
    method: str
    approval: bool
    form: RunForm | None
    """The fault model's run form (None: the kernel runs only fault-free runs of the cell)."""


@dataclass
class BallotOut:
    """What a ballot leaves for the metrics: first choices cast, messages, the new state."""

    cast: np.ndarray
    messages: np.ndarray
    committed: np.ndarray
    locked: np.ndarray


def rankings(scores: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """``honest_rankings`` per run: own order, a pinned option (NONE: none) put first."""
    ranks = np.argsort(-scores, axis=-1, kind="stable")
    if (pinned == NONE).all():
        return ranks
    rows = pinned != NONE
    position = positions(ranks[rows])
    position[np.arange(len(position)), pinned[rows]] = -1
    ranks[rows] = np.argsort(position, axis=-1, kind="stable")
    return ranks


def approvals(scores: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """``honest_ballots``' approvals per run: above zero and the top; a pinned seat its pin."""
    approve = scores > 0
    top = scores.argmax(axis=-1)
    np.put_along_axis(approve, top[..., None], True, axis=-1)
    rows = pinned != NONE
    if rows.any():
        approve[rows] = False
        approve[rows, pinned[rows]] = True
    return approve


def score_rows(method: str, ranks: np.ndarray, approve: np.ndarray | None, k: int) -> np.ndarray:
    """Each ballot's additive row (..., K) of a vectorised method (plurality, approval, borda).

    Plurality reads only the first of each ranking (``ranks`` may hold only those).
    """
    if method == "approval":
        assert approve is not None
        return approve.astype(np.int64)
    if method == "borda":
        return (k - 1 - positions(ranks)).astype(np.int64)
    return (ranks[..., :1] == np.arange(k)).astype(np.int64)


def _decide(
    p: Protocol,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    honest: np.ndarray,
    extra_ranks: np.ndarray | None,
    extra_approve: np.ndarray | None,
    variant: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's winner and backing (A, n): honest ballots plus its variant's faulty ones."""
    support = "approval" if p.approval else "plurality"
    mask = honest[..., None]
    backing = (score_rows(support, ranks, approve, p.k) * mask).sum(axis=1)[:, None, :]  # (A, 1, K)
    totals = None
    if p.method != support and p.method in SCORED:
        totals = (score_rows(p.method, ranks, approve, p.k) * mask).sum(axis=1)[:, None, :]
    if extra_ranks is not None:
        backing = backing + score_rows(support, extra_ranks, extra_approve, p.k).sum(axis=-2)
        if totals is not None:
            totals = totals + score_rows(p.method, extra_ranks, extra_approve, p.k).sum(axis=-2)
    if p.method in SCORED:
        winner = (backing if totals is None else totals).argmax(axis=-1)  # (A, V)
    else:
        winner = _winners_each(p.method, ranks, honest, extra_ranks, backing.shape[1])
    held = np.take_along_axis(backing, winner[..., None], axis=-1)[..., 0]
    if variant is None:
        n = ranks.shape[1]
        return np.repeat(winner, n, axis=1), np.repeat(held, n, axis=1)
    return np.take_along_axis(winner, variant, axis=1), np.take_along_axis(held, variant, axis=1)


def _winners_each(
    method: str,
    ranks: np.ndarray,
    honest: np.ndarray,
    extra_ranks: np.ndarray | None,
    views: int,
) -> np.ndarray:
    """(A, V) winners of a method without additive rows (Copeland, IRV), view by view.

    Each view's profile is what ``prepares.decide_many`` hands the method: the run's honest
    rankings in seat order, then that variant's faulty ones; a view with no ballot at all is
    decided by nobody (its support is 0, below any threshold: option 0 stands in).
    """
    rule = METHODS.create(method)
    runs, _, k = ranks.shape
    winner = np.zeros((runs, views), dtype=np.intp)
    for a in range(runs):
        base = ranks[a][honest[a]]
        for v in range(views):
            both = base if extra_ranks is None else np.concatenate([base, extra_ranks[a, v]])
            if len(both):
                winner[a, v] = rule(Profile.trusted(both, np.zeros(both.shape, dtype=bool)))[0]
    return winner


def run_ballot(
    p: Protocol,
    scores: np.ndarray,
    faulty: np.ndarray,
    index: np.ndarray,
    draws: RunDraws,
    committed: np.ndarray,
    locked: np.ndarray,
    ballot: int,
) -> BallotOut:
    """One ballot for A runs (``protocols.run_ballot``, plain threshold, no network faults)."""
    runs, n, k = scores.shape
    m = index.shape[1]
    step = 10_000 + 2 * ballot
    honest = ~faulty
    pinned = np.where(committed != NONE, committed, locked)
    ranks = rankings(scores, pinned)
    approve = approvals(scores, pinned) if p.approval else None
    cast = ranks[:, :, 0].copy()
    rows = np.arange(runs)[:, None]
    form = p.form if m else None
    sent = None
    if form is not None:
        whole = p.method not in ("plurality", "approval")  # plurality and approval read firsts
        sent = form.prepared(ranks, honest, index, draws, step, whole=whole)
        cast[rows, index] = sent.cast
    if sent is None or sent.rankings is None:
        winner, backing = _decide(p, ranks, approve, honest, None, None, None)
    else:
        winner, backing = _decide(
            p, ranks, approve, honest, sent.rankings, sent.approvals, sent.variant
        )
    senders = n - m if form is not None and form.silent else n
    messages = np.full(runs, senders * (n - 1), dtype=np.int64)
    reach = backing >= p.threshold
    committed = committed.copy()
    locked = locked.copy()
    if not p.bft:
        ready = reach & honest & (committed == NONE)
        committed[ready] = winner[ready]
        return BallotOut(cast, messages, committed, locked)
    held = np.where(committed != NONE, committed, locked)
    reached = reach & honest
    moves = reached & (held != NONE) & (winner != held) & (committed == NONE)
    reached &= (held == NONE) | (winner == held) | moves
    locked[reached] = winner[reached]
    chosen = np.where(reached, winner, NONE)
    counts = ((chosen[..., None] == np.arange(k)).sum(axis=1))[:, None, :]  # (A, 1, K)
    messages += reached.sum(axis=1) * (n - 1)
    if form is not None and sent is not None:
        would = np.where(reach[rows, index], winner[rows, index], NONE)
        extra, sent_messages = form.commits(sent, would, index, draws, step + 1, k)
        counts = counts + extra
        messages += sent_messages
    ready = honest & (committed == NONE) & (counts.max(axis=-1) >= p.quorum)
    choice = np.broadcast_to(counts.argmax(axis=-1), (runs, n))
    committed[ready] = choice[ready]
    return BallotOut(cast, messages, committed, locked)

"""One ballot of many runs at once: ballots, faulty prepares and commits, views, locks.

``council.engine.protocols.run_ballot`` with a run axis in front, for a plain threshold
without network faults: every seat's view is the honest ballots plus the variant of the faulty
seats' ballots it received, scored with the method's vectorised form (its additive rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.engine.batch.draws import random_commits, random_rankings
from council.engine.batch.rounds import PUSHING
from council.rules.faults import NONE


@dataclass
class Protocol:
    """What a ballot needs of its cell: seats, options, rules, the fault's name."""

    n: int
    k: int
    threshold: int
    quorum: int
    bft: bool
    method: str
    approval: bool
    fault: str
    pushed: int
    """The option a pushing fault pushes (NONE for other faults)."""


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
    position = np.argsort(ranks[rows], axis=-1)
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
        return (k - 1 - np.argsort(ranks, axis=-1)).astype(np.int64)
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
    if p.method != support:
        totals = (score_rows(p.method, ranks, approve, p.k) * mask).sum(axis=1)[:, None, :]
    if extra_ranks is not None:
        backing = backing + score_rows(support, extra_ranks, extra_approve, p.k).sum(axis=-2)
        if totals is not None:
            totals = totals + score_rows(p.method, extra_ranks, extra_approve, p.k).sum(axis=-2)
    winner = (backing if totals is None else totals).argmax(axis=-1)  # (A, V)
    held = np.take_along_axis(backing, winner[..., None], axis=-1)[..., 0]
    if variant is None:
        n = ranks.shape[1]
        return np.repeat(winner, n, axis=1), np.repeat(held, n, axis=1)
    return np.take_along_axis(winner, variant, axis=1), np.take_along_axis(held, variant, axis=1)


def _equivocation(
    ranks: np.ndarray, honest: np.ndarray, index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``Equivocate.ballots`` per run: (rankings (A,2,m,K), approvals, variant (A,n), lean, a/b)."""
    runs, n, k = ranks.shape
    rows = np.arange(runs)
    position = np.argsort(ranks, axis=-1)
    counts = np.zeros((runs, k), dtype=np.int64)
    np.add.at(counts, (np.repeat(rows, n)[honest.ravel()], ranks[:, :, 0][honest]), 1)
    a = counts.argmax(axis=1)
    counts[rows, a] = -1
    b = counts.argmax(axis=1)
    agreed = (counts[rows, b] == 0) & honest.any(axis=1)
    if agreed.any():
        # Every honest seat ranks a first: b is the option they rank highest on average (the
        # sum of positions orders as the mean does, exactly).
        total = (position * honest[..., None]).sum(axis=1)
        total[rows, a] = np.iinfo(np.int64).max
        b = np.where(agreed, total.argmin(axis=1), b)
    pa = position[rows[:, None], np.arange(n), a[:, None]]
    pb = position[rows[:, None], np.arange(n), b[:, None]]
    lean = np.where(pa <= pb, a[:, None], b[:, None])
    m = index.shape[1]
    own = ranks[rows[:, None], index]  # (A, m, K)
    middle = own[(own != a[:, None, None]) & (own != b[:, None, None])].reshape(runs, m, k - 2)
    out = np.empty((runs, 2, m, k), dtype=np.intp)
    out[:, :, :, 1:-1] = middle[:, None]
    out[:, 0, :, 0] = out[:, 1, :, -1] = a[:, None]
    out[:, 0, :, -1] = out[:, 1, :, 0] = b[:, None]
    approve = np.zeros((runs, 2, m, k), dtype=bool)
    approve[rows, 0, :, a] = True
    approve[rows, 1, :, b] = True
    variant = (lean != a[:, None]).astype(np.intp)
    return out, approve, variant, lean, np.stack([a, b], axis=1)


def _pushed_ballots(
    ranks: np.ndarray, index: np.ndarray, option: int
) -> tuple[np.ndarray, np.ndarray]:
    """``Pushing.ballots`` per run: own rankings with the option first, approving only it."""
    runs, _, k = ranks.shape
    m = index.shape[1]
    own = ranks[np.arange(runs)[:, None], index]  # (A, m, K)
    out = np.empty((runs, 1, m, k), dtype=np.intp)
    out[:, 0, :, 0] = option
    out[:, 0, :, 1:] = own[own != option].reshape(runs, m, k - 1)
    approve = np.zeros((runs, 1, m, k), dtype=bool)
    approve[..., option] = True
    return out, approve


def run_ballot(
    p: Protocol,
    scores: np.ndarray,
    faulty: np.ndarray,
    index: np.ndarray,
    seeds: np.ndarray,
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
    extra_r = extra_a = variant = lean = None
    if m and p.fault == "equivocate":
        extra_r, extra_a, variant, lean, pair = _equivocation(ranks, honest, index)
        told_b = variant.sum(axis=1)  # recipients told b
        first = np.where(told_b > n - told_b, pair[:, 1], pair[:, 0])
        first = np.where(told_b * 2 == n, pair.min(axis=1), first)
        cast[rows, index] = first[:, None]
    elif m and p.fault == "crash":
        cast[rows, index] = NONE  # silent: nothing sent, nothing received
    elif m and p.fault in PUSHING:
        extra_r, extra_a = _pushed_ballots(ranks, index, p.pushed)
        variant = np.zeros((runs, n), dtype=np.intp)
        cast[rows, index] = p.pushed
    elif m:
        # (A, n, m, K): one variant each (plurality and approval read only the firsts)
        extra_r = random_rankings(seeds, step, n, m, k, whole=p.method == "borda")
        extra_a = extra_r[..., :1] == np.arange(k)
        variant = np.broadcast_to(np.arange(n), (runs, n))
        tops = extra_r[..., 0].transpose(0, 2, 1)  # (A, m, n) each faulty seat's firsts
        counts = (tops[..., None] == np.arange(k)).sum(axis=2)
        cast[rows, index] = counts.argmax(axis=-1)
    winner, backing = _decide(p, ranks, approve, honest, extra_r, extra_a, variant)
    senders = n - m if m and p.fault == "crash" else n
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
    sent = np.where(reached, winner, NONE)
    counts = ((sent[..., None] == np.arange(k)).sum(axis=1))[:, None, :]  # (A, 1, K)
    messages += reached.sum(axis=1) * (n - 1)
    if m and p.fault == "crash":
        pass  # no commits from crashed seats
    elif m and p.fault in PUSHING:
        # The protocol's own rule, for its option only: the same commits to everyone.
        would = np.where(reach[rows, index], winner[rows, index], NONE)
        backers = (would == p.pushed).sum(axis=1)  # (A,)
        counts = counts + backers[:, None, None] * (np.arange(k) == p.pushed)
        messages += backers * (n - 1)
    elif m:
        if p.fault == "equivocate":
            assert lean is not None
            counts = counts + m * (lean[..., None] == np.arange(k))
        else:
            commits = random_commits(seeds, step + 1, n, m, k)  # (A, n, m)
            counts = counts + (commits[..., None] == np.arange(k)).sum(axis=2)
        messages += n * m - m
    ready = honest & (committed == NONE) & (counts.max(axis=-1) >= p.quorum)
    choice = np.broadcast_to(counts.argmax(axis=-1), (runs, n))
    committed[ready] = choice[ready]
    return BallotOut(cast, messages, committed, locked)

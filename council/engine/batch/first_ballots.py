"""A ballot of a method that reads first choices, compiled (numba), for the random fault.

``ballots.run_ballot``'s numpy steps for plurality and approval under a fault whose messages
are drawn from the runs' streams (``RunForm.random``): that fault's draws already load numba
(``pcg``), so other sweeps never load it for their ballots. Three passes, run by run:

- ``firsts``: each seat's first choice (its pin, else its highest score, the first on a
  tie as ``argmax`` takes it) and the honest seats' counts per option (their firsts, or
  their approvals: above zero and the top, a pinned seat its pin alone);
- ``decide``: each view's count (the honest counts plus what that view's faulty ballots
  put first), its winner (the first of the most) and that winner's count, per recipient;
- ``commit_top``: the commits each recipient holds (the honest seats that reached a quorum,
  plus the faulty seats' commits to it), their most-committed option and its count.

Counts are integers: the same numbers as the numpy steps, exactly (tests hold them equal).
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.jit import njit
from council.rules.faults import NONE


@njit(cache=True)
def _firsts(scores, pinned, honest, approval, firsts, base):  # type: ignore[no-untyped-def]
    """Fill firsts (A, n) and base (A, K): see ``firsts``."""
    runs, n, k = scores.shape
    for a in range(runs):
        counts = base[a]
        counts[:] = 0
        for i in range(n):
            row = scores[a, i]
            top = 0
            for o in range(1, k):
                if row[o] > row[top]:
                    top = o
            pin = pinned[a, i]
            first = top if pin == NONE else pin
            firsts[a, i] = first
            if not honest[a, i]:
                continue
            if approval and pin == NONE:
                for o in range(k):
                    if row[o] > 0.0 or o == top:
                        counts[o] += 1
            else:
                counts[first] += 1


def firsts(
    scores: np.ndarray, pinned: np.ndarray, honest: np.ndarray, approval: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's first choice (A, n) and the honest ballots' counts per option (A, K).

    ``scores`` (A, n, K); ``pinned`` (A, n) a seat's pinned option (NONE: none); under
    ``approval`` the counts are of approvals, else of firsts.
    """
    runs, n, k = scores.shape
    first = np.empty((runs, n), dtype=np.int64)
    base = np.empty((runs, k), dtype=np.int64)
    _firsts(np.ascontiguousarray(scores), pinned.astype(np.int64, copy=False), honest,
            bool(approval), first, base)  # fmt: skip
    return first, base


@njit(inline="always", cache=True)
def _top_of(counts, extra, v, a):  # type: ignore[no-untyped-def]
    """The most of ``counts`` (K) plus ``extra[v, :, a]``: its option (first on a tie), count."""
    top = 0
    most = counts[0] + extra[v, 0, a]
    for o in range(1, len(counts)):
        c = counts[o] + extra[v, o, a]
        if c > most:
            top, most = o, c
    return top, most


@njit(cache=True)
def _decide(base, extra, variant, winner, held):  # type: ignore[no-untyped-def]
    """Fill winner and held (A, n): see ``decide``."""
    runs, n = variant.shape
    views = extra.shape[0]
    best = np.empty(views, dtype=np.int64)
    most = np.empty(views, dtype=np.int64)
    for a in range(runs):
        for v in range(views):
            best[v], most[v] = _top_of(base[a], extra, v, a)
        for i in range(n):
            v = variant[a, i]
            winner[a, i] = best[v]
            held[a, i] = most[v]


def decide(
    base: np.ndarray, extra: np.ndarray, variant: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each recipient's winner and its count (A, n): honest ``base`` (A, K) plus its view's.

    ``extra`` (A, V, K): how many of each view's faulty ballots count for each option;
    ``variant`` (A, n): the view each recipient receives.
    """
    runs, n = variant.shape
    winner = np.empty((runs, n), dtype=np.int64)
    held = np.empty((runs, n), dtype=np.int64)
    by_view = np.ascontiguousarray(extra.transpose(1, 2, 0), dtype=np.int64)  # (V, K, A)
    _decide(base, by_view, variant.astype(np.int64, copy=False), winner, held)
    return winner, held


@njit(cache=True)
def _commit_top(winner, reached, extra, top, most):  # type: ignore[no-untyped-def]
    """Fill top and most (A, R): see ``commit_top``."""
    runs, n = winner.shape
    recipients, k = extra.shape[0], extra.shape[1]
    counts = np.empty(k, dtype=np.int64)
    for a in range(runs):
        counts[:] = 0
        for i in range(n):
            if reached[a, i]:
                counts[winner[a, i]] += 1
        for r in range(recipients):
            top[a, r], most[a, r] = _top_of(counts, extra, r, a)


def commit_top(
    winner: np.ndarray, reached: np.ndarray, extra: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The most-committed option and its count per recipient (A, R), the first on a tie.

    Each run's commits are those of the seats ``reached`` (A, n) for their ``winner`` (A, n),
    plus ``extra`` (A, R, K): the faulty seats' commits to each recipient (R = n), or to
    everyone alike (R = 1).
    """
    runs, recipients = extra.shape[0], extra.shape[1]
    top = np.empty((runs, recipients), dtype=np.int64)
    most = np.empty((runs, recipients), dtype=np.int64)
    by_recipient = np.ascontiguousarray(extra.transpose(1, 2, 0), dtype=np.int64)  # (R, K, A)
    _commit_top(winner.astype(np.int64, copy=False), reached, by_recipient, top, most)
    return top, most

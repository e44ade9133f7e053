"""The split an equivocator works on: the two options the honest seats split on most.

Read from preferences (deliberation) or from rankings (ballots); the two give the same answer.
"""

from __future__ import annotations

import numpy as np

from council.rules.faults.base import FaultContext


def split_pair(honest: np.ndarray, preference: np.ndarray) -> tuple[int, int]:
    """The two options the honest seats split on most.

    The two most common first choices (ties to the lower index); if the honest seats all
    agree, their choice and the best-liked other.

    >>> split_pair(np.array([True, True, True]), np.array([[0.0, 1, 0], [1, 0, 0], [0, 1, 0]]))
    (1, 0)
    """
    prefs = preference[honest]
    k = preference.shape[1]
    first, second, agreed = _top_two(prefs.argmax(axis=1), k)
    if not agreed:
        return first, second
    means = prefs.mean(axis=0)
    means[first] = -np.inf
    return first, int(means.argmax())


def _top_two(choices: np.ndarray, k: int) -> tuple[int, int, bool]:
    """The two most common of ``choices`` (ties to the lower option), and whether all agree.

    ``agreed`` is True when every choice is the first (and there is at least one choice and a
    second option): the caller then picks the second by another measure.
    """
    counts = np.bincount(choices, minlength=k)
    first = int(counts.argmax())
    if k < 2:
        return first, first, False
    counts[first] = -1
    second = int(counts.argmax())
    return first, second, bool(len(choices)) and counts[second] == 0


def leanings(ctx: FaultContext, preference: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The split pair (a, b) and, per seat, which of the two it leans to (a on a tie)."""
    a, b = split_pair(ctx.honest, preference)
    lean = np.where(preference[:, a] >= preference[:, b], a, b)
    return a, b, lean


def ranked_leanings(ctx: FaultContext, rankings: np.ndarray) -> tuple[int, int, np.ndarray]:
    """``leanings`` of ballots: the split of the honest rankings, and who ranks a above b.

    The same answer as ``leanings`` on preferences read off the rankings (higher ranked,
    preferred), computed without them.

    >>> class Ctx:
    ...     honest = np.array([True, True, True])
    >>> ranked_leanings(Ctx(), np.array([[1, 0, 2], [0, 1, 2], [1, 2, 0]]))
    (1, 0, array([1, 0, 1]))
    """
    k = rankings.shape[1]
    own = rankings[ctx.honest]
    a, b, agreed = _top_two(own[:, 0], k)
    position = np.argsort(rankings, axis=1)
    if agreed:
        # All honest seats rank a first: b is the option they rank highest on average.
        mean = position[ctx.honest].mean(axis=0)
        mean[a] = np.inf
        b = int(mean.argmin())
    lean = np.where(position[:, a] <= position[:, b], a, b)
    return a, b, lean

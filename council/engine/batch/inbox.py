"""What each seat's inbox adds up to when the faulty seats tell every recipient its own views.

Compiled (numba), for the random fault: ``rounds._sums_per_recipient`` imports it when a
round has one variant per recipient, so only those sweeps load numba. The sums run sender by
sender in order, from zero, skipping the recipient itself, as ``fj_update``'s einsum adds
them (``rounds.fj_rows``): the same floats, bit for bit.
"""

from __future__ import annotations

import numba  # type: ignore[import-untyped]
import numpy as np


@numba.njit(cache=True)
def _sums(said, index, variants, which, total):  # type: ignore[no-untyped-def]
    n, k, runs = said.shape
    position = np.empty(n, dtype=np.int64)
    own = np.empty((n, k))
    acc = np.empty((n, k))
    for a in range(runs):
        position[:] = -1
        for p in range(index.shape[1]):
            position[index[a, p]] = p
        for j in range(n):
            for o in range(k):
                own[j, o] = said[j, o, a]
        acc[:] = 0.0
        for j in range(n):
            p = position[j]
            if p < 0:
                for i in range(n):
                    if i != j:
                        for o in range(k):
                            acc[i, o] += own[j, o]
            else:
                for i in range(n):
                    if i != j:
                        v = which[a, i]
                        for o in range(k):
                            acc[i, o] += variants[a, v, p, o]
        for i in range(n):
            for o in range(k):
                total[i, o, a] = acc[i, o]


def sums_per_recipient(
    said: np.ndarray, index: np.ndarray, variants: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """(n, K, A): each recipient's sum of the views it hears, the faulty seats' its own.

    ``said`` (n senders, K, A) the views sent; ``index`` (A, m) the faulty seats; ``variants``
    (A, V, m, K) what they say and ``which`` (A, n) the variant each recipient hears.
    """
    total = np.empty(said.shape)
    _sums(said, index.astype(np.int64, copy=False), variants, which.astype(np.int64, copy=False),
          total)  # fmt: skip
    return total

"""What each seat's inbox adds up to when the faulty seats tell every recipient its own views.

Compiled (numba), for the random fault: ``rounds._sums_per_recipient`` imports it when a
round has one variant per recipient, so only those sweeps load numba. The sums run sender by
sender in order, from zero, skipping the recipient itself, as ``fj_update``'s einsum adds
them (``rounds.fj_rows``): the same floats, bit for bit.
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.jit import njit


@njit(cache=True)
def _sums(said, index, variants, which, total):  # type: ignore[no-untyped-def]
    """Fill total (n, K, A) for each run's honest recipients; a sender added to all of them.

    A run's views are first gathered into rows over its honest recipients (``heard``: what
    each hears from each faulty seat; an honest sender's view is one number per option), so
    each sender's additions run along a contiguous row, the recipient itself left out.
    Faulty recipients' sums stay zero: the round keeps their views.
    """
    n, k, runs = said.shape
    m = index.shape[1]
    position = np.empty(n, dtype=np.int64)
    place = np.empty(n, dtype=np.int64)
    honest = np.empty(n, dtype=np.int64)
    acc = np.empty((k, n))
    heard = np.empty((m, k, n))
    total[:] = 0.0
    for a in range(runs):
        position[:] = -1
        for p in range(m):
            position[index[a, p]] = p
        h = 0
        for i in range(n):
            place[i] = -1
            if position[i] < 0:
                honest[h] = i
                place[i] = h
                h += 1
        for r in range(h):
            v = which[a, honest[r]]
            for p in range(m):
                for o in range(k):
                    heard[p, o, r] = variants[a, v, p, o]
        acc[:, :h] = 0.0
        for j in range(n):
            p = position[j]
            skip = place[j]  # the sender's own row (-1: a faulty sender, no row)
            for o in range(k):
                row = acc[o]
                if p < 0:
                    x = said[j, o, a]
                    for r in range(skip):
                        row[r] += x
                    for r in range(skip + 1, h):
                        row[r] += x
                else:
                    told = heard[p, o]
                    for r in range(h):
                        row[r] += told[r]
        for r in range(h):
            for o in range(k):
                total[honest[r], o, a] = acc[o, r]


def sums_per_recipient(
    said: np.ndarray, index: np.ndarray, variants: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """(n, K, A): each honest recipient's sum of the views it hears, the faulty seats' its own.

    ``said`` (n senders, K, A) the views sent; ``index`` (A, m) the faulty seats; ``variants``
    (A, V, m, K) what they say and ``which`` (A, n) the variant each recipient hears. A faulty
    recipient's sum is zero (not computed: a round keeps the faulty seats' views).
    """
    total = np.empty(said.shape)
    _sums(said, index.astype(np.int64, copy=False), variants, which.astype(np.int64, copy=False),
          total)  # fmt: skip
    return total

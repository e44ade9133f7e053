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
    """Fill total (n, K, A), run by run; within a run, each sender added to all recipients.

    A run's views are first gathered into rows over recipients (``heard``: what each one
    hears from each faulty seat; an honest sender's view is one number per option), so each
    sender's additions run along a contiguous row, the recipient itself left out.
    """
    n, k, runs = said.shape
    m = index.shape[1]
    position = np.empty(n, dtype=np.int64)
    acc = np.empty((k, n))
    heard = np.empty((m, k, n))
    for a in range(runs):
        position[:] = -1
        for p in range(m):
            position[index[a, p]] = p
        for i in range(n):
            v = which[a, i]
            for p in range(m):
                for o in range(k):
                    heard[p, o, i] = variants[a, v, p, o]
        acc[:] = 0.0
        for j in range(n):
            p = position[j]
            for o in range(k):
                row = acc[o]
                if p < 0:
                    x = said[j, o, a]
                    for i in range(j):
                        row[i] += x
                    for i in range(j + 1, n):
                        row[i] += x
                else:
                    told = heard[p, o]
                    for i in range(j):
                        row[i] += told[i]
                    for i in range(j + 1, n):
                        row[i] += told[i]
        for i in range(n):
            for o in range(k):
                total[i, o, a] = acc[o, i]


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

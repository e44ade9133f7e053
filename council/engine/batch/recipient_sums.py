"""What each seat's inbox adds up to when the faulty seats tell every recipient its own views.

Compiled (numba), for the random fault: ``rounds`` imports it when a round has one variant
per recipient, so only those sweeps load numba. The sums run sender by sender in order, from
zero, skipping the recipient itself, as ``fj_update``'s einsum adds them (``rounds.fj_rows``):
the same floats, bit for bit. ``uniform_round`` is a whole FJ round of the random fault on a
complete graph: its views drawn, added and weighed against the openings in one pass.
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.jit import njit
from council.engine.batch.pcg import _output, _step

CHUNK = 16
"""Runs drawn at once by ``uniform_round``: their draws (33 x 10 x 5 x 16 doubles, 211 KB) stay
in cache. 16 did a round 6 to 9% faster than 32 or 64 (8 was slower: a seed's draws are a
chain, and fewer seeds side by side wait on it)."""


@njit(inline="always", cache=True)
def _add_inbox(sent, index, a, heard, position, acc):  # type: ignore[no-untyped-def]
    """Run a's sums into acc (K, n): sender by sender in order, K rows over n recipients.

    ``sent`` (n, K): the views run a's seats send; ``index`` (A, m): each run's faulty seats;
    ``heard`` (m, K, n): what each of run a's faulty seats tells each recipient. An honest
    sender is added to the whole row and the recipient's own entry put back as it was (x + y,
    then y again: its sum is untouched); the rows stay long and unbroken. ``position`` (n)
    is left holding each seat's place among the faulty seats, -1 for the honest ones; the
    faulty recipients' sums are not meaningful (a round keeps their views).
    """
    n, k = sent.shape
    position[:] = -1
    for p in range(index.shape[1]):
        position[index[a, p]] = p
    acc[:] = 0.0
    for j in range(n):
        p = position[j]
        if p < 0:
            for o in range(k):
                row = acc[o]
                x = sent[j, o]
                kept = row[j]
                for i in range(n):
                    row[i] += x
                row[j] = kept
        else:
            for o in range(k):
                row = acc[o]
                told = heard[p, o]
                for i in range(n):
                    row[i] += told[i]


@njit(cache=True)
def _sums(said, index, variants, which, total):  # type: ignore[no-untyped-def]
    """Fill total (n, K, A): each run's inboxes gathered (``heard``), then ``_add_inbox``."""
    n, k, runs = said.shape
    m = index.shape[1]
    position = np.empty(n, dtype=np.int64)
    acc = np.empty((k, n))
    heard = np.empty((m, k, n))
    for a in range(runs):
        for i in range(n):
            v = which[a, i]
            for p in range(m):
                for o in range(k):
                    heard[p, o, i] = variants[a, v, p, o]
        _add_inbox(said[:, :, a], index, a, heard, position, acc)
        for i in range(n):
            mine = position[i] < 0
            for o in range(k):
                total[i, o, a] = acc[o, i] if mine else 0.0


def sums_per_recipient(
    said: np.ndarray, index: np.ndarray, variants: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """(n, K, A): each honest recipient's sum of the views it hears, the faulty seats' its own.

    ``said`` (n senders, K, A) the views sent; ``index`` (A, m) the faulty seats; ``variants``
    (A, V, m, K) what they say and ``which`` (A, n) the variant each recipient hears. A faulty
    recipient's sum is zero (a round keeps the faulty seats' views).
    """
    total = np.empty(said.shape)
    _sums(said, index.astype(np.int64, copy=False), variants, which.astype(np.int64, copy=False),
          total)  # fmt: skip
    return total


@njit(cache=True)
def _uniform_round(  # type: ignore[no-untyped-def]
    now, first, index, high, low, inc_high, inc_low, start, span, hearing, openness, new
):
    """Fill new (A, n, K): see ``uniform_round``.

    Run a's faulty seats tell recipient i ``start + span * random()`` per seat p and option o,
    drawn from its stream in the order (i, p, o), as ``pcg._doubles`` draws them; CHUNK runs
    are drawn side by side (seeds innermost) and each draw is stored straight into its run's
    (m, K, n) rows of ``heard``, as ``_add_inbox`` reads them (a gather from a seeds-innermost
    array, run by run, cost as much as the adding); a whole block's draws are never held.
    Then each run's sums (``_add_inbox``), and FJ's last step with ``rounds._anchor``'s
    operations in its order.
    """
    runs, n, k = now.shape
    m = index.shape[1]
    scale = 1.0 / 9007199254740992.0
    chunk_high = np.empty(CHUNK, dtype=np.uint64)  # the chunk's states, side by side
    chunk_low = np.empty(CHUNK, dtype=np.uint64)
    chunk_inc_high = np.zeros(CHUNK, dtype=np.uint64)
    chunk_inc_low = np.zeros(CHUNK, dtype=np.uint64)
    heard = np.empty((CHUNK, m, k, n))  # each run's draws, as _add_inbox reads them
    position = np.empty(n, dtype=np.int64)
    acc = np.empty((k, n))
    for a0 in range(0, runs, CHUNK):
        size = min(CHUNK, runs - a0)
        chunk_high[:] = 0  # a short last chunk draws from zero states in its unused places
        chunk_low[:] = 0
        chunk_high[:size] = high[a0 : a0 + size]
        chunk_low[:size] = low[a0 : a0 + size]
        chunk_inc_high[:size] = inc_high[a0 : a0 + size]
        chunk_inc_low[:size] = inc_low[a0 : a0 + size]
        for i in range(n):
            for p in range(m):
                for o in range(k):
                    for c in range(CHUNK):  # a fixed count: the compiler draws side by side
                        h, lo = _step(chunk_high[c], chunk_low[c], chunk_inc_high[c],
                                      chunk_inc_low[c])  # fmt: skip
                        chunk_high[c], chunk_low[c] = h, lo
                        value = start + span * ((_output(h, lo) >> np.uint64(11)) * scale)
                        heard[c, p, o, i] = value  # stored in each run's own layout
        for c in range(size):
            a = a0 + c
            _add_inbox(now[a], index, a, heard[c], position, acc)
            for i in range(n):
                if position[i] >= 0:  # a faulty seat keeps its view
                    for o in range(k):
                        new[a, i, o] = now[a, i, o]
                    continue
                weight = openness[i]
                count = 1.0 + hearing[i]
                for o in range(k):
                    mean = (acc[o, i] + now[a, i, o]) / count
                    mean *= weight
                    held = (1.0 - weight) * first[a, i, o]
                    new[a, i, o] = held + mean


def uniform_round(
    now: np.ndarray,
    first: np.ndarray,
    index: np.ndarray,
    states: tuple[np.ndarray, ...],
    low: float,
    high: float,
    hearing: np.ndarray,
    openness: np.ndarray,
) -> np.ndarray:
    """(A, n, K) an FJ round on a complete graph, each recipient told its own uniform views.

    The views are drawn as they are added; the faulty seats keep their views.

    ``now`` and ``first`` (A, n, K) the views and the openings; ``index`` (A, m) the faulty
    seats; each run draws ``uniform(low, high, (n, m, K))`` from its PCG64 ``states`` (high,
    low, inc high, inc low). ``hearing`` (n) how many seats each one hears, ``openness`` (n).
    ``rounds.fj_rows`` of ``sums_per_recipient`` of those draws, then the faulty seats' views
    put back: the same floats, bit for bit.
    """
    new = np.empty(now.shape)
    _uniform_round(np.ascontiguousarray(now), np.ascontiguousarray(first),
                   np.ascontiguousarray(index, dtype=np.int64), *states, float(low),
                   float(high) - float(low), hearing.astype(np.int64, copy=False),
                   openness.astype(np.float64, copy=False), new)  # fmt: skip
    return new

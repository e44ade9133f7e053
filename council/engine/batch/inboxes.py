"""Rounds the kernel's running sums do not cover: every recipient's whole inbox, then the rule.

The FJ rounds on a complete graph add up the senders without building inboxes
(``rounds.fj_rows``). W-MSR and the majority rule need every view a seat heard, and on a
sparser graph (ring, small-world, scale-free) each seat hears its own neighbours, its run's
graph drawn from the seed. For these the kernel builds each recipient's inbox for a block of
runs at once, (A, n recipients, n senders, K), the faulty senders' rows being what their fault
model's run form told that recipient, and calls the per-run path's own update
(``council.rules.opinion.update_views``) with the runs folded into its rows: each row is
computed as the per-run path computes it, so the floats are the same.
"""

from __future__ import annotations

import numpy as np

from council.rules.opinion import update_views


def inboxes(
    now: np.ndarray, index: np.ndarray, sent: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """(A, n, n, K): what recipient r of run a was sent by each seat, from views ``now``.

    Every seat sends its own view; faulty seat ``index[a, p]`` sends recipient r
    ``variants[a, which[a, r], p]`` instead (``sent`` = (variants (A, V, m, K), which (A, n))).
    """
    runs, n, k = now.shape
    inbox = np.broadcast_to(now[:, None], (runs, n, n, k)).copy()
    if sent is not None and index.shape[1]:
        variants, which = sent
        rows = np.arange(runs)
        told = variants[rows[:, None], which]  # (A, n recipients, m, K)
        inbox[rows[:, None, None], np.arange(n)[None, :, None], index[:, None, :]] = told
    return inbox


def hearing(heard: np.ndarray, runs: int, index: np.ndarray, silent: bool) -> np.ndarray:
    """(A, n, n): who heard whom in each run; nobody hears the faulty seats when ``silent``."""
    n = heard.shape[-1]
    each = np.broadcast_to(heard, (runs, n, n))
    if not silent or not index.shape[1]:
        return each
    each = each.copy()
    mute = np.zeros((runs, n), dtype=bool)
    mute[np.arange(runs)[:, None], index] = True
    each &= ~mute[:, None, :]
    return each


def revise_rows(
    update: str,
    first: np.ndarray,
    now: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    trim: int,
) -> np.ndarray:
    """The update rule's new views (A, n, K) of A runs, each row as ``phases.revise`` has it."""
    runs, n, k = now.shape
    rows = runs * n
    own_first, own_now = first.reshape(rows, k), now.reshape(rows, k)
    inbox_rows, heard_rows = inbox.reshape(rows, n, k), heard.reshape(rows, n)
    new = update_views(
        update, own_first, own_now, inbox_rows, heard_rows, np.tile(openness, runs), trim
    )
    return new.reshape(runs, n, k)

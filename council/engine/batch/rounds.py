"""Deliberation rounds of many runs at once: what each seat hears, and the FJ update.

The arithmetic is ``council.rules.opinion.fj_update`` with a run axis in front (numpy sums a
seat's inbox in the same order either way), and the faulty seats' messages are those of
``council.rules.faults`` (equivocate, random), computed for every run of the block together.
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.draws import uniform_views


def fj_rows(
    first: np.ndarray, now: np.ndarray, inbox: np.ndarray, heard: np.ndarray, openness: np.ndarray
) -> np.ndarray:
    """``fj_update`` of (A, n, K) views from inboxes (A, n, n, K) and heard (n, n)."""
    total = now + np.einsum("mj,bmjk->bmk", heard.astype(float), inbox)
    mean = total / (1.0 + heard.sum(axis=1))[:, None]
    return (1.0 - openness)[:, None] * first + openness[:, None] * mean


def split_pairs(honest: np.ndarray, preference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``split_pair`` per run: (A,) a and b from honest masks (A, n) and preferences (A, n, K).

    The two most common honest first choices (ties to the lower); if every honest seat agrees,
    their choice and the option with the highest mean honest preference.
    """
    runs, _, k = preference.shape
    firsts = preference.argmax(axis=2)
    counts = _counts(firsts, honest, k)
    a = counts.argmax(axis=1)
    rows = np.arange(runs)
    counts[rows, a] = -1
    b = counts.argmax(axis=1)
    agreed = (counts[rows, b] == 0) & honest.any(axis=1)
    if k >= 2 and agreed.any():
        sure = np.flatnonzero(agreed)
        for r in sure.tolist():  # rare: the per-run mean, row for row
            means = preference[r][honest[r]].mean(axis=0)
            means[a[r]] = -np.inf
            b[r] = int(means.argmax())
    if k < 2:
        b = a.copy()
    return a, b


def _counts(choices: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """(A, K) how often each option is among the masked choices (A, n) of each run."""
    runs = len(choices)
    index = (np.arange(runs)[:, None] * k + choices)[mask]
    return np.bincount(index, minlength=runs * k).reshape(runs, k)


def equivocation_inbox(views: np.ndarray, faulty: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``Equivocate.inbox`` per run: each seat told the split option it leans to (A, n, n, K)."""
    runs, n, k = views.shape
    inbox = np.repeat(views[:, None], n, axis=1)
    a, b = split_pairs(~faulty, views)
    rows = np.arange(runs)[:, None]
    told_a = views[rows, np.arange(n), a[:, None]] >= views[rows, np.arange(n), b[:, None]]
    high = np.where(told_a, 1.0, -1.0)  # (A, n) what recipient r hears for a
    run_i = np.arange(runs)[:, None, None]
    recipient = np.arange(n)[None, :, None]
    sender = index[:, None, :]
    inbox[run_i, recipient, sender, a[:, None, None]] = high[:, :, None]
    low = np.where(told_a, -1.0, 1.0)
    low = np.where((a == b)[:, None], 1.0, low)
    inbox[run_i, recipient, sender, b[:, None, None]] = low[:, :, None]
    return inbox


def random_inbox(
    views: np.ndarray, index: np.ndarray, seeds: np.ndarray, round_no: int
) -> np.ndarray:
    """``Random.inbox`` per run: uniform views from the faulty seats, per recipient."""
    runs, n, k = views.shape
    inbox = np.repeat(views[:, None], n, axis=1)
    drawn = uniform_views(seeds, round_no, n, index.shape[1], k)  # (A, n, m, K)
    run_i = np.arange(runs)[:, None, None]
    inbox[run_i, np.arange(n)[None, :, None], index[:, None, :]] = drawn
    return inbox


def deliberate(
    fault: str,
    first: np.ndarray,
    now: np.ndarray,
    faulty: np.ndarray,
    index: np.ndarray,
    seeds: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    round_no: int,
) -> np.ndarray:
    """One round for A runs: the new views (A, n, K); faulty seats keep theirs."""
    runs, n, k = now.shape
    if not index.shape[1]:
        inbox = np.broadcast_to(now[:, None], (runs, n, n, k))
    elif fault == "equivocate":
        inbox = equivocation_inbox(now, faulty, index)
    else:
        inbox = random_inbox(now, index, seeds, round_no)
    new = fj_rows(first, now, inbox, heard, openness)
    if not index.shape[1]:
        return new
    return np.where(faulty[:, :, None], now, new)

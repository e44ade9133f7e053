"""The offline reasoner's arithmetic: opening scores, the FJ and W-MSR updates, ballots.

Pure functions on numpy arrays. A seat's score for an option is its value-weighted sum of the
option's impacts, each principle emphasised by the scenario's harm to it, normalised to [-1, 1],
plus seeded perception noise. Deliberation pulls a seat toward what it hears by its openness and
keeps the rest of it on its own opening view (Friedkin–Johnsen), so honest splits can survive.
"""

from __future__ import annotations

import numpy as np

TEMPERATURE = 0.15
"""Softmax temperature turning scores into a distribution over options (for drift)."""


def base_scores(values: np.ndarray, impacts: np.ndarray, emphasis: np.ndarray) -> np.ndarray:
    """Scores (n, K) in [-1, 1] from values (n, P), impacts (K, P) and emphasis (P,).

    >>> base_scores(np.array([[1.0, 0.0]]), np.array([[1.0, -1.0], [-0.5, 1.0]]), np.ones(2))
    array([[ 1. , -0.5]])
    """
    weights = values * emphasis
    total = weights.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return (weights @ impacts.T) / total


def contributions(values: np.ndarray, impacts: np.ndarray, emphasis: np.ndarray) -> np.ndarray:
    """Per-principle terms (K, P) of one seat's base scores (values is (P,)); they sum to them."""
    weights = values * emphasis
    total = weights.sum() or 1.0
    return impacts * (weights / total)


def opening(base: np.ndarray, noise: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Blind opening scores: base plus perception noise, clipped to [-1, 1].

    ``out``: the array to write them into (the batch kernel gives the noise's own).
    """
    return np.clip(np.add(base, noise, out=out), -1.0, 1.0, out=out)


def fj_update(
    own_opening: np.ndarray,
    own_now: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
) -> np.ndarray:
    """Friedkin–Johnsen: x' = (1 - o) x(0) + o · mean(own view, views heard).

    Shapes: own_* (m, K), inbox (m, n, K) views sent to each seat, heard (m, n) which arrived,
    openness (m,).

    >>> fj_update(np.zeros((1, 2)), np.zeros((1, 2)), np.ones((1, 1, 2)), np.ones((1, 1), bool),
    ...           np.array([0.5]))
    array([[0.25, 0.25]])
    """
    total = own_now + np.einsum("mj,mjk->mk", heard.astype(float), inbox)
    mean = total / (1.0 + heard.sum(axis=1))[:, None]
    return (1.0 - openness)[:, None] * own_opening + openness[:, None] * mean


def wmsr_update(
    own_opening: np.ndarray,
    own_now: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    trim: int,
) -> np.ndarray:
    """W-MSR, then the FJ anchor.

    Per option, drop the ``trim`` highest views above one's own and the ``trim`` lowest below
    it (all of them if fewer), and average the rest with one's own.

    >>> views = np.array([[[0.1], [0.2], [5.0]]])
    >>> wmsr_update(np.zeros((1, 1)), np.zeros((1, 1)), views, np.ones((1, 3), bool),
    ...             np.array([1.0]), trim=1)
    array([[0.1]])
    """
    m, n, k = inbox.shape
    vals = np.where(heard[:, :, None], inbox, np.nan)
    own = own_now[:, None, :]
    above = (vals > own).sum(axis=1)  # (m, K); NaN compares False
    below = (vals < own).sum(axis=1)
    count = heard.sum(axis=1)[:, None]
    # Prefix sums of the sorted views (NaN, the views not heard, sort last): csum[:, i] is the
    # sum of the i lowest. Only prefixes of heard views are read, so the NaN tail is harmless.
    csum = np.zeros((m, n + 1, k))
    np.cumsum(np.sort(vals, axis=1), axis=1, out=csum[:, 1:, :])
    lo = np.minimum(trim, below)
    hi = count - np.minimum(trim, above)
    kept_sum = (
        np.take_along_axis(csum, hi[:, None, :], axis=1)[:, 0, :]
        - np.take_along_axis(csum, lo[:, None, :], axis=1)[:, 0, :]
    )
    kept = np.maximum(hi - lo, 0)
    mean = (own_now + kept_sum) / (1.0 + kept)
    return (1.0 - openness)[:, None] * own_opening + openness[:, None] * mean


def rankings(scores: np.ndarray) -> np.ndarray:
    """Each row's options best first (ties to the lower index)."""
    return np.argsort(-scores, axis=1, kind="stable")


def approvals(scores: np.ndarray) -> np.ndarray:
    """Approval sets: every option scored above zero, and always the seat's top option."""
    approved = scores > 0
    approved[np.arange(len(scores)), scores.argmax(axis=1)] = True
    return approved


def distribution(scores: np.ndarray) -> np.ndarray:
    """Scores turned into a distribution over options (softmax at TEMPERATURE)."""
    z = scores / TEMPERATURE
    z -= z.max(axis=-1)[..., None]
    e = np.exp(z, out=z)
    return e / e.sum(axis=-1)[..., None]


def confidence(scores: np.ndarray) -> np.ndarray:
    """How sure each seat is: 0.5 plus the margin of its top score over the next, in [0, 1]."""
    if scores.shape[1] < 2:
        return np.ones(len(scores))
    top2 = -np.sort(-scores, axis=1)[:, :2]
    return np.clip(0.5 + (top2[:, 0] - top2[:, 1]), 0.0, 1.0)


def human_view(view: np.ndarray, option: int, confidence: float) -> np.ndarray:
    """A person's statement as a view: their seat's view with their option put on top.

    The margin grows with their confidence, so a sure trainee pulls peers harder.

    >>> human_view(np.array([0.5, 0.2]), 1, 1.0)
    array([0.5, 1. ])
    """
    out = view.copy()
    out[option] = min(1.0, float(view.max()) + 0.1 + 0.4 * confidence)
    return out


def majority_update(own_now: np.ndarray, inbox: np.ndarray, heard: np.ndarray) -> np.ndarray:
    """Strict majority, the rule-based baseline of the CP-WBFT study.

    A seat adopts the option that more than half of the views it holds (its own and those it
    heard) put first, moving it to the top of its view: 0.1 above its old top score, at most 1,
    and strictly above every other option (any other at that score or above drops to 0.1 below
    it). Without a strict majority it keeps its view. Openness plays no part.

    >>> views = np.array([[[0.0, 1], [0, 1], [0, 1]]])
    >>> majority_update(np.array([[0.9, 0.1]]), views, np.ones((1, 3), bool))
    array([[0.9, 1. ]])
    >>> majority_update(np.array([[0.9, 0.1]]), views[:, :2], np.ones((1, 2), bool))
    array([[0.9, 1. ]])
    >>> majority_update(np.array([[0.9, 0.1]]), views[:, :1], np.ones((1, 1), bool))
    array([[0.9, 0.1]])

    A seat whose top score is already 1 still adopts a later option (ties would go to the
    earlier one):

    >>> majority_update(np.array([[1.0, 0.2]]), views, np.ones((1, 3), bool))
    array([[0.9, 1. ]])
    """
    m, _, k = inbox.shape
    counts = np.zeros((m, k))
    np.add.at(counts, (np.arange(m), own_now.argmax(axis=1)), 1)
    tops = inbox.argmax(axis=2)  # (m, n)
    np.add.at(counts, (np.repeat(np.arange(m), tops.shape[1]), tops.ravel()), heard.ravel())
    winner = counts.argmax(axis=1)
    strict = 2 * counts.max(axis=1) > 1 + heard.sum(axis=1)
    out = own_now.copy()
    rows = np.flatnonzero(strict & (winner != own_now.argmax(axis=1)))
    top = np.minimum(1.0, own_now[rows].max(axis=1) + 0.1)
    out[rows] = np.where(out[rows] >= top[:, None], top[:, None] - 0.1, out[rows])
    out[rows, winner[rows]] = top
    return out


def update_views(
    rule: str,
    own_opening: np.ndarray,
    own_now: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    trim: int,
) -> np.ndarray:
    """A round's new views (m, K) under the update ``rule`` (``fj``, ``wmsr``, ``majority``).

    W-MSR drops up to ``trim`` views on each side; the majority rule reads no openness.
    """
    if rule == "wmsr":
        return wmsr_update(own_opening, own_now, inbox, heard, openness, trim)
    if rule == "majority":
        return majority_update(own_now, inbox, heard)
    return fj_update(own_opening, own_now, inbox, heard, openness)

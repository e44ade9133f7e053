"""Fault models with a run axis: what the faulty seats of many runs send, as arrays.

The batch kernel (``council.engine.batch``) computes a block of seeds at once; a fault model
that it can compute that way gives it a ``RunForm`` (``Fault.runs``), the same behaviour as
the model's ``inbox``, ``ballots`` and ``commits`` with a leading run axis A. The kernel asks
the form, never the name. Arrays: ``views`` (A, n, K), ``faulty`` (A, n), ``index`` (A, m)
each run's faulty seats ascending (m of them in every run, at least one).

What faulty seats say is a few variants per run, and which one each recipient receives:
``Said`` in deliberation, ``Prepared`` at prepare. Seeded draws come through ``RunDraws``
(each run's own stream, as the per-run path draws it).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from council.rules.faults.base import NONE
from council.rules.faults.pushing import extreme, stubborn_views


class RunDraws(Protocol):
    """Each run's seeded draws of a step, as ``FaultContext.random_stream(step)`` gives them."""

    def uniform(
        self, step: int, shape: tuple[int, ...], low: float = 0.0, high: float = 1.0
    ) -> np.ndarray:
        """(A, *shape) ``uniform(low, high, shape)`` (the defaults: ``random(shape)``)."""
        ...

    def firsts(self, step: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(A, *shape[:-1]) ``random(shape).argmin(axis=-1)``, and as one-hot rows (A, *shape).

        The first of equal draws, as ``argsort``'s small sorts take it.
        """
        ...

    def counts(self, step: int, shape: tuple[int, ...], k: int) -> np.ndarray:
        """(A, *shape[:-1], K): each last-axis group of ``integers(0, k, shape)``, counted."""
        ...


@dataclass(frozen=True)
class Said:
    """What the faulty seats say in a round: variants (A, V, m, K), and who hears which (A, n)."""

    variants: np.ndarray
    which: np.ndarray


@dataclass(frozen=True)
class Prepared:
    """What the faulty seats send at prepare (``FaultyBallots`` with a run axis)."""

    cast: np.ndarray
    """(A, m) each faulty seat's first choice as the record counts it (NONE: silent)."""
    rankings: np.ndarray | None = None
    """(A, V, m, K) rankings, or only their firsts (A, V, m, 1) where ``whole`` was False;
    None: silent."""
    approvals: np.ndarray | None = None
    """(A, V, m, K) approval sets."""
    variant: np.ndarray | None = None
    """(A, n) which variant each recipient receives."""
    lean: np.ndarray | None = None
    """(A, n) equivocation: the option of the split pair each recipient was told."""


class RunForm(ABC):
    """A fault model's behaviour for many runs at once."""

    silent = False
    """Whether the faulty seats say and send nothing at all (heard by nobody)."""

    @abstractmethod
    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
    ) -> Said:
        """What the faulty seats send in deliberation round ``round_no`` (``Fault.inbox``)."""

    @abstractmethod
    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """What they send at prepare (``Fault.ballots``), from every seat's rankings (A, n, K).

        ``whole``: the method reads whole rankings (else only their first options).
        """

    @abstractmethod
    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Commits they send (``Fault.commits``): counts per recipient, and messages per run.

        ``would`` (A, m) is what each would commit by the protocol's own rule (NONE: nothing).
        The counts (A, 1 or n, K) add to the honest commits each recipient holds.
        """


def positions(ranks: np.ndarray) -> np.ndarray:
    """Each option's place in each ranking (..., K): ``argsort(ranks)``, without sorting.

    >>> positions(np.array([[2, 0, 1]]))
    array([[1, 2, 0]])
    """
    out = np.empty_like(ranks)
    np.put_along_axis(out, ranks, np.broadcast_to(np.arange(ranks.shape[-1]), ranks.shape), -1)
    return out


def _own(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The faulty seats' rows (A, m, ...) of per-seat values (A, n, ...)."""
    return values[np.arange(len(values))[:, None], index]


class CrashRuns(RunForm):
    """``Crash``: nothing, ever."""

    silent = True

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
    ) -> Said:
        """Zero views, heard by nobody."""
        runs, n, k = views.shape
        return Said(np.zeros((runs, 1, index.shape[1], k)), np.zeros((runs, n), dtype=np.intp))

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """Nothing cast."""
        return Prepared(np.full(index.shape, NONE))

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """None."""
        runs = len(index)
        return np.zeros((runs, 1, k), dtype=np.int64), np.zeros(runs, dtype=np.int64)


class RandomRuns(RunForm):
    """``Random``: a uniform view, ranking and commit per recipient, from each run's draws."""

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
    ) -> Said:
        """Uniform views in [-1, 1]: one variant per recipient."""
        runs, n, k = views.shape
        drawn = draws.uniform(round_no, (n, index.shape[1], k), -1.0, 1.0)
        return Said(drawn, np.broadcast_to(np.arange(n), (runs, n)))

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """Uniform rankings (argsort of draws), approving their first; cast: the most told.

        Not ``whole``: only the firsts, the smallest draw's (the first on a tie, as argsort's
        small sorts are stable).
        """
        runs, n, k = ranks.shape
        shape = (n, index.shape[1], k)
        if whole:
            order = np.argsort(draws.uniform(step, shape), axis=-1)
            approve = order[..., :1] == np.arange(k)
        else:
            first, approve = draws.firsts(step, shape)  # approve: (A, n, m, K) one-hot
            order = first[..., None]
        cast = approve.sum(axis=1).argmax(axis=-1)  # (A, m) each faulty seat's most told
        variant = np.broadcast_to(np.arange(n), (runs, n))
        return Prepared(cast, order, approve, variant)

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """A uniform option per recipient and faulty seat."""
        runs, m = index.shape
        n = prepared.variant.shape[1] if prepared.variant is not None else 0
        return draws.counts(step, (n, m), k), np.full(runs, n * m - m)


class EquivocateRuns(RunForm):
    """``Equivocate``: each recipient told its own leaning of the honest seats' split pair."""

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
    ) -> Said:
        """Its own view with the split pair set to 1 for the recipient's leaning, -1 the other.

        Two variants: 0 to the seats leaning a, 1 to the others.
        """
        runs, n, _ = views.shape
        rows = np.arange(runs)
        a, b = split_pairs(~faulty, views)
        seats = np.arange(n)
        told_a = views[rows[:, None], seats, a[:, None]] >= views[rows[:, None], seats, b[:, None]]
        variants = np.repeat(_own(views, index)[:, None], 2, axis=1)
        variants[rows, 0, :, a] = 1.0
        variants[rows, 0, :, b] = np.where(a == b, 1.0, -1.0)[:, None]
        variants[rows, 1, :, a] = -1.0
        variants[rows, 1, :, b] = 1.0
        return Said(variants, (~told_a).astype(np.intp))

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """To a seat leaning a: a first, b last, its own order between; and the mirror image.

        Cast: the one of the pair told to more recipients (the lower on a tie).
        """
        runs, n, k = ranks.shape
        rows = np.arange(runs)
        position = positions(ranks)
        counts = np.zeros((runs, k), dtype=np.int64)
        np.add.at(counts, (np.repeat(rows, n)[honest.ravel()], ranks[:, :, 0][honest]), 1)
        a = counts.argmax(axis=1)
        counts[rows, a] = -1
        b = counts.argmax(axis=1)
        agreed = (counts[rows, b] == 0) & honest.any(axis=1)
        if agreed.any():
            # Every honest seat ranks a first: b is the option they rank highest on average
            # (the sum of positions orders as the mean does, exactly).
            total = (position * honest[..., None]).sum(axis=1)
            total[rows, a] = np.iinfo(np.int64).max
            b = np.where(agreed, total.argmin(axis=1), b)
        pa = position[rows[:, None], np.arange(n), a[:, None]]
        pb = position[rows[:, None], np.arange(n), b[:, None]]
        lean = np.where(pa <= pb, a[:, None], b[:, None])
        m = index.shape[1]
        own = _own(ranks, index)  # (A, m, K)
        middle = own[(own != a[:, None, None]) & (own != b[:, None, None])].reshape(runs, m, k - 2)
        out = np.empty((runs, 2, m, k), dtype=np.intp)
        out[:, :, :, 1:-1] = middle[:, None]
        out[:, 0, :, 0] = out[:, 1, :, -1] = a[:, None]
        out[:, 0, :, -1] = out[:, 1, :, 0] = b[:, None]
        approve = np.zeros((runs, 2, m, k), dtype=bool)
        approve[rows, 0, :, a] = True
        approve[rows, 1, :, b] = True
        variant = (lean != a[:, None]).astype(np.intp)
        told_b = variant.sum(axis=1)
        first = np.where(told_b > n - told_b, b, a)
        first = np.where(told_b * 2 == n, np.minimum(a, b), first)
        return Prepared(np.repeat(first[:, None], m, axis=1), out, approve, variant, lean)

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """To each recipient, a commit for the option it was told at prepare."""
        assert prepared.lean is not None
        runs, m = index.shape
        n = prepared.lean.shape[1]
        return m * (prepared.lean[..., None] == np.arange(k)), np.full(runs, n * m - m)


@dataclass(frozen=True)
class PushingRuns(RunForm):
    """``Stubborn``, ``Collude``, ``Persuader``: the same to everyone, for one option."""

    option: int
    stubborn: bool = False
    """Stubborn seats say their own view with the option raised; the others the extreme one."""
    cartel: bool = False
    """A cartel commits for its option to everyone, whatever it received (``Collude``)."""

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
    ) -> Said:
        """One variant for everyone (``stubborn_views`` or ``extreme``)."""
        runs, n, k = views.shape
        own = _own(views, index)
        said = (
            stubborn_views(own, self.option)
            if self.stubborn
            else np.broadcast_to(extreme(k, self.option), own.shape)
        )
        return Said(said[:, None], np.zeros((runs, n), dtype=np.intp))

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """Own rankings with the option first, approving only it."""
        runs, n, k = ranks.shape
        m = index.shape[1]
        own = _own(ranks, index)  # (A, m, K)
        out = np.empty((runs, 1, m, k), dtype=np.intp)
        out[:, 0, :, 0] = self.option
        out[:, 0, :, 1:] = own[own != self.option].reshape(runs, m, k - 1)
        approve = np.zeros((runs, 1, m, k), dtype=bool)
        approve[..., self.option] = True
        cast = np.full((runs, m), self.option)
        return Prepared(cast, out, approve, np.zeros((runs, n), dtype=np.intp))

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """The protocol's own rule, for its option only (a cartel: always): the same to everyone."""
        assert prepared.variant is not None
        n = prepared.variant.shape[1]
        backers = (
            np.full(len(would), would.shape[1])
            if self.cartel
            else (would == self.option).sum(axis=1)
        )  # (A,)
        counts = backers[:, None, None] * (np.arange(k) == self.option)
        return counts, backers * (n - 1)


def split_pairs(honest: np.ndarray, preference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``split_pair`` per run: (A,) a and b from honest masks (A, n) and preferences (A, n, K).

    The two most common honest first choices (ties to the lower); if every honest seat agrees,
    their choice and the option with the highest mean honest preference.
    """
    runs, _, k = preference.shape
    firsts = preference.argmax(axis=2)
    index = (np.arange(runs)[:, None] * k + firsts)[honest]
    counts = np.bincount(index, minlength=runs * k).reshape(runs, k)
    a = counts.argmax(axis=1)
    rows = np.arange(runs)
    counts[rows, a] = -1
    b = counts.argmax(axis=1)
    agreed = (counts[rows, b] == 0) & honest.any(axis=1)
    if k >= 2 and agreed.any():
        for r in np.flatnonzero(agreed).tolist():  # rare: the per-run mean, row for row
            means = preference[r][honest[r]].mean(axis=0)
            means[a[r]] = -np.inf
            b[r] = int(means.argmax())
    if k < 2:
        b = a.copy()
    return a, b

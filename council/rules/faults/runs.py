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
from collections.abc import Callable
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

    def first_counts(
        self, step: int, shape: tuple[int, int, int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(A, outer, inner) ``random(shape).argmin(axis=-1)`` for shape (outer, inner, K), counted.

        The first of equal draws, as ``argsort``'s small sorts take it. With how often each
        option is first: per outer index over its inner groups (A, outer, K), and per inner
        index over the outer groups (A, inner, K).
        """
        ...

    def counts(self, step: int, shape: tuple[int, ...], k: int) -> np.ndarray:
        """(A, *shape[:-1], K): each last-axis group of ``integers(0, k, shape)``, counted."""
        ...

    def integers(self, step: int, shape: tuple[int, ...], k: int) -> np.ndarray:
        """(A, *shape) ``integers(0, k, shape)`` themselves."""
        ...


@dataclass(frozen=True)
class Uniform:
    """Views drawn uniformly in [low, high), not drawn yet.

    One per run, recipient, faulty seat and option: each run's ``draws.uniform(step, shape,
    low, high)``, ``shape`` (n, m, K).

    The batch kernel may draw them and add them into each recipient's inbox in one pass
    (``engine.batch.recipient_sums``) instead of holding (A, n, m, K) doubles in memory.
    """

    draws: RunDraws
    step: int
    shape: tuple[int, int, int]
    low: float
    high: float

    def drawn(self) -> np.ndarray:
        """(A, n, m, K) the views."""
        return self.draws.uniform(self.step, self.shape, self.low, self.high)


@dataclass(frozen=True)
class Said:
    """What the faulty seats say in a round: variants (A, V, m, K), and who hears which (A, n).

    ``variants`` None: one variant per recipient (``which`` is each recipient's own number),
    drawn uniformly when asked (``uniform``).
    """

    variants: np.ndarray | None
    which: np.ndarray
    uniform: Uniform | None = None
    differ: np.ndarray | None = None
    """(A, 2) with two variants: the two options where they may differ; at every other option
    variant 1 says what variant 0 says (None: anywhere)."""

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(variants, which), the uniform views drawn if they are not yet."""
        if self.variants is not None:
            return self.variants, self.which
        assert self.uniform is not None
        return self.uniform.drawn(), self.which


@dataclass(frozen=True)
class Prepared:
    """What the faulty seats send at prepare (``FaultyBallots`` with a run axis)."""

    cast: np.ndarray
    """(A, m) each faulty seat's first choice as the record counts it (NONE: silent)."""
    rankings: np.ndarray | None = None
    """(A, V, m, K) rankings, or only their firsts (A, V, m, 1) where ``whole`` was False;
    None: silent."""
    approvals: np.ndarray | None = None
    """(A, V, m, K) approval sets; None with rankings: each approves only its first."""
    variant: np.ndarray | None = None
    """(A, n) which variant each recipient receives."""
    lean: np.ndarray | None = None
    """(A, n) equivocation: the option of the split pair each recipient was told."""
    first_counts: np.ndarray | None = None
    """(A, V, K) how many of each variant's rankings put each option first, where known."""


class RunForm(ABC):
    """A fault model's behaviour for many runs at once."""

    silent = False
    """Whether the faulty seats say and send nothing at all (heard by nobody)."""
    random = False
    """Whether what they say, prepare and commit is drawn from each run's streams (``RunDraws``)."""

    def at(self, round_no: int) -> RunForm | None:
        """The form of what the faulty seats say or cast after round ``round_no``.

        This one, for a model that behaves the same throughout; None where they act as honest
        seats (their own views, their own ballots, the protocol's own commits).
        """
        return self

    def moves(self, round_no: int) -> bool:
        """Whether the faulty seats revise their views in round ``round_no`` as honest seats do."""
        return False

    @abstractmethod
    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
        tops: np.ndarray | None = None,
    ) -> Said:
        """What the faulty seats send in deliberation round ``round_no`` (``Fault.inbox``).

        ``tops``: each seat's highest-scored option in ``views`` (A, n), where the caller has
        it (``views.argmax(axis=-1)``).
        """

    @abstractmethod
    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """What they send at prepare (``Fault.ballots``), from every seat's rankings (A, n, K).

        ``whole``: the method reads whole rankings (else only their first options).
        """

    def prepared_firsts(
        self, scores: np.ndarray, pinned: np.ndarray, firsts: np.ndarray, honest: np.ndarray,
        index: np.ndarray, draws: RunDraws, step: int,
    ) -> Prepared | None:  # fmt: skip
        """``prepared`` for a method that reads only first choices, without whole rankings.

        From every seat's scores (A, n, K), pin (A, n; NONE: none) and first choice (A, n);
        None where the form needs the rankings (then the kernel calls ``prepared``).
        """
        return None

    @abstractmethod
    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Commits they send (``Fault.commits``): counts per recipient, and messages per run.

        ``would`` (A, m) is what each would commit by the protocol's own rule (NONE: nothing).
        The counts (A, 1 or n, K) add to the honest commits each recipient holds.
        """

    def one_commit(
        self, prepared: Prepared, index: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``commits`` where every faulty seat commits the same one option to a recipient.

        That option per recipient (A, n), which ``commits`` counts once per faulty seat, and
        the messages per run; None where they do not (the kernel then adds up the counts).
        """
        return None

    @abstractmethod
    def sent_commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> np.ndarray:  # fmt: skip
        """Who sent what: (A, 1 or n recipients, m) each faulty seat's commit to each recipient.

        NONE: nothing. For quorum systems that ask who backs an option; the same draws as
        ``commits``, whose counts these are.
        """


def positions(ranks: np.ndarray) -> np.ndarray:
    """Each option's place in each ranking (..., K): ``argsort(ranks)``, without sorting.

    A permutation's inverse: so also each place's option, from the places.

    >>> positions(np.array([[2, 0, 1]]))
    array([[1, 2, 0]])
    """
    k = ranks.shape[-1]
    rows = ranks.size // k
    flat = ranks.reshape(rows, k) + (np.arange(rows) * k)[:, None]  # each entry's flat index
    out = np.empty(ranks.size, dtype=ranks.dtype)
    out[flat.ravel()] = np.tile(np.arange(k, dtype=ranks.dtype), rows)
    return out.reshape(ranks.shape)


def _at(values: np.ndarray, option: np.ndarray) -> np.ndarray:
    """Every seat's value (A, n) of its run's ``option`` (A,), from per-seat values (A, n, K)."""
    return values[np.arange(len(values)), :, option]  # 5x take_along_axis's speed


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
        tops: np.ndarray | None = None,
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

    def sent_commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> np.ndarray:  # fmt: skip
        """Nothing, to anyone."""
        return np.full((len(index), 1, index.shape[1]), NONE)


@dataclass(frozen=True)
class SilentAfterRuns(CrashRuns):
    """``SilentAfter``: an honest seat until round R, then nothing, as ``Crash``."""

    after: int
    """R: the first round whose statement is nothing."""

    def at(self, round_no: int) -> RunForm | None:
        """Nothing from its statement of round R on; its own statements and ballots before."""
        return self if round_no >= self.after else None

    def moves(self, round_no: int) -> bool:
        """Before round R."""
        return round_no < self.after


class RandomRuns(RunForm):
    """``Random``: a uniform view, ranking and commit per recipient, from each run's draws."""

    random = True

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
        tops: np.ndarray | None = None,
    ) -> Said:
        """Uniform views in [-1, 1]: one variant per recipient, drawn when asked."""
        runs, n, k = views.shape
        drawn = Uniform(draws, round_no, (n, index.shape[1], k), -1.0, 1.0)
        return Said(None, np.broadcast_to(np.arange(n), (runs, n)), drawn)

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """Uniform rankings (argsort of draws), approving their first; cast: the most told.

        Not ``whole``: only the firsts, the smallest draw's (the first on a tie, as argsort's
        small sorts are stable).
        """
        return self._prepared(ranks.shape, index, draws, step, whole)

    def prepared_firsts(
        self, scores: np.ndarray, pinned: np.ndarray, firsts: np.ndarray, honest: np.ndarray,
        index: np.ndarray, draws: RunDraws, step: int,
    ) -> Prepared | None:  # fmt: skip
        """``prepared``'s firsts: they depend on nobody's ballot, so no rankings are needed."""
        return self._prepared(scores.shape, index, draws, step, whole=False)

    def _prepared(
        self, shape: tuple[int, ...], index: np.ndarray, draws: RunDraws, step: int, whole: bool
    ) -> Prepared:
        runs, n, k = shape
        drawn = (n, index.shape[1], k)
        variant = np.broadcast_to(np.arange(n), (runs, n))
        if not whole:  # each approves its first: counted as drawn, no one-hot sets
            first, per_recipient, per_seat = draws.first_counts(step, drawn)
            cast = per_seat.argmax(axis=-1)  # (A, m) each faulty seat's most told
            return Prepared(cast, first[..., None], None, variant, first_counts=per_recipient)
        order = np.argsort(draws.uniform(step, drawn), axis=-1)
        approve = order[..., :1] == np.arange(k)
        return Prepared(approve.sum(axis=1).argmax(axis=-1), order, approve, variant)

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """A uniform option per recipient and faulty seat."""
        runs, m = index.shape
        n = prepared.variant.shape[1] if prepared.variant is not None else 0
        return draws.counts(step, (n, m), k), np.full(runs, n * m - m)

    def sent_commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> np.ndarray:  # fmt: skip
        """A uniform option per recipient and faulty seat."""
        n = prepared.variant.shape[1] if prepared.variant is not None else 0
        return draws.integers(step, (n, index.shape[1]), k)


class EquivocateRuns(RunForm):
    """``Equivocate``: each recipient told its own leaning of the honest seats' split pair."""

    def said(
        self,
        views: np.ndarray,
        faulty: np.ndarray,
        index: np.ndarray,
        draws: RunDraws,
        round_no: int,
        tops: np.ndarray | None = None,
    ) -> Said:
        """Its own view with the split pair set to 1 for the recipient's leaning, -1 the other.

        Two variants: 0 to the seats leaning a, 1 to the others.
        """
        runs, n, _ = views.shape
        rows = np.arange(runs)
        a, b = split_pairs(~faulty, views, tops)
        told_a = _at(views, a) >= _at(views, b)
        variants = np.repeat(_own(views, index)[:, None], 2, axis=1)
        variants[rows, 0, :, a] = 1.0
        variants[rows, 0, :, b] = np.where(a == b, 1.0, -1.0)[:, None]
        variants[rows, 1, :, a] = -1.0
        variants[rows, 1, :, b] = 1.0
        return Said(variants, (~told_a).astype(np.intp), differ=np.stack([a, b], axis=1))

    def prepared(
        self, ranks: np.ndarray, honest: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        whole: bool,
    ) -> Prepared:  # fmt: skip
        """To a seat leaning a: a first, b last, its own order between; and the mirror image.

        Cast: the one of the pair told to more recipients (the lower on a tie).
        """
        position = positions(ranks)
        a, b = _told_pair(ranks[:, :, 0], honest, ranks.shape[2], lambda rows: position[rows])
        lean = np.where(_at(position, a) <= _at(position, b), a[:, None], b[:, None])
        return _equivocated(a, b, lean, ranks if whole else None, index, ranks.shape[2])

    def prepared_firsts(
        self, scores: np.ndarray, pinned: np.ndarray, firsts: np.ndarray, honest: np.ndarray,
        index: np.ndarray, draws: RunDraws, step: int,
    ) -> Prepared | None:  # fmt: skip
        """``prepared``'s firsts: each seat's leaning of the pair from its scores and pin.

        A seat ranks a before b when a is its pin, or b is not and a scores higher (the lower
        option on a tie, as the stable sort orders them).
        """
        k = scores.shape[2]
        a, b = _told_pair(
            firsts, honest, k, lambda rows: ordered_positions(scores[rows], pinned[rows])
        )
        at_a, at_b = _at(scores, a), _at(scores, b)
        a_first = (at_a > at_b) | ((at_a == at_b) & (a < b)[:, None])
        a_first = (pinned == a[:, None]) | (a_first & (pinned != b[:, None]))  # pins first
        lean = np.where(a_first, a[:, None], b[:, None])
        return _equivocated(a, b, lean, None, index, k)

    def commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """To each recipient, a commit for the option it was told at prepare."""
        lean, messages = self.one_commit(prepared, index)
        return index.shape[1] * (lean[..., None] == np.arange(k)), messages

    def one_commit(self, prepared: Prepared, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The option each recipient was told at prepare, from every faulty seat."""
        assert prepared.lean is not None
        runs, m = index.shape
        n = prepared.lean.shape[1]
        return prepared.lean, np.full(runs, n * m - m)

    def sent_commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> np.ndarray:  # fmt: skip
        """Every faulty seat commits each recipient's own leaning to it."""
        assert prepared.lean is not None
        return np.repeat(prepared.lean[..., None], index.shape[1], axis=2)


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
        tops: np.ndarray | None = None,
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

    def sent_commits(
        self, prepared: Prepared, would: np.ndarray, index: np.ndarray, draws: RunDraws, step: int,
        k: int,
    ) -> np.ndarray:  # fmt: skip
        """Its option to everyone from each seat that backs it (a cartel: every seat)."""
        backs = np.ones(would.shape, dtype=bool) if self.cartel else would == self.option
        return np.where(backs, self.option, NONE)[:, None, :]


def split_pairs(
    honest: np.ndarray, preference: np.ndarray, firsts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``split_pair`` per run: (A,) a and b from honest masks (A, n) and preferences (A, n, K).

    The two most common honest first choices (ties to the lower); if every honest seat agrees,
    their choice and the option with the highest mean honest preference. ``firsts``: each
    seat's highest preference (A, n), where the caller has it.
    """
    runs, _, k = preference.shape
    if firsts is None:
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


def _told_pair(
    firsts: np.ndarray,
    honest: np.ndarray,
    k: int,
    order: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The prepare's split pair per run: the two most common honest firsts (ties to the lower).

    Where every honest seat ranks a first, b is the option they rank highest on average (the
    sum of positions orders as the mean does, exactly); ``order(rows)`` gives those runs'
    positions (R, n, K).
    """
    runs = len(firsts)
    rows = np.arange(runs)
    cells = (rows[:, None] * k + firsts)[honest]  # (run, first) of honest seats
    counts = np.bincount(cells, minlength=runs * k).reshape(runs, k)
    a = counts.argmax(axis=1)
    counts[rows, a] = -1
    b = counts.argmax(axis=1)
    agreed = np.flatnonzero((counts[rows, b] == 0) & honest.any(axis=1))
    if len(agreed):
        total = (order(agreed) * honest[agreed][..., None]).sum(axis=1)
        total[np.arange(len(agreed)), a[agreed]] = np.iinfo(np.int64).max
        b[agreed] = total.argmin(axis=1)
    return a, b


def _equivocated(
    a: np.ndarray, b: np.ndarray, lean: np.ndarray, ranks: np.ndarray | None, index: np.ndarray,
    k: int,
) -> Prepared:  # fmt: skip
    """The prepares told: a first to the seats leaning a, b first to the others.

    With ``ranks`` (whole rankings wanted) each carries the faulty seat's own order between
    the pair's two options, the other one of the pair last; else only the firsts.
    """
    runs, m = index.shape
    n = lean.shape[1]
    rows = np.arange(runs)
    if ranks is not None:
        own = _own(ranks, index)  # (A, m, K)
        pair = (own != a[:, None, None]) & (own != b[:, None, None])
        out = np.empty((runs, 2, m, k), dtype=np.intp)
        out[:, :, :, 1:-1] = own[pair].reshape(runs, m, k - 2)[:, None]
        out[:, 0, :, -1] = out[:, 1, :, 0] = b[:, None]
        out[:, 1, :, -1] = a[:, None]
    else:  # only the firsts
        out = np.empty((runs, 2, m, 1), dtype=np.intp)
        out[:, 1, :, 0] = b[:, None]
    out[:, 0, :, 0] = a[:, None]
    approve = np.zeros((runs, 2, m, k), dtype=bool)
    approve[rows, 0, :, a] = True
    approve[rows, 1, :, b] = True
    variant = (lean != a[:, None]).astype(np.intp)
    told_b = variant.sum(axis=1)
    first = np.where(told_b > n - told_b, b, a)
    first = np.where(told_b * 2 == n, np.minimum(a, b), first)
    return Prepared(np.repeat(first[:, None], m, axis=1), out, approve, variant, lean)


def ordered_positions(scores: np.ndarray, pinned: np.ndarray | None = None) -> np.ndarray:
    """Each option's place (..., K) in the stable sort of ``-scores``, a pin (NONE: none) first.

    Option j is before o (j > o) when its score is higher; on a tie the lower one is first, as
    a stable sort leaves them: K (K - 1) / 2 comparisons of whole arrays, no sort of short rows.
    A pinned option takes place 0, the options before it move one place down.

    >>> ordered_positions(np.array([[0.1, 0.5, 0.5], [0.1, 0.5, 0.5]]), np.array([NONE, 0]))
    array([[2, 0, 1],
           [0, 1, 2]])
    """
    k = scores.shape[-1]
    columns = np.moveaxis(scores, -1, 0)
    position = np.zeros((k, *scores.shape[:-1]), dtype=np.intp)
    for o in range(k):
        for j in range(o + 1, k):
            ahead = columns[j] > columns[o]
            position[o] += ahead
            position[j] += ~ahead
    places = np.moveaxis(position, 0, -1)
    if pinned is None or not (rows := pinned != NONE).any():
        return places
    pin = np.where(rows, pinned, 0)[..., None]
    at = np.take_along_axis(places, pin, axis=-1)
    moved = np.where(places < at, places + 1, places)
    np.put_along_axis(moved, pin, 0, axis=-1)
    return np.where(rows[..., None], moved, places)

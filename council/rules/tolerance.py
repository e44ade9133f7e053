"""What a quorum system tolerates, exactly: its smallest quorum, safety and liveness bounds.

``exact_tolerance`` computes, by enumeration over per-class counts, the largest number of faulty
seats under which two quorums always share an honest seat (safety: the smallest intersection of
two quorums, minus one; two count vectors a, b of classes of sizes n meet in at least
sum_g max(0, a_g + b_g - n_g) seats) and under which the rest always hold a quorum (liveness:
the smallest blocking set, minus one).
"""

from __future__ import annotations

import numpy as np

from council.contracts.record import Tolerance
from council.rules.quorum import tolerates
from council.rules.quorum_system import QuorumSystem, Weighted
from council.rules.registry import SpecError

MAX_GRID = 2_000_000
"""Count vectors enumerated at most for a system without few minimal quorums (weighted)."""


def smallest(system: QuorumSystem) -> int:
    """Seats in the system's smallest quorum (``council.quorum`` of a record).

    >>> from council.rules.quorum_system import Threshold
    >>> smallest(Threshold(np.zeros(5, int), np.array([5]), ("all",), 3))
    3
    """
    minimal = system.minimal()
    if minimal is not None:
        return int(minimal.sum(axis=1).min()) if len(minimal) else system.n + 1
    merged = _merged(system)
    grid = _grid(merged)
    sums = grid.sum(axis=-1)
    quorate = merged.is_quorum(grid)
    return int(sums[quorate].min()) if quorate.any() else system.n + 1


def tolerance(system: QuorumSystem) -> Tolerance:
    """``council.tolerates`` of a record.

    A plain threshold keeps the closed forms 2t - n - 1 and n - t (``exact_tolerance`` agrees
    wherever 2t >= n; below, both mean that no faulty seat is tolerated); every other system is
    computed exactly.
    """
    if system.threshold is not None:
        return tolerates(system.n, system.threshold)
    return exact_tolerance(system)


def exact_tolerance(system: QuorumSystem) -> Tolerance:
    """Safety and liveness of any system, exactly, by enumeration over per-class counts.

    Safety is the smallest intersection of two quorums minus one, liveness the smallest
    blocking set minus one (-1 when the whole council is no quorum).

    >>> from council.rules.quorum_system import GroupShares
    >>> sizes = np.array([3, 3, 3, 3])
    >>> g = GroupShares(np.arange(12) % 4, sizes, ("g", "i", "a", "c"), np.array([2, 2, 2, 2]), 3)
    >>> exact_tolerance(g)
    Tolerance(safety=1, liveness=3)
    """
    minimal = system.minimal()
    if minimal is not None:
        return Tolerance(
            safety=_intersection_of(minimal, system.sizes) - 1,
            liveness=system.n - _largest_non_quorum(system, minimal) - 1,
        )
    return _grid_tolerance(_merged(system))


def _intersection_of(minimal: np.ndarray, sizes: np.ndarray) -> int:
    """The fewest seats two of the minimal quorums must share (0 with none)."""
    if not len(minimal):
        return 0
    overlap = np.maximum(0, minimal[:, None, :] + minimal[None, :, :] - sizes).sum(axis=-1)
    return int(overlap.min())


def _largest_non_quorum(system: QuorumSystem, minimal: np.ndarray) -> int:
    """The most seats that are no quorum (-1 if even no supporters at all are a quorum)."""
    largest = _largest_outside(system, _candidates(system, minimal))
    return -1 if largest is None else int(largest.sum())


def _candidates(system: QuorumSystem, minimal: np.ndarray) -> np.ndarray:
    """The count vectors where quorum-ness can change, (..., C).

    A largest non-quorum can take, in each class, either all its seats or one fewer than some
    minimal quorum asks of that class: raising a count to the next such value changes nothing.
    """
    values = []
    for c, size in enumerate(system.sizes):
        asked = {int(a) - 1 for a in minimal[:, c] if 0 < a <= size}
        values.append(np.array(sorted(asked | {int(size)}), dtype=np.int64))
    return np.stack(np.meshgrid(*values, indexing="ij"), axis=-1)


def _largest_outside(system: QuorumSystem, grid: np.ndarray) -> np.ndarray | None:
    """The count vector of most seats in ``grid`` that is no quorum (None if all are)."""
    outside = ~system.is_quorum(grid)
    if not outside.any():
        return None
    sums = np.where(outside, grid.sum(axis=-1), -1)
    return np.asarray(grid[np.unravel_index(int(np.argmax(sums)), sums.shape)])


def smallest_blocking(system: QuorumSystem) -> dict[str, int]:
    """Seats per class of one smallest blocking set: seats whose loss leaves no quorum.

    Its size is ``tolerance(system).liveness + 1``; classes it takes no seat from are left out
    (empty when the whole council is no quorum). Classes of equal weight in a weighted system
    are merged (``industry+academia``). ValueError if nothing blocks (no supporters at all
    would be a quorum).

    >>> from council.rules.quorum import parse_quorum
    >>> from council.rules.quorum_system import build_system
    >>> groups = ["government", "industry", "academia", "civil_society"] * 3
    >>> smallest_blocking(build_system(parse_quorum("groups:3/0.6"), groups))
    {'government': 2, 'industry': 2}
    """
    minimal = system.minimal()
    merged = system if minimal is not None else _merged(system)
    grid = _candidates(system, minimal) if minimal is not None else _grid(merged)
    largest = _largest_outside(merged, grid)
    if largest is None:
        raise ValueError("nothing blocks this quorum system: no supporters at all are a quorum")
    taken = merged.sizes - largest
    return {name: int(k) for name, k in zip(merged.names, taken, strict=True) if k}


def _merged(system: QuorumSystem) -> QuorumSystem:
    """A weighted system with classes of equal weight merged (seats of equal weight are alike)."""
    if not isinstance(system, Weighted):
        return system
    weights, inverse = np.unique(system.weights, return_inverse=True)
    if len(weights) == len(system.weights):
        return system
    sizes = np.bincount(inverse, weights=system.sizes, minlength=len(weights)).astype(np.int64)
    names = tuple(
        "+".join(n for n, i in zip(system.names, inverse, strict=True) if i == j)
        for j in range(len(weights))
    )
    return Weighted(inverse[system.classes], sizes, names, weights.astype(np.int64), system.need)


def _grid(system: QuorumSystem) -> np.ndarray:
    """Every per-class count vector, (*(sizes + 1), C); SpecError if there are too many."""
    cells = int(np.prod(system.sizes + 1))
    if cells > MAX_GRID:
        raise SpecError(
            f"quorum: exact tolerances need {cells:,} count vectors for these classes "
            f"({', '.join(f'{n} {s}' for n, s in zip(system.names, system.sizes, strict=True))}); "
            f"the limit is {MAX_GRID:,}: use fewer distinct weights or a smaller council"
        )
    axes = np.meshgrid(*(np.arange(s + 1) for s in system.sizes), indexing="ij")
    return np.stack(axes, axis=-1).astype(np.int64)


def _grid_tolerance(system: QuorumSystem) -> Tolerance:
    """Exact tolerance over the full grid of count vectors.

    For a quorum u, the quorum meeting it least takes all n - u seats outside it and the fewest
    more: m(n - u) - |n - u| seats inside it, where m(r) is the size of the smallest quorum
    covering r (a suffix minimum over the grid, one axis at a time).
    """
    grid = _grid(system)
    sums = grid.sum(axis=-1)
    quorate = system.is_quorum(grid)
    n = system.n
    outside = sums[~quorate]
    liveness = n - (int(outside.max()) if len(outside) else -1) - 1
    if not quorate.any():
        return Tolerance(safety=-1, liveness=liveness)
    cover = np.where(quorate, sums, n + 1)
    for axis in range(cover.ndim):
        cover = np.flip(np.minimum.accumulate(np.flip(cover, axis), axis=axis), axis)
    # cover[n - u] for every u: the grid read backwards on every axis.
    opposite = cover[tuple(slice(None, None, -1) for _ in range(cover.ndim))]
    overlap = opposite - (n - sums)
    return Tolerance(safety=int(overlap[quorate].min()) - 1, liveness=liveness)

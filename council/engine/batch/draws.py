"""A block's seeded draws, seed by seed from the per-run path's own streams, stacked.

Each seed's generators start where ``council.engine.context``'s do (``streams``) and draw with
the same calls in the same order, so a kernel run sees exactly the faulty seats, noise and
random messages its per-run twin sees.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from council.contracts.config import RunConfig
from council.engine.batch.streams import Streams, first_raw
from council.engine.context import (
    FAULTY_STREAM,
    NOISE_SD,
    NOISE_STREAM,
    RANDOM_FAULT_STREAM,
    eligible_seats,
)
from council.engine.seating import Council


@dataclass(frozen=True)
class Draws:
    """The seeded draws of a block of B runs of one cell."""

    seeds: np.ndarray
    """(B,) the seeds."""
    faulty: np.ndarray
    """(B, n) boolean: each run's faulty seats."""
    faulty_index: np.ndarray
    """(B, m) each run's faulty seats, ascending (m faulty seats in every run of a cell)."""
    noise: np.ndarray
    """(B, n, K) perception noise."""


def draw_block(
    config: RunConfig, council: Council, seeds: np.ndarray, compiled: bool = False
) -> Draws:
    """Every seed's faulty seats and noise, as its per-run context draws them.

    ``compiled``: the noise is drawn through numba too (``pcg.normals``), as the cell's fault
    draws (``RunForm.random``) or its sweep's other cells do anyway; otherwise with numpy, and
    numba is never loaded.
    """
    n, k = len(council.personas), len(council.scenario.options)
    b = len(seeds)
    noise = _noise(seeds, n, k, compiled)
    faulty = np.zeros((b, n), dtype=bool)
    m = config.byzantine
    if m:
        eligible = eligible_seats(config, council)
        faulty[:, eligible] = chosen(seeds, len(eligible), m, FAULTY_STREAM)
    index = np.nonzero(faulty)[1].reshape(b, m)  # row-major: each run's seats ascending
    return Draws(seeds, faulty, index, noise)


NOISE_KEPT_BYTES = 4 * 2**20
"""The most noise a process keeps for blocks to come (``_noise``): two blocks of 1,500 seeds
of 33 seats and four options."""

_kept: OrderedDict[tuple[bytes, int, int], np.ndarray] = OrderedDict()
_asked: OrderedDict[tuple[int, int, int], None] = OrderedDict()
"""The latest ASKED blocks whose noise was drawn: a hash of their seeds, with n and K."""
ASKED = 64
_lock = threading.Lock()


def _noise(seeds: np.ndarray, n: int, k: int, compiled: bool = False) -> np.ndarray:
    """(B, n, K) each seed's perception noise, a new array (the kernel writes into it).

    ``compiled``: drawn by ``pcg.normals`` (numba) rather than numpy's generator seed by seed
    (about 0.6 against 2 to 3 us a seed of 33 seats and four options): the same numbers.

    The noise depends on the seed and the council's shape only, and a sweep runs the same
    seeds in every cell. A block asked for a second time (another cell of the same seeds) has
    its noise kept, up to ``NOISE_KEPT_BYTES`` with the least recently used let go first, and
    the cells after it get a copy instead of drawing it again, seed by seed. Blocks asked for
    once (a sweep of one cell, or of many seeds a cell) keep nothing.
    """
    key = (seeds.tobytes(), n, k)
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept.copy()
        mark = (hash(key[0]), n, k)
        again = mark in _asked
        _asked[mark] = None
        _asked.move_to_end(mark)
        while len(_asked) > ASKED:
            _asked.popitem(last=False)
    noise = _standard_normals(seeds, n, k, compiled)
    # Generator.normal(0, sd) is 0 + sd * standard_normal(), one rounding each: the same numbers.
    noise *= NOISE_SD
    noise += 0.0
    if again and noise.nbytes <= NOISE_KEPT_BYTES:
        with _lock:
            _kept[key] = noise.copy()
            while sum(a.nbytes for a in _kept.values()) > NOISE_KEPT_BYTES:
                _kept.popitem(last=False)
    return noise


def _standard_normals(seeds: np.ndarray, n: int, k: int, compiled: bool) -> np.ndarray:
    """(B, n, K) each seed's ``standard_normal((n, K))`` of its noise stream."""
    if compiled:
        from council.engine.batch import pcg  # numba: loaded for the block's draws anyway

        drawn = pcg.normals(seeds, (NOISE_STREAM,), (n, k))
        if drawn is not None:
            return drawn
    noise = np.empty((len(seeds), n, k))
    for i, rng in enumerate(Streams().each(seeds, NOISE_STREAM)):
        rng.standard_normal(out=noise[i])
    return noise


def lemire(half: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws in [0, j] from 32-bit halves (uint64 arrays), as numpy's bounded draws make them.

    Also where numpy would reject a draw and draw again (its leftover below the threshold).
    """
    product = half * np.uint64(j + 1)
    threshold = np.uint64((2**32 - j - 1) % (j + 1))
    return (product >> np.uint64(32)).astype(np.intp), (product & _LOW) < threshold


_LOW = np.uint64(0xFFFFFFFF)
FLOYD_LIMIT = 10_000
"""numpy draws ``choice(N, m, replace=False)`` by Floyd's algorithm up to this N (then shuffles)."""


def chosen(seeds: np.ndarray, population: int, size: int, *tail: int) -> np.ndarray:
    """(B, population) boolean: the set each seed's ``choice(population, size, replace=False)``.

    The generator is ``default_rng([seed, *tail])``. numpy picks by Floyd's algorithm: for j
    from N - m to N - 1 it draws v in [0, j] (``lemire`` on the next 32-bit half of the
    stream; no draw for j = 0) and takes v, or j if v is taken; then it shuffles the picks,
    which leaves the set as it is. Here every seed's draws come from its first outputs at once
    (``first_raw``); a seed whose draw numpy would reject and draw again (rarely) asks numpy.
    """
    b = len(seeds)
    member = np.zeros((b, population), dtype=bool)
    if not b or not size:
        return member
    steps = [j for j in range(population - size, population)]
    if population > FLOYD_LIMIT or int(seeds.max()) > 0xFFFFFFFF:
        again = np.arange(b)
    else:
        count = sum(1 for j in steps if j)
        raw = first_raw(seeds, -(-count // 2), *tail)
        halves = np.empty((b, 2 * raw.shape[1]), dtype=np.uint64)
        halves[:, 0::2] = raw & _LOW
        halves[:, 1::2] = raw >> np.uint64(32)
        rows = np.arange(b)
        bad = np.zeros(b, dtype=bool)
        drawn = 0
        for j in steps:
            if j:
                value, rejected = lemire(halves[:, drawn], j)
                bad |= rejected
                drawn += 1
            else:
                value = np.zeros(b, dtype=np.intp)
            member[rows, np.where(member[rows, value], j, value)] = True
        again = np.flatnonzero(bad)
    for i in again.tolist():
        member[i] = False
        picker = np.random.default_rng([int(seeds[i]), *tail])
        member[i, picker.choice(population, size=size, replace=False)] = True
    return member


@dataclass(frozen=True)
class SeedDraws:
    """The random fault's draws of a block's runs (``rules.faults.runs.RunDraws``).

    Compiled, all seeds at once (``pcg``, imported here so that only sweeps with a random
    fault load numba).
    """

    seeds: np.ndarray

    def uniform(
        self, step: int, shape: tuple[int, ...], low: float = 0.0, high: float = 1.0
    ) -> np.ndarray:
        """(A, *shape) doubles in [low, high), each run's own (the run axis innermost)."""
        from council.engine.batch import pcg

        return pcg.uniform(self.seeds, (RANDOM_FAULT_STREAM, step), shape, low, high)

    def states(self, step: int) -> tuple[np.ndarray, ...] | None:
        """Each run's seeded PCG64 for ``step``: state high, low, inc high, low (uint64, (A,)).

        None for seeds past one entropy word (numpy's own generators draw those).
        """
        from council.engine.batch import pcg

        return pcg.seed_states(self.seeds, (RANDOM_FAULT_STREAM, step))

    def first_counts(
        self, step: int, shape: tuple[int, int, int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where the smallest of each last-axis group of ``uniform`` is, counted.

        Counted over each axis of the groups (``pcg.first_counts``).
        """
        from council.engine.batch import pcg

        return pcg.first_counts(self.seeds, (RANDOM_FAULT_STREAM, step), shape)

    def counts(self, step: int, shape: tuple[int, ...], k: int) -> np.ndarray:
        """(A, *shape[:-1], K): each last-axis group of ``integers(0, k, shape)`` counted."""
        from council.engine.batch import pcg

        return pcg.counts(self.seeds, (RANDOM_FAULT_STREAM, step), shape, k)

    def integers(self, step: int, shape: tuple[int, ...], k: int) -> np.ndarray:
        """(A, *shape) ``integers(0, k, shape)``, each run's own (who sent which commit)."""
        from council.engine.batch import pcg

        return pcg.integers(self.seeds, (RANDOM_FAULT_STREAM, step), shape, k)

"""A block's seeded draws, seed by seed from the per-run path's own streams, stacked.

Each seed's generators start where ``council.engine.context``'s do (``streams``) and draw with
the same calls in the same order, so a kernel run sees exactly the faulty seats, noise and
random messages its per-run twin sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.contracts.config import RunConfig
from council.engine.batch.streams import Streams, bounded, doubles
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


def draw_block(config: RunConfig, council: Council, seeds: np.ndarray) -> Draws:
    """Every seed's faulty seats and noise, as its per-run context draws them."""
    n, k = len(council.personas), len(council.scenario.options)
    b = len(seeds)
    streams = Streams()
    noise = np.empty((b, n, k))
    for i, rng in enumerate(streams.each(seeds, NOISE_STREAM)):
        noise[i] = rng.normal(0.0, NOISE_SD, size=(n, k))
    faulty = np.zeros((b, n), dtype=bool)
    m = config.byzantine
    if m:
        eligible = eligible_seats(config, council)
        picks = np.empty((b, m), dtype=np.intp)
        for i, rng in enumerate(streams.each(seeds, FAULTY_STREAM)):
            picks[i] = rng.choice(len(eligible), size=m, replace=False)
        faulty[np.arange(b)[:, None], eligible[picks]] = True
    index = np.nonzero(faulty)[1].reshape(b, m)  # row-major: each run's seats ascending
    return Draws(seeds, faulty, index, noise)


def uniform_views(seeds: np.ndarray, step: int, n: int, m: int, k: int) -> np.ndarray:
    """(B, n, m, K): the random fault's views in a round, per seed as ``Random.inbox`` draws."""
    raw = Streams().raw(seeds, n * m * k, RANDOM_FAULT_STREAM, step)
    # Generator.uniform(low, high) is low + (high - low) * random(), with one rounding (2 * x
    # is exact): the same numbers.
    return (-1.0 + 2.0 * doubles(raw)).reshape(len(seeds), n, m, k)


def random_rankings(seeds: np.ndarray, step: int, n: int, m: int, k: int) -> np.ndarray:
    """(B, n, m, K): the random fault's prepare rankings, per seed as ``Random.ballots``."""
    drawn = doubles(Streams().raw(seeds, n * m * k, RANDOM_FAULT_STREAM, step))
    return np.argsort(drawn.reshape(len(seeds), n, m, k), axis=-1)


def random_commits(seeds: np.ndarray, step: int, n: int, m: int, k: int) -> np.ndarray:
    """(B, n, m): the random fault's commits, per seed as ``Random.commits`` draws them."""
    streams = Streams()
    count = n * m
    drawn = bounded(streams.raw(seeds, -(-count // 2), RANDOM_FAULT_STREAM, step), count, k)
    if drawn is not None:
        return drawn.reshape(len(seeds), n, m)
    out = np.empty((len(seeds), n, m), dtype=np.int64)
    for i, rng in enumerate(streams.each(seeds, RANDOM_FAULT_STREAM, step)):
        out[i] = rng.integers(0, k, size=(n, m))
    return out

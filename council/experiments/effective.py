"""The effective number of independent votes: how much a council's honest ballots are worth.

Thirty-three seats that always vote alike carry the information of one vote, not thirty-three.
We measure it with Kish's design effect over a cell's runs (one seed each):

- each honest seat's ballot in a run is its first choice in the run's first ballot, as a one-hot
  vector over the options; ``c(r)`` is the count vector of the h honest ballots of run r;
- ``observed`` is the variance of ``c`` across the runs, summed over the options;
- ``independent`` is the variance ``c`` would have if the honest seats voted independently, each
  with its own observed frequencies p_i: the sum over seats and options of p_io (1 - p_io);
- the design effect is (observed - composition) / independent, which equals 1 + (h-1)·ρ with ρ
  the variance-weighted mean correlation between two seats' one-hot ballots; the effective
  number is h / design effect, clipped to [1, h].

``composition`` removes a bias. The seed draws which k of the n seats are faulty anew in every
run, so the honest seats differ from run to run; seats with different leanings then make the
counts vary even when every seat votes independently, and that variance is not correlation.
For h seats drawn uniformly without replacement from n, the expected count is the sum of the
drawn seats' p_i, whose variance across draws is h (n - h) / (n (n - 1)) · Σ_io (p_io - p̄_o)²
(the sampling variance of a sample sum, without replacement). We subtract it, with the spread
of the p_i corrected for their own estimation noise. With no faulty seats (h = n) it is zero.
Twenty-three independent seats among 33, with ten faulty seats re-drawn each run, then count as
about 23 (without the correction, as few as 14 when the seats lean strongly different ways).

It is undefined (None) when no honest seat's ballot varied across the runs: then the runs say
nothing about how the seats co-vary. Every statistic is a sum over runs, so blocks of runs merge
by addition, in any order, and a crashed sweep resumes with the blocks it had finished.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class BallotStats(BaseModel):
    """Sufficient statistics of a cell's honest ballots over some of its runs (they add up)."""

    model_config = ConfigDict(extra="forbid")

    runs: int = Field(default=0, description="Runs counted.")
    honest: int = Field(default=0, description="Honest seats per run (fixed within a cell).")
    seat_runs: list[int] = Field(default_factory=list, description="Per seat, runs it was honest.")
    seat_votes: list[list[int]] = Field(
        default_factory=list, description="Per seat and option, runs it voted that option."
    )
    count_sum: list[int] = Field(
        default_factory=list, description="Per option, honest votes summed over runs."
    )
    count_squares: list[int] = Field(
        default_factory=list, description="Per option, squared honest votes summed over runs."
    )

    def merge(self, other: BallotStats) -> BallotStats:
        """The statistics of both sets of runs."""
        if not self.runs:
            return other
        if not other.runs:
            return self
        return BallotStats(
            runs=self.runs + other.runs,
            honest=self.honest,
            seat_runs=_add(self.seat_runs, other.seat_runs),
            seat_votes=[_add(a, b) for a, b in zip(self.seat_votes, other.seat_votes, strict=True)],
            count_sum=_add(self.count_sum, other.count_sum),
            count_squares=_add(self.count_squares, other.count_squares),
        )

    def effective_votes(self) -> float | None:
        """Kish's effective number of independent honest votes (None when undefined)."""
        return effective_votes(self)


def _add(a: list[int], b: list[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


class BallotTally:
    """Accumulates ``BallotStats`` run by run, in numpy (the worker's side)."""

    def __init__(self, n: int, n_options: int) -> None:
        self.n_options = n_options
        self.runs = 0
        self.honest = 0
        self.seat_runs = np.zeros(n, dtype=np.int64)
        self.seat_votes = np.zeros((n, n_options), dtype=np.int64)
        self.count_sum = np.zeros(n_options, dtype=np.int64)
        self.count_squares = np.zeros(n_options, dtype=np.int64)

    def add(self, cast: np.ndarray, honest: np.ndarray) -> None:
        """Count one run: every seat's first choice (NONE for none) and the honest mask."""
        voters = honest & (cast >= 0)
        seats = voters.nonzero()[0]
        choices = cast[seats]
        counts = np.bincount(choices, minlength=self.n_options)
        self.runs += 1
        self.honest = int(honest.sum())
        self.seat_runs[seats] += 1
        self.seat_votes[seats, choices] += 1
        self.count_sum += counts
        self.count_squares += counts * counts

    def add_many(self, casts: np.ndarray, honest: np.ndarray) -> None:
        """Count many runs at once: casts and honest masks, (runs, n) each.

        Counted by (run, option) and (seat, option) cells, not one-hot rows.
        """
        voters = honest & (casts >= 0)
        runs, n = casts.shape
        k = self.n_options
        by_run = (np.arange(runs)[:, None] * k + casts)[voters]
        by_seat = (np.arange(n) * k + casts)[voters]
        counts = np.bincount(by_run, minlength=runs * k).reshape(runs, k)
        self.runs += runs
        self.honest = int(honest[-1].sum())
        self.seat_runs += voters.sum(axis=0)
        self.seat_votes += np.bincount(by_seat, minlength=n * k).reshape(n, k)
        self.count_sum += counts.sum(axis=0)
        self.count_squares += (counts * counts).sum(axis=0)

    def stats(self) -> BallotStats:
        """The statistics so far."""
        return BallotStats(
            runs=self.runs,
            honest=self.honest,
            seat_runs=self.seat_runs.tolist(),
            seat_votes=self.seat_votes.tolist(),
            count_sum=self.count_sum.tolist(),
            count_squares=self.count_squares.tolist(),
        )


def effective_votes(stats: BallotStats) -> float | None:
    """H / design effect, clipped to [1, h]; None when no honest ballot varied.

    Seats that vote independently: the effective number is about the number of seats.

    >>> rng = np.random.default_rng(0)
    >>> tally = BallotTally(n=20, n_options=2)
    >>> for _ in range(2000):
    ...     tally.add(rng.integers(0, 2, size=20), np.ones(20, bool))
    >>> 18 < effective_votes(tally.stats()) <= 20
    True

    Seats that always vote alike are worth one vote:

    >>> tally = BallotTally(n=20, n_options=2)
    >>> for r in range(100):
    ...     tally.add(np.full(20, r % 2), np.ones(20, bool))
    >>> effective_votes(tally.stats())
    1.0

    Independent seats that lean different ways, five of twenty faulty and re-drawn each run:
    still about fifteen (the re-drawing alone would make them look like about ten).

    >>> lean = np.where(np.arange(20) % 2, 0.9, 0.1)  # chance of voting option 1
    >>> tally = BallotTally(n=20, n_options=2)
    >>> for _ in range(3000):
    ...     honest = np.ones(20, bool)
    ...     honest[rng.choice(20, size=5, replace=False)] = False
    ...     tally.add((rng.random(20) < lean).astype(int), honest)
    >>> 14 < effective_votes(tally.stats()) <= 15
    True
    """
    if stats.runs < 2 or stats.honest < 1:
        return None
    runs = stats.runs
    seat_runs = np.asarray(stats.seat_runs, dtype=float)
    votes = np.asarray(stats.seat_votes, dtype=float)
    seen = seat_runs > 0
    p = votes[seen] / seat_runs[seen, None]
    # Expected variance of the honest counts if seats voted independently, per run.
    independent = float((seat_runs[seen, None] * p * (1.0 - p)).sum()) / runs
    mean = np.asarray(stats.count_sum, dtype=float) / runs
    observed = float((np.asarray(stats.count_squares, dtype=float) / runs - mean**2).sum())
    if independent <= 1e-12:
        return None
    h = float(stats.honest)
    observed -= composition(p, seat_runs[seen], stats.honest)
    if observed <= 1e-12:
        return h
    return float(min(h, max(1.0, h * independent / observed)))


def composition(p: np.ndarray, seat_runs: np.ndarray, honest: int) -> float:
    """Variance of the honest counts due only to which seats are honest, per run.

    ``p`` (m, options) are the seats' vote frequencies, ``seat_runs`` (m,) the runs each was honest
    in, ``honest`` the honest seats per run, drawn uniformly from the m. Zero when every seat
    is honest in every run, or when the seats all lean alike.

    >>> p = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> composition(p, np.array([50, 50]), honest=1)  # one of two seats: the count is 0 or 1
    0.5
    >>> composition(p, np.array([50, 50]), honest=2)
    0.0
    """
    m = len(p)
    if honest >= m or m < 2:
        return 0.0
    spread = float(((p - p.mean(axis=0)) ** 2).sum())
    # Each p_i is a frequency over seat_runs[i] runs: its sampling variance inflates the spread.
    noise = float((p * (1.0 - p) / np.maximum(seat_runs - 1.0, 1.0)[:, None]).sum())
    spread = max(0.0, spread - noise * (1.0 - 1.0 / m))
    return honest * (m - honest) / (m * (m - 1)) * spread


def summary_of(stats: BallotStats) -> dict[str, Any]:
    """The plain numbers a report shows for a cell's ballots."""
    value = stats.effective_votes()
    return {
        "honest_seats": stats.honest,
        "effective_votes": None if value is None else round(value, 3),
    }

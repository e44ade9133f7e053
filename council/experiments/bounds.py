"""How big a sweep is before it runs: its size, an estimate of its time and table, its limit.

The size is counted from the lengths of the config's lists (never their product listed); the
estimate runs a few seeds of a few cells spread over the product (``probe``) and scales their
time and row bytes up; the limit refuses a sweep of more runs than a user allowed, with one
line saying how big it is and how to allow it.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from council.experiments.sweep import SweepConfig
from council.library.loader import LoadError, Problem
from council.rules.registry import SpecError

if TYPE_CHECKING:  # the engine loads for an estimate, not for a size check
    from council.experiments.plan import Plan

MAX_RUNS = 10_000_000
"""Runs a ``council sweep`` takes without ``--yes`` (``--max-runs``, ``COUNCIL_MAX_RUNS``)."""
APP_MAX_RUNS = 100_000
"""Runs one sweep of the app may have (``COUNCIL_APP_MAX_RUNS``)."""
PROBE_CELLS = 3
"""Cells the estimate runs, spread over the product (first, middle, last)."""
PROBE_SEEDS = 8
"""Seeds it runs of each."""


class Estimate(BaseModel):
    """A sweep's size, and about how long it takes and how big its table is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cells: int = Field(description="Combinations of the lists.")
    seeds: int = Field(description="Seeds per combination.")
    runs: int = Field(description="Rows of the table.")
    workers: int = Field(description="Processes the time is for.")
    seconds: float = Field(description="About how long it runs on ``workers`` processes.")
    table_bytes: int = Field(description="About how big its CSV table is.")


def size_text(config: SweepConfig) -> str:
    """A sweep's size in words.

    >>> size_text(SweepConfig(scenarios=("a", "b"), byzantine=(0, 1, 2), seeds=1000))
    '6,000 runs (6 combinations × 1,000 seeds)'
    """
    return f"{config.runs:,} runs ({config.cells:,} combinations × {config.seeds:,} seeds)"


def limit_problem(config: SweepConfig, limit: int, name: str, advice: str = "") -> Problem | None:
    """The one problem of a sweep over ``limit`` runs (None if it is within it).

    >>> config = SweepConfig(scenarios=("a",), size=tuple(range(1, 1001)),
    ...                      byzantine=tuple(range(3000)), seeds=10)
    >>> print(limit_problem(config, 10_000_000, "big.yaml", "pass --yes"))  # doctest: +ELLIPSIS
    big.yaml: 30,000,000 runs (3,000,000 combinations × 10 seeds) exceed the limit ...; pass --yes
    """
    if config.runs <= limit:
        return None
    message = f"{size_text(config)} exceed the limit of {limit:,} runs"
    return Problem(file=name, message=f"{message}; {advice}" if advice else message)


def check_limit(config: SweepConfig, limit: int, name: str, advice: str = "") -> None:
    """LoadError (one line) if the sweep has more than ``limit`` runs."""
    problem = limit_problem(config, limit, name, advice)
    if problem is not None:
        raise LoadError([problem])


def limit_from_env(variable: str, default: int) -> int:
    """A run limit from an environment variable (``default`` when unset); SpecError if bad.

    >>> limit_from_env("COUNCIL_NO_SUCH_LIMIT", 5)
    5
    """
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise SpecError(f"{variable}: expected a whole number of runs of at least 1, not {raw!r}")
    return value


def probe(
    cells: Plan, *, seeds: int = PROBE_SEEDS, samples: int = PROBE_CELLS
) -> tuple[float, float]:
    """Seconds and CSV bytes per run, measured on a few seeds of a few cells (nothing written)."""
    import numpy as np

    from council.experiments.blocks import UNKNOWN, Block, run_block

    count = len(cells)
    picks = sorted({round(i * (count - 1) / max(1, samples - 1)) for i in range(samples)})
    n = min(seeds, cells.config.seeds)
    spent, size, runs = 0.0, 0, 0
    for index in picks:
        cell = cells.cell(index)
        block = Block(index, cell.config, cell.council, 0, n, np.full(n, UNKNOWN, np.int8),
                      cell.extras)  # fmt: skip
        began = time.perf_counter()
        result = run_block(block)
        spent += time.perf_counter() - began
        size += len(result.text.encode("utf-8"))
        runs += n
    return spent / runs, size / runs


def estimate(cells: Plan, workers: int) -> Estimate:
    """About how long a sweep runs on ``workers`` processes and how big its table is."""
    config = cells.config
    per_run, per_row = probe(cells)
    header = len(",".join(config.columns())) + 1
    return Estimate(
        cells=config.cells,
        seeds=config.seeds,
        runs=config.runs,
        workers=workers,
        seconds=round(config.runs * per_run / max(1, workers), 3),
        table_bytes=round(header + config.runs * per_row),
    )


def estimate_text(estimate: Estimate) -> str:
    """An estimate in words.

    >>> print(estimate_text(Estimate(cells=68, seeds=100, runs=6800, workers=2, seconds=3.4,
    ...                              table_bytes=620_000)))
    6,800 runs (68 combinations × 100 seeds): about 3 s on 2 workers, a table of about 620 kB
    """
    workers = "1 worker" if estimate.workers == 1 else f"{estimate.workers} workers"
    return (
        f"{estimate.runs:,} runs ({estimate.cells:,} combinations × {estimate.seeds:,} seeds): "
        f"about {duration(estimate.seconds)} on {workers}, "
        f"a table of about {data_size(estimate.table_bytes)}"
    )


def duration(seconds: float) -> str:
    """A duration, rounded to what an estimate can say.

    >>> [duration(s) for s in (0.2, 3.4, 95, 4000, 200_000)]
    ['1 s', '3 s', '2 min', '1.1 h', '2.3 days']
    """
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 86_400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def data_size(size: float) -> str:
    """A number of bytes in kB, MB, GB or TB (powers of 1,000).

    >>> [data_size(b) for b in (500, 14_200, 3_400_000, 2.1e9, 5e12)]
    ['1 kB', '14 kB', '3.4 MB', '2.1 GB', '5.0 TB']
    """
    if size < 1e6:
        return f"{max(1, round(size / 1e3))} kB"
    for unit, scale in (("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1e3:
            return f"{size / scale:.1f} {unit}"
    return f"{size / 1e12:.1f} TB"

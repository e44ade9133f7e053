"""A worker's task: a block of seeds of one cell, run on the batch path into table rows.

The cell's council is seated once (``plan``); each seed is ``council.engine.seeded.run_seed``,
its metrics ``council.engine.metrics.measure``: the same functions a single run's record uses.
Baselines already known (a cell group's fault-free cells compute them for free) are reused.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from council.contracts.config import RunConfig
from council.engine.adversary import NONE
from council.engine.batch import run_seeds, takes
from council.engine.metrics import measure
from council.engine.seating import Council
from council.engine.seeded import run_seed
from council.experiments.cells import RowSums
from council.experiments.effective import BallotStats, BallotTally
from council.experiments.table import cell_factors, format_row, format_rows

UNKNOWN = -2
"""A baseline option not yet computed (NONE, -1, is a baseline that decides nothing)."""


@dataclass(frozen=True)
class Block:
    """A worker's task: seeds [start, stop) of one cell, with the baselines already known."""

    cell: int
    config: RunConfig
    council: Council
    start: int
    stop: int
    baselines: np.ndarray
    """(stop - start,) int8 baseline option per seed; UNKNOWN where still to compute."""
    extras: tuple[Any, ...] = ()
    """The cell's values of the optional factors, as the table writes them."""
    compiled: bool = False
    """Draw through numba even if the cell's fault does not: the sweep loads it anyway."""


@dataclass(frozen=True)
class BlockResult:
    """What a block produced: its rows as CSV text, their sums, baselines and ballot statistics."""

    cell: int
    start: int
    stop: int
    text: str
    """The block's table rows, CSV lines in seed order."""
    sums: RowSums
    baselines: np.ndarray
    ballots: BallotStats


def run_block(block: Block) -> BlockResult:
    """Run a block: each seed's run, its row and what it adds to the cell's sums.

    The batch kernel computes the whole block at once where it takes the cell's config; any
    other config runs seed by seed on the per-run path. Both give the same rows.
    """
    if takes(block.config, block.council):
        return run_on_kernel(block)
    return run_seed_by_seed(block)


def run_on_kernel(block: Block) -> BlockResult:
    """A block on the batch kernel: every seed as arrays, then its rows and sums."""
    config, council = block.config, block.council
    option_ids = council.scenario.option_ids
    seeds = np.arange(block.start, block.stop)
    out = run_seeds(config, council, seeds, compiled=block.compiled)
    baselines = block.baselines.copy()
    if config.byzantine:
        unknown = baselines == UNKNOWN
        if unknown.any():
            honest = run_seeds(config.honest(), council, seeds[unknown], compiled=block.compiled)
            baselines[unknown] = honest.option
    else:
        baselines[:] = out.option
    decided = out.option != NONE
    agree = out.option == baselines  # a run with a baseline of its own agrees with it
    metrics = {
        "safety_violation": out.safety_violation.tolist(),
        "agrees_with_baseline": agree.tolist(),
        "rounds_used": out.rounds_used.tolist(),
        "messages": out.messages.tolist(),
        "honest_drift": out.honest_drift.tolist(),  # written with six decimals: round(d, 6)'s
        "honest_flips": out.honest_flips.tolist(),
    }
    text = format_rows(
        [str(v) for v in cell_factors(config)],
        seeds.tolist(),
        np.where(decided, "decided", "no_quorum").tolist(),
        ["" if o == NONE else option_ids[o] for o in out.option.tolist()],
        metrics,
        [str(v) for v in block.extras],
    )
    sums = RowSums(
        runs=len(seeds),
        violations=int(out.safety_violation.sum()),
        decided=int(decided.sum()),
        agrees=int(agree.sum()),
        rounds_used=int(out.rounds_used.sum()),
        messages=int(out.messages.sum()),
        drift_micro=micro_sum(out.honest_drift),
        flips=int(out.honest_flips.sum()),
        decided_rounds=int(out.rounds_used[decided].sum()),
    )
    tally = BallotTally(len(council.personas), len(option_ids))
    tally.add_many(out.first_cast, out.honest)
    return BlockResult(block.cell, block.start, block.stop, text, sums, baselines, tally.stats())


def micro_sum(drift: np.ndarray) -> int:
    """The drifts rounded to six decimals, summed in millionths: sum(round(round(d, 6) * 1e6)).

    numpy's rint of d * 1e6 is that integer wherever d * 1e6 is not within its rounding error
    of a half (the product's rounding could tip a tie); those few are rounded as Python does.

    >>> micro_sum(np.array([0.1234565, 0.0000005, 0.25, 1 / 3]))
    706789
    """
    scaled = drift * 1_000_000
    micro = np.rint(scaled)
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6):
        micro[i] = round(round(float(drift[i]), 6) * 1_000_000)
    return int(micro.astype(np.int64).sum())


def run_seed_by_seed(block: Block) -> BlockResult:
    """A block on the per-run path, seed by seed."""
    config, council = block.config, block.council
    option_ids = council.scenario.option_ids
    factors = [str(v) for v in cell_factors(config)]
    extras = [str(v) for v in block.extras]
    baselines = block.baselines.copy()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    casts: list[np.ndarray] = []
    honest: list[np.ndarray] = []
    totals = [0] * len(RowSums.model_fields)  # plain ints: a model's setattr is slow
    for i, seed in enumerate(range(block.start, block.stop)):
        known = int(baselines[i])
        run = run_seed(
            config.model_copy(update={"seed": seed}),
            council,
            baseline=None if known == UNKNOWN else known,
        )
        assert run.baseline is not None  # run_seed computes what it is not given
        baselines[i] = run.baseline
        if run.trace.ballots:
            casts.append(run.trace.ballots[0].cast)
            honest.append(run.ctx.honest)
        summary = run.summary
        metrics = measure(run.ctx, run.trace, summary, run.baseline)
        option = "" if summary.option == NONE else option_ids[summary.option]
        writer.writerow(format_row(factors, seed, summary.status, option, metrics, extras))
        for field, value in enumerate(RowSums.of_run(summary.status, metrics)):
            totals[field] += value
    tally = BallotTally(len(council.personas), len(option_ids))
    if casts:
        tally.add_many(np.stack(casts), np.stack(honest))
    sums = RowSums(**dict(zip(RowSums.model_fields, totals, strict=True)))
    return BlockResult(
        block.cell, block.start, block.stop, text.getvalue(), sums, baselines, tally.stats()
    )

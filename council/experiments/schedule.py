"""Running a sweep: blocks of seeds on a process pool or Dask, streamed to the table in order.

The table is written in row order (cells in product order, seeds ascending) as blocks finish,
so memory stays flat: at most a few blocks are pending at once, and the baselines kept for
reuse are one byte per seed of the cell groups still to run. Next to the table, a journal
(``journal``) records each block's sums after its rows are written; ``--resume`` keeps the rows
the journal covers and runs the rest. When the sweep is done the journal becomes the sidecar
``FILE.cells.json`` (per-cell metrics, ``cells``, effective votes included).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from council.contracts.events import Progress, SweepAdvanced
from council.experiments.blocks import UNKNOWN, Block, BlockResult
from council.experiments.cells import CellTotals, SweepSummary
from council.experiments.journal import finished, recover, start, write_atomic, write_block
from council.experiments.plan import Cell, plan
from council.experiments.pool import Backend, open_backend
from council.experiments.sweep import SweepConfig
from council.experiments.table import FACTORS, paths, to_parquet
from council.library.catalog import Library
from council.library.loader import LoadError, Problem

MAX_BLOCK = 1000
"""Seeds per block at most: a block's rows are what a worker holds before sending them."""


class SweepResult(BaseModel):
    """What ``run_sweep`` did."""

    model_config = ConfigDict(extra="forbid")

    out: Path
    sidecar: Path
    runs: int = Field(description="Rows in the table.")
    resumed: int = Field(description="Rows kept from an interrupted sweep.")
    wall_s: float


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_sweep(
    config: SweepConfig,
    out: Path | str,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    library: Library | None = None,
    name: str = "sweep",
    preset: str | None = None,
    block_size: int | None = None,
) -> SweepResult:
    """Run a sweep into ``out`` (.csv, or .parquet), streamed, resumable; see the module doc.

    ``name`` labels config problems (LoadError, raised before any file is touched).
    """
    started = time.perf_counter()
    out = Path(out)
    if out.suffix not in (".csv", ".parquet"):
        raise LoadError([Problem(file=str(out), message="the table must end in .csv or .parquet")])
    if out.suffix == ".parquet":
        _require_pyarrow(out)
    if not out.parent.is_dir():
        raise LoadError([Problem(file=str(out), message="its folder does not exist")])
    cells = plan(config, name, library)
    rows_path, journal_path, sidecar = paths(out)
    total = config.runs
    sums = [CellTotals() for _ in cells]
    workers = workers or default_workers()
    # The backend first (a pool starts its processes only when given work): a scheduler that
    # cannot be reached is an error before any file is touched.
    with open_backend(workers=workers, scheduler=scheduler) as backend:
        done = 0
        if resume and finished(config, out, rows_path, journal_path, sidecar, total):
            done = total
        elif resume and rows_path.exists():
            done = recover(rows_path, journal_path, cells, config, sums)
        else:
            start(rows_path, journal_path, sidecar, config.columns())
        if done < total:
            size = block_size or _block_size(total - done, config.seeds, backend.slots)
            _drive(backend, size, cells, config.seeds, rows_path, journal_path, sums, done,
                   total, progress)  # fmt: skip
        elif progress:
            progress(SweepAdvanced(done=done, total=total))
    if out.suffix == ".parquet" and rows_path.exists():
        to_parquet(rows_path, out, config.columns())
        rows_path.unlink()
    if journal_path.exists() or not sidecar.exists():
        summary = SweepSummary(
            table=out.name,
            preset=preset,
            config=config,
            runs=total,
            cells=[_metrics(s, c, config.extras()) for s, c in zip(sums, cells, strict=True)],
        )
        write_atomic(sidecar, summary.model_dump_json(indent=1))
        journal_path.unlink(missing_ok=True)
    return SweepResult(
        out=out,
        sidecar=sidecar,
        runs=total,
        resumed=min(done, total) if resume else 0,
        wall_s=round(time.perf_counter() - started, 3),
    )


def _require_pyarrow(out: Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise LoadError(
            [Problem(file=str(out), message="Parquet needs pyarrow: pip install pyarrow")]
        ) from None


def _metrics(totals: CellTotals, cell: Cell, extras: tuple[str, ...]) -> Any:
    """A cell's sidecar row: its factors by name, its honest seats, its totals' metrics."""
    factors = dict(zip((*FACTORS, *extras), cell.factors, strict=True))
    return totals.metrics(factors, cell.config.size - cell.config.byzantine)


def _block_size(runs: int, seeds: int, workers: int) -> int:
    """Enough blocks to keep every worker busy (8 each), none above MAX_BLOCK or a cell."""
    return max(1, min(seeds, MAX_BLOCK, math.ceil(runs / (8 * workers))))


def _blocks(cells: list[Cell], seeds: int, size: int, done: int) -> Iterator[tuple[Cell, int, int]]:
    """(cell, start, stop) in row order, from row ``done`` on."""
    for cell in cells[done // seeds :]:
        start = done - cell.index * seeds if cell.index == done // seeds else 0
        while start < seeds:
            stop = min(seeds, (start // size + 1) * size)
            yield cell, start, stop
            start = stop


def _count_blocks(start: int, seeds: int, size: int) -> int:
    """How many blocks ``_blocks`` cuts seeds [start, seeds) of a cell into.

    >>> _count_blocks(0, 10, 4), _count_blocks(5, 10, 4), _count_blocks(10, 10, 4)
    (3, 2, 0)
    """
    if start >= seeds:
        return 0
    return -(-seeds // size) - start // size


def _drive(
    backend: Backend,
    size: int,
    cells: list[Cell],
    seeds: int,
    rows_path: Path,
    journal_path: Path,
    sums: list[CellTotals],
    done: int,
    total: int,
    progress: Progress | None,
) -> None:
    """Submit blocks (a bounded number at once) and write their rows in order."""
    scheduler = _Scheduler(backend, cells, seeds, size, done)
    if progress:
        progress(SweepAdvanced(done=done, total=total))
    began, first = time.perf_counter(), done
    with (
        rows_path.open("a", newline="", encoding="utf-8") as rows_file,
        journal_path.open("a", encoding="utf-8") as journal,
    ):
        for result in scheduler.results():
            write_block(rows_file, journal, result, sums[result.cell])
            done += result.stop - result.start
            if progress:
                progress(advanced(done, total, done - first, time.perf_counter() - began))


def advanced(done: int, total: int, ran: int, seconds: float) -> SweepAdvanced:
    """Progress after a block: ``ran`` runs in ``seconds`` this session, and the time left.

    >>> advanced(3_000, 10_000, 2_000, 4.0)
    SweepAdvanced(kind='sweep', done=3000, total=10000, runs_per_s=500.0, eta_s=14.0)
    """
    rate = ran / seconds if seconds > 0 and ran else None
    eta = None if rate is None else round((total - done) / rate, 1)
    return SweepAdvanced(done=done, total=total, runs_per_s=rate, eta_s=eta)


class _Scheduler:
    """Blocks in table order: submitted a few at a time, results given back in order.

    A block is given the baselines its group knows. One whose baselines a running block of its
    group is computing waits for it while the workers are busy anyway, so that no baseline
    is run twice (the fault-free cells come first in a group and compute them for free).
    """

    def __init__(self, backend: Backend, cells: list[Cell], seeds: int, size: int, done: int):
        self.backend, self.cells, self.seeds = backend, cells, seeds
        self.left: dict[int, int] = {}  # blocks still to submit, per group
        for cell in cells[done // seeds :]:
            first = done - cell.index * seeds if cell.index == done // seeds else 0
            self.left[cell.group] = self.left.get(cell.group, 0) + _count_blocks(first, seeds, size)
        self.count = sum(self.left.values())
        self.blocks = _blocks(cells, seeds, size, done)
        self.upcoming = next(self.blocks, None)
        self.baselines: dict[int, np.ndarray] = {}  # option per seed, per group still to submit
        self.running: dict[int, int] = {}  # blocks running, per group
        self.waiting: dict[Any, int] = {}  # handle -> the block's position in table order
        self.finished: dict[int, BlockResult] = {}
        self.submitted = self.written = 0

    def results(self) -> Iterator[BlockResult]:
        """Every block's result, in table order."""
        limit = max(4, 2 * self.backend.slots)
        while self.written < self.count:
            while self.submitted - self.written < limit and self._ready():
                self._submit()
            for handle in self.backend.wait_any(list(self.waiting)):
                self._collect(handle)
            while self.written in self.finished:
                self.written += 1
                yield self.finished.pop(self.written - 1)

    def _ready(self) -> bool:
        if self.upcoming is None:
            return False
        if not self.waiting:
            return True
        cell, start, stop = self.upcoming
        known = self.baselines.get(cell.group)
        unknown = known is None or bool((known[start:stop] == UNKNOWN).any())
        busy = len(self.waiting) >= self.backend.slots
        return not (unknown and self.running.get(cell.group) and busy)

    def _submit(self) -> None:
        assert self.upcoming is not None
        cell, start, stop = self.upcoming
        self.upcoming = next(self.blocks, None)
        known = self.baselines.setdefault(cell.group, np.full(self.seeds, UNKNOWN, np.int8))
        block = Block(cell.index, cell.config, cell.council, start, stop,
                      known[start:stop].copy(), cell.extras)  # fmt: skip
        self.waiting[self.backend.submit(block)] = self.submitted
        self.submitted += 1
        self.running[cell.group] = self.running.get(cell.group, 0) + 1
        self.left[cell.group] -= 1
        if not self.left[cell.group]:
            self.baselines.pop(cell.group)  # no block of the group is left to give them to

    def _collect(self, handle: Any) -> None:
        result = self.backend.result(handle)
        self.finished[self.waiting.pop(handle)] = result
        group = self.cells[result.cell].group
        self.running[group] -= 1
        known = self.baselines.get(group)
        if known is not None:
            known[result.start : result.stop] = result.baselines

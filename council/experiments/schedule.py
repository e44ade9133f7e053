"""Running a sweep: blocks of seeds on a process pool or Dask, streamed to the table in order.

The table is written in row order (cells in product order, seeds ascending) as blocks finish,
so memory stays flat: at most a few blocks are pending at once, and the baselines kept for
reuse are one byte per seed of the cell groups still to run. Next to the table, a journal
(``journal``) records each block's sums after its rows are written; ``--resume`` keeps the rows
the journal covers and runs the rest. When the sweep is done the journal becomes the sidecar
``FILE.cells.json`` (per-cell metrics, ``cells``, effective votes included).
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from council.contracts.events import Progress, SweepAdvanced
from council.engine.batch import compiles
from council.experiments.blocks import UNKNOWN, Block, BlockResult
from council.experiments.bounds import check_limit
from council.experiments.cells import SweepSummary
from council.experiments.journal import finished, recover, start, write_block
from council.experiments.plan import Cell, Plan, plan
from council.experiments.pool import Backend, open_backend
from council.experiments.sidecar import CellStream, part_path, write_sidecar
from council.experiments.sweep import SweepConfig
from council.experiments.table import paths, to_parquet
from council.library.catalog import Library
from council.library.loader import LoadError, Problem

COMPILED_AHEAD = 16
"""When one of a sweep's first cells draws through numba (``compiles``), every block does: a
worker loads numba at its first block instead of its first such cell's, and the cells before
draw their noise compiled too (0.6 us a run of 33 seats, not 3), the same numbers."""
MAX_BLOCK = 1500
"""Seeds per block at most: a block's rows are what a worker holds before sending them, and
its arrays (33 seats x 5 options x 1,500 runs of doubles: 2 MB) stay near a core's cache:
two workers sharing a machine's memory did 8% more runs a second than with 2,000."""


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
    max_runs: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> SweepResult:
    """Run a sweep into ``out`` (.csv, or .parquet), streamed, resumable; see the module doc.

    ``name`` labels config problems (LoadError, raised before any file is touched); a sweep of
    more than ``max_runs`` runs is one (``bounds.check_limit``). ``stop`` is asked after each
    block: when it says so, the sweep ends with ``SweepStopped`` (the rows so far kept, as a
    kill would leave them: ``resume`` goes on from there).
    """
    started = time.perf_counter()
    out = Path(out)
    if out.suffix not in (".csv", ".parquet"):
        raise LoadError([Problem(file=str(out), message="the table must end in .csv or .parquet")])
    if out.suffix == ".parquet":
        _require_pyarrow(out)
    if not out.parent.is_dir():
        raise LoadError([Problem(file=str(out), message="its folder does not exist")])
    if max_runs is not None:
        check_limit(config, max_runs, name)
    cells = plan(config, name, library)
    rows_path, journal_path, sidecar = paths(out)
    part = part_path(out)
    total = config.runs
    workers = workers or default_workers()
    # The backend first (a pool starts its processes only when given work): a scheduler that
    # cannot be reached is an error before any file is touched.
    compiled = draws_compiled(cells)
    with open_backend(workers=workers, scheduler=scheduler, compiled=compiled) as backend:
        done = 0
        stream: CellStream | None = None
        if resume and finished(config, out, rows_path, journal_path, sidecar, total):
            done = total
        elif resume and rows_path.exists():
            stream = CellStream(cells, part)
            done = recover(rows_path, journal_path, cells, config, stream)
        else:
            start(rows_path, journal_path, sidecar, config.columns())
            stream = CellStream(cells, part)
        if stream is not None:
            try:
                if done < total:
                    size = block_size or _block_size(total - done, config.seeds, backend.slots)
                    _drive(backend, size, cells, config.seeds, rows_path, journal_path, stream,
                           done, total, progress, stop, compiled)  # fmt: skip
                elif progress:
                    progress(SweepAdvanced(done=done, total=total))
            except BaseException:
                stream.abandon()
                raise
            stream.finish()
        elif progress:
            progress(SweepAdvanced(done=done, total=total))
    if out.suffix == ".parquet" and rows_path.exists():
        to_parquet(rows_path, out, config.columns())
        rows_path.unlink()
    if stream is not None:
        head = SweepSummary(table=out.name, preset=preset, config=config, runs=total, cells=[])
        write_sidecar(sidecar, head, part)
        journal_path.unlink(missing_ok=True)
    return SweepResult(
        out=out,
        sidecar=sidecar,
        runs=total,
        resumed=min(done, total) if resume else 0,
        wall_s=round(time.perf_counter() - started, 3),
    )


def draws_compiled(cells: Plan) -> bool:
    """Whether one of the sweep's first ``COMPILED_AHEAD`` cells draws through numba."""
    ahead = itertools.islice(cells.cells(), COMPILED_AHEAD)
    return any(compiles(cell.config, cell.council) for cell in ahead)


def _require_pyarrow(out: Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise LoadError(
            [Problem(file=str(out), message="Parquet needs pyarrow: pip install pyarrow")]
        ) from None


def _block_size(runs: int, seeds: int, workers: int) -> int:
    """Enough blocks to keep every worker busy (8 each), none above MAX_BLOCK or a cell.

    A cell's seeds are cut into blocks of even size (2,942 seeds: two of 1,471, not 1,500
    and 1,442).

    >>> _block_size(100_028, 2942, 2), _block_size(100_002, 33_334, 2), _block_size(10, 10, 2)
    (1471, 1450, 1)
    """
    size = max(1, min(seeds, MAX_BLOCK, math.ceil(runs / (8 * workers))))
    return math.ceil(seeds / math.ceil(seeds / size))


def _blocks(cells: Plan, seeds: int, size: int, done: int) -> Iterator[tuple[Cell, int, int]]:
    """(cell, start, stop) in row order, from row ``done`` on."""
    for cell in cells.cells(done // seeds):
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
    cells: Plan,
    seeds: int,
    rows_path: Path,
    journal_path: Path,
    stream: CellStream,
    done: int,
    total: int,
    progress: Progress | None,
    stop: Callable[[], bool] | None,
    compiled: bool = False,
) -> None:
    """Submit blocks (a bounded number at once) and write their rows in order."""
    scheduler = _Scheduler(backend, cells, seeds, size, done, compiled)
    if progress:
        progress(SweepAdvanced(done=done, total=total))
    began, first = time.perf_counter(), done
    with (
        rows_path.open("a", newline="", encoding="utf-8") as rows_file,
        journal_path.open("a", encoding="utf-8") as journal,
    ):
        for result in scheduler.results():
            write_block(rows_file, journal, result)
            stream.add(result.cell, result.sums, result.ballots)
            done += result.stop - result.start
            if progress:
                progress(advanced(done, total, done - first, time.perf_counter() - began))
            if stop is not None and done < total and stop():
                raise SweepStopped(done, total)


class SweepStopped(Exception):  # noqa: N818 - a stop asked for, not an error
    """A sweep stopped when its ``stop`` said so, after ``done`` of ``total`` rows."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"stopped after {done:,} of {total:,} runs")
        self.done, self.total = done, total


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

    def __init__(
        self, backend: Backend, cells: Plan, seeds: int, size: int, done: int, compiled: bool
    ):
        self.backend, self.cells, self.seeds, self.size = backend, cells, seeds, size
        self.first = done // seeds  # the first cell with rows to run
        self.done = done
        self.left: dict[int, int] = {}  # blocks still to submit, per group seen and not done
        per_cell = _count_blocks(0, seeds, size)
        later = max(0, len(cells) - self.first - 1)
        self.count = _count_blocks(done - self.first * seeds, seeds, size) + later * per_cell
        self.blocks = _blocks(cells, seeds, size, done)
        self.upcoming = next(self.blocks, None)
        self.baselines: dict[int, np.ndarray] = {}  # option per seed, per group still to submit
        self.running: dict[int, int] = {}  # blocks running, per group
        self.waiting: dict[Any, int] = {}  # handle -> the block's position in table order
        self.finished: dict[int, BlockResult] = {}
        self.submitted = self.written = 0
        self.compiled = compiled  # every block draws through numba (see COMPILED_AHEAD)

    def _blocks_left(self, group: int) -> int:
        """Blocks of a group still to run (counted when the group's first block is submitted)."""
        count = 0
        for member in self.cells.members(group):
            if member >= self.first:
                start = self.done - member * self.seeds if member == self.first else 0
                count += _count_blocks(start, self.seeds, self.size)
        return count

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
                      known[start:stop].copy(), cell.extras, self.compiled)  # fmt: skip
        self.waiting[self.backend.submit(block)] = self.submitted
        self.submitted += 1
        self.running[cell.group] = self.running.get(cell.group, 0) + 1
        if cell.group not in self.left:
            self.left[cell.group] = self._blocks_left(cell.group)
        self.left[cell.group] -= 1
        if not self.left[cell.group]:
            del self.left[cell.group]
            self.baselines.pop(cell.group)  # no block of the group is left to give them to

    def _collect(self, handle: Any) -> None:
        result = self.backend.result(handle)
        self.finished[self.waiting.pop(handle)] = result
        group = self.cells.group(result.cell)
        self.running[group] -= 1
        if not self.running[group]:
            del self.running[group]
        known = self.baselines.get(group)
        if known is not None:
            known[result.start : result.stop] = result.baselines

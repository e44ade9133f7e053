"""Running a sweep: blocks of seeds on a process pool or Dask, streamed to the table in order.

The table is written in row order (cells in product order, seeds ascending) as blocks finish,
so memory stays flat: at most a few blocks are pending at once, and the baselines kept for
reuse are one byte per seed of the cell groups still to run. Next to the table, a journal
(``FILE.journal.jsonl``) records each block's sums and ballot statistics after its rows are
written; ``--resume`` keeps the rows the journal covers and runs the rest. When the sweep is
done the journal becomes the sidecar ``FILE.cells.json`` (per-cell metrics, effective votes
included).
"""

from __future__ import annotations

import csv
import json
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from council.contracts.events import Progress, SweepAdvanced
from council.experiments.effective import BallotStats, summary_of
from council.experiments.pool import Backend, open_backend
from council.experiments.sweep import (
    COLUMNS,
    FACTORS,
    UNKNOWN,
    Block,
    BlockResult,
    Cell,
    RowSums,
    SweepConfig,
    cell_factors,
    plan,
)
from council.library.catalog import Library
from council.library.loader import LoadError, Problem

MAX_BLOCK = 1000
"""Seeds per block at most: a block's rows are what a worker holds before sending them."""


class CellMetrics(BaseModel):
    """Per-cell metrics of a sweep (a row of the sidecar and of the report's table)."""

    model_config = ConfigDict(extra="forbid")

    factors: dict[str, Any] = Field(description="The cell's config columns.")
    runs: int = Field(description="Rows (seeds) of the cell.")
    safety_violation_rate: float = Field(description="Share of runs with a safety violation.")
    decision_rate: float = Field(description="Share of runs that decided (liveness).")
    validity: float = Field(description="Share of runs agreeing with the fault-free baseline.")
    rounds_used: float = Field(description="Mean deliberation rounds run.")
    rounds_to_decide: float | None = Field(
        default=None,
        description="Mean rounds run by the runs that decided, six decimals (None: none did).",
    )
    messages: float = Field(description="Mean point-to-point messages.")
    honest_drift: float = Field(description="Mean honest drift.")
    honest_flips: float = Field(description="Mean honest flips.")
    honest_seats: int = Field(description="Honest seats per run.")
    effective_votes: float | None = Field(
        description="Kish's effective number of independent honest votes (None if undefined)."
    )


class SweepSummary(BaseModel):
    """The sidecar ``FILE.cells.json``: the sweep's config and every cell's metrics."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    table: str = Field(description="The table file this summarises.")
    preset: str | None = Field(default=None, description="The preset it ran, if any.")
    config: SweepConfig
    runs: int
    cells: list[CellMetrics]


class SweepResult(BaseModel):
    """What ``run_sweep`` did."""

    model_config = ConfigDict(extra="forbid")

    out: Path
    sidecar: Path
    runs: int = Field(description="Rows in the table.")
    resumed: int = Field(description="Rows kept from an interrupted sweep.")
    wall_s: float


@dataclass
class _Cell:
    """A cell's running sums, block by block, in table order."""

    rows: RowSums = field(default_factory=RowSums)
    ballots: BallotStats = field(default_factory=BallotStats)

    def add(self, rows: RowSums, ballots: BallotStats) -> None:
        self.rows.add(rows)
        self.ballots = self.ballots.merge(ballots)

    def metrics(self, cell: Cell, extras: tuple[str, ...] = ()) -> CellMetrics:
        s, runs = self.rows, max(self.rows.runs, 1)
        return CellMetrics(
            factors=dict(zip((*FACTORS, *extras), cell.factors, strict=True)),
            runs=s.runs,
            safety_violation_rate=s.violations / runs,
            decision_rate=s.decided / runs,
            validity=s.agrees / runs,
            rounds_used=s.rounds_used / runs,
            rounds_to_decide=round(s.decided_rounds / s.decided, 6) if s.decided else None,
            messages=s.messages / runs,
            honest_drift=round(s.drift_micro / runs / 1_000_000, 6),
            honest_flips=s.flips / runs,
            honest_seats=cell.config.size - cell.config.byzantine,
            effective_votes=summary_of(self.ballots)["effective_votes"],
        )


def paths(out: Path) -> tuple[Path, Path, Path]:
    """(rows file, journal, sidecar) of a table: a Parquet table's rows go to a CSV first."""
    rows = out if out.suffix != ".parquet" else out.with_name(out.name + ".rows.csv")
    return rows, out.with_name(out.name + ".journal.jsonl"), out.with_suffix(".cells.json")


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
    sums = [_Cell() for _ in cells]
    workers = workers or default_workers()
    # The backend first (a pool starts its processes only when given work): a scheduler that
    # cannot be reached is an error before any file is touched.
    with open_backend(workers=workers, scheduler=scheduler) as backend:
        done = 0
        if resume and _finished(config, out, rows_path, journal_path, sidecar, total):
            done = total
        elif resume and rows_path.exists():
            done = _recover(rows_path, journal_path, cells, config, sums)
        else:
            _start(rows_path, journal_path, sidecar, config.columns())
        if done < total:
            size = block_size or _block_size(total - done, config.seeds, backend.slots)
            _drive(backend, size, cells, config.seeds, rows_path, journal_path, sums, done,
                   total, progress)  # fmt: skip
        elif progress:
            progress(SweepAdvanced(done=done, total=total))
    if out.suffix == ".parquet" and rows_path.exists():
        _to_parquet(rows_path, out, config.columns())
        rows_path.unlink()
    if journal_path.exists() or not sidecar.exists():
        summary = SweepSummary(
            table=out.name,
            preset=preset,
            config=config,
            runs=total,
            cells=[s.metrics(c, config.extras()) for s, c in zip(sums, cells, strict=True)],
        )
        _write_atomic(sidecar, summary.model_dump_json(indent=1))
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


def _finished(
    config: SweepConfig, out: Path, rows_path: Path, journal_path: Path, sidecar: Path, total: int
) -> bool:
    """Whether this sweep into ``out`` already ran to the end (its sidecar is written last)."""
    if journal_path.exists() or not sidecar.exists() or not out.exists():
        return False
    try:
        done = SweepSummary.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return False
    if done.config != config:
        raise _mismatch(str(sidecar))
    if out.suffix == ".parquet":
        return not rows_path.exists()
    with out.open("rb") as handle:
        return sum(1 for _ in handle) == total + 1


def _start(rows_path: Path, journal_path: Path, sidecar: Path, columns: tuple[str, ...]) -> None:
    """A fresh table: the header only, no journal, no sidecar of an older sweep."""
    journal_path.unlink(missing_ok=True)
    sidecar.unlink(missing_ok=True)
    with rows_path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(columns)


def _drive(
    backend: Backend,
    size: int,
    cells: list[Cell],
    seeds: int,
    rows_path: Path,
    journal_path: Path,
    sums: list[_Cell],
    done: int,
    total: int,
    progress: Progress | None,
) -> None:
    """Submit blocks (a bounded number at once) and write their rows in order."""
    scheduler = _Scheduler(backend, cells, seeds, size, done)
    if progress:
        progress(SweepAdvanced(done=done, total=total))
    with (
        rows_path.open("a", newline="", encoding="utf-8") as rows_file,
        journal_path.open("a", encoding="utf-8") as journal,
    ):
        for result in scheduler.results():
            _write_block(rows_file, journal, result, sums[result.cell])
            done += result.stop - result.start
            if progress:
                progress(SweepAdvanced(done=done, total=total))


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


def _write_block(rows_file: TextIO, journal: TextIO, result: BlockResult, sums: _Cell) -> None:
    """Rows first, then the journal line that vouches for them (each flushed)."""
    rows_file.write(result.text)
    rows_file.flush()
    sums.add(result.sums, result.ballots)
    line = {"cell": result.cell, "start": result.start, "stop": result.stop,
            "sums": result.sums.model_dump(), "ballots": result.ballots.model_dump()}  # fmt: skip
    journal.write(json.dumps(line, separators=(",", ":")) + "\n")
    journal.flush()


def _mismatch(name: str, field: str = "") -> LoadError:
    return LoadError(
        [
            Problem(
                file=name,
                field=field,
                message="does not match the sweep config; run without --resume to start over",
            )
        ]
    )


def _recover(
    rows_path: Path, journal_path: Path, cells: list[Cell], config: SweepConfig, sums: list[_Cell]
) -> int:
    """Keep the rows the journal vouches for, drop the rest; return how many were kept.

    Rows are written before the journal line of their block, so after a crash the table may
    hold rows the journal does not cover yet (and a partial last line): those are run again.
    Every complete row is checked against the config, so a table of another sweep is refused.
    """
    seeds, columns = config.seeds, list(config.columns())
    lines, covered = _read_journal(journal_path, cells, seeds)
    name = str(rows_path)
    kept_rows = kept_lines = 0
    with rows_path.open("rb") as handle:
        header = handle.readline()
        if _split(header) != columns:
            raise LoadError([Problem(file=name, message="not a sweep table (its header differs)")])
        offset = kept_offset = len(header)
        for rows, raw in enumerate(handle, start=1):
            if rows > len(cells) * seeds or not raw.endswith(b"\n"):
                break
            cell = cells[(rows - 1) // seeds]
            row = _split(raw)
            key = [*map(str, cell_factors(cell.config)), str((rows - 1) % seeds)]
            tail = [str(v) for v in cell.extras]
            if len(row) != len(columns) or row[: len(key)] != key or row[len(COLUMNS) :] != tail:
                raise _mismatch(name, f"row {rows}")
            offset += len(raw)
            if kept_lines < len(lines) and rows == covered[kept_lines + 1]:  # a whole block
                line = lines[kept_lines]
                sums[line["cell"]].add(
                    RowSums.model_validate(line["sums"]),
                    BallotStats.model_validate(line["ballots"]),
                )
                kept_lines += 1
                kept_rows, kept_offset = rows, offset
    with rows_path.open("rb+") as handle:
        handle.truncate(kept_offset)
    _rewrite_journal(journal_path, lines[:kept_lines])
    return kept_rows


def _split(raw: bytes) -> list[str]:
    """One CSV line as fields ([] if it is not UTF-8 text)."""
    try:
        return next(csv.reader([raw.decode("utf-8")]), [])
    except (UnicodeDecodeError, csv.Error):
        return []


def _read_journal(
    journal_path: Path, cells: list[Cell], seeds: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """Complete journal lines in order, and the rows covered after 0, 1, ... of them."""
    lines: list[dict[str, Any]] = []
    covered = [0]
    if not journal_path.exists():
        return lines, covered
    with journal_path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break  # cut short by the crash
            try:
                line = json.loads(raw)
                cell, start, stop = int(line["cell"]), int(line["start"]), int(line["stop"])
                RowSums.model_validate(line["sums"])
                BallotStats.model_validate(line["ballots"])
            except (ValueError, KeyError, TypeError):  # pydantic's errors are ValueErrors
                break
            if cell * seeds + start != covered[-1] or not 0 <= cell < len(cells) or stop <= start:
                raise _mismatch(str(journal_path))
            lines.append(line)
            covered.append(cell * seeds + stop)
    return lines, covered


def _rewrite_journal(journal_path: Path, lines: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    _write_atomic(journal_path, text)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _to_parquet(rows_path: Path, out: Path, columns: tuple[str, ...]) -> None:
    """Stream the rows CSV into a Parquet file with the table's types (booleans as booleans)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    types = {c: pa.string() for c in columns}
    for column in ("size", "byzantine", "rounds", "seed", "rounds_used", "messages",
                   "honest_flips"):  # fmt: skip
        types[column] = pa.int64()
    types["honest_drift"] = pa.float64()
    for column in ("drop", "delay"):
        if column in types:
            types[column] = pa.float64()
    types["safety_violation"] = types["agrees_with_baseline"] = pa.bool_()
    schema = pa.schema([(c, types[c]) for c in columns])
    convert = pacsv.ConvertOptions(
        column_types=types,
        true_values=["true"],
        false_values=["false"],
        null_values=[""],
        strings_can_be_null=True,
    )
    tmp = out.with_name(out.name + ".tmp")
    with (
        pacsv.open_csv(rows_path, convert_options=convert) as reader,
        pq.ParquetWriter(tmp, schema) as writer,
    ):
        for batch in reader:
            writer.write_batch(batch.select(list(columns)))
    tmp.replace(out)

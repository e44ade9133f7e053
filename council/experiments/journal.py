"""A sweep's journal: what makes a table resumable after a crash or a kill.

Next to the table, ``FILE.journal.jsonl`` records each block's sums and ballot statistics after
its rows are written (rows first, each flushed). ``recover`` keeps the rows the journal vouches
for and drops the rest; ``finished`` tells a sweep that already ran to the end (its sidecar is
written last, when the journal goes).
"""

from __future__ import annotations

import csv
import json
import os
import threading
from pathlib import Path
from typing import Any, TextIO

from council.experiments.blocks import BlockResult
from council.experiments.cells import RowSums, SweepSummary
from council.experiments.effective import BallotStats
from council.experiments.plan import Plan
from council.experiments.sidecar import CellStream
from council.experiments.sweep import SweepConfig
from council.experiments.table import COLUMNS, FACTORS
from council.library.loader import LoadError, Problem


def finished(
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


def start(rows_path: Path, journal_path: Path, sidecar: Path, columns: tuple[str, ...]) -> None:
    """A fresh table: the header only, no journal, no sidecar of an older sweep."""
    journal_path.unlink(missing_ok=True)
    sidecar.unlink(missing_ok=True)
    with rows_path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(columns)


def write_block(rows_file: TextIO, journal: TextIO, result: BlockResult) -> None:
    """Rows first, then the journal line that vouches for them (each flushed)."""
    rows_file.write(result.text)
    rows_file.flush()
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


def recover(
    rows_path: Path,
    journal_path: Path,
    cells: Plan,
    config: SweepConfig,
    stream: CellStream,
) -> int:
    """Keep the rows the journal vouches for, drop the rest; return how many were kept.

    Rows are written before the journal line of their block, so after a crash the table may
    hold rows the journal does not cover yet (and a partial last line): those are run again.
    Every complete row is checked against the config, so a table of another sweep is refused.
    The kept blocks' sums go to ``stream`` (the sidecar's cells), in order.
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
        index, values = -1, dict[str, str]()
        for rows, raw in enumerate(handle, start=1):
            if rows > len(cells) * seeds or not raw.endswith(b"\n"):
                break
            if index != (rows - 1) // seeds:
                index = (rows - 1) // seeds
                values = {f: str(v) for f, v in cells.values(index).items()}
            row = _split(raw)
            key = [*(values[f] for f in FACTORS), str((rows - 1) % seeds)]
            tail = [values[f] for f in cells.extras]
            if len(row) != len(columns) or row[: len(key)] != key or row[len(COLUMNS) :] != tail:
                raise _mismatch(name, f"row {rows}")
            offset += len(raw)
            if kept_lines < len(lines) and rows == covered[kept_lines + 1]:  # a whole block
                line = lines[kept_lines]
                stream.add(
                    line["cell"],
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
    journal_path: Path, cells: Plan, seeds: int
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
    write_atomic(journal_path, text)


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file, then a rename)."""
    tmp = path.with_name(path.name + f".tmp{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

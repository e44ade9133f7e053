"""A sweep's sidecar ``FILE.cells.json``, written cell by cell as the rows come in.

Rows come in table order, so a cell is complete when the next one starts: its metrics are
appended then to ``FILE.cells.part`` (already indented as the sidecar holds them), and only the
cell in progress is summed in memory. When the sweep ends, the sidecar is the summary's head,
the part file and the closing brackets: the same bytes as ``SweepSummary.model_dump_json(
indent=1)``, without holding a list of every cell. The part file is derived: ``--resume``
rebuilds it from the journal.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TextIO

from council.experiments.cells import CellTotals, RowSums, SweepSummary
from council.experiments.effective import BallotStats
from council.experiments.plan import Plan

_EMPTY = '"cells": []\n}'


def part_path(out: Path) -> Path:
    """Where a sweep into ``out`` keeps its finished cells' metrics until it ends."""
    return out.with_name(out.name + ".cells.part")


class CellStream:
    """Sums the cell in progress; writes each finished cell's sidecar row to the part file."""

    def __init__(self, plan: Plan, part: Path) -> None:
        self.plan = plan
        self.handle: TextIO = part.open("w", encoding="utf-8")
        self.cell: int | None = None
        self.totals = CellTotals()
        self.written = 0

    def add(self, cell: int, sums: RowSums, ballots: BallotStats) -> None:
        """A block's sums, in table order (a new cell closes the one before)."""
        if cell != self.cell:
            self._close()
            self.cell, self.totals = cell, CellTotals()
        self.totals.add(sums, ballots)

    def _close(self) -> None:
        if self.cell is None:
            return
        config = self.plan.values(self.cell)
        honest = int(config["size"]) - int(config["byzantine"])
        row = self.totals.metrics(config, honest).model_dump_json(indent=1)
        comma = ",\n" if self.written else ""
        self.handle.write(comma + "  " + row.replace("\n", "\n  "))
        self.written += 1
        self.cell = None

    def finish(self) -> None:
        """Close the last cell and the part file."""
        self._close()
        self.handle.close()

    def abandon(self) -> None:
        """Close the part file without the cell in progress (the sweep stopped)."""
        self.handle.close()


def write_sidecar(sidecar: Path, head: SweepSummary, part: Path) -> None:
    """The sidecar from the summary's head (no cells) and the part file, whole or not at all."""
    text = head.model_copy(update={"cells": []}).model_dump_json(indent=1)
    assert text.endswith(_EMPTY), text[-40:]
    tmp = sidecar.with_name(sidecar.name + f".tmp{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text[: -len(_EMPTY)] + '"cells": [\n')
        with part.open(encoding="utf-8") as cells:
            shutil.copyfileobj(cells, handle)
        handle.write("\n ]\n}")
    tmp.replace(sidecar)
    part.unlink()

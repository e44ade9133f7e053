"""A sweep cell's metrics: sums over its runs, and the rates and means made of them.

``RowSums`` adds up what each run measured (``council.engine.metrics``) block by block;
``cell_means`` turns sums into the per-cell metrics; ``CellMetrics`` is the sidecar's row and
the one place a per-cell metric is named, described and labelled: the report's plots and
tables, the presets' figures and the CLI's summary read their names here (``CELL_METRICS``,
``LABELS``, ``RATES``, ``HEADLINE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from council.engine.metrics import RunMetrics
from council.experiments.effective import BallotStats, summary_of
from council.experiments.sweep import SweepConfig


class RowSums(BaseModel):
    """Sums over a cell's rows, for its rates and means (they add up, block by block)."""

    model_config = ConfigDict(extra="forbid")

    runs: int = 0
    violations: int = 0
    decided: int = 0
    agrees: int = 0
    rounds_used: int = 0
    messages: int = 0
    drift_micro: int = Field(default=0, description="Honest drift in millionths (exact sums).")
    flips: int = 0
    decided_rounds: int = Field(default=0, description="Rounds used by the runs that decided.")

    def add(self, other: RowSums) -> None:
        """Add another block's sums to these."""
        for name in RowSums.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def of_run(status: str, metrics: RunMetrics) -> tuple[int, ...]:
        """What one run adds to each sum, in field order (plain ints: the sweep's hot loop)."""
        decided = status == "decided"
        return (
            1,
            int(metrics.safety_violation),
            int(decided),
            int(bool(metrics.agrees_with_baseline)),
            metrics.rounds_used,
            metrics.messages,
            round(metrics.honest_drift * 1_000_000),
            metrics.honest_flips,
            metrics.rounds_used if decided else 0,
        )


def _metric(
    description: str, label: str, short: str | None = None, rate: bool = False, **kwargs: Any
) -> Any:
    """A per-cell metric's field: what it is, its plot label, its CLI heading, if it is a rate."""
    extra: dict[str, Any] = {"label": label, "rate": rate}
    if short:
        extra["short"] = short
    return Field(description=description, json_schema_extra=extra, **kwargs)


class CellMetrics(BaseModel):
    """Per-cell metrics of a sweep (a row of the sidecar and of the report's table)."""

    model_config = ConfigDict(extra="forbid")

    factors: dict[str, Any] = Field(description="The cell's config columns.")
    runs: int = Field(description="Rows (seeds) of the cell.")
    safety_violation_rate: float = _metric(
        "Share of runs with a safety violation.",
        "safety violations (share of runs)",
        short="unsafe",
        rate=True,
    )
    decision_rate: float = _metric(
        "Share of runs that decided (liveness).", "decided (share of runs)", "decided", True
    )
    validity: float = _metric(
        "Share of runs agreeing with the fault-free baseline.",
        "same outcome as the fault-free run (share)",
        short="validity",
        rate=True,
    )
    rounds_used: float = _metric("Mean deliberation rounds run.", "deliberation rounds (mean)")
    rounds_to_decide: float | None = _metric(
        "Mean rounds run by the runs that decided, six decimals (None: none did).",
        "rounds to decide (mean over runs that decided)",
        default=None,
    )
    messages: float = _metric("Mean point-to-point messages.", "messages (mean)")
    honest_drift: float = _metric(
        "Mean honest drift, six decimals.", "honest drift (mean TV distance)", short="drift"
    )
    honest_flips: float = _metric("Mean honest flips.", "honest seats that flipped (mean)")
    honest_seats: int = Field(description="Honest seats per run.")
    effective_votes: float | None = _metric(
        "Kish's effective number of independent honest votes (None if undefined).",
        "effective independent votes",
        short="eff. votes",
    )


def _extra(name: str) -> dict[str, Any]:
    extra = CellMetrics.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


CELL_METRICS: tuple[str, ...] = tuple(n for n in CellMetrics.model_fields if _extra(n))
"""The per-cell metrics a report can plot, in the sidecar's order."""
LABELS: dict[str, str] = {n: str(_extra(n)["label"]) for n in CELL_METRICS}
"""Each per-cell metric's plot label."""
RATES: tuple[str, ...] = tuple(n for n in CELL_METRICS if _extra(n)["rate"])
"""Metrics that are shares of runs: a preset's ``count`` figure turns them back into runs."""
HEADLINE: dict[str, str] = {
    n: str(_extra(n)["short"]) for n in CELL_METRICS if "short" in _extra(n)
}
"""The metrics a summary shows first (``council report``'s table, the default plots), with
their short headings."""


def cell_means(sums: RowSums) -> dict[str, float | None]:
    """The rates and means of a cell's runs, from their sums (unrounded).

    >>> means = cell_means(RowSums(runs=4, violations=1, decided=2, decided_rounds=5))
    >>> means["safety_violation_rate"], means["decision_rate"], means["rounds_to_decide"]
    (0.25, 0.5, 2.5)
    """
    runs = max(sums.runs, 1)
    return {
        "safety_violation_rate": sums.violations / runs,
        "decision_rate": sums.decided / runs,
        "validity": sums.agrees / runs,
        "rounds_used": sums.rounds_used / runs,
        "rounds_to_decide": sums.decided_rounds / sums.decided if sums.decided else None,
        "messages": sums.messages / runs,
        "honest_drift": sums.drift_micro / runs / 1_000_000,
        "honest_flips": sums.flips / runs,
    }


def cell_metrics(
    sums: RowSums, factors: dict[str, Any], honest_seats: int, effective_votes: float | None
) -> CellMetrics:
    """A cell's sidecar row: its means, drift and rounds to decide to six decimals."""
    means = cell_means(sums)
    for name in ("honest_drift", "rounds_to_decide"):
        value = means[name]
        means[name] = None if value is None else round(value, 6)
    return CellMetrics(
        factors=factors,
        runs=sums.runs,
        **means,
        honest_seats=honest_seats,
        effective_votes=effective_votes,
    )


@dataclass
class CellTotals:
    """A cell's running sums, block by block, in table order."""

    rows: RowSums = field(default_factory=RowSums)
    ballots: BallotStats = field(default_factory=BallotStats)

    def add(self, rows: RowSums, ballots: BallotStats) -> None:
        """Add a block's sums and ballot statistics."""
        self.rows.add(rows)
        self.ballots = self.ballots.merge(ballots)

    def metrics(self, factors: dict[str, Any], honest_seats: int) -> CellMetrics:
        """The cell's sidecar row."""
        votes = summary_of(self.ballots)["effective_votes"]
        return cell_metrics(self.rows, factors, honest_seats, votes)


class SweepSummary(BaseModel):
    """The sidecar ``FILE.cells.json``: the sweep's config and every cell's metrics."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    table: str = Field(description="The table file this summarises.")
    preset: str | None = Field(default=None, description="The preset it ran, if any.")
    config: SweepConfig
    runs: int
    cells: list[CellMetrics]

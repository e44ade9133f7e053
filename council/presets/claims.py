"""A preset's figures, generated from a run of the preset, never typed.

A preset's front matter may declare ``figures``: named numbers read off its per-cell metrics
(the sweep's sidecar), such as one cell's violation rate, the first number of faulty seats at
which violations appear, or the largest gap between two protocols. Its paragraph and its
``summary`` (the README's preset table row) name them as ``{name}``. This module computes them
from a sweep of the preset at its own seed count and writes them to ``NAME.figures.json``,
which ``load_preset`` fills in; ``council.presets.regenerate`` is the script that does it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from council.quorum import threshold, tolerates
from council.runner import CellMetrics, SweepSummary, run_sweep
from council.sweep import FACTORS, SweepConfig

Scalar = str | int | float
_CONDITION = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?[0-9.]+)\s*$")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""How a paragraph names a figure: ``{name}``."""


class Figure(BaseModel):
    """One generated number: which cells it reads and how it reduces them to text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal[
        "value", "values", "first", "last", "max", "min", "spread", "safety_bound", "liveness_bound"
    ] = Field(
        default="value",
        description="value: one cell's metric; values: the metric along `over`, joined; first / "
        "last: the first value of `over` whose metric meets `when` / the last of the leading run "
        "that meets it; max, min: over the cells; spread: the largest difference between cells "
        "that differ only in `between`; safety_bound, liveness_bound: 2t-n-1, n-t of the cell.",
    )
    metric: str | None = Field(default=None, description="A per-cell metric (CellMetrics).")
    where: dict[str, Scalar | list[Scalar]] = Field(
        default_factory=dict, description="Factor -> the value(s) of the cells it reads."
    )
    over: str | None = Field(default=None, description="values, first, last: the factor.")
    when: str | None = Field(default=None, description="first, last: a test like '> 0'.")
    between: str | None = Field(default=None, description="spread: the factor compared.")
    otherwise: str = Field(default="never", description="first, last: text when none meets it.")
    format: str = Field(default=".2f", description="Format spec of a metric's value.")

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        for factor in (*self.where, self.over, self.between):
            if factor is not None and factor not in FACTORS:
                raise ValueError(f"unknown factor {factor!r} (known: {', '.join(FACTORS)})")
        bound = self.kind in ("safety_bound", "liveness_bound")
        if not bound and self.metric not in CellMetrics.model_fields:
            raise ValueError(f"{self.kind} needs a per-cell metric, not {self.metric!r}")
        if self.kind in ("values", "first", "last") and self.over is None:
            raise ValueError(f"{self.kind} needs `over`: the factor it runs along")
        if self.kind in ("first", "last") and (
            self.when is None or not _CONDITION.match(self.when)
        ):
            raise ValueError(f"{self.kind} needs `when`, a test such as '> 0' or '== 0'")
        if self.kind == "spread" and self.between is None:
            raise ValueError("spread needs `between`: the factor whose cells it compares")
        return self


class FigureValues(BaseModel):
    """``NAME.figures.json``: a preset's figures as text, and what they were computed from."""

    model_config = ConfigDict(extra="forbid")

    preset: str
    seeds: int = Field(description="Seeds per cell of the run they come from.")
    source: str = Field(description="Digest of the sweep config and figure specs used.")
    figures: dict[str, str]


def source_digest(config: SweepConfig, figures: dict[str, Figure]) -> str:
    """A digest of what the figures depend on besides the code: the config and the specs."""
    data = {
        "config": config.model_dump(mode="json"),
        "figures": {k: f.model_dump(mode="json") for k, f in sorted(figures.items())},
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def render(template: str, values: dict[str, str], where: str) -> str:
    """``template`` with every ``{name}`` replaced; ValueError naming ``where`` if one is unknown.

    >>> render("violations from {first} on", {"first": "11"}, "n3-bound")
    'violations from 11 on'
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(
                f"{where}: no figure {name!r} (run python -m council.presets.regenerate)"
            )
        return values[name]

    return PLACEHOLDER.sub(fill, template)


def _listed(value: Scalar | list[Scalar]) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def cells_config(config: SweepConfig, figure: Figure) -> SweepConfig:
    """The smallest sweep of ``config`` holding every cell the figure reads."""
    lists = dict(zip(FACTORS, config.lists(), strict=True))
    update: dict[str, Any] = {}
    for factor, wanted in figure.where.items():
        known = {str(v): v for v in lists[factor]}
        missing = [w for w in _listed(wanted) if w not in known]
        if missing:
            raise ValueError(f"where {factor}: {missing[0]} is not in the preset's {factor}")
        update["scenarios" if factor == "scenario" else factor] = tuple(
            known[w] for w in _listed(wanted)
        )
    return config.model_copy(update=update)


def _selected(cells: Sequence[CellMetrics], figure: Figure) -> list[CellMetrics]:
    wanted = {f: set(_listed(v)) for f, v in figure.where.items()}
    return [c for c in cells if all(str(c.factors[f]) in vs for f, vs in wanted.items())]


def _meets(value: float | None, test: str) -> bool:
    match = _CONDITION.match(test)
    assert match is not None  # checked by the model
    op, limit = match.group(1), float(match.group(2))
    if value is None:
        return False
    return {
        ">": value > limit,
        ">=": value >= limit,
        "<": value < limit,
        "<=": value <= limit,
        "==": abs(value - limit) < 1e-12,
    }[op]


def bound(figure: Figure, config: SweepConfig, name: str = "figure") -> str:
    """A ``safety_bound`` or ``liveness_bound`` figure: arithmetic on its cells' size and quorum.

    >>> config = SweepConfig(scenarios=("x",), size=(33,), quorum=("bft", "majority"), seeds=1)
    >>> bound(Figure(kind="safety_bound", where={"quorum": "bft"}), config)
    '10'
    >>> bound(Figure(kind="liveness_bound", where={"quorum": "majority"}), config)
    '16'
    """
    needed = cells_config(config, figure)
    sides = set()
    for size in needed.size:
        for quorum in needed.quorum:
            tol = tolerates(size, threshold(quorum, size))
            sides.add(tol.safety if figure.kind == "safety_bound" else tol.liveness)
    if len(sides) != 1:
        raise ValueError(f"{name}: the cells it reads have different bounds {sorted(sides)}")
    return str(sides.pop())


def compute(figure: Figure, cells: Sequence[CellMetrics], name: str = "figure") -> str:
    """The figure's text from the per-cell metrics (any superset of the cells it reads).

    Not for the bounds, which need no run (``bound``).
    """
    if figure.kind in ("safety_bound", "liveness_bound"):
        raise ValueError(f"{name}: a bound is arithmetic, see bound()")
    chosen = _selected(cells, figure)
    if not chosen:
        raise ValueError(f"{name}: no cell matches {figure.where}")

    def text(value: float | None) -> str:
        return "undefined" if value is None else format(value, figure.format)

    def metric(cell: CellMetrics) -> float | None:
        value = getattr(cell, str(figure.metric))
        return None if value is None else float(value)

    if figure.kind == "value":
        if len(chosen) != 1:
            raise ValueError(f"{name}: `where` matches {len(chosen)} cells, not one")
        return text(metric(chosen[0]))
    if figure.kind in ("max", "min"):
        values = [v for v in map(metric, chosen) if v is not None]
        return text((max if figure.kind == "max" else min)(values) if values else None)
    if figure.kind == "spread":
        groups: dict[tuple[str, ...], list[float]] = {}
        for cell in chosen:
            key = tuple(str(cell.factors[f]) for f in FACTORS if f != figure.between)
            value = metric(cell)
            if value is not None:
                groups.setdefault(key, []).append(value)
        return text(max((max(g) - min(g) for g in groups.values()), default=0.0))
    # values, first, last: one cell per value of `over`, in the sweep's order.
    line = chosen
    steps = [c.factors[str(figure.over)] for c in line]
    if len(set(map(str, steps))) != len(steps):
        raise ValueError(f"{name}: several cells per value of {figure.over}: pin the others")
    if figure.kind == "values":
        return ", ".join(text(metric(c)) for c in line)
    test = str(figure.when)
    if figure.kind == "first":
        return next((str(c.factors[str(figure.over)]) for c in line if _meets(metric(c), test)),
                    figure.otherwise)  # fmt: skip
    held = None
    for cell in line:
        if not _meets(metric(cell), test):
            break
        held = cell
    return figure.otherwise if held is None else str(held.factors[str(figure.over)])


def run_cells(config: SweepConfig, *, workers: int | None = 1) -> list[CellMetrics]:
    """Run a sweep (exactly as ``council sweep`` does) and return its per-cell metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        result = run_sweep(config, Path(tmp) / "claims.csv", workers=workers)
        summary = SweepSummary.model_validate_json(result.sidecar.read_text(encoding="utf-8"))
    return summary.cells


def compute_all(
    config: SweepConfig, figures: dict[str, Figure], *, workers: int | None = 1
) -> dict[str, str]:
    """Every figure, from sweeps of the cells each reads (bounds need none)."""
    out = {
        name: bound(figure, config, name)
        for name, figure in figures.items()
        if figure.kind in ("safety_bound", "liveness_bound")
    }
    measured = {name: figure for name, figure in figures.items() if name not in out}
    # Each figure's own cells, the widest first: a figure whose cells an earlier run already
    # covered runs nothing more (the metrics of a cell do not depend on the rest of the sweep).
    needed = {name: cells_config(config, figure) for name, figure in measured.items()}
    known: dict[tuple[str, ...], CellMetrics] = {}
    for name in sorted(needed, key=lambda n: -needed[n].runs):
        wanted = [tuple(map(str, c)) for c in itertools.product(*needed[name].lists())]
        if any(key not in known for key in wanted):
            for cell in run_cells(needed[name], workers=workers):
                known[tuple(str(cell.factors[f]) for f in FACTORS)] = cell
    cells = list(known.values())
    out.update({name: compute(figure, cells, name) for name, figure in measured.items()})
    return {name: out[name] for name in figures}

"""A preset's figures, generated from a run of the preset, never typed.

A preset's front matter may declare ``figures`` (``council.experiments.presets.figure``): named
numbers read off its per-cell metrics (the sweep's sidecar), such as one cell's violation rate,
the first number of faulty seats at which violations appear, the largest gap between two
protocols or the runs with a violation, or computed from the quorum arithmetic of its councils
(``council.experiments.presets.arithmetic``), such as a quorum system's exact tolerance. Its
paragraph and its ``summary`` (the README's preset table row) name them as ``{name}``. This
module computes them from a sweep of the cells they read at the preset's own seed count;
``council.experiments.presets.regenerate`` is the script that writes them to
``NAME.figures.json``, which ``load_preset`` fills in.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from council.experiments.cells import CellMetrics, SweepSummary
from council.experiments.presets.arithmetic import KINDS as ARITHMETIC
from council.experiments.presets.arithmetic import arithmetic
from council.experiments.presets.figure import CONDITION, REFERENCE, Figure, Scalar
from council.experiments.schedule import run_sweep
from council.experiments.sweep import SweepConfig


def _key(value: Any) -> str:
    """A factor value as figures compare it: numbers by value (``0`` is drop ``0.0``).

    >>> [_key(v) for v in (0, 0.0, "0.3", 3, "bft", "groups:3/0.75")]
    ['0.0', '0.0', '0.3', '3.0', 'bft', 'groups:3/0.75']
    """
    if isinstance(value, bool):
        return str(value)
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return str(value)


def _listed(value: Scalar | list[Scalar]) -> list[str]:
    return [_key(v) for v in (value if isinstance(value, list) else [value])]


def cells_config(
    config: SweepConfig, figure: Figure, name: str = "figure", values: dict[str, str] | None = None
) -> SweepConfig:
    """The smallest sweep of ``config`` holding every cell the figure reads.

    A ``where`` value naming another figure takes that figure's text from ``values``; without
    it (not computed yet) the factor keeps all its values.
    """
    lists = dict(zip(config.factors(), config.lists(), strict=True))
    update: dict[str, Any] = {}
    for factor, wanted in figure.where.items():
        if factor not in lists:
            raise ValueError(f"{name}: where {factor}: the preset does not list {factor}")
        reference = REFERENCE.match(str(wanted))
        if reference and reference.group(1) not in (values or {}):
            continue
        wanted = (values or {})[reference.group(1)] if reference else wanted
        known = {_key(v): v for v in lists[factor]}
        missing = [w for w in _listed(wanted) if w not in known]
        if missing:
            raise ValueError(
                f"{name}: where {factor}: {missing[0]} is not in the preset's {factor}"
            )
        update["scenarios" if factor == "scenario" else factor] = tuple(
            known[w] for w in _listed(wanted)
        )
    return config.model_copy(update=update)


def _selected(cells: Sequence[CellMetrics], figure: Figure) -> list[CellMetrics]:
    wanted = {f: set(_listed(v)) for f, v in figure.where.items()}
    return [c for c in cells if all(_key(c.factors[f]) in vs for f, vs in wanted.items())]


def _meets(value: float | None, test: str) -> bool:
    match = CONDITION.match(test)
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


def quorum_arithmetic(figure: Figure, config: SweepConfig, name: str = "figure") -> str:
    """A figure of the quorum arithmetic (``presets.arithmetic``): no run needed.

    >>> config = SweepConfig(scenarios=("x",), size=(33,), quorum=("bft", "majority"), seeds=1)
    >>> quorum_arithmetic(Figure(kind="safety_bound", where={"quorum": "bft"}), config)
    '10'
    >>> quorum_arithmetic(Figure(kind="liveness_bound", where={"quorum": "majority"}), config)
    '16'
    """
    texts = arithmetic(figure.kind, cells_config(config, figure, name), figure.group)
    if len(texts) != 1:
        raise ValueError(
            f"{name}: the cells it reads give different {figure.kind}s {sorted(texts)}"
        )
    return texts.pop()


def _line(chosen: list[CellMetrics], figure: Figure, name: str) -> list[tuple[Any, float | None]]:
    """values, first, last: (value of `over`, metric) along `over`, numbers in ascending order.

    Cells sharing a value of `over` are reduced by `combine`; without it there must be one.
    """
    over = str(figure.over)
    steps: dict[str, list[CellMetrics]] = {}
    for cell in chosen:
        steps.setdefault(_key(cell.factors[over]), []).append(cell)
    if figure.combine is None and any(len(group) > 1 for group in steps.values()):
        raise ValueError(f"{name}: several cells per value of {over}: pin the others or combine")
    line = []
    for group in steps.values():
        metrics = [v for v in (_metric(c, figure) for c in group) if v is not None]
        reduced = (max if figure.combine == "max" else min)(metrics) if metrics else None
        line.append((group[0].factors[over], reduced))
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v, _ in line):
        line.sort(key=lambda step: float(step[0]))
    return line


def _metric(cell: CellMetrics, figure: Figure) -> float | None:
    value = getattr(cell, str(figure.metric))
    return None if value is None else float(value)


def compute(figure: Figure, cells: Sequence[CellMetrics], name: str = "figure") -> str:
    """The figure's text from the per-cell metrics (any superset of the cells it reads).

    Not for the quorum arithmetic, which needs no run (``quorum_arithmetic``).
    """
    if figure.kind in ARITHMETIC:
        raise ValueError(f"{name}: {figure.kind} is quorum arithmetic, see quorum_arithmetic()")
    if figure.references():
        raise ValueError(f"{name}: resolve its references first (Figure.resolved)")
    chosen = _selected(cells, figure)
    if not chosen:
        raise ValueError(f"{name}: no cell matches {figure.where}")

    def text(value: float | None) -> str:
        return "undefined" if value is None else format(value, figure.format)

    if figure.kind == "runs":
        return str(sum(c.runs for c in chosen))
    if figure.kind == "count":
        return str(sum(round(float(getattr(c, str(figure.metric))) * c.runs) for c in chosen))
    if figure.kind == "value":
        if len(chosen) != 1:
            raise ValueError(f"{name}: `where` matches {len(chosen)} cells, not one")
        return text(_metric(chosen[0], figure))
    if figure.kind in ("max", "min"):
        values = [v for v in (_metric(c, figure) for c in chosen) if v is not None]
        return text((max if figure.kind == "max" else min)(values) if values else None)
    if figure.kind == "spread":
        groups: dict[tuple[str, ...], list[float]] = {}
        for cell in chosen:
            key = tuple(_key(v) for f, v in cell.factors.items() if f != figure.between)
            value = _metric(cell, figure)
            if value is not None:
                groups.setdefault(key, []).append(value)
        return text(max((max(g) - min(g) for g in groups.values()), default=0.0))
    line = _line(chosen, figure, name)
    if figure.kind == "values":
        return ", ".join(text(v) for _, v in line)
    test = str(figure.when)
    if figure.kind == "first":
        return next((str(step) for step, v in line if _meets(v, test)), figure.otherwise)
    held = None
    for step, value in line:
        if not _meets(value, test):
            break
        held = step
    return figure.otherwise if held is None else str(held)


def run_cells(config: SweepConfig, *, workers: int | None = 1) -> list[CellMetrics]:
    """Run a sweep (exactly as ``council sweep`` does) and return its per-cell metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        result = run_sweep(config, Path(tmp) / "claims.csv", workers=workers)
        summary = SweepSummary.model_validate_json(result.sidecar.read_text(encoding="utf-8"))
    return summary.cells


def compute_all(
    config: SweepConfig, figures: dict[str, Figure], *, workers: int | None = 1
) -> dict[str, str]:
    """Every figure, from sweeps of the cells each reads (the quorum arithmetic needs none).

    Figures that name another in ``where`` are computed once the ones they name are.
    """
    out: dict[str, str] = {}
    known: dict[tuple[str, ...], CellMetrics] = {}
    pending = dict(figures)
    while pending:
        ready = {n: f for n, f in pending.items() if f.references() <= set(out)}
        if not ready:
            raise ValueError(
                f"{sorted(pending)[0]}: where names figures that are missing or name each other"
            )
        resolved = {n: f.resolved(out, n) for n, f in ready.items()}
        out.update(_compute_some(config, resolved, known, workers))
        pending = {n: f for n, f in pending.items() if n not in ready}
    return {name: out[name] for name in figures}


def _compute_some(
    config: SweepConfig,
    figures: dict[str, Figure],
    known: dict[tuple[str, ...], CellMetrics],
    workers: int | None,
) -> dict[str, str]:
    """Figures without references; ``known`` holds (and gains) the cells already run."""
    out = {
        name: quorum_arithmetic(figure, config, name)
        for name, figure in figures.items()
        if figure.kind in ARITHMETIC
    }
    measured = {name: figure for name, figure in figures.items() if name not in out}
    # Each figure's own cells, the widest first: a figure whose cells an earlier run already
    # covered runs nothing more (the metrics of a cell do not depend on the rest of the sweep).
    needed = {name: cells_config(config, figure, name) for name, figure in measured.items()}
    factors = config.factors()
    for name in sorted(needed, key=lambda n: -needed[n].runs):
        wanted = [tuple(map(_key, c)) for c in itertools.product(*needed[name].lists())]
        if any(key not in known for key in wanted):
            for cell in run_cells(needed[name], workers=workers):
                known[tuple(_key(cell.factors[f]) for f in factors)] = cell
    cells = list(known.values())
    out.update({name: compute(figure, cells, name) for name, figure in measured.items()})
    return out

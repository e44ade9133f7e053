"""``council report``: a sweep table's per-cell metrics, as tables and Altair plots (PNG, HTML).

The table is grouped by its config columns (every column but the seed and the results) into cells;
each cell gets the rates and means of ``council.experiments.cells`` (summed from its rows as the
sweep sums them, so a table gives the numbers its sweep's sidecar has), and the
effective number of independent votes from the sweep's sidecar (``FILE.cells.json``) when it is
there. Plots put a metric against the number of faulty seats (or the first factor that varies), one
line per combination of the other varying factors; a preset's own plot names which. PNGs are
rendered by vl-convert, in process: no browser and no network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from council.engine.metrics import METRICS, RunMetrics
from council.experiments.cells import (
    CELL_METRICS,
    HEADLINE,
    LABELS,
    RowSums,
    SweepSummary,
    cell_means,
)
from council.experiments.presets import PlotSpec, Preset, load_preset
from council.experiments.table import COLUMNS, EXTRAS, FACTORS, kind_of, paths
from council.library.loader import LoadError, Problem

VALIDITY_NOTE = (
    "Validity: the share of runs whose outcome is the fault-free run's (same seed and settings, "
    "every seat honest): both decide the same option, or both decide nothing."
)
"""What validity counts, said wherever a report shows it."""
AXES = {
    "byzantine": "faulty seats",
    "drop": "share of messages lost (drop)",
    "delay": "share of messages a round late (delay)",
}
"""Numeric factors, plotted on a quantitative x axis, with their titles."""
_TEXT = {c: str for c in (*COLUMNS, *EXTRAS) if kind_of(c) == "text"}
"""The text columns, read as text whatever they look like (a quorum ``0.6``, an option ``1``)."""
DEFAULT = PlotSpec(title="Sweep", metrics=tuple(HEADLINE))
"""A report's plots without a preset: the headline metrics."""


class ReportResult(BaseModel):
    """What ``report`` wrote."""

    model_config = ConfigDict(extra="forbid")

    out: Path = Field(description="The report's folder.")
    files: list[Path] = Field(description="Every file written, the HTML page first.")
    cells: int = Field(description="Cells in the table.")
    runs: int = Field(description="Rows in the table.")


def load_table(path: Path) -> pd.DataFrame:
    """A sweep table (CSV or Parquet) with its columns checked; LoadError if it is not one."""
    name = str(path)
    if not path.is_file():
        raise LoadError([Problem(file=name, message="no such file")])
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=_TEXT, keep_default_na=False, true_values=["true"],
                                false_values=["false"])  # fmt: skip
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise LoadError([Problem(file=name, message=f"cannot read the table: {err}")]) from None
    extras = list(frame.columns)[len(COLUMNS) :]
    if list(frame.columns)[: len(COLUMNS)] != list(COLUMNS) or extras != [
        f for f in EXTRAS if f in extras
    ]:
        raise LoadError(
            [Problem(file=name, message="not a sweep table (its columns differ from the sweep's)")]
        )
    for column in (c for c in COLUMNS if kind_of(c) == "bool"):
        if frame[column].dtype != bool:
            raise LoadError([Problem(file=name, field=column, message="must be true or false")])
    return frame


def load_summary(table: Path) -> SweepSummary | None:
    """The sweep's sidecar next to ``table``, if it is there and readable."""
    sidecar = paths(table)[2]
    if not sidecar.is_file():
        return None
    try:
        return SweepSummary.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except (ValidationError, OSError, UnicodeDecodeError):
        return None


def factors_of(frame: pd.DataFrame) -> list[str]:
    """The config columns of a table or cells table: the fixed ones and the optional ones."""
    return [*FACTORS, *(f for f in EXTRAS if f in frame.columns)]


def cell_table(frame: pd.DataFrame, summary: SweepSummary | None = None) -> pd.DataFrame:
    """Per-cell metrics, in the table's order of cells: each row summed as the sweep sums it."""
    factors = factors_of(frame)
    grouped = frame.groupby(factors, sort=False, dropna=False)
    cells = grouped.agg(runs=("seed", "size")).reset_index()
    totals = np.zeros((len(cells), len(RowSums.model_fields)), dtype=np.int64)
    rows = zip(frame["status"], *(frame[m] for m in METRICS), strict=True)
    added = [RowSums.of_run(status, RunMetrics(*measured)) for status, *measured in rows]
    if added:
        np.add.at(totals, grouped.ngroup().to_numpy(), np.array(added, dtype=np.int64))
    fields = list(RowSums.model_fields)
    means = [cell_means(RowSums(**dict(zip(fields, map(int, t), strict=True)))) for t in totals]
    metrics = pd.DataFrame(means, columns=list(cell_means(RowSums())), dtype="float64")
    cells = pd.concat([cells, metrics], axis=1)
    cells["effective_votes"] = _effective_votes(cells, summary, factors)
    return cells


def _effective_votes(
    cells: pd.DataFrame, summary: SweepSummary | None, factors: list[str]
) -> list[float | None]:
    if summary is None:
        return [None] * len(cells)
    known = {_key(c.factors, factors): c.effective_votes for c in summary.cells}
    return [known.get(_key(row, factors)) for row in cells[factors].to_dict("records")]


def _key(values: dict[str, Any], factors: list[str]) -> tuple[str, ...]:
    return tuple(str(values.get(f)) for f in factors)


def report(
    table: Path | str, out: Path | str | None = None, *, preset: str | None = None
) -> ReportResult:
    """Write the report of a sweep table into ``out`` (default: ``TABLE_report/`` beside it)."""
    table = Path(table)
    frame = load_table(table)
    summary = load_summary(table)
    preset = preset or (summary.preset if summary else None)
    chosen = load_preset(preset) if preset else None
    spec = chosen.plot if chosen else DEFAULT
    cells = cell_table(frame, summary)
    folder = Path(out) if out else table.with_name(f"{table.stem}_report")
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    cells_path = folder / "cells.csv"
    cells.to_csv(cells_path, index=False, float_format="%.6g")
    charts = sweep_charts(cells, spec)
    for metric, chart in charts:
        png = folder / f"{metric}.png"
        chart.save(png, scale_factor=2)
        files.append(png)
    page = folder / "report.html"
    page.write_text(_page(table, cells, charts, spec, chosen), encoding="utf-8")
    markdown = folder / "summary.md"
    markdown.write_text(_markdown(table, cells, chosen), encoding="utf-8")
    return ReportResult(
        out=folder, files=[page, markdown, cells_path, *files], cells=len(cells), runs=len(frame)
    )


def sweep_cells(table: Path) -> pd.DataFrame:
    """The per-cell metrics of a sweep table, effective votes from its sidecar when there."""
    return cell_table(load_table(table), load_summary(table))


def plot_spec(preset: str | None) -> PlotSpec:
    """What a report plots: the preset's own plot, or the default one without a preset."""
    return load_preset(preset).plot if preset else DEFAULT


def sweep_charts(cells: pd.DataFrame, spec: PlotSpec = DEFAULT) -> list[tuple[str, Any]]:
    """The report's Altair charts of a cells table: (metric, chart) per metric with numbers."""
    return [(metric, _chart(cells, metric, spec)) for metric in _plotted(cells, spec)]


def _plotted(cells: pd.DataFrame, spec: PlotSpec) -> list[str]:
    """The spec's metrics that have numbers to plot."""
    return [m for m in spec.metrics if m in CELL_METRICS and cells[m].notna().any()]


def varying(cells: pd.DataFrame) -> list[str]:
    """The config columns that take more than one value in the table."""
    return [f for f in factors_of(cells) if cells[f].nunique(dropna=False) > 1]


def _axes(cells: pd.DataFrame, spec: PlotSpec) -> tuple[str | None, list[str], list[str]]:
    """(x, colour factors, facet factors): x is the faulty seats if they vary."""
    moving = varying(cells)
    if spec.x in moving:
        x: str | None = spec.x
    else:
        x = "byzantine" if "byzantine" in moving else (moving[0] if moving else None)
    rest = [f for f in moving if f != x]
    facet = [f for f in spec.facet if f in rest]
    color = [f for f in spec.color if f in rest] or [f for f in rest if f not in facet]
    facet += [f for f in rest if f not in color and f not in facet]
    return x, color, facet


def _label(frame: pd.DataFrame, factors: list[str]) -> pd.Series:
    if not factors:
        return pd.Series(["all"] * len(frame), index=frame.index)
    return frame[factors].astype(str).agg(lambda row: ", ".join(
        f"{f}={v}" for f, v in zip(factors, row, strict=True)), axis=1)  # fmt: skip


def _chart(cells: pd.DataFrame, metric: str, spec: PlotSpec) -> Any:
    import altair as alt

    x, color, facet = _axes(cells, spec)
    data = cells.assign(line=_label(cells, color), panel=_label(cells, facet))
    data = data[[c for c in (x, metric, "line", "panel", "runs") if c]].copy()
    order, legend = list(data["line"].unique()), ", ".join(color) or None  # the config's order
    x_enc = (alt.X(f"{x}:Q", title=AXES[x]) if x in AXES
             else alt.X(f"{x}:N", title=x) if x else alt.X("line:N", title=""))  # fmt: skip
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x_enc,
            y=alt.Y(f"{metric}:Q", title=LABELS[metric]),
            color=alt.Color("line:N", title=legend, sort=order),
            # Lines that coincide (two thresholds equal at this size) stay told apart: each is
            # drawn over the one before, thinner and dashed differently.
            strokeDash=alt.StrokeDash("line:N", sort=order, legend=None),
            strokeWidth=alt.StrokeWidth(
                "line:N", sort=order, legend=None, scale=alt.Scale(range=[4.5, 1.5])
            ),
            tooltip=[c for c in data.columns],
        )
        .properties(width=360, height=240)
    )
    if facet:
        chart = chart.facet(facet=alt.Facet("panel:N", title=None), columns=2)
    return chart.properties(title=f"{spec.title}: {LABELS[metric]}")


def _page(
    table: Path, cells: pd.DataFrame, charts: list[tuple[str, Any]], spec: PlotSpec,
    chosen: Preset | None,
) -> str:  # fmt: skip
    """One self-contained HTML page: the explanation, every chart, the cells table."""
    import altair as alt

    head = f"<h1>{html.escape(spec.title)}</h1><p>Table: {html.escape(table.name)}</p>"
    if chosen:
        head += f"<p>{html.escape(chosen.explanation)}</p>"
    body = cells.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="—")
    body += f"<p>{html.escape(VALIDITY_NOTE)}</p>"
    if not charts:
        return f"<!DOCTYPE html><html><body>{head}{body}</body></html>"
    page: str = alt.vconcat(*(chart for _, chart in charts)).to_html(inline=True)
    return page.replace("<body>", f"<body>{head}", 1).replace("</body>", f"{body}</body>", 1)


def _markdown(table: Path, cells: pd.DataFrame, chosen: Preset | None) -> str:
    lines = [f"# Sweep report: {table.name}", ""]
    if chosen:
        lines += [f"## {chosen.plot.title}", "", chosen.explanation, ""]
    shown = [f for f in varying(cells)] + [m for m in ("runs", *CELL_METRICS)]
    lines.append("| " + " | ".join(shown) + " |")
    lines.append("|" + "---|" * len(shown))
    for row in cells[shown].to_dict("records"):
        lines.append("| " + " | ".join(_cell_text(row[c]) for c in shown) + " |")
    lines += ["", VALIDITY_NOTE]
    return "\n".join(lines) + "\n"


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return str(value)


def summary_rows(cells: pd.DataFrame) -> list[dict[str, Any]]:
    """The cells table as plain rows (for printing and JSON)."""
    rows: list[dict[str, Any]] = json.loads(cells.to_json(orient="records"))
    return rows

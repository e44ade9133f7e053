"""The sweep table's contract (DESIGN "Sweep config and table"): its columns and their text.

The columns are the config's factors, the seed, the outcome and the run's metrics
(``council.engine.metrics.METRICS``), then the optional factors a config lists. Each column has
one kind (text, int, float, bool), read off the field it comes from, and the kind says how a
row writes it (booleans ``true``/``false``, floats with six decimals), how Parquet types it and
how a report reads it back.
"""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from council.contracts.config import RunConfig
from council.engine.metrics import METRICS, RunMetrics
from council.experiments.factors import ALL_GROUPS as ALL_GROUPS  # the table's names, here too
from council.experiments.factors import EXTRAS as EXTRAS
from council.experiments.factors import FACTORS as FACTORS
from council.experiments.factors import NO_PARTITION as NO_PARTITION
from council.experiments.factors import NO_WEIGHTS as NO_WEIGHTS

OUTCOME = ("status", "option")
"""How each run ended: its status, and the option decided ('' for none)."""
RESULTS = (*OUTCOME, *METRICS)
"""The result columns: the outcome, then the run's metrics in the record's order."""
COLUMNS = (*FACTORS, "seed", *RESULTS)
"""The table's columns, exactly (DESIGN "Sweep config and table"), for a config that sets none
of the optional factors (``EXTRAS``)."""
Kind = Literal["text", "int", "float", "bool"]
_RESULT_TYPES = typing.get_type_hints(RunMetrics)


def kind_of(column: str) -> Kind:
    """How a column's values are typed: the type of the config field or metric it holds.

    Factors whose config field is not a number (weights, groups) are written as text.

    >>> [kind_of(c) for c in ("size", "drop", "seed", "status", "agrees_with_baseline")]
    ['int', 'float', 'int', 'text', 'bool']
    """
    if column in _RESULT_TYPES:
        hint = _RESULT_TYPES[column]
    elif column in RunConfig.model_fields:
        hint = RunConfig.model_fields[column].annotation
    else:
        return "text"
    for kind, python in (("bool", bool), ("int", int), ("float", float)):
        if hint is python or python in typing.get_args(hint):
            return kind  # type: ignore[return-value]
    return "text"


def _flag(value: Any) -> str:
    return "true" if value else "false"


_WRITE: dict[Kind, Callable[[Any], str]] = {
    "bool": _flag,
    "int": str,
    "float": "{:.6f}".format,
    "text": str,
}
_PERCENT: dict[Kind, str] = {"bool": "%s", "int": "%d", "float": "%.6f", "text": "%s"}
"""``_WRITE``'s text as %-formats, for a block's rows (``format_rows``): ``%d`` is ``str`` of
an int, ``%.6f`` is ``"{:.6f}".format``, and a boolean goes in as ``_flag``'s text."""
_METRIC_KINDS = tuple(kind_of(m) for m in METRICS)
_METRIC_WRITERS = tuple(_WRITE[kind] for kind in _METRIC_KINDS)
_ROW_FORMAT = ",".join(_PERCENT[kind] for kind in _METRIC_KINDS)


def format_row(
    factors: list[str],
    seed: int,
    status: str,
    option: str,
    metrics: RunMetrics,
    extras: list[str] | None = None,
) -> list[str]:
    """A table row as text: factors as given, then seed, outcome and metrics by their kind."""
    writers = zip(_METRIC_WRITERS, METRICS, strict=True)
    measured = [write(getattr(metrics, m)) for write, m in writers]
    return [*factors, str(seed), status, option, *measured, *(extras or ())]


def format_rows(
    factors: list[str],
    seeds: list[int],
    statuses: list[str],
    options: list[str],
    metrics: dict[str, list[Any]],
    extras: list[str] | None = None,
) -> str:
    """Many rows' CSV lines at once, each the line ``format_row`` writes (a kernel block's).

    ``metrics`` holds a column per metric, by name. Factors, extras and options go through the
    csv writer (which quotes what needs it); seeds, statuses and metrics never need quoting.

    >>> print(format_rows(["s", "a,b"], [7, 8], ["decided", "no_quorum"], ["x", ""],
    ...       {"safety_violation": [False, True], "agrees_with_baseline": [True, False],
    ...        "rounds_used": [2, 4], "messages": [10, 20], "honest_drift": [0.5, 0.0],
    ...        "honest_flips": [1, 0]}), end="")
    s,"a,b",7,decided,x,false,true,2,10,0.500000,1
    s,"a,b",8,no_quorum,,true,false,4,20,0.000000,0
    """
    if set(metrics) != set(METRICS):
        raise ValueError(f"metrics must be exactly {METRICS}, not {tuple(metrics)}")
    prefix = _line(factors).replace("%", "%%") + ","
    suffix = "," + _line(extras).replace("%", "%%") if extras else ""
    line = f"{prefix}%d,%s,%s,{_ROW_FORMAT}{suffix}\n"  # one %-format a row: the writers' text
    quoted = {option: _line([option]) if option else "" for option in set(options)}
    columns = [
        list(map(_flag, metrics[m])) if kind == "bool" else metrics[m]
        for kind, m in zip(_METRIC_KINDS, METRICS, strict=True)
    ]
    rows = zip(seeds, statuses, map(quoted.__getitem__, options), *columns, strict=True)
    return "".join(map(line.__mod__, rows))


def _line(fields: list[str]) -> str:
    """Fields as the csv writer joins them (quoted where they need it), without a newline."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def cell_factors(config: RunConfig) -> tuple[Any, ...]:
    """A run config's values of the table's config columns."""
    return tuple(getattr(config, f) for f in FACTORS)


def paths(out: Path) -> tuple[Path, Path, Path]:
    """(rows file, journal, sidecar) of a table: a Parquet table's rows go to a CSV first."""
    rows = out if out.suffix != ".parquet" else out.with_name(out.name + ".rows.csv")
    return rows, out.with_name(out.name + ".journal.jsonl"), out.with_suffix(".cells.json")


def to_parquet(rows_path: Path, out: Path, columns: tuple[str, ...]) -> None:
    """Stream the rows CSV into a Parquet file with the table's types (booleans as booleans)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    arrow = {"text": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    types = {c: arrow[kind_of(c)] for c in columns}
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

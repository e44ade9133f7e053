"""The experiment commands of the CLI: ``council sweep``, ``council report``, ``council presets``.

``council.cli.main`` adds them with ``add_sweep_commands``; errors follow its rules (one line; exit
2 for bad input, with config problems as ``FILE: field: what is wrong``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from council.cli.commands import Commands

if TYPE_CHECKING:  # at run time imported where used: `council --help` needs neither
    from council.contracts.events import Progress, ProgressEvent

EXIT_OK = 0


def _fill_sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", nargs="?", metavar="CONFIG.yaml", help="the sweep config")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the table (.csv or .parquet)")
    p.add_argument("--workers", type=int, metavar="N", help="local processes (default: cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler instead")
    p.add_argument("--resume", action="store_true", help="keep the rows of an interrupted sweep")
    p.add_argument("--preset", metavar="NAME", help="run a preset (see `council presets`)")
    p.add_argument("--seeds", type=int, metavar="S", help="seeds per cell, overriding the config")
    p.add_argument(
        "--max-runs",
        type=int,
        metavar="N",
        help="refuse a sweep of more runs than this (default: COUNCIL_MAX_RUNS or 10,000,000)",
    )
    p.add_argument("--yes", action="store_true", help="run a sweep even above --max-runs")
    p.add_argument(
        "--dry-run", action="store_true", help="print the size and estimate; run nothing"
    )
    p.set_defaults(func=cmd_sweep)


def _fill_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", metavar="FILE.csv", help="a table written by `council sweep`")
    p.add_argument("--out", metavar="DIR", help="report folder (default: FILE_report/)")
    p.add_argument("--preset", metavar="NAME", help="plot as this preset does")
    p.add_argument("--json", action="store_true", help="print the cells table as JSON")
    p.set_defaults(func=cmd_report)


def _fill_presets(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_presets)


def add_sweep_commands(commands: Commands) -> None:
    """Add ``sweep``, ``report`` and ``presets`` to the CLI's commands."""
    commands.add("sweep", "run every combination of a sweep config, times seeds", _fill_sweep)
    commands.add("report", "summary tables and plots of a sweep table", _fill_report)
    commands.add("presets", "list the sweep presets", _fill_presets)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep into a table, with a progress bar on standard error.

    Before anything runs: the sweep's size against the limit (one line, exit 2, unless
    ``--yes``), then its estimated time and table (on a terminal's standard error, above the
    bar; on standard output with ``--dry-run``, which runs nothing).
    """
    # The size is checked before the engine loads: a refusal costs reading the config.
    from council.cli.options import writable
    from council.experiments.bounds import MAX_RUNS, check_limit, limit_from_env
    from council.experiments.sweep import load_sweep, with_seeds
    from council.rules.registry import SpecError

    if bool(args.config) == bool(args.preset):
        raise SpecError("sweep: give a CONFIG.yaml or --preset NAME (one of them)")
    writable(Path(args.out), "--out", "council sweep")
    if args.workers is not None and not 1 <= args.workers <= 1024:  # a C int past 2**31
        raise SpecError(f"sweep: --workers must be 1 to 1,024, not {args.workers}")
    if args.max_runs is not None and args.max_runs < 1:
        raise SpecError(f"sweep: --max-runs must be at least 1, not {args.max_runs}")
    if args.preset:
        from council.experiments.presets import load_preset

        config, name = load_preset(args.preset).config, f"preset {args.preset}"
    else:
        config, name = load_sweep(Path(args.config)), args.config
    if args.seeds is not None:
        config = with_seeds(config, args.seeds, "--seeds")
    if not args.yes:
        limit = args.max_runs or limit_from_env("COUNCIL_MAX_RUNS", MAX_RUNS)
        advice = "run it anyway with --yes, or raise --max-runs (or COUNCIL_MAX_RUNS)"
        check_limit(config, limit, name, advice)
    from council.experiments.bounds import estimate, estimate_text
    from council.experiments.plan import plan
    from council.experiments.schedule import default_workers, run_sweep

    cells = plan(config, name)
    workers = args.workers or default_workers()
    if args.dry_run:
        print(f"sweep: {estimate_text(estimate(cells, workers))}")
        return EXIT_OK
    if sys.stderr.isatty():
        print(f"sweep: {estimate_text(estimate(cells, workers))}", file=sys.stderr, flush=True)
    with _progress_bar() as progress:
        result = run_sweep(
            config,
            Path(args.out),
            workers=workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=progress,
            name=name,
            preset=args.preset,
            library=cells.library,
        )
    kept = f" ({result.resumed:,} kept from before)" if result.resumed else ""
    print(
        f"{result.runs:,} rows in {result.out}{kept}, {result.wall_s:.1f} s; "
        f"per-cell metrics in {result.sidecar}"
    )
    return EXIT_OK


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A rich progress bar on standard error when it is a terminal (none in logs and pipes).

    It appears with the first progress (so a config error prints nothing else) and redraws
    at most ten times a second, with no refresh thread: the pool's workers may be forked, and
    forking a process with threads is unsafe.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    from council.contracts.events import SweepAdvanced

    bar = Bar(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        auto_refresh=False,
    )
    task = bar.add_task("sweep", total=None)
    last = 0.0

    def update(event: ProgressEvent) -> None:
        nonlocal last
        if not isinstance(event, SweepAdvanced):
            return
        if not bar.live.is_started:
            bar.start()
        rate = "" if event.runs_per_s is None else f" {event.runs_per_s:,.0f} runs/s"
        bar.update(task, completed=event.done, total=event.total, description=f"sweep{rate}")
        now = time.monotonic()
        if now - last >= 0.1 or event.done >= event.total:
            bar.refresh()
            last = now

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report folder; print the per-cell table."""
    from council.experiments.report import report, summary_rows

    result = report(Path(args.table), Path(args.out) if args.out else None, preset=args.preset)
    if args.json:
        import pandas as pd

        cells = pd.read_csv(result.out / "cells.csv")
        print(json.dumps(summary_rows(cells), indent=2))
        return EXIT_OK
    _print_cells(result.out / "cells.csv")
    print(f"report: {result.files[0]} ({len(result.files)} files in {result.out})")
    return EXIT_OK


def _print_cells(path: Path) -> None:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from council.experiments.cells import HEADLINE
    from council.experiments.report import varying

    cells = pd.read_csv(path, keep_default_na=False, dtype=str)
    shown = varying(cells) + ["runs", *HEADLINE]
    table = Table(*(HEADLINE.get(c, c) for c in shown), title=f"{len(cells)} cells")
    for row in cells[shown].itertuples(index=False):
        table.add_row(*(_short(v) for v in row))
    Console(width=160).print(table)


def _short(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value or "—"
    return value if number.is_integer() and "." not in value else f"{number:.3g}"


def cmd_presets(args: argparse.Namespace) -> int:
    """List the presets with their plots and paragraphs."""
    from council.experiments.presets import load_preset, names

    presets = [load_preset(n) for n in names()]
    if args.json:
        rows = [
            {
                "name": p.name,
                "title": p.plot.title,
                "runs": p.config.runs,
                "path": str(p.path),
                "explanation": p.explanation,
            }  # fmt: skip
            for p in presets
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for p in presets:
        print(f"{p.name}: {p.plot.title} ({p.config.runs:,} runs)")
        print(f"  council sweep --preset {p.name} --out {p.name}.csv")
    sys.stdout.flush()
    return EXIT_OK

"""A whole offline run on the batch path (the phase functions chained, no graph), its baseline."""

from __future__ import annotations

import time

from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.contracts.record import RunRecord, Seat
from council.engine.context import RunContext, prepare
from council.engine.outcome import summarize
from council.engine.phases import simulate
from council.engine.records import build_record
from council.library.catalog import Library


def baseline_option(ctx: RunContext, library: Library | None = None) -> int:
    """The option the same run decides with every seat honest (NONE if it decides nothing)."""
    if not ctx.faulty.any():
        return summarize(ctx, simulate(ctx)).option
    honest = prepare(ctx.config.honest(), library, ctx.scenario)
    return summarize(honest, simulate(honest)).option


def run(
    config: RunConfig, *, library: Library | None = None, scenario: Scenario | None = None
) -> RunRecord:
    """A whole offline run on the batch path, with its baseline, as a record."""
    started = time.perf_counter()
    ctx = prepare(config, library, scenario)
    trace = simulate(ctx)
    baseline = baseline_option(ctx, library)
    return build_record(ctx, trace, baseline=baseline, wall_s=time.perf_counter() - started)


def seats_of(config: RunConfig) -> tuple[Seat, ...]:
    """The seats a config seats (who sits where, and who is faulty), as a record lists them.

    Lets a view of a run still under way name its seats before the record exists.
    """
    return prepare(config).seats

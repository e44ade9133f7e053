"""One seed of a seated council, run on the batch path: draw, simulate, summarize, baseline.

Every offline run goes through here: a single run (``council.session.batch``), a sweep's block
of seeds (``council.experiments.blocks``) and the benchmarks. The council is seated once
(``seating.seat_council``) and shared by every seed; the baseline is the same seed and council
with every seat honest, and a fault-free run is its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from council.contracts.config import RunConfig
from council.engine.context import RunContext, draw
from council.engine.outcome import Summary, summarize
from council.engine.phases import Trace, simulate
from council.engine.seating import Council


@dataclass(frozen=True)
class SeedRun:
    """One seed's run: its context, trace and outcome, and its baseline once known."""

    ctx: RunContext
    trace: Trace
    summary: Summary
    baseline: int | None = None
    """The option the fault-free twin decides (NONE: nothing); None: not computed."""


def play(config: RunConfig, council: Council) -> SeedRun:
    """Draw the seed's context for a seated council, simulate it and summarize the outcome."""
    ctx = draw(config, council)
    trace = simulate(ctx)
    return SeedRun(ctx, trace, summarize(ctx, trace))


def run_seed(config: RunConfig, council: Council, *, baseline: int | None = None) -> SeedRun:
    """``play`` with its baseline: ``baseline`` where already known, else computed.

    A fault-free run is its own baseline; any other plays its fault-free twin.
    """
    played = play(config, council)
    if baseline is None:
        faulty = bool(played.ctx.faulty.any())
        baseline = baseline_option(played.ctx) if faulty else played.summary.option
    return SeedRun(played.ctx, played.trace, played.summary, baseline)


def baseline_option(ctx: RunContext) -> int:
    """The option a run's fault-free twin decides on the batch path (NONE if nothing)."""
    return play(ctx.config.honest(), ctx.council).summary.option

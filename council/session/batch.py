"""A whole offline run on the batch path (the phase functions chained, no graph), its baseline."""

from __future__ import annotations

import time

from council.contracts.config import RunConfig
from council.contracts.events import BallotCounted, RoundFinished, RunEvent
from council.contracts.formats import Scenario
from council.contracts.record import RunRecord, Seat
from council.engine import seeded
from council.engine.adversary import NONE
from council.engine.context import RunContext, prepare, seat
from council.engine.outcome import summarize
from council.engine.phases import Trace, simulate
from council.engine.records import build_record
from council.library.catalog import Library
from council.session.run_session import RunSession


def baseline_option(ctx: RunContext, library: Library | None = None) -> int:
    """The option the same run decides with every seat honest (NONE if it decides nothing).

    ``library`` is unused (the context's seated council is reused); kept for callers' symmetry.
    """
    del library
    return seeded.baseline_option(ctx) if ctx.faulty.any() else summarize(ctx, simulate(ctx)).option


def run(
    session: RunSession, *, library: Library | None = None, scenario: Scenario | None = None
) -> RunRecord:
    """The session's run, whole, offline on the batch path, with its baseline, as a record.

    Once it is done, the session's progress hears the rounds and ballots the graph reports as
    it goes. Only the session's config, run id and progress count: the batch path calls no LLM
    and keeps nothing.
    """
    started = time.perf_counter()
    council = seat(session.config, library, scenario)
    played = seeded.run_seed(session.config, council)
    wall_s = time.perf_counter() - started
    record = build_record(
        played.ctx, played.trace, baseline=played.baseline, wall_s=wall_s, run_id=session.run_id
    )
    for event in events_of(played.trace):
        session.report(event)
    return record


def events_of(trace: Trace) -> list[RunEvent]:
    """The rounds finished and ballots counted of a run, in the order they happened."""
    events: list[RunEvent] = []
    for r in range(len(trace.views)):
        events.append(RoundFinished(round=r))
        for b in trace.ballots:
            if b.after_round == r:
                committed = int((b.committed != NONE).sum())
                events.append(BallotCounted(ballot=b.ballot, committed=committed))
    return events


def seats_of(config: RunConfig) -> tuple[Seat, ...]:
    """The seats a config seats (who sits where, and who is faulty), as a record lists them.

    Lets a view of a run still under way name its seats before the record exists.
    """
    return prepare(config).seats

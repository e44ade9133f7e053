"""Interactive runs for the UI: step round by round, pause for people, resume, finish.

A thin synchronous layer over the graph (``drive``), checkpointed in the session's store, so a
browser session only keeps the run's config and id: any rerun of the page picks the run up
where it is, with a session built again (the key is never stored: give it every time).
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from council.contracts.config import RunConfig
from council.contracts.events import RunEvent
from council.contracts.principles import GROUPS
from council.contracts.record import Ballot, Round, RunRecord
from council.engine.context import prepare
from council.engine.records import ballot_records, round_records
from council.graph.state import events_of, run_context, said_of, trace_of
from council.reasoners.human import HumanAnswer, HumanPrompt
from council.session.checkpoints import Stop, snapshot
from council.session.drive import drive
from council.session.finish import finalize
from council.session.run_session import RunSession
from council.store import Store, StoreError

RUN_ID = re.compile(r"[0-9a-f]{16}")
"""What a run id looks like (``new_run_id``): anything else given to ``reopen`` is refused."""


class Pause(BaseModel):
    """Where an interactive run stands: what has happened, and what it waits for."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    kind: Literal["step", "human", "done"]
    rounds: list[Round]
    ballots: list[Ballot]
    prompts: list[HumanPrompt]
    """Seats waiting for a person (kind ``human``)."""
    record: RunRecord | None = None
    """The finished run (kind ``done``), as stored."""
    events: list[RunEvent]

    @classmethod
    def done(cls, record: RunRecord, events: list[RunEvent]) -> Pause:
        """A finished run: its record, its rounds and ballots, and the events it reported."""
        return cls(
            run_id=record.run_id,
            kind="done",
            rounds=record.rounds,
            ballots=record.ballots,
            prompts=[],
            record=record,
            events=events,
        )


def _store(session: RunSession) -> Store:
    if session.store is None:
        raise ValueError("an interactive run is checkpointed: its session needs a store")
    return Store(session.store)


def _pause(session: RunSession, stop: Stop, store: Store) -> Pause:
    state = stop.state
    events = events_of(state)
    if stop.finished:
        wall = time.time() - state.get("started_at", time.time())
        record = asyncio.run(finalize(session, stop, wall_s=wall))
        store.save_run(record, events)
        return Pause.done(record, events)
    ctx = run_context(state)
    trace = trace_of(ctx, state) if state.get("views") else None
    return Pause(
        run_id=session.run_id,
        kind="human" if stop.interrupts else "step",
        rounds=round_records(ctx, trace, said_of(state)) if trace else [],
        ballots=ballot_records(ctx, trace) if trace else [],
        prompts=[HumanPrompt.model_validate(value) for _, value in stop.interrupts],
        events=events,
    )


def start(session: RunSession, *, step: bool = False) -> Pause:
    """Start the session's run; it goes on to its end, a person's turn or (``step``) a pause.

    A stepped run pauses after every round and ballot. ``EndpointError`` if an LLM endpoint
    fails its preflight.
    """
    prepare(session.config)  # every option checked before anything runs
    store = _store(session)
    stop = asyncio.run(drive(session, step=step))
    return _pause(session, stop, store)


def proceed(
    session: RunSession,
    *,
    answers: dict[int, HumanAnswer] | None = None,
    step: bool = False,
) -> Pause:
    """Go on with the session's paused run, giving people's answers by seat where asked.

    The session is the one the run started with (its config and id; the key is not kept
    between calls: give it again).
    """
    store = _store(session)
    waiting = asyncio.run(snapshot(session.run_id, store.path))
    by_seat = {
        HumanPrompt.model_validate(v).seat: (i, HumanPrompt.model_validate(v))
        for i, v in waiting.interrupts
    }
    resume: dict[str, Any] = {}
    for seat, answer in (answers or {}).items():
        if seat not in by_seat:
            raise ValueError(f"seat {seat} is not waiting for an answer")
        interrupt_id, prompt = by_seat[seat]
        if answer.option not in prompt.options:
            raise ValueError(f"seat {seat}: {answer.option!r} is not an option here")
        if answer.told is not None:
            if seat not in session.config.person_faults:
                raise ValueError(f"seat {seat} has no faulty role: it tells everyone the same")
            for group, option in answer.told.items():
                if group not in GROUPS or option not in prompt.options:
                    raise ValueError(f"seat {seat}: {group}: {option!r} is not an option here")
        resume[interrupt_id] = answer.model_dump()
    missing = set(by_seat) - set(answers or {})
    if missing:
        raise ValueError(f"seats {sorted(missing)} are waiting for a person's answer")
    stop = asyncio.run(drive(session, mode="continue", answers=resume or None, step=step))
    return _pause(session, stop, store)


def recover(session: RunSession) -> Pause:
    """Where the session's run stands, without asking anyone: after a restart or a lost step.

    A run waiting for people or finished is read from its checkpoint (a finished one from the
    store, if it was saved); one stopped part-way through a step (its process died) runs that
    step again to its next pause.
    """
    store = _store(session)
    stop = asyncio.run(snapshot(session.run_id, store.path))
    if not stop.finished and not stop.interrupts:
        stop = asyncio.run(drive(session, mode="recover"))
    if stop.finished:
        try:
            record = store.get_run(session.run_id)
        except StoreError:
            return _pause(session, stop, store)
        return Pause.done(record, store.events(session.run_id))
    return _pause(session, stop, store)


def reopen(run_id: str, store: Path) -> tuple[RunConfig, Pause] | None:
    """A run by id as a page left it: finished (from the store) or paused (its checkpoint).

    Lets a reloaded page (the run id in its address) pick up the run; None if ``run_id`` is not
    a run id or the store knows no such run. The key of an LLM run is never kept: a paused LLM
    run goes on only once the key is given again.
    """
    if not RUN_ID.fullmatch(run_id):
        return None
    kept = Store(store)
    try:
        record = kept.get_run(run_id)
    except StoreError:
        record = None
    if record is not None and record.run_id == run_id:
        done = Pause.done(record, kept.events(run_id))
        return record.config, done
    stop = asyncio.run(snapshot(run_id, store))
    if not stop.state or "config" not in stop.state:
        return None
    config = RunConfig.model_validate(stop.state["config"])
    return config, _pause(RunSession(config, run_id=run_id, store=store), stop, kept)

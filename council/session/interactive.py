"""Interactive runs for the UI: step round by round, pause for people, resume, finish.

A thin synchronous layer over the graph (``drive``), checkpointed in the store's SQLite file,
so a browser session only keeps a run id: any rerun of the page picks the run up where it is.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from council.contracts.config import RunConfig
from council.contracts.record import Ballot, Round, RunRecord
from council.engine.context import prepare
from council.engine.records import ballot_records, round_records
from council.graph.wiring import context_of, said_of, trace_of
from council.reasoners.human import HumanAnswer, HumanPrompt
from council.session.drive import Progress, Stop, Transport, drive, finalize, snapshot
from council.store import Event, Store


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
    events: list[dict[str, Any]]


def _pause(
    run_id: str,
    stop: Stop,
    store: Store,
    api_key: str | None = None,
    transport: Transport | None = None,
) -> Pause:
    state = stop.state
    events = list(state.get("events", []))
    if stop.finished:
        wall = time.time() - state.get("started_at", time.time())
        record = asyncio.run(
            finalize(
                stop,
                thread_id=run_id,
                wall_s=wall,
                checkpoints=store.path,
                api_key=api_key,
                transport=transport,
            )
        )
        store.save_run(record, [Event(kind=e["kind"], payload=e) for e in events])
        return Pause(
            run_id=run_id,
            kind="done",
            rounds=record.rounds,
            ballots=record.ballots,
            prompts=[],
            record=record,
            events=events,
        )
    ctx = context_of(state["config"])
    trace = trace_of(ctx, state) if state.get("views") else None
    return Pause(
        run_id=run_id,
        kind="human" if stop.interrupts else "step",
        rounds=round_records(ctx, trace, said_of(state)) if trace else [],
        ballots=ballot_records(ctx, trace) if trace else [],
        prompts=[HumanPrompt.model_validate(value) for _, value in stop.interrupts],
        events=events,
    )


def start(
    config: RunConfig,
    *,
    db: Path,
    run_id: str | None = None,
    step: bool = False,
    progress: Progress | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
) -> Pause:
    """Start a run; it goes on until it ends, a person's turn comes, or (``step``) a round ends.

    LLM seats use ``api_key`` (held by the clients only, never stored) and ``transport``
    (timeouts, rate limits); ``EndpointError`` if an endpoint fails its preflight.
    """
    prepare(config)  # every option checked before anything runs
    run_id = run_id or uuid.uuid4().hex[:16]
    store = Store(db)
    stop = asyncio.run(
        drive(
            thread_id=run_id,
            config=config,
            checkpoints=store.path,
            step=step,
            progress=progress,
            api_key=api_key,
            transport=transport,
        )
    )
    return _pause(run_id, stop, store, api_key, transport)


def proceed(
    run_id: str,
    *,
    db: Path,
    answers: dict[int, HumanAnswer] | None = None,
    step: bool = False,
    progress: Progress | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
) -> Pause:
    """Go on with a paused run, giving people's answers by seat where they were asked.

    The key is not kept between calls (it is never stored): give it again, as ``start`` had it.
    """
    store = Store(db)
    waiting = asyncio.run(snapshot(run_id, store.path))
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
        resume[interrupt_id] = answer.model_dump()
    missing = set(by_seat) - set(answers or {})
    if missing:
        raise ValueError(f"seats {sorted(missing)} are waiting for a person's answer")
    stop = asyncio.run(
        drive(
            thread_id=run_id,
            checkpoints=store.path,
            answers=resume or None,
            step=step,
            progress=progress,
            api_key=api_key,
            transport=transport,
        )
    )
    return _pause(run_id, stop, store, api_key, transport)

"""What the deliberation graph carries from step to step, and how it is read back.

The state is plain data (lists, dicts, strings) so LangGraph's checkpoints stay portable; what
is kept per seat's turn is keyed by the ``"round:seat"`` text of a ``SeatKey``. The readers here
turn it back into typed values (``SeatKey`` keys, ``RunEvent`` models, the engine's ``Trace``),
so no other module parses the state's keys.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, TypedDict

import numpy as np

from council.contracts.config import RunConfig
from council.contracts.events import BallotCounted, RoundFinished, RunEvent, run_event
from council.contracts.principles import GROUPS
from council.contracts.seat_key import SeatKey, keyed
from council.engine.context import RunContext, prepare
from council.engine.phases import Trace, hear
from council.engine.protocols import ballot_from_data
from council.engine.records import Said, Spoken
from council.rules.faults import NONE
from council.rules.faults.person import Told


def _merge_views(
    left: dict[str, list[float]], right: dict[str, list[float]] | None
) -> dict[str, list[float]]:
    """Seats' views of the current round accumulate; ``None`` clears them for the next."""
    return {} if right is None else {**left, **right}


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {**left, **right}


class CouncilState(TypedDict, total=False):
    """What the graph carries from step to step (plain data, so checkpoints stay portable)."""

    config: dict[str, Any]
    views: Annotated[list[list[list[float]]], operator.add]
    """Per finished round, every seat's view (n x K)."""
    pending: Annotated[dict[str, list[float]], _merge_views]
    """Views of the round under way, by seat."""
    ballots: Annotated[list[dict[str, Any]], operator.add]
    committed: list[int]
    locked: list[int]
    events: Annotated[list[dict[str, Any]], operator.add]
    """Rounds finished and ballots counted, as their ``RunEvent``'s data (see ``events_of``)."""
    started_at: float
    """Unix time the run started (wall time of interactive runs)."""
    notes: Annotated[dict[str, str], _merge]
    """What people and LLM seats said, by ``SeatKey`` text (their statements' rationales)."""
    failed: Annotated[dict[str, str], _merge]
    """LLM seats that failed a phase, by ``SeatKey`` text, with the error."""
    spoken: Annotated[dict[str, dict[str, Any]], _merge]
    """LLM seat-phases by ``SeatKey`` text: model, stated confidence, prompt and reply hashes,
    and the kind of error if it failed; a person's seat-phases too (model ``human`` and the
    confidence they gave)."""
    usage: Annotated[list[dict[str, Any]], operator.add]
    """LLM usage of every seat-phase, with its model and the attempts a resume re-sent."""
    told: Annotated[dict[str, dict[str, Any]], _merge]
    """People in secret faulty roles, by ``SeatKey`` text: the option each group was told
    (``{"to": {group: option}, "confidence": c}``)."""
    halt: str
    """Why the run cannot go on (every LLM seat of a phase failed, the cost cap): it ends."""
    record: str


class SeatTask(TypedDict, total=False):
    """What one seat is given in a round (the ``Send`` payload)."""

    config: dict[str, Any]
    seat: int
    round: int
    first: list[float]
    now: list[float]
    inbox: list[list[float]]
    heard: list[bool]
    digest: str
    """LLM seats: the council's last round in brief."""
    said: list[dict[str, Any]]
    """LLM seats: the peers' statements the seat reads (its fair sample)."""
    own_last: dict[str, Any] | None
    """LLM seats: its own last statement (None: it said nothing)."""


@functools.lru_cache(maxsize=32)
def _context(config_json: str) -> RunContext:
    return prepare(RunConfig.model_validate_json(config_json))


def context_of(config: dict[str, Any]) -> RunContext:
    """The run context of a config carried in the state (built once per process)."""
    return _context(RunConfig.model_validate(config).model_dump_json())


def run_context(state: CouncilState) -> RunContext:
    """The run context of the state: its config's, with what people in faulty roles told whom."""
    ctx = context_of(state["config"])
    told = state.get("told")
    if not told:
        return ctx
    index = {o: k for k, o in enumerate(ctx.option_ids)}
    return ctx.with_told(
        {
            (key.round, key.seat): Told(
                to=tuple(index.get(said["to"].get(g, ""), NONE) for g in GROUPS),
                confidence=float(said["confidence"]),
            )
            for key, said in keyed(told).items()
        }
    )


# --- writing -------------------------------------------------------------------------------
def round_finished(round_no: int) -> dict[str, Any]:
    """The state's entry for a round that closed."""
    return RoundFinished(round=round_no).model_dump()


def ballot_counted(ballot: int, committed: int) -> dict[str, Any]:
    """The state's entry for a ballot counted."""
    return BallotCounted(ballot=ballot, committed=committed).model_dump()


# --- reading -------------------------------------------------------------------------------
def notes_of(state: CouncilState) -> dict[SeatKey, str]:
    """What people and LLM seats said, by turn."""
    return keyed(state.get("notes", {}))


def failures_of(state: CouncilState) -> dict[SeatKey, str]:
    """The turns whose reasoner failed, with the error."""
    return keyed(state.get("failed", {}))


def spoken_of(state: CouncilState) -> dict[SeatKey, dict[str, Any]]:
    """What every LLM seat-phase carried, by turn (the state's entries)."""
    return keyed(state.get("spoken", {}))


def silent(state: CouncilState, round_no: int) -> set[int]:
    """Seats whose reasoner failed in a round: they said nothing then."""
    return {key.seat for key in failures_of(state) if key.round == round_no}


def events_of(state: CouncilState) -> list[RunEvent]:
    """The rounds finished and ballots counted so far, in order."""
    return [run_event(e) for e in state.get("events", [])]


def said_of(state: CouncilState) -> Said:
    """What every LLM or person's seat-phase carried, by (round, seat), for the statements."""
    return {
        key: Spoken(
            model=s["model"],
            confidence=s.get("confidence"),
            prompt_hash=s.get("prompt"),
            reply_hash=s.get("reply"),
        )
        for key, s in spoken_of(state).items()
    }


def trace_of(ctx: RunContext, state: CouncilState) -> Trace:
    """Rebuild the trace from the graph's state (inboxes are recomputed, deterministically)."""
    views = [np.array(v) for v in state["views"]]
    trace = Trace(views=views)
    trace.inboxes = [
        hear(
            ctx,
            views[r - 1],
            r,
            silent=silent(state, r - 1),
            earlier=views[r - 2] if r > 1 else None,
            earlier_silent=silent(state, r - 2),
        )
        for r in range(1, len(views))
    ]
    trace.ballots = [ballot_from_data(b) for b in state.get("ballots", [])]
    trace.notes = notes_of(state)
    for key in failures_of(state):
        trace.failures.setdefault(key.round, []).append(key.seat)
    return trace

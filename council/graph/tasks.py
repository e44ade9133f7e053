"""What each seat is given in a round: the ``Send`` that fans a phase out to every seat.

The opening gives a seat nothing but its place; a deliberation round gives it its opening, its
current view and what it heard (the same ``hear`` the batch path uses). An LLM seat is also
given the council's last round in brief, the peers' statements it reads and its own last one:
under network faults what reached it, as it reached it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from langgraph.types import Send

from council.contracts.seat_key import SeatKey
from council.engine.context import RunContext
from council.engine.phases import hear
from council.engine.protocols import ballot_from_data
from council.graph.state import CouncilState, SeatTask, context_of, notes_of, said_of, silent
from council.reasoners.llm.seat import (
    council_digest,
    heard_statements,
    own_statement,
    received_notes,
    speaks_through_llm,
)


def open_round(state: CouncilState) -> list[Send]:
    """Fan the blind opening out to every seat at once."""
    ctx = context_of(state["config"])
    return [Send("speak", {"config": state["config"], "seat": i, "round": 0}) for i in range(ctx.n)]


def deliberation(state: CouncilState, ctx: RunContext) -> list[Send]:
    """Fan the next deliberation round out to every seat, each with what it heard."""
    views = np.array(state["views"][-1])
    r = len(state["views"])
    quiet = silent(state, r - 1)
    earlier = np.array(state["views"][-2]) if r > 1 else None
    inbox, heard = hear(
        ctx, views, r, silent=quiet, earlier=earlier, earlier_silent=silent(state, r - 2)
    )
    first = state["views"][0]
    tasks = []
    for i in range(ctx.n):
        task: SeatTask = {
            "config": state["config"],
            "seat": i,
            "round": r,
            "first": first[i],
            "now": views[i].tolist(),
            "inbox": inbox[i].tolist(),
            "heard": heard[i].tolist(),
        }
        tasks.append(task)
    if any(speaks_through_llm(ctx, i) for i in range(ctx.n)):
        _brief_llm_seats(state, ctx, tasks, views, inbox, heard, quiet)
    return [Send("speak", task) for task in tasks]


def _brief_llm_seats(
    state: CouncilState,
    ctx: RunContext,
    tasks: list[SeatTask],
    views: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    quiet: set[int],
) -> None:
    """Give every LLM seat's task the digest, the statements it reads and its own last one."""
    r = len(state["views"])
    notes = notes_of(state)
    stated = {
        key.seat: s.confidence
        for key, s in said_of(state).items()
        if key.round == r - 1 and s.confidence is not None
    }
    tally = None
    ballots = state.get("ballots", [])
    if ballots:
        cast = ballot_from_data(ballots[-1]).cast
        tally = {o: int((cast == k).sum()) for k, o in enumerate(ctx.option_ids)}
    digest = council_digest(ctx, views, r, quiet, tally)
    # Under network faults an LLM seat's digest holds only what reached it, as it reached it.
    late = ctx.network.deliberation(r)[1] if ctx.network is not None else None
    memo: dict[tuple[int, bytes], dict[str, Any]] = {}  # each peer's statement, written once
    for i, task in enumerate(tasks):
        if not speaks_through_llm(ctx, i):
            continue
        seen: dict[SeatKey, str] = notes
        if ctx.network is not None:
            seen = received_notes(notes, r, None if late is None else late[i] & heard[i])
            unheard = {int(j) for j in np.flatnonzero(~heard[i]) if j != i}
            digest = council_digest(ctx, inbox[i], r, quiet | unheard, tally)
        task["digest"] = digest
        # Under network faults what a peer said differs by recipient: no shared memo.
        shared = memo if ctx.network is None else None
        task["said"] = heard_statements(ctx, i, r, inbox[i], heard[i], seen, stated, shared)
        task["own_last"] = own_statement(ctx, i, views[i], notes, r, stated, quiet)

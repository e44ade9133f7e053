"""What a room's row says after its run paused: the seats waited for, their prompts, the board.

The board is what the room's screens show of the run so far (the last round's tally, the last
ballot's support against the threshold, who sits where), computed once each time the run
moves on, so that a poll reads one row instead of the run's checkpoints.
"""

from __future__ import annotations

import json
from collections import Counter

from council.contracts.room import Board, RoomSettings
from council.engine.context import prepare
from council.session.interactive import Pause


def board(settings: RoomSettings, pause: Pause) -> Board:
    """The board of a room whose run paused here."""
    ctx = prepare(settings.config)
    tally: Counter[str] = Counter()
    latest: dict[int, str] = {}
    if pause.rounds:
        latest = {s.seat: s.option for s in pause.rounds[-1].statements if s.option is not None}
        tally.update(latest.values())
    support: dict[str, int] = {}
    if pause.ballots:
        for view in pause.ballots[-1].views.values():
            if view.winner is not None:
                support[view.winner] = max(support.get(view.winner, 0), view.support)
    return Board(
        size=ctx.n,
        quorum=ctx.quorum,
        rounds=len(pause.rounds),
        tally=dict(tally),
        latest=latest,
        ballots=len(pause.ballots),
        support=support,
        groups={i: p.group for i, p in enumerate(ctx.personas)},
        names={i: p.name for i, p in enumerate(ctx.personas)},
        options={o.id: o.label for o in ctx.scenario.options},
    )


def where_after(settings: RoomSettings, pause: Pause) -> dict[str, object]:
    """The room row's columns that say where the run stands after a pause."""
    prompts = sorted(pause.prompts, key=lambda p: p.seat)
    decided = None
    if pause.kind == "done" and pause.record is not None:
        decided = pause.record.outcome.option
    return {
        "state": "done" if pause.kind == "done" else "waiting",
        "waiting": json.dumps([p.seat for p in prompts]),
        "prompts": json.dumps([p.model_dump() for p in prompts]),
        "round": prompts[0].round if prompts else None,
        "board": board(settings, pause).model_dump_json(),
        "decided": decided,
    }

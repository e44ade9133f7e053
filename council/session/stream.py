"""Streaming one drive of the graph: its updates become progress events as they come.

Every round closed and ballot counted is reported (``RoundFinished``, ``BallotCounted``, as the
graph records them), each LLM seat's statement as soon as its reply is in (``SeatSpoke``), and
after each LLM seat-phase the drive's running usage with its cost (``LlmUsage``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import numpy as np
from langchain_core.runnables import RunnableConfig

from council.contracts.config import RunConfig
from council.contracts.events import LlmUsage, SeatSpoke, run_event
from council.graph.state import CouncilState, context_of, failures_of, notes_of, spoken_of
from council.reasoners.llm.accounting import costs
from council.reasoners.llm.request import Usage
from council.session.run_session import RunSession

STEP_PAUSES = ["gather", "vote"]
"""Where a stepped run pauses: after every round and every ballot."""


def seat_spoke(config: RunConfig, update: CouncilState) -> SeatSpoke | None:
    """The event of one LLM seat's statement, from its ``speak`` update (None for other seats)."""
    spoken = spoken_of(update)
    if not spoken:
        return None
    ((key, entry),) = spoken.items()
    if entry["model"] == "human":  # a person's answer: the run was paused for it, no event
        return None
    failed = failures_of(update)
    option = None
    if key not in failed:
        view = np.asarray(update["pending"][str(key.seat)])
        option = context_of(config.model_dump()).option_ids[int(view.argmax())]
    return SeatSpoke(
        round=key.round,
        seat=key.seat,
        model=entry["model"],
        option=option,
        confidence=entry.get("confidence"),
        rationale=notes_of(update).get(key, ""),
        error=failed.get(key),
    )


async def stream(
    graph: Any,
    payload: Any,
    settings: RunnableConfig,
    *,
    session: RunSession,
    config: RunConfig | None,
    step: bool,
    keep: Callable[[], Awaitable[None]] | None,
) -> None:
    """Stream the graph's updates: progress events as they come, texts stored once a round.

    ``config`` is the run's as checkpointed (None if there is no run to continue).
    """
    totals = Usage()
    used_so_far: list[Mapping[str, Any]] = []
    # "sync": each step is on disk before the next starts, so a crash loses no finished work.
    async for update in graph.astream(
        payload,
        settings,
        stream_mode="updates",
        durability="sync",
        interrupt_after=STEP_PAUSES if step else None,
    ):
        for node, node_update in update.items():
            if node == "gather" and keep is not None:
                await keep()
            if session.progress is None or node == "__interrupt__":
                continue
            if not isinstance(node_update, dict):
                continue
            if node == "speak" and config is not None:
                spoke = seat_spoke(config, node_update)  # type: ignore[arg-type]
                if spoke is not None:
                    session.report(spoke)
            for used in node_update.get("usage", []):
                totals = totals + Usage(**{k: used[k] for k in Usage.model_fields if k in used})
                used_so_far.append(used)
                session.report(_usage_event(totals, costs(used_so_far, session.price_table())[0]))
            for event in node_update.get("events", []):
                session.report(run_event(event))


def _usage_event(totals: Usage, cost_usd: float | None) -> LlmUsage:
    """The running usage of the drive, with what it cost (None if a model has no price)."""
    return LlmUsage(
        calls=totals.calls,
        errors=totals.errors,
        cached=totals.cached,
        prompt_tokens=totals.prompt_tokens,
        completion_tokens=totals.completion_tokens,
        cost_usd=cost_usd,
    )

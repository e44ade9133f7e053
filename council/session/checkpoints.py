"""Where a run's graph keeps its checkpoints, and reading them back without running anything.

Checkpoints live in the store's SQLite file (in memory for a run without a store): every step
of the graph is there before the next starts, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from council.contracts.config import RunConfig
from council.graph.state import CouncilState
from council.graph.wiring import build_graph


@dataclass(frozen=True)
class Stop:
    """Where a drive of the graph stopped: the end, a person's seat, or a step pause."""

    state: CouncilState
    interrupts: list[tuple[str, Any]]
    """(interrupt id, prompt) of every seat waiting for a person."""
    finished: bool


@asynccontextmanager
async def checkpointer(path: Path | None) -> AsyncIterator[Any]:
    """The graph's checkpointer: in memory, or the store's SQLite file.

    WAL with ``synchronous=NORMAL``: every step is committed before the next starts, so a
    crashed process loses no finished work, without an fsync per seat's write (only a power
    cut could lose the last steps, which a resume then runs again).
    """
    if path is None:
        yield InMemorySaver()
        return
    async with aiosqlite.connect(str(path), timeout=30) as conn:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        yield AsyncSqliteSaver(conn)


async def snapshot(run_id: str, store: Path) -> Stop:
    """Where a checkpointed run stands, without running anything."""
    async with checkpointer(store) as saver:
        graph = build_graph().compile(checkpointer=saver)
        snap = await graph.aget_state({"configurable": {"thread_id": run_id}})
    return Stop(
        state=snap.values,  # type: ignore[arg-type]
        interrupts=[(i.id, i.value) for i in snap.interrupts],
        finished=not snap.next,
    )


async def saved_config(store: Path, run_id: str) -> RunConfig | None:
    """The config of a checkpointed run, or None if there is no checkpoint for it."""
    values = (await snapshot(run_id, store)).state
    if not values or "config" not in values:
        return None
    return RunConfig.model_validate(values["config"])

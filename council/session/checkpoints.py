"""Where a run's graph keeps its checkpoints, and reading them back without running anything.

Checkpoints live in the store's SQLite file (in memory for a run without a store): every step
of the graph is there before the next starts, so an interrupted run resumes where it stopped.
A finished run's checkpoints are dropped when its record is saved (``Store.save_run``);
``council gc`` drops any a crash left behind.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from council.contracts.config import RunConfig
from council.graph.state import CouncilState
from council.graph.wiring import build_graph
from council.store import BUSY_TIMEOUT_S, WRITE_ATTEMPTS, is_locked


@dataclass(frozen=True)
class Stop:
    """Where a drive of the graph stopped: the end, a person's seat, or a step pause."""

    state: CouncilState
    interrupts: list[tuple[str, Any]]
    """(interrupt id, prompt) of every seat waiting for a person."""
    finished: bool


T = TypeVar("T")


async def _retried(conn: aiosqlite.Connection, write: Callable[[], Awaitable[T]]) -> T:
    """A checkpoint write, tried again (after a rollback) while the store stays locked.

    The store's writer path does the same (``Store._write``): the busy timeout makes each
    attempt wait for the lock, and a write SQLite still refuses is retried with backoff.
    """
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return await write()
        except sqlite3.OperationalError as err:
            if not is_locked(err) or attempt == WRITE_ATTEMPTS - 1:
                raise
            await conn.rollback()
            await asyncio.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


class RetryingSaver(AsyncSqliteSaver):
    """LangGraph's SQLite checkpointer whose writes are retried while the store is locked."""

    async def setup(self) -> None:
        """Create the checkpoint tables (retried: many runs may start on one store at once)."""
        await _retried(self.conn, super().setup)

    async def aput(self, *args: Any, **kwargs: Any) -> Any:
        """Save a checkpoint (retried while the store is locked)."""
        return await _retried(self.conn, lambda: super(RetryingSaver, self).aput(*args, **kwargs))

    async def aput_writes(self, *args: Any, **kwargs: Any) -> None:
        """Save a step's pending writes (retried while the store is locked)."""
        await _retried(self.conn, lambda: super(RetryingSaver, self).aput_writes(*args, **kwargs))


@asynccontextmanager
async def checkpointer(path: Path | None) -> AsyncIterator[Any]:
    """The graph's checkpointer: in memory, or the store's SQLite file.

    WAL with ``synchronous=NORMAL``: every step is committed before the next starts, so a
    crashed process loses no finished work, without an fsync per seat's write (only a power
    cut could lose the last steps, which a resume then runs again). The connection waits as
    long as the store's (``BUSY_TIMEOUT_S``) and its writes are retried while it is locked.
    """
    if path is None:
        yield InMemorySaver()
        return
    async with aiosqlite.connect(str(path), timeout=BUSY_TIMEOUT_S) as conn:
        await _retried(conn, lambda: _wal(conn))
        yield RetryingSaver(conn)


async def _wal(conn: aiosqlite.Connection) -> None:
    if (await (await conn.execute("PRAGMA journal_mode")).fetchone()) != ("wal",):
        await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")


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

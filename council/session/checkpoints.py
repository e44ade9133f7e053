"""Where a run's graph keeps its checkpoints, and reading them back without running anything.

Checkpoints live in the store's SQLite file (in memory for a run without a store): every step
of the graph is there before the next starts, so an interrupted run resumes where it stopped.
A finished run's checkpoints are dropped when its record is saved (``Store.save_run``);
``collect`` (``council gc``) drops any a crash left behind; ``unfinished`` lists the runs
whose checkpoints have no record yet (``council history --unfinished``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from pydantic import BaseModel, ConfigDict

from council.contracts.config import RunConfig
from council.graph.state import CouncilState
from council.graph.wiring import build_graph
from council.store import BASELINE_SUFFIX, BUSY_TIMEOUT_S, Store, drop_checkpoints, retried_async


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

    The store's writer path does the same (``Store.write``): the busy timeout makes each
    attempt wait for the lock, and a write SQLite still refuses is retried with backoff.
    """
    return await retried_async(write, conn.rollback)


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


class GcReport(BaseModel):
    """What ``council gc`` freed."""

    model_config = ConfigDict(frozen=True)

    runs: int
    """Finished runs (and baseline twins) whose leftover checkpoints were dropped."""
    bytes_before: int
    bytes_after: int


def unfinished(store: Store) -> list[str]:
    """Runs with checkpoints but no record, newest first: interrupted (or waiting for people).

    Baseline twins (``RUN-baseline``) are not listed: resuming their run resumes them.
    """
    if "checkpoints" not in store.tables():
        return []
    with store.connect() as db:
        rows = db.execute(
            "SELECT thread_id, max(rowid) AS last FROM checkpoints"
            " WHERE thread_id NOT IN (SELECT run_id FROM runs)"
            " GROUP BY thread_id ORDER BY last DESC"
        ).fetchall()
    return [str(r[0]) for r in rows if not str(r[0]).endswith(BASELINE_SUFFIX)]


def collect(store: Store) -> GcReport:
    """Drop the checkpoints finished runs left behind (a crash, an older release), then VACUUM.

    Checkpoints of unfinished runs are kept: they can still be resumed.
    """
    before = _size(store.path)
    dropped: list[str] = []

    def prune(db: sqlite3.Connection) -> None:
        if "checkpoints" not in store.tables():
            return
        dropped.extend(
            str(r[0])
            for r in db.execute(
                "SELECT DISTINCT thread_id FROM checkpoints WHERE thread_id IN"
                " (SELECT run_id FROM runs UNION SELECT run_id || ? FROM runs)",
                (BASELINE_SUFFIX,),
            )
        )
        drop_checkpoints(db, dropped)

    store.write(prune)
    db = sqlite3.connect(store.path, timeout=store.busy_timeout, isolation_level=None)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    finished = {t.removesuffix(BASELINE_SUFFIX) for t in dropped}
    return GcReport(runs=len(finished), bytes_before=before, bytes_after=_size(store.path))


def _size(path: Path) -> int:
    """A store's bytes on disk, its WAL included."""
    wal = path.with_name(path.name + "-wal")
    return sum(p.stat().st_size for p in (path, wal) if p.exists())

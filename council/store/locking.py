"""Waiting for a busy store: the busy timeout, and one retry schedule for every writer.

Every connection waits ``BUSY_TIMEOUT_S`` for another's write lock; a write SQLite still
refuses (many sessions writing at once, or SQLite refusing to wait to avoid a deadlock) is
tried again after a short, growing, jittered pause, ``WRITE_ATTEMPTS`` times in all. The
store's writer (``Store.write``), the rooms' (``council.room_store``) and the graph's
checkpointer (``council.session.checkpoints``, async) all go through it.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

BUSY_TIMEOUT_S = 30.0
"""How long a connection waits for another's write lock before SQLite says it is busy."""
WRITE_ATTEMPTS = 5
"""A write that still finds the store locked after the busy timeout is tried this often."""

T = TypeVar("T")


def is_locked(err: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the store (worth a retry)."""
    return "locked" in str(err) or "busy" in str(err)


def _gives_up(err: sqlite3.OperationalError, tried: int) -> bool:
    return not is_locked(err) or tried == WRITE_ATTEMPTS - 1


def _pause(tried: int) -> float:
    """Seconds to wait after failed try number ``tried`` (0-based): doubling, jittered."""
    return 0.05 * 2**tried * (1 + random.random())


def retried(attempt: Callable[[], T]) -> T:
    """``attempt()``, tried again with a growing pause while the file is locked or busy."""
    for tried in range(WRITE_ATTEMPTS):
        try:
            return attempt()
        except sqlite3.OperationalError as err:
            if _gives_up(err, tried):
                raise
            time.sleep(_pause(tried))
    raise AssertionError("unreachable")  # pragma: no cover


async def retried_async(
    attempt: Callable[[], Awaitable[T]], undo: Callable[[], Awaitable[object]]
) -> T:
    """``retried`` for a coroutine: ``undo()`` (a rollback) runs before each new try."""
    for tried in range(WRITE_ATTEMPTS):
        try:
            return await attempt()
        except sqlite3.OperationalError as err:
            if _gives_up(err, tried):
                raise
            await undo()
            await asyncio.sleep(_pause(tried))
    raise AssertionError("unreachable")  # pragma: no cover

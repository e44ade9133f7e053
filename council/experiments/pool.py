"""Where a sweep's blocks run: in this process, on a local process pool, or on Dask.

All three take the same blocks and return the same results (a block's result depends only on
the block), so the table is the same whichever runs it.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import multiprocessing
import os
import select
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from council.experiments.blocks import Block, BlockResult, run_block
from council.rules.registry import SpecError

CONNECT_TIMEOUT = "10s"
"""How long to try reaching a Dask scheduler."""
PARENT_POLL_S = 0.5
"""How often a pool worker checks that the sweep's process lives, where it cannot wait on it."""


class Backend(Protocol):
    """Runs blocks: submit, wait for any to finish, collect."""

    slots: int
    """Blocks it runs at once."""

    def submit(self, block: Block) -> Any:
        """Start a block; return a handle."""
        ...

    def wait_any(self, handles: list[Any]) -> list[Any]:
        """Wait until at least one handle is done; return the done ones."""
        ...

    def result(self, handle: Any) -> BlockResult:
        """A done block's result (raises what the block raised)."""
        ...


class _Later:
    """A block to run when its result is asked for (hashed by identity, as futures are)."""

    __slots__ = ("block",)

    def __init__(self, block: Block) -> None:
        self.block = block


class _Inline:
    """One worker: blocks run here, one at a time, when waited for (no process to start)."""

    slots = 1

    def submit(self, block: Block) -> Any:
        return _Later(block)

    def wait_any(self, handles: list[Any]) -> list[Any]:
        return handles[:1]

    def result(self, handle: Any) -> BlockResult:
        return run_block(handle.block)


class _Futures:
    """A concurrent.futures executor (the local process pool)."""

    def __init__(self, executor: cf.Executor, slots: int) -> None:
        self.executor = executor
        self.slots = slots

    def submit(self, block: Block) -> Any:
        return self.executor.submit(run_block, block)

    def wait_any(self, handles: list[Any]) -> list[Any]:
        done, _ = cf.wait(handles, return_when=cf.FIRST_COMPLETED)
        return [h for h in handles if h in done]

    def result(self, handle: Any) -> BlockResult:
        result: BlockResult = handle.result()
        return result


class _Dask:
    """A Dask distributed client connected to a running scheduler."""

    def __init__(self, client: Any) -> None:
        import distributed

        self.client = client
        self._wait: Any = distributed.wait
        self.slots = max(1, sum(client.nthreads().values()))

    def submit(self, block: Block) -> Any:
        return self.client.submit(run_block, block, pure=False)

    def wait_any(self, handles: list[Any]) -> list[Any]:
        with self.client.as_current():
            done, _ = self._wait(handles, return_when="FIRST_COMPLETED")
        return [h for h in handles if h in done]

    def result(self, handle: Any) -> BlockResult:
        result: BlockResult = handle.result()
        handle.release()
        return result


def start_method() -> str:
    """How pool workers start: fork where it is safe (Linux, no other thread yet), else spawn.

    Forking skips re-importing numpy and the engine in every worker, most of a short sweep's
    start-up; a process with threads must not fork, so it falls back.
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "forkserver" if sys.platform != "win32" else "spawn"


def start_worker(parent: int, compiled: bool) -> None:
    """A pool worker's start: ``die_with`` its sweep; with ``compiled``, numba loaded and frozen.

    What numba's modules make lives as long as the worker: frozen, its garbage collections
    skip it (scanning it cost about 15 ms a worker). The loading itself is what the worker's
    first block would do.
    """
    die_with(parent)
    if compiled:
        from council.engine.batch import jit  # noqa: F401  # numba

        gc.freeze()


def die_with(parent: int) -> None:
    """Have this pool worker exit as soon as process ``parent`` (the sweep) is gone.

    A sweep killed with SIGKILL runs no clean-up, and a worker waiting for work on a queue
    that other workers also hold open would wait for ever: a thread of the worker watches the
    sweep's process (a pidfd on Linux, polling elsewhere) and ends the worker when it ends.
    """
    threading.Thread(target=_exit_after, args=(parent,), daemon=True, name="die-with").start()


def _exit_after(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):  # not Linux 5.3+, or the parent is already gone
        while _alive(parent):
            time.sleep(PARENT_POLL_S)
    else:
        select.select([handle], [], [])  # readable once the process has exited
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now holds the id: ours is gone
        return False
    return True


@contextmanager
def open_backend(
    *, workers: int, scheduler: str | None = None, compiled: bool = False
) -> Iterator[Backend]:
    """The backend for ``workers`` local processes, or for the Dask scheduler at ``scheduler``.

    ``compiled``: the sweep's blocks draw through numba; each local worker loads it as it
    starts (``start_worker``).
    """
    if scheduler:
        with _dask_client(scheduler) as client:
            yield _Dask(client)
        return
    if workers < 1:
        raise SpecError(f"--workers must be at least 1, not {workers}")
    if workers == 1:
        yield _Inline()
        return
    method = start_method()
    context = multiprocessing.get_context(method)
    # Everything this process holds so far (modules, the library, the plan) is for good: frozen,
    # a forked worker's garbage collections skip it (its full collections scanned it, about
    # 40 ms a worker, touching every page of it, copied on write). Thawed when the pool ends.
    frozen = method == "fork"
    if frozen:
        gc.freeze()
    executor = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=start_worker,
        initargs=(os.getpid(), compiled),
    )
    try:
        yield _Futures(executor, workers)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if frozen:
            gc.unfreeze()


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    try:
        import distributed
    except ImportError:
        raise SpecError("--scheduler needs Dask: pip install 'byzantine-council[dask]'") from None
    try:
        connect: Any = distributed.Client
        client = connect(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise SpecError(f"--scheduler {address}: cannot connect ({err})") from None
    try:
        yield client
    finally:
        client.close()

"""The SQLite store: WAL, one transaction per run, history order, prefixes, the LLM cache."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

from council.contracts.config import RunConfig
from council.contracts.events import BallotCounted, RoundFinished
from council.session import RunSession
from council.session.batch import run
from council.store import Store, StoreError, default_path


@pytest.fixture(scope="module")
def record():  # type: ignore[no-untyped-def]
    return run(RunSession(RunConfig(scenario="kh-credit-scoring-isolated-data", size=7)))


def test_store_is_wal_and_round_trips_a_run(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    events = [RoundFinished(round=0), BallotCounted(ballot=1, committed=5)]
    store.save_run(record, events)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = conn.execute("SELECT seq, kind, payload FROM events ORDER BY seq").fetchall()
    # The row's JSON is the event's, as stores always held it.
    assert rows == [
        (0, "round", '{"kind": "round", "round": 0}'),
        (1, "ballot", '{"kind": "ballot", "ballot": 1, "committed": 5}'),
    ]
    assert store.get_run(record.run_id) == record
    assert store.get_run(record.run_id[:6]).run_id == record.run_id
    assert store.events(record.run_id) == events
    assert [h.run_id for h in store.history()] == [record.run_id]


def test_events_of_an_older_store_read_back_typed(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    store.save_run(record)
    with sqlite3.connect(store.path) as conn:  # rows as earlier releases wrote them
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [
                (record.run_id, 0, "round", '{"kind": "round", "round": 0}'),
                (record.run_id, 1, "round", '{"round": 1}'),
                (record.run_id, 2, "ballot", '{"kind": "ballot", "ballot": 1, "committed": 7}'),
            ],
        )
    assert store.events(record.run_id) == [
        RoundFinished(round=0),
        RoundFinished(round=1),
        BallotCounted(ballot=1, committed=7),
    ]


def test_a_failed_save_leaves_nothing_half_written(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    # The run row goes in first; the second event cannot be written: the whole save rolls back.
    # An event that cannot be written as JSON (built unchecked, as no caller could build it).
    bad = RoundFinished.model_construct(round={1})
    events = [RoundFinished(round=0), bad]
    with pytest.raises(TypeError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic's note that {1} is no int: we know
        store.save_run(record, events)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    store.save_run(record, events[:1])
    with pytest.raises(sqlite3.IntegrityError):
        store.save_run(record)  # the same run twice
    assert len(store.history()) == 1


def test_unknown_and_ambiguous_ids(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    store.save_run(record.model_copy(update={"run_id": "abc1"}))
    store.save_run(record.model_copy(update={"run_id": "abc2"}))
    with pytest.raises(StoreError, match="no run"):
        store.get_run("zzz")
    with pytest.raises(StoreError, match="ambiguous"):
        store.get_run("abc")


def test_cache_first_writer_wins(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    assert store.cache_get("k") is None
    store.cache_put("k", "one")
    store.cache_put("k", "two")
    assert store.cache_get("k") == "one"


def test_default_path_is_outside_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COUNCIL_DB", raising=False)
    path = default_path()
    assert path.name == "council.db"
    assert Path(__file__).resolve().parents[1] not in path.resolve().parents
    monkeypatch.setenv("COUNCIL_DB", "/tmp/elsewhere.db")
    assert default_path() == Path("/tmp/elsewhere.db")


def test_unwritable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(blocker / "sub" / "s.db")


def test_ten_sessions_writing_runs_at_once_lose_nothing(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    """Ten threads, each its own Store on one new file, save runs at the same moment."""
    import threading

    path = tmp_path / "busy.db"
    start = threading.Barrier(10)
    failures: list[BaseException] = []

    def session(i: int) -> None:
        try:
            start.wait()
            store = Store(path)  # every session opens the store, as each page run does
            for j in range(5):
                store.save_run(record.model_copy(update={"run_id": f"s{i:02d}r{j}"}))
        except BaseException as err:  # noqa: BLE001 - collected, then asserted on
            failures.append(err)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = {h.run_id for h in Store(path).history(limit=100)}
    assert stored == {f"s{i:02d}r{j}" for i in range(10) for j in range(5)}
    assert Store(path).get_run("s07r3").outcome == record.outcome


def test_a_write_that_finds_the_store_locked_is_retried(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    """Another connection holds the write lock longer than the busy timeout; the save waits."""
    import threading

    store = Store(tmp_path / "locked.db", busy_timeout=0.05)
    holder = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    release.start()
    try:
        store.save_run(record)  # the first attempts find it locked; a later one gets through
    finally:
        release.join()
        holder.close()
    assert store.get_run(record.run_id) == record


def test_a_checkpoint_write_that_finds_the_store_locked_is_rolled_back_and_retried(
    tmp_path: Path,
) -> None:
    """The checkpointer's async writes share the store's retry schedule (``retried_async``)."""
    import asyncio
    import threading

    import aiosqlite

    from council.session.checkpoints import _retried

    path = tmp_path / "locked.db"
    Store(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    tries: list[int] = []

    async def write() -> None:
        async with aiosqlite.connect(str(path), timeout=0.05) as conn:

            async def insert() -> str:
                tries.append(1)
                await conn.execute("INSERT INTO llm_cache (key, response) VALUES ('k', 'v')")
                await conn.commit()
                return "saved"

            assert await _retried(conn, insert) == "saved"

    release.start()
    try:
        asyncio.run(write())
    finally:
        release.join()
        holder.close()
    assert len(tries) > 1  # the first try found the store locked
    assert Store(path).cache_get("k") == "v"

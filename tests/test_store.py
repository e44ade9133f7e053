"""The SQLite store: WAL, one transaction per run, history order, prefixes, the LLM cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from council.contracts.config import RunConfig
from council.session.batch import run
from council.store import Event, Store, StoreError, default_path


@pytest.fixture(scope="module")
def record():  # type: ignore[no-untyped-def]
    return run(RunConfig(scenario="kh-credit-scoring-isolated-data", size=7))


def test_store_is_wal_and_round_trips_a_run(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    store.save_run(record, [Event(kind="round", payload={"round": 0})])
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.get_run(record.run_id) == record
    assert store.get_run(record.run_id[:6]).run_id == record.run_id
    assert store.events(record.run_id) == [Event(kind="round", payload={"round": 0})]
    assert [h.run_id for h in store.history()] == [record.run_id]


def test_a_failed_save_leaves_nothing_half_written(tmp_path: Path, record) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    # The run row goes in first; the second event cannot be written: the whole save rolls back.
    events = [Event(kind="round", payload={"round": 0}), Event(kind="bad", payload={"x": {1}})]
    with pytest.raises(TypeError):
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

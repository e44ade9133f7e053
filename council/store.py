"""The store: one SQLite file (WAL) holding runs, their events, the LLM cache and LLM texts.

``COUNCIL_DB`` or ``--db`` chooses the file; the default lives in the user's data directory.
A run and its events are written in one transaction, so a failed run leaves nothing behind.
``llm_texts`` keeps every prompt sent and reply received, content-addressed by sha256 (a run
record's statements name them by hash): what a seat was told and what it said.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict

from council.contracts.events import RunEvent, run_event
from council.contracts.record import RunRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    status      TEXT NOT NULL,
    option      TEXT,
    size        INTEGER NOT NULL,
    byzantine   INTEGER NOT NULL,
    protocol    TEXT NOT NULL,
    backend     TEXT NOT NULL,
    record      TEXT NOT NULL,
    degraded    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at);
CREATE TABLE IF NOT EXISTS events (
    run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS llm_cache (
    key        TEXT PRIMARY KEY,
    response   TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS llm_texts (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
"""
BUSY_TIMEOUT_S = 30.0
"""How long a connection waits for another's write lock before SQLite says it is busy."""
WRITE_ATTEMPTS = 5
"""A write that still finds the store locked after the busy timeout is tried this often."""

MIGRATIONS = {"degraded": "ALTER TABLE runs ADD COLUMN degraded INTEGER NOT NULL DEFAULT 0"}
"""Columns added to ``runs`` since the first release, for stores made before them."""


def text_hash(text: str) -> str:
    """The content address of a text in ``llm_texts``: sha256 of its UTF-8, in hex.

    >>> text_hash("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StoreError(Exception):
    """The store cannot be opened or does not hold what was asked for."""


class RunSummary(BaseModel):
    """One line of history."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created_at: str
    scenario: str
    status: str
    option: str | None
    size: int
    byzantine: int
    protocol: str
    backend: str
    degraded: bool = False
    """Some LLM seat-phases failed (the record's ``outcome.degraded``)."""


def default_path() -> Path:
    """``COUNCIL_DB`` if set, else ``council.db`` in the user's data directory."""
    env = os.environ.get("COUNCIL_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("byzantine-council", appauthor=False)) / "council.db"


class Store:
    """Runs, events and the LLM cache in one SQLite file."""

    def __init__(
        self, path: Path | str | None = None, *, busy_timeout: float | None = None
    ) -> None:
        self.path = Path(path) if path else default_path()
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._write(self._create)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from None

    def _create(self, db: sqlite3.Connection) -> None:
        """WAL (set once, it stays with the file), the tables, and columns added since."""
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)  # IF NOT EXISTS: stores made before a table get it
        have = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
        for column, statement in MIGRATIONS.items():
            if column not in have:
                db.execute(statement)

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction; a writer's takes the write lock as it begins."""
        if write:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level="IMMEDIATE")
        else:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db
        finally:
            db.close()

    def _write(self, write: Callable[[sqlite3.Connection], object]) -> None:
        """The one writer path: a short transaction, retried while the store is locked.

        Each connection waits up to the busy timeout for the write lock; a write that still
        finds the store locked (many sessions writing at once, or SQLite refusing to wait to
        avoid a deadlock) is tried again after a short, growing pause, ``WRITE_ATTEMPTS`` times.
        """
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._connect(write=True) as db:
                    write(db)
                return
            except sqlite3.OperationalError as err:
                locked = "locked" in str(err) or "busy" in str(err)
                if not locked or attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)

    def save_run(self, record: RunRecord, events: Sequence[RunEvent] = ()) -> None:
        """Write a run and its events in one transaction.

        An event's row holds its kind and its JSON (``{"kind": "round", "round": 0}``).
        """
        cfg = record.config

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO runs (run_id, created_at, scenario, status, option, size, byzantine,"
                " protocol, backend, record, degraded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.run_id,
                    record.created_at,
                    record.scenario,
                    record.outcome.status,
                    record.outcome.option,
                    record.council.size,
                    cfg.byzantine,
                    cfg.protocol,
                    cfg.backend,
                    record.model_dump_json(),
                    int(record.outcome.degraded),
                ),
            )
            db.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?)",
                [
                    (record.run_id, seq, e.kind, json.dumps(e.model_dump()))
                    for seq, e in enumerate(events)
                ],
            )

        self._write(write)

    def _resolve(self, db: sqlite3.Connection, run_id: str) -> str:
        rows = db.execute(
            "SELECT run_id FROM runs WHERE run_id LIKE ? || '%' LIMIT 2", (run_id,)
        ).fetchall()
        if not rows:
            raise StoreError(f"no run {run_id!r} in {self.path} (see `council history`)")
        if len(rows) > 1:
            raise StoreError(f"run id {run_id!r} is ambiguous; give more characters")
        return str(rows[0][0])

    def get_run(self, run_id: str) -> RunRecord:
        """A stored run by id or unique id prefix."""
        with self._connect() as db:
            full = self._resolve(db, run_id)
            row = db.execute("SELECT record FROM runs WHERE run_id = ?", (full,)).fetchone()
        return RunRecord.model_validate_json(row[0])

    def events(self, run_id: str) -> list[RunEvent]:
        """A run's events in order (the row's kind names the event, as it always did)."""
        with self._connect() as db:
            full = self._resolve(db, run_id)
            rows = db.execute(
                "SELECT kind, payload FROM events WHERE run_id = ? ORDER BY seq", (full,)
            ).fetchall()
        return [run_event({**json.loads(p), "kind": k}) for k, p in rows]

    def history(self, limit: int = 50) -> list[RunSummary]:
        """The latest runs, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT run_id, created_at, scenario, status, option, size, byzantine, protocol,"
                " backend, degraded FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        fields = list(RunSummary.model_fields)
        return [RunSummary(**dict(zip(fields, row, strict=True))) for row in rows]

    def cache_get(self, key: str) -> str | None:
        """A cached LLM response, if any."""
        with self._connect() as db:
            row = db.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def cache_put(self, key: str, response: str) -> None:
        """Cache an LLM response (first writer wins)."""
        self._write(
            lambda db: db.execute(
                "INSERT OR IGNORE INTO llm_cache (key, response) VALUES (?, ?)", (key, response)
            )
        )

    def put_texts(self, texts: Sequence[str]) -> list[str]:
        """Keep texts (prompts, replies) by content hash; return their hashes, in order."""
        hashes = [text_hash(t) for t in texts]
        rows = list(zip(hashes, texts, strict=True))
        self._write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO llm_texts (hash, text) VALUES (?, ?)", rows
            )
        )
        return hashes

    def get_text(self, digest: str) -> str | None:
        """A kept text by its hash, if the store has it."""
        with self._connect() as db:
            row = db.execute("SELECT text FROM llm_texts WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

"""The store file's tables, the columns added since the first release, and the checkpoints'.

``llm_texts`` keeps every prompt sent and reply received, content-addressed by sha256 (a run
record's statements name them by hash): what a seat was told and what it said. ``run_inputs``
keeps, beside each record, the scenario and personas the run was made from; ``runs.checksum``
is sha256 of the record's JSON. The LangGraph checkpointer keeps its tables
(``CHECKPOINT_TABLES``) in the same file.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

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
CREATE TABLE IF NOT EXISTS run_inputs (
    run_id   TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    ref      TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    content  TEXT NOT NULL,
    PRIMARY KEY (run_id, kind, ref)
);
"""
MIGRATIONS = {
    "degraded": "ALTER TABLE runs ADD COLUMN degraded INTEGER NOT NULL DEFAULT 0",
    "checksum": "ALTER TABLE runs ADD COLUMN checksum TEXT",
}
"""Columns added to ``runs`` since the first release, for stores made before them."""
CHECKPOINT_TABLES = ("checkpoints", "writes")
"""The LangGraph SQLite checkpointer's tables (``council.session.checkpoints``), in this file."""
BASELINE_SUFFIX = "-baseline"
"""A run's fault-free twin is checkpointed as ``RUN_ID-baseline`` (``RunSession.twin``)."""
MAX_LIMIT = 2**63 - 1
"""The largest row count SQLite takes (``history --limit`` above it is refused)."""


def text_hash(text: str) -> str:
    """The content address of a text in ``llm_texts``: sha256 of its UTF-8, in hex.

    >>> text_hash("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create(db: sqlite3.Connection) -> None:
    """WAL (set once, it stays with the file), the tables, and columns added since."""
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)  # IF NOT EXISTS: stores made before a table get it
    db.execute("BEGIN IMMEDIATE")  # executescript committed: migrate under the write lock
    have = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for column, statement in MIGRATIONS.items():
        if column not in have:
            db.execute(statement)
    if "checksum" not in have:  # records stored before checksums: checked from now on
        db.create_function("sha256_hex", 1, text_hash, deterministic=True)
        db.execute("UPDATE runs SET checksum = sha256_hex(record)")


def drop_checkpoints(db: sqlite3.Connection, run_ids: Sequence[str]) -> None:
    """Delete the checkpoints and pending writes of these runs' threads, if the file has any."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in CHECKPOINT_TABLES:
        if table in tables:
            db.executemany(f"DELETE FROM {table} WHERE thread_id = ?", [(r,) for r in run_ids])  # noqa: S608

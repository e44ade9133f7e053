"""The store: one SQLite file (WAL) holding runs, their events, the LLM cache and LLM texts.

``COUNCIL_DB`` or ``--db`` chooses the file; the default lives in the user's data directory.
A run and its events are written in one transaction, so a failed run leaves nothing behind.
``llm_texts`` keeps every prompt sent and reply received, content-addressed by sha256 (a run
record's statements name them by hash): what a seat was told and what it said.
``run_inputs`` keeps, beside each record, the scenario and personas the run was made from (so a
run shows, exports and reruns after its files move or change); ``runs.checksum`` is sha256 of
the record's JSON, so a garbled record is reported, never listed as fine. The LangGraph
checkpointer keeps its tables (``checkpoints``, ``writes``) in the same file; a run's are
deleted in the transaction that saves its record.

Every connection waits for a busy store (``BUSY_TIMEOUT_S``) and every write is retried while
the store is locked (``Store.write``). Opening a store runs ``PRAGMA quick_check`` (once per
file and process): a damaged file is one clear line, never a store that takes new runs. A
store opened ``readonly`` (show, history, export) is read through a ``mode=ro`` URI, so a
read-only file or folder can still be read.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import platformdirs
from pydantic import BaseModel, ConfigDict

from council.contracts.events import RunEvent, run_event
from council.contracts.formats import Persona, Scenario
from council.contracts.inputs import RunInputs, content_hash
from council.contracts.record import RunRecord

if TYPE_CHECKING:
    from council.library.catalog import Library

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
CHECKPOINT_TABLES = ("checkpoints", "writes")
"""The LangGraph SQLite checkpointer's tables (``council.session.checkpoints``), in this file."""
BASELINE_SUFFIX = "-baseline"
"""A run's fault-free twin is checkpointed as ``RUN_ID-baseline`` (``RunSession.twin``)."""
BUSY_TIMEOUT_S = 30.0
"""How long a connection waits for another's write lock before SQLite says it is busy."""
WRITE_ATTEMPTS = 5
"""A write that still finds the store locked after the busy timeout is tried this often."""

T = TypeVar("T")

MIGRATIONS = {
    "degraded": "ALTER TABLE runs ADD COLUMN degraded INTEGER NOT NULL DEFAULT 0",
    "checksum": "ALTER TABLE runs ADD COLUMN checksum TEXT",
}
"""Columns added to ``runs`` since the first release, for stores made before them."""
MAX_LIMIT = 2**63 - 1
"""The largest row count SQLite takes (``history --limit`` above it is refused)."""

_checked: set[Path] = set()
"""Stores this process has quick-checked (the check reads the whole file: once is enough)."""


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
    garbled: bool = False
    """The stored record does not match its checksum: it cannot be trusted or shown."""


def default_path() -> Path:
    """``COUNCIL_DB`` if set, else ``council.db`` in the user's data directory."""
    env = os.environ.get("COUNCIL_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("byzantine-council", appauthor=False)) / "council.db"


def inputs_of(
    record: RunRecord, library: Library | None = None, scenario: Scenario | None = None
) -> RunInputs | None:
    """A record's scenario (``scenario``, else read now) and its seats' personas (None if gone).

    For a save that was not handed the inputs the run was made from; they are read at once.
    """
    from council.library.catalog import load_library, resolve_scenario
    from council.library.loader import LoadError

    try:
        library = library or load_library()
        scenario = scenario or resolve_scenario(record.config.scenario, library)
    except LoadError:
        return None
    personas = {
        s.persona: library.personas[s.persona]
        for s in record.council.seats
        if s.persona in library.personas
    }
    return RunInputs(scenario=scenario, personas=personas)


class Store:
    """Runs, events, their inputs and the LLM cache in one SQLite file.

    ``readonly``: open for reading only (``mode=ro``; a missing file reads as an empty store),
    for commands that write nothing, so a read-only file or folder can still be read.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        busy_timeout: float | None = None,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path) if path else default_path()
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        self.readonly = readonly
        self._uri: str | None = None
        self._columns: set[str] = set()
        self._tables: set[str] = set()
        try:
            if readonly:
                self._open_readonly()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._quick_check()
                self.write(self._create)
            self._read_schema()
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from None

    def _open_readonly(self) -> None:
        """Read through a ``mode=ro`` URI; ``immutable`` where not even the WAL index can be made.

        A store in a read-only folder whose WAL files are gone cannot be opened ``mode=ro`` (it
        would have to create them); nobody can write to it either, so it is read as immutable.
        """
        if not self.path.exists():
            return  # nothing stored yet: every read finds nothing
        base = "file:" + urllib.parse.quote(str(self.path.resolve()))
        self._uri = base + "?mode=ro"
        try:
            self._quick_check()
        except sqlite3.OperationalError as err:
            if "unable to open" not in str(err) and "readonly" not in str(err):
                raise
            self._uri = base + "?mode=ro&immutable=1"
            self._quick_check()

    def _sqlite(self, *, write: bool = False) -> sqlite3.Connection:
        """A connection that waits ``busy_timeout`` for a busy store (read-only if opened so)."""
        if self.readonly:
            if self._uri is None:
                return sqlite3.connect(":memory:")  # a store not made yet: empty
            return sqlite3.connect(self._uri, uri=True, timeout=self.busy_timeout)
        if write:
            return sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level="IMMEDIATE"
            )
        return sqlite3.connect(self.path, timeout=self.busy_timeout)

    def _quick_check(self) -> None:
        """``PRAGMA quick_check`` once per file and process: StoreError if the file is damaged."""
        key = self.path.resolve()
        if key in _checked:
            return
        db = self._sqlite()
        try:
            first = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and "malformed" not in str(err):
                raise  # locked, unable to open: not a damaged file
            first = str(err)
        finally:
            db.close()
        if first != "ok":
            raise StoreError(
                f"the store {self.path} is damaged (quick_check: {' '.join(first.split())}): "
                "restore it from a backup, or give another --db"
            )
        _checked.add(key)

    def _create(self, db: sqlite3.Connection) -> None:
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

    def _read_schema(self) -> None:
        """The tables and ``runs`` columns this store has (an old read-only one may lack some)."""
        with self.connect() as db:
            self._tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            self._columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction; a writer's takes the write lock as it begins."""
        if write and self.readonly:
            raise StoreError(f"the store {self.path} was opened read-only")
        db = self._sqlite(write=write)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db
        finally:
            db.close()

    def write(self, write: Callable[[sqlite3.Connection], object]) -> None:
        """The one writer path: a short transaction, retried while the store is locked.

        Each connection waits up to the busy timeout for the write lock; a write that still
        finds the store locked (many sessions writing at once, or SQLite refusing to wait to
        avoid a deadlock) is tried again after a short, growing pause, ``WRITE_ATTEMPTS`` times.
        """

        def once() -> None:
            with self.connect(write=True) as db:
                write(db)

        retried(once)

    def save_run(
        self,
        record: RunRecord,
        events: Sequence[RunEvent] = (),
        inputs: RunInputs | None = None,
    ) -> None:
        """Write a run, its events and inputs in one transaction, and drop its checkpoints.

        An event's row holds its kind and its JSON (``{"kind": "round", "round": 0}``).
        ``inputs``: the scenario and personas the run was made from (read now, if not given).
        The run's checkpoints (and its baseline twin's) go in the same transaction: a finished
        run is its record, and nothing of it is left to resume.
        """
        cfg = record.config
        text = record.model_dump_json()
        inputs = inputs or record.inputs or inputs_of(record)
        items: list[tuple[str, str, Scenario | Persona]] = []
        if inputs is not None:
            items.append(("scenario", cfg.scenario, inputs.scenario))
            items += [("persona", pid, p) for pid, p in sorted(inputs.personas.items())]

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO runs (run_id, created_at, scenario, status, option, size, byzantine,"
                " protocol, backend, record, degraded, checksum)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    text,
                    int(record.outcome.degraded),
                    text_hash(text),
                ),
            )
            db.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?)",
                [
                    (record.run_id, seq, e.kind, json.dumps(e.model_dump()))
                    for seq, e in enumerate(events)
                ],
            )
            db.executemany(
                "INSERT INTO run_inputs VALUES (?, ?, ?, ?, ?)",
                [
                    (record.run_id, kind, ref, content_hash(item), item.model_dump_json())
                    for kind, ref, item in items
                ],
            )
            drop_checkpoints(db, [record.run_id, record.run_id + BASELINE_SUFFIX])

        self.write(write)

    def _resolve(self, db: sqlite3.Connection, run_id: str) -> str:
        rows = (
            db.execute(
                "SELECT run_id FROM runs WHERE run_id LIKE ? || '%' LIMIT 2", (run_id,)
            ).fetchall()
            if "runs" in self._tables
            else []
        )
        if not rows:
            raise StoreError(f"no run {run_id!r} in {self.path} (see `council history`)")
        if len(rows) > 1:
            raise StoreError(f"run id {run_id!r} is ambiguous; give more characters")
        return str(rows[0][0])

    def has_run(self, run_id: str) -> bool:
        """Whether the store holds a finished run with exactly this id."""
        if "runs" not in self._tables:
            return False
        with self.connect() as db:
            row = db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return row is not None

    def get_run(self, run_id: str) -> RunRecord:
        """A stored run by id or unique id prefix, with its inputs if the store kept them.

        StoreError if its record is garbled (it does not match its checksum, or is no record).
        """
        checksum = "checksum" if "checksum" in self._columns else "NULL"
        with self.connect() as db:
            full = self._resolve(db, run_id)
            text, digest = db.execute(
                f"SELECT record, {checksum} FROM runs WHERE run_id = ?", (full,)
            ).fetchone()
        garbled = StoreError(
            f"run {full} in {self.path} is garbled: its record does not match its checksum"
        )
        if digest is not None and text_hash(text) != digest:
            raise garbled
        try:
            record = RunRecord.model_validate_json(text)
        except ValueError:
            raise garbled from None
        return record.with_inputs(self.inputs(full))

    def inputs(self, run_id: str) -> RunInputs | None:
        """The scenario and personas run ``run_id`` was made from (None: not kept, or garbled)."""
        if "run_inputs" not in self._tables:
            return None
        with self.connect() as db:
            rows = db.execute(
                "SELECT kind, sha256, content FROM run_inputs WHERE run_id = ?", (run_id,)
            ).fetchall()
        scenario: Scenario | None = None
        personas: dict[str, Persona] = {}
        try:
            for kind, digest, content in rows:
                item = (Scenario if kind == "scenario" else Persona).model_validate_json(content)
                if content_hash(item) != digest:
                    return None
                if isinstance(item, Scenario):
                    scenario = item
                else:
                    personas[item.id] = item
        except ValueError:
            return None
        return None if scenario is None else RunInputs(scenario=scenario, personas=personas)

    def events(self, run_id: str) -> list[RunEvent]:
        """A run's events in order (the row's kind names the event, as it always did)."""
        with self.connect() as db:
            full = self._resolve(db, run_id)
            rows = db.execute(
                "SELECT kind, payload FROM events WHERE run_id = ? ORDER BY seq", (full,)
            ).fetchall()
        return [run_event({**json.loads(p), "kind": k}) for k, p in rows]

    def history(self, limit: int = 50) -> list[RunSummary]:
        """The latest runs, newest first; a record that fails its checksum is marked garbled."""
        if "runs" not in self._tables:
            return []
        if not 0 <= limit <= MAX_LIMIT:
            raise StoreError(f"history limit {limit} is out of range (0 to {MAX_LIMIT})")
        checksum = "checksum" if "checksum" in self._columns else "NULL"
        degraded = "degraded" if "degraded" in self._columns else "0"  # an old store, read-only
        with self.connect() as db:
            rows = db.execute(
                "SELECT run_id, created_at, scenario, status, option, size, byzantine, protocol,"
                f" backend, {degraded}, record, {checksum} FROM runs"
                " ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        fields = list(RunSummary.model_fields)[:-1]
        return [
            RunSummary(
                **dict(zip(fields, row[:-2], strict=True)),
                garbled=row[-1] is not None and text_hash(row[-2]) != row[-1],
            )
            for row in rows
        ]

    def tables(self) -> set[str]:
        """The tables this store's file has (the checkpointer's too, once it has run)."""
        return set(self._tables)

    def cache_get(self, key: str) -> str | None:
        """A cached LLM response, if any."""
        with self.connect() as db:
            row = db.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def cache_put(self, key: str, response: str) -> None:
        """Cache an LLM response (first writer wins)."""
        self.write(
            lambda db: db.execute(
                "INSERT OR IGNORE INTO llm_cache (key, response) VALUES (?, ?)", (key, response)
            )
        )

    def put_texts(self, texts: Sequence[str]) -> list[str]:
        """Keep texts (prompts, replies) by content hash; return their hashes, in order."""
        hashes = [text_hash(t) for t in texts]
        rows = list(zip(hashes, texts, strict=True))
        self.write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO llm_texts (hash, text) VALUES (?, ?)", rows
            )
        )
        return hashes

    def get_text(self, digest: str) -> str | None:
        """A kept text by its hash, if the store has it."""
        if "llm_texts" not in self._tables:
            return None
        with self.connect() as db:
            row = db.execute("SELECT text FROM llm_texts WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])


def is_locked(err: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the store (worth a retry)."""
    return "locked" in str(err) or "busy" in str(err)


def retried(attempt: Callable[[], T]) -> T:
    """``attempt()``, tried again with a growing pause while the file is locked or busy.

    ``WRITE_ATTEMPTS`` tries in all; the store's and the rooms' writers both go through it.
    """
    for tried in range(WRITE_ATTEMPTS):
        try:
            return attempt()
        except sqlite3.OperationalError as err:
            if not is_locked(err) or tried == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**tried * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover


def drop_checkpoints(db: sqlite3.Connection, run_ids: Sequence[str]) -> None:
    """Delete the checkpoints and pending writes of these runs' threads, if the file has any."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in CHECKPOINT_TABLES:
        if table in tables:
            db.executemany(f"DELETE FROM {table} WHERE thread_id = ?", [(r,) for r in run_ids])  # noqa: S608

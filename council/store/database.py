"""The ``Store``: runs, their events and inputs, the LLM cache and texts, in one SQLite file.

A run and its events are written in one transaction, so a failed run leaves nothing behind;
its checkpoints are deleted in that transaction. Opening a store runs ``PRAGMA quick_check``
(once per file and process): a damaged file is one clear line, never a store that takes new
runs. A store opened ``readonly`` (show, history, export) is read through a ``mode=ro`` URI, so
a read-only file or folder can still be read.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from council.contracts.events import RunEvent, run_event
from council.contracts.formats import Persona, Scenario
from council.contracts.inputs import RunInputs, content_hash
from council.contracts.record import RunRecord
from council.store.locking import BUSY_TIMEOUT_S, retried
from council.store.schema import BASELINE_SUFFIX, MAX_LIMIT, create, drop_checkpoints, text_hash
from council.store.summary import RunSummary, inputs_of

_checked: set[Path] = set()
"""Stores this process has quick-checked (the check reads the whole file: once is enough)."""


class StoreError(Exception):
    """The store cannot be opened or does not hold what was asked for."""


def default_path() -> Path:
    """``COUNCIL_DB`` if set, else ``council.db`` in the user's data directory."""
    env = os.environ.get("COUNCIL_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("byzantine-council", appauthor=False)) / "council.db"


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
                self.write(create)
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

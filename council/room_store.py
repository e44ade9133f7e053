"""The workshop rooms' tables in the store's SQLite file: rooms, members, statements, guesses.

Many browser sessions read and write one room at once, so every write goes through one path
(``RoomStore.write``): a short ``BEGIN IMMEDIATE`` transaction (the writer lock is taken at the
start, so two writers never deadlock upgrading a read), a busy timeout, and a few retries with
backoff when SQLite still says the database is locked. Reads need no lock (WAL).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from council.contracts.room import Board, Guess, Member, Room, RoomSettings, RoomStatement
from council.store import BUSY_TIMEOUT_S, StoreError, default_path, retried

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code          TEXT PRIMARY KEY,
    created_at    TEXT NOT NULL,
    settings      TEXT NOT NULL,
    state         TEXT NOT NULL,
    turn          INTEGER NOT NULL,
    run_id        TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    turn_started  REAL NOT NULL,
    lease         REAL NOT NULL DEFAULT 0,
    waiting       TEXT NOT NULL,
    prompts       TEXT NOT NULL,
    round         INTEGER,
    board         TEXT NOT NULL DEFAULT '{}',
    decided       TEXT,
    error         TEXT
);
CREATE TABLE IF NOT EXISTS room_members (
    token  TEXT PRIMARY KEY,
    room   TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    seat   INTEGER NOT NULL,
    UNIQUE (room, seat)
);
CREATE TABLE IF NOT EXISTS room_statements (
    room       TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    turn       INTEGER NOT NULL,
    seat       INTEGER NOT NULL,
    statement  TEXT NOT NULL,
    at         REAL NOT NULL,
    PRIMARY KEY (room, turn, seat)
);
CREATE TABLE IF NOT EXISTS room_guesses (
    room   TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    token  TEXT NOT NULL,
    seats  TEXT NOT NULL,
    PRIMARY KEY (room, token)
);
"""

T = TypeVar("T")

_ROOM_COLUMNS = (
    "code, created_at, settings, state, turn, run_id, turn_started, waiting, prompts, round,"
    " board, decided, error"
)


def _room(row: tuple[Any, ...]) -> Room:
    (
        code,
        created,
        settings,
        state,
        turn,
        run_id,
        started,
        waiting,
        prompts,
        rnd,
        board,
        dec,
        err,
    ) = row
    return Room(
        code=code,
        created_at=created,
        settings=RoomSettings.model_validate_json(settings),
        state=state,
        turn=turn,
        run_id=run_id,
        turn_started=started,
        waiting=json.loads(waiting),
        prompts=json.loads(prompts),
        round=rnd,
        board=Board.model_validate_json(board),
        decided=dec,
        error=err,
    )


class RoomStore:
    """Rooms in one SQLite file (the store's, by default)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")  # kept in the file: set once
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one short write transaction; retried while the file is locked.

        ``work`` must only touch the database (it may run more than once).
        """

        def once() -> T:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    out = work(db)
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                return out

        return retried(once)

    def read(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query (WAL: readers do not wait for writers; retried if locked)."""

        def once() -> list[tuple[Any, ...]]:
            with self._connect() as db:
                return db.execute(query, params).fetchall()

        return retried(once)

    # --- rooms -------------------------------------------------------------------------------
    def room(self, code: str) -> Room | None:
        """A room by code (None if there is none)."""
        rows = self.read(f"SELECT {_ROOM_COLUMNS} FROM rooms WHERE code = ?", (code,))
        return _room(rows[0]) if rows else None

    def key_hash(self, code: str) -> str | None:
        """The hash of a room's facilitator key."""
        rows = self.read("SELECT key_hash FROM rooms WHERE code = ?", (code,))
        return str(rows[0][0]) if rows else None

    def lease(self, code: str) -> float:
        """Until when (Unix time) the session moving the room's run on holds it."""
        rows = self.read("SELECT lease FROM rooms WHERE code = ?", (code,))
        return float(rows[0][0]) if rows else 0.0

    def members(self, code: str) -> list[Member]:
        """A room's members, by seat."""
        rows = self.read(
            "SELECT token, room, name, seat FROM room_members WHERE room = ? ORDER BY seat",
            (code,),
        )
        return [Member(token=t, room=r, name=n, seat=s) for t, r, n, s in rows]

    def member(self, token: str) -> Member | None:
        """The member with this token."""
        rows = self.read(
            "SELECT token, room, name, seat FROM room_members WHERE token = ?", (token,)
        )
        return (
            Member(token=rows[0][0], room=rows[0][1], name=rows[0][2], seat=rows[0][3])
            if rows
            else None
        )

    def statements(self, code: str, turn: int | None = None) -> list[RoomStatement]:
        """A room's statements (of one turn, or all), by turn and seat."""
        if turn is None:
            rows = self.read(
                "SELECT statement FROM room_statements WHERE room = ? ORDER BY turn, seat",
                (code,),
            )
        else:
            rows = self.read(
                "SELECT statement FROM room_statements WHERE room = ? AND turn = ? ORDER BY seat",
                (code, turn),
            )
        return [RoomStatement.model_validate_json(r[0]) for r in rows]

    def guesses(self, code: str) -> list[Guess]:
        """Every trainee's guess in a room."""
        rows = self.read("SELECT room, token, seats FROM room_guesses WHERE room = ?", (code,))
        return [Guess(room=r, token=t, seats=tuple(json.loads(s))) for r, t, s in rows]

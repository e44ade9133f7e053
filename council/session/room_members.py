"""Who is in a room: its code and facilitator key, joining a seat, coming back to it, the roll.

Every function reads and writes the store's file (``council.room_store``) and nothing else.
A member's token is their secret way back to their seat; the facilitator key is kept only as
its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from pathlib import Path

from council.contracts.room import (
    CODE_LENGTH,
    ROOM_ALPHABET,
    TOKEN_BYTES,
    Member,
    Room,
    RoomStatus,
)
from council.room_store import RoomStore


class RoomError(ValueError):
    """A room request that cannot be met (unknown code, seat taken, not your turn...).

    ``key`` names the message in every interface language (``room_error_KEY`` in
    ``council.present.i18n_room``), ``fields`` fill it in; ``str()`` is the English, for logs
    and the command line.

    >>> err = RoomError("seat_taken", "seat {seat} is taken", seat=2)
    >>> str(err), err.key, err.fields
    ('seat 2 is taken', 'seat_taken', {'seat': 2})
    """

    def __init__(self, key: str, english: str, /, **fields: object) -> None:
        super().__init__(english.format(**fields))
        self.key = key
        self.fields = fields


def new_code() -> str:
    """A fresh room code: 6 characters nobody misreads.

    >>> code = new_code()
    >>> len(code) == 6 and set(code) <= set(ROOM_ALPHABET)
    True
    """
    return "".join(secrets.choice(ROOM_ALPHABET) for _ in range(CODE_LENGTH))


def key_hash(key: str) -> str:
    """How a facilitator key is kept: its sha256 (the key itself is never stored)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def room_of(store: RoomStore, code: str) -> Room:
    """A room by its (case-insensitive) code in an open store (RoomError if there is none)."""
    room = store.room(code.strip().upper())
    if room is None:
        raise RoomError("no_room", "no room {code!r}: check the code", code=code)
    return room


def room(path: Path, code: str) -> Room:
    """A room by its code (RoomError if there is none)."""
    return room_of(RoomStore(path), code)


def is_facilitator(path: Path, code: str, key: str) -> bool:
    """Whether ``key`` is the room's facilitator key."""
    want = RoomStore(path).key_hash(code.strip().upper())
    return want is not None and hmac.compare_digest(want, key_hash(key))


def join(path: Path, code: str, name: str, seat: int | None = None) -> Member:
    """Take a free person's seat in a room (``seat``, or the first free one).

    The member's token is their secret way back to the seat (a reload, another device).
    """
    store = RoomStore(path)
    found = room_of(store, code)
    if found.state in ("closed", "failed"):
        raise RoomError("ended", "room {code} is {state}", code=found.code, state=found.state)
    name = name.strip()
    if not name:
        raise RoomError("no_name", "give a display name")
    people = found.settings.config.human_seats
    if seat is not None and seat not in people:
        raise RoomError(
            "not_a_person",
            "seat {seat} is not a person's seat in room {code}",
            seat=seat,
            code=found.code,
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)

    def take(db: sqlite3.Connection) -> int:
        taken = {
            r[0] for r in db.execute("SELECT seat FROM room_members WHERE room = ?", (found.code,))
        }
        free = [s for s in people if s not in taken]
        if seat is not None:
            if seat in taken:
                raise RoomError("seat_taken", "seat {seat} is taken", seat=seat)
            chosen = seat
        elif free:
            chosen = free[0]
        else:
            raise RoomError(
                "full", "room {code} is full ({people} people)", code=found.code, people=len(people)
            )
        db.execute(
            "INSERT INTO room_members (token, room, name, seat) VALUES (?, ?, ?, ?)",
            (token, found.code, name[:40], chosen),
        )
        return chosen

    chosen = store.write(take)
    return Member(token=token, room=found.code, name=name[:40], seat=chosen)


def rejoin(path: Path, code: str, token: str) -> Member | None:
    """The member a token belongs to in this room (None: not a member here)."""
    member = RoomStore(path).member(token)
    if member is None or member.room != code.strip().upper():
        return None
    return member


def status(path: Path, code: str) -> RoomStatus:
    """What a poll reads: the room, who sits where (names only) and who has answered."""
    store = RoomStore(path)
    found = room_of(store, code)
    return RoomStatus(
        room=found,
        people={m.seat: m.name for m in store.members(found.code)},
        answered=sorted({s.seat for s in store.statements(found.code, found.turn)}),
    )


def role_of(room_: Room, seat: int) -> str:
    """A seat's secret role: ``honest`` or its fault spec (shown only to the person in it)."""
    return room_.settings.config.person_faults.get(seat, "honest")

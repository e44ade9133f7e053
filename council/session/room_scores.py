"""Spot the faulty seats in a room: the guesses, the answer key, the leaderboard, who played what.

Who played what goes in the handout, once revealed.
"""

from __future__ import annotations

import json
from pathlib import Path

from council.contracts.room import Guess, Member, Room, Score
from council.room_store import RoomStore
from council.session.room import RoomError, finished, role_of, room
from council.store import Store


def guess(path: Path, token: str, seats: list[int]) -> Guess:
    """A trainee's guess of the faulty seats (given again, it replaces the last)."""
    store = RoomStore(path)
    member = store.member(token)
    if member is None:
        raise RoomError("unknown_token", "unknown seat token: join the room again")
    found = room(path, member.room)
    bad = [s for s in seats if not 0 <= s < found.board.size]
    if bad:
        raise RoomError("no_seat", "no seat {seat} in this council", seat=bad[0])
    picked = tuple(sorted(set(seats)))
    store.write(
        lambda db: db.execute(
            "INSERT OR REPLACE INTO room_guesses (room, token, seats) VALUES (?, ?, ?)",
            (found.code, token, json.dumps(picked)),
        )
    )
    return Guess(room=found.code, token=token, seats=picked)


def faulty_seats(path: Path, found: Room) -> set[int]:
    """The seats that were faulty (automated or played by a person): the answer key."""
    if not finished(found):
        raise RoomError("not_decided", "the faulty seats are revealed once the council has decided")
    record = Store(path).get_run(found.run_id)
    return {s.seat for s in record.council.seats if s.behaviour != "honest"}


def leaderboard(path: Path, code: str) -> list[Score]:
    """Every trainee who guessed, best first: faulty seats found minus honest seats accused."""
    store = RoomStore(path)
    found = room(path, code)
    truth = faulty_seats(path, found)
    members = {m.token: m for m in store.members(found.code)}
    scores = []
    for g in store.guesses(found.code):
        member = members.get(g.token)
        if member is None:
            continue
        picked = set(g.seats)
        hit, wrong = len(picked & truth), len(picked - truth)
        scores.append(
            Score(
                name=member.name,
                seat=member.seat,
                found=hit,
                wrong=wrong,
                missed=len(truth - picked),
                score=hit - wrong,
            )
        )
    return sorted(scores, key=lambda s: (-s.score, s.wrong, s.name))


def who_played_what(path: Path, code: str) -> list[tuple[Member, str]]:
    """Who played what: each member and their role (for the handout, once revealed)."""
    store = RoomStore(path)
    found = room(path, code)
    return [(m, role_of(found, m.seat)) for m in store.members(found.code)]

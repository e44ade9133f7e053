"""The workshop room: open it, join it, answer in it, move its run on, guess, score, close.

Every function reads and writes the store's file (``council.room_store``) and nothing else, so
any browser session (or any server process, after a restart) can call any of them. The run is
the interactive run of ``council.session.interactive``, checkpointed in the same file; the
room's row says where it stands (the turn, the seats it waits for and what they are shown).

Moving the run on (``advance``) is a compare-and-set: inside one transaction a session claims
the room (``waiting`` -> ``running`` at the turn it read, with a lease); only the one that
claims it resumes the run, the others see ``running`` and return. A session that dies while it
holds the claim loses it when the lease runs out: the next caller recovers the run from its
checkpoint.

A person who has not answered when the round's timer runs out (or the facilitator moves on)
speaks as their persona's offline view: the option their persona's own values put first, at a
middling confidence (0.5), with a note that they did not answer.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from council.contracts.config import RunConfig
from council.contracts.principles import GROUPS
from council.contracts.room import (
    Room,
    RoomSettings,
    RoomStatement,
    Told,
)
from council.engine.context import prepare
from council.reasoners.human import HumanAnswer, HumanPrompt
from council.room_store import RoomStore
from council.session import room_keys
from council.session.interactive import Pause, proceed, recover, start
from council.session.room_board import where_after
from council.session.room_members import RoomError as RoomError
from council.session.room_members import is_facilitator as is_facilitator
from council.session.room_members import join as join
from council.session.room_members import key_hash, new_code, room_of
from council.session.room_members import rejoin as rejoin
from council.session.room_members import role_of as role_of
from council.session.room_members import room as room
from council.session.room_members import status as status
from council.session.run_session import RunSession

LEASE_S = 120.0
"""How long a session that claimed a room may take to move its run on before another may."""
KEY_ENV_LLM = "OPENAI_API_KEY"
"""Where a room's LLM seats get their key (the server's environment)."""
KEY_ENV = "COUNCIL_FACILITATOR_KEY"
"""A facilitator key for every room (else each room gets its own, shown once)."""
ABSENT_CONFIDENCE = 0.5
ABSENT_NOTE = "(No answer in time: this seat spoke as its persona's own view.)"


def server_key(config: RunConfig, api_key: str | None = None) -> str | None:
    """The key LLM seats of a room use: the one given, else the server's ``OPENAI_API_KEY``.

    Any trainee's session may move a room's run on, so the key is never a browser's: it is the
    one the facilitator typed (held in this process's memory, ``room_keys``) or the server's,
    and it is never stored.
    """
    if config.backend != "openai":
        return None
    return api_key or os.environ.get(KEY_ENV_LLM)


def _session(path: Path, room: Room, api_key: str | None = None) -> RunSession:
    config = room.settings.config
    key = server_key(config, api_key or room_keys.llm_key(room.code))
    return RunSession(config, run_id=room.run_id, store=path, api_key=key)


def open_room(
    path: Path, settings: RoomSettings, *, api_key: str | None = None
) -> tuple[Room, str]:
    """Open a room and start its run (it waits for the people's openings).

    Returns the room and the facilitator key (show it once; the room keeps only its hash).
    ``COUNCIL_FACILITATOR_KEY``, if set, is the key of every room.
    """
    store = RoomStore(path)
    prepare(settings.config)  # every option checked before anything is written
    key = os.environ.get(KEY_ENV) or secrets.token_urlsafe(12)
    session = RunSession(settings.config, store=path, api_key=server_key(settings.config, api_key))
    pause = start(session)
    where = where_after(settings, pause)
    now = time.time()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    for _ in range(20):
        code = new_code()

        def insert(db: sqlite3.Connection, code: str = code) -> None:
            db.execute(
                "INSERT INTO rooms (code, created_at, settings, state, turn, run_id, key_hash,"
                " turn_started, waiting, prompts, round, board, decided) VALUES"
                " (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    created,
                    settings.model_dump_json(),
                    where["state"],
                    session.run_id,
                    key_hash(key),
                    now,
                    where["waiting"],
                    where["prompts"],
                    where["round"],
                    where["board"],
                    where["decided"],
                ),
            )

        try:
            store.write(insert)
        except sqlite3.IntegrityError:
            continue  # that code is taken: draw another
        if api_key and settings.config.backend == "openai":
            room_keys.keep_llm_key(code, api_key)  # memory only: the next turns use it too
        return room_of(store, code), key
    raise RoomError("no_code", "could not find a free room code")


def prompt_of(room_: Room, seat: int) -> HumanPrompt | None:
    """What the seat is shown this turn (None: the run is not waiting for it)."""
    for data in room_.prompts:
        prompt = HumanPrompt.model_validate(data)
        if prompt.seat == seat:
            return prompt
    return None


def submit(
    path: Path,
    token: str,
    *,
    option: str,
    confidence: float,
    argument: str,
    told: dict[str, Told] | None = None,
    api_key: str | None = None,
) -> RoomStatement:
    """Give (or change) a person's statement for this turn; the last one in moves the run on.

    ``told``: a person in a faulty role says what each stakeholder group hears.
    """
    store = RoomStore(path)
    member = store.member(token)
    if member is None:
        raise RoomError("unknown_token", "unknown seat token: join the room again")
    found = room_of(store, member.room)
    prompt = prompt_of(found, member.seat)
    if found.state != "waiting" or prompt is None:
        raise RoomError("not_waiting", "the council is not waiting for your seat now")
    if option not in prompt.options:
        raise RoomError("no_option", "{option!r} is not an option here", option=option)
    if told is not None:
        if member.seat not in found.settings.config.person_faults:
            raise RoomError(
                "not_secret", "only a seat with a secret role tells groups different things"
            )
        for group, said in told.items():
            if group not in GROUPS or said.option not in prompt.options:
                raise RoomError(
                    "no_group_option",
                    "{group}: {option!r} is not an option here",
                    group=group,
                    option=said.option,
                )
    statement = RoomStatement(
        room=found.code,
        turn=found.turn,
        seat=member.seat,
        option=option,
        confidence=confidence,
        argument=argument.strip() or "-",
        told=told,
        at=time.time(),
    )

    def put(db: sqlite3.Connection) -> None:
        row = db.execute("SELECT state, turn FROM rooms WHERE code = ?", (found.code,)).fetchone()
        if row != ("waiting", found.turn):
            raise RoomError("moved_on", "the round moved on before your statement arrived")
        db.execute(
            "INSERT OR REPLACE INTO room_statements (room, turn, seat, statement, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (found.code, found.turn, member.seat, statement.model_dump_json(), statement.at),
        )

    store.write(put)
    # Kept on the room (its error), which every screen shows.
    with contextlib.suppress(Exception):
        advance(path, found.code, api_key=api_key)
    return statement


def due(room_: Room, now: float | None = None) -> bool:
    """Whether the round's timer has run out (never, without a timer)."""
    timer = room_.settings.timer_s
    return timer is not None and (now or time.time()) - room_.turn_started >= timer


def _answer(prompt: HumanPrompt, said: RoomStatement | None) -> HumanAnswer:
    if said is None:  # speaks as its persona's own view
        top = max(prompt.own_view, key=lambda o: prompt.own_view[o])
        return HumanAnswer(option=top, confidence=ABSENT_CONFIDENCE, argument=ABSENT_NOTE)
    told = None if said.told is None else {g: t.option for g, t in said.told.items()}
    return HumanAnswer(
        option=said.option, confidence=said.confidence, argument=said.argument, told=told
    )


def advance(path: Path, code: str, *, force: bool = False, api_key: str | None = None) -> Room:
    """Move the room's run on if it may: everyone answered, the timer ran out, or ``force``.

    Safe to call from any number of sessions at once: exactly one resumes the run (the one
    whose compare-and-set claims the turn); the others return the room as it stands.
    """
    store = RoomStore(path)
    found = room_of(store, code)
    now = time.time()
    stale = found.state == "running" and store.lease(found.code) < now
    if found.state != "waiting" and not stale:
        return found
    if found.error and not force:
        return found  # it failed last time: the facilitator tries again
    said = {s.seat: s for s in store.statements(found.code, found.turn)}
    everyone = all(seat in said for seat in found.waiting)
    if not (everyone or force or due(found, now) or stale):
        return found

    def claim(db: sqlite3.Connection) -> bool:
        cur = db.execute(
            "UPDATE rooms SET state = 'running', lease = ? WHERE code = ? AND turn = ?"
            " AND (state = 'waiting' OR (state = 'running' AND lease < ?))",
            (now + LEASE_S, found.code, found.turn, now),
        )
        return cur.rowcount == 1

    if not store.write(claim):
        return room_of(store, code)
    session = _session(path, found, api_key)
    try:
        if stale:
            pause = recover(session)
            if pause.kind == "human" and [p.seat for p in pause.prompts] == found.waiting:
                # The claim died before the run moved: this turn's answers still apply.
                pause = _resume(session, found, said)
        else:
            pause = _resume(session, found, said)
    except Exception as err:  # noqa: BLE001 - the room shows why and stays usable
        message = f"{type(err).__name__}: {err}".splitlines()[0][:300]
        store.write(
            lambda db: db.execute(
                "UPDATE rooms SET state = 'waiting', lease = 0, error = ? WHERE code = ?",
                (message, found.code),
            )
        )
        raise
    where = where_after(found.settings, pause)
    store.write(
        lambda db: db.execute(
            "UPDATE rooms SET state = ?, turn = turn + 1, lease = 0, turn_started = ?,"
            " waiting = ?, prompts = ?, round = ?, board = ?, decided = ?, error = NULL"
            " WHERE code = ? AND state = 'running' AND turn = ?",
            (
                where["state"],
                time.time(),
                where["waiting"],
                where["prompts"],
                where["round"],
                where["board"],
                where["decided"],
                found.code,
                found.turn,
            ),
        )
    )
    return room_of(store, code)


def _resume(session: RunSession, found: Room, said: dict[int, RoomStatement]) -> Pause:
    answers = {}
    for data in found.prompts:
        prompt = HumanPrompt.model_validate(data)
        answers[prompt.seat] = _answer(prompt, said.get(prompt.seat))
    return proceed(session, answers=answers)


def close(path: Path, code: str) -> Room:
    """Close the room: nobody can join or answer any more (the run stays where it is)."""
    store = RoomStore(path)
    found = room_of(store, code)
    store.write(
        lambda db: db.execute("UPDATE rooms SET state = 'closed' WHERE code = ?", (found.code,))
    )
    room_keys.drop_llm_key(found.code)
    return room_of(store, code)


def finished(found: Room) -> bool:
    """Whether the room's council has finished (decided or given up), closed since or not."""
    return found.state == "done" or (
        found.state == "closed" and not found.waiting and found.board.ballots > 0
    )

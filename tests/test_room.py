"""The workshop room against a real SQLite file: join, answer, move on (once), rejoin, score."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI

from council.contracts.config import RunConfig
from council.contracts.room import ROOM_ALPHABET, RoomSettings, Told
from council.present.room import handout
from council.room_store import RoomStore
from council.session import room as rooms
from council.session import room_scores as scores
from council.session.room import ABSENT_NOTE, RoomError
from council.store import Store

SCENARIO = "kh-credit-scoring-isolated-data"
CONFIG = RunConfig(scenario=SCENARIO, size=7, rounds=1, ballots=2, human_seats=(1, 4))


def settings(**update: object) -> RoomSettings:
    return RoomSettings(config=CONFIG.model_copy(update=update))


def play_out(db: Path, code: str, tokens: dict[int, str]) -> rooms.Room:
    """Every person answers every turn with the first option, until the council is done."""
    found = rooms.room(db, code)
    while found.state == "waiting":
        for seat in found.waiting:
            prompt = rooms.prompt_of(found, seat)
            assert prompt is not None
            rooms.submit(
                db,
                tokens[seat],
                option=next(iter(prompt.options)),
                confidence=0.8,
                argument=f"seat {seat} round {prompt.round}",
            )
        found = rooms.room(db, code)
    return found


def test_a_room_runs_its_council_to_a_decision_with_peoples_words(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, key = rooms.open_room(db, settings())
    assert len(opened.code) == 6 and set(opened.code) <= set(ROOM_ALPHABET)
    assert opened.state == "waiting" and opened.waiting == [1, 4] and opened.round == 0
    assert rooms.is_facilitator(db, opened.code, key)
    assert not rooms.is_facilitator(db, opened.code, key + "x")
    assert key not in (tmp_path / "s.db").read_bytes().decode("latin-1")  # only its hash
    ana = rooms.join(db, opened.code.lower(), "Ana")
    bo = rooms.join(db, opened.code, "Bo")
    assert (ana.seat, bo.seat) == (1, 4) and len(ana.token) >= 16
    # One answer in: the run still waits, and says for whom.
    first = rooms.prompt_of(opened, 1)
    assert first is not None
    rooms.submit(db, ana.token, option=next(iter(first.options)), confidence=0.8, argument="a")
    status = rooms.status(db, opened.code)
    assert status.answered == [1] and status.missing == [4] and status.room.turn == 0
    assert status.people == {1: "Ana", 4: "Bo"}
    done = play_out(db, opened.code, {1: ana.token, 4: bo.token})
    assert done.state == "done" and done.waiting == []
    record = Store(db).get_run(done.run_id)
    assert done.decided == record.outcome.option
    assert record.council.seats[1].reasoner == "human"
    for rnd in record.rounds:
        assert rnd.statements[4].rationale == f"seat 4 round {rnd.round}"
    assert done.board.rounds == len(record.rounds)
    assert done.board.quorum == record.council.quorum
    said = RoomStore(db).statements(opened.code)
    assert {(s.turn, s.seat) for s in said} == {(t, s) for t in range(done.turn) for s in (1, 4)}


def test_many_sessions_advancing_at_once_resume_the_run_exactly_once(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings())
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def go() -> None:
        barrier.wait()
        try:
            rooms.advance(db, opened.code, force=True)
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    after = rooms.room(db, opened.code)
    # Resumed once: one turn on, the run waits at round 1 (twice would be round 2 or an error).
    assert after.turn == 1 and after.state == "waiting" and after.round == 1
    assert after.waiting == [1, 4]


def test_a_missing_person_speaks_as_their_personas_view_when_the_round_moves_on(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings())
    ana = rooms.join(db, opened.code, "Ana")
    prompt = rooms.prompt_of(opened, 1)
    assert prompt is not None
    rooms.submit(db, ana.token, option=next(iter(prompt.options)), confidence=0.8, argument="mine")
    assert rooms.room(db, opened.code).turn == 0  # seat 4 never joined: still waiting
    assert not rooms.due(opened)  # no timer
    moved = rooms.advance(db, opened.code, force=True)
    assert moved.turn == 1
    absent = rooms.prompt_of(opened, 4)
    assert absent is not None
    while moved.state == "waiting":
        moved = rooms.advance(db, opened.code, force=True)
    record = Store(db).get_run(moved.run_id)
    assert record.rounds[0].statements[1].rationale == "mine"
    assert record.rounds[0].statements[4].rationale == ABSENT_NOTE
    assert record.rounds[0].statements[4].option == max(
        absent.own_view, key=lambda o: absent.own_view[o]
    )


def test_the_timer_lets_a_round_go_on_and_otherwise_it_waits(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, RoomSettings(config=CONFIG, timer_s=10))
    assert rooms.advance(db, opened.code).turn == 0  # nobody answered, timer not out
    assert not rooms.due(opened, opened.turn_started + 9)
    assert rooms.due(opened, opened.turn_started + 10)
    RoomStore(db).write(lambda c: c.execute("UPDATE rooms SET turn_started = turn_started - 11"))
    assert rooms.advance(db, opened.code).turn == 1


def test_a_reload_rejoins_the_same_seat_and_a_token_is_no_key_elsewhere(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    one, _ = rooms.open_room(db, settings())
    two, _ = rooms.open_room(db, settings())
    ana = rooms.join(db, one.code, "Ana", seat=4)
    assert rooms.rejoin(db, one.code, ana.token) == ana
    assert rooms.rejoin(db, two.code, ana.token) is None
    assert rooms.rejoin(db, one.code, "not-a-token") is None
    with pytest.raises(RoomError, match="taken"):
        rooms.join(db, one.code, "Bo", seat=4)
    with pytest.raises(RoomError, match="not a person's seat"):
        rooms.join(db, one.code, "Bo", seat=0)
    rooms.join(db, one.code, "Bo")
    with pytest.raises(RoomError, match="full"):
        rooms.join(db, one.code, "Cy")
    with pytest.raises(RoomError, match="no room"):
        rooms.join(db, "ZZZZZZ", "Cy")


def test_a_session_that_died_holding_the_room_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings())
    ana, bo = rooms.join(db, opened.code, "Ana"), rooms.join(db, opened.code, "Bo")
    for m in (ana, bo):
        prompt = rooms.prompt_of(opened, m.seat)
        assert prompt is not None
        store = RoomStore(db)
        store.write(
            lambda c, m=m, p=prompt: c.execute(
                "INSERT INTO room_statements VALUES (?, 0, ?, ?, ?)",
                (
                    opened.code,
                    m.seat,
                    rooms.RoomStatement(
                        room=opened.code,
                        turn=0,
                        seat=m.seat,
                        option=next(iter(p.options)),
                        confidence=0.7,
                        argument=f"kept {m.seat}",
                        at=0,
                    ).model_dump_json(),
                    0,
                ),
            )
        )
    # A session claimed the turn and died (a server restart) before it moved the run on.
    RoomStore(db).write(
        lambda c: c.execute("UPDATE rooms SET state = 'running', lease = ?", (time.time() + 60,))
    )
    assert rooms.advance(db, opened.code).state == "running"  # the lease still holds
    RoomStore(db).write(lambda c: c.execute("UPDATE rooms SET lease = 1"))
    after = rooms.advance(db, opened.code)
    assert after.state == "waiting" and after.turn == 1 and after.round == 1
    done = play_out(db, opened.code, {ana.seat: ana.token, bo.seat: bo.token})
    record = Store(db).get_run(done.run_id)
    assert record.rounds[0].statements[1].rationale == "kept 1"


def test_guesses_are_scored_against_the_faulty_seats_once_decided(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings(byzantine=2))
    ana, bo = rooms.join(db, opened.code, "Ana"), rooms.join(db, opened.code, "Bo")
    with pytest.raises(RoomError, match="once the council has decided"):
        scores.leaderboard(db, opened.code)
    done = play_out(db, opened.code, {1: ana.token, 4: bo.token})
    truth = scores.faulty_seats(db, done)
    assert len(truth) == 2 and not truth & {1, 4}
    honest = next(s for s in range(7) if s not in truth)
    scores.guess(db, ana.token, sorted(truth))
    scores.guess(db, bo.token, [next(iter(truth)), honest])
    board = scores.leaderboard(db, opened.code)
    assert [(s.name, s.found, s.wrong, s.missed, s.score) for s in board] == [
        ("Ana", 2, 0, 0, 2),
        ("Bo", 1, 1, 1, 0),
    ]
    with pytest.raises(RoomError, match="no seat 99"):
        scores.guess(db, ana.token, [99])


def test_writes_wait_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings())
    store = RoomStore(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    store.write(
        lambda c: c.execute(
            "INSERT INTO room_guesses (room, token, seats) VALUES (?, 't', '[]')", (opened.code,)
        )
    )
    release.join()
    holder.close()
    assert store.read("SELECT token FROM room_guesses") == [("t",)]


def test_a_person_in_a_secret_role_tells_each_group_its_own_option(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    cfg = CONFIG.model_copy(update={"person_faults": {4: "equivocate"}})
    opened, _ = rooms.open_room(db, RoomSettings(config=cfg))
    ana, eve = rooms.join(db, opened.code, "Ana"), rooms.join(db, opened.code, "Eve")
    assert rooms.role_of(opened, eve.seat) == "equivocate"
    assert rooms.role_of(opened, ana.seat) == "honest"
    prompt = rooms.prompt_of(opened, 4)
    assert prompt is not None
    a, b = list(prompt.options)[:2]
    told = {
        "government": Told(option=a, argument="to government"),
        "industry": Told(option=b, argument="to industry"),
        "academia": Told(option=a, argument="to academia"),
        "civil_society": Told(option=b, argument="to civil society"),
    }
    with pytest.raises(RoomError, match="secret role"):
        rooms.submit(db, ana.token, option=a, confidence=0.5, argument="x", told=told)
    with pytest.raises(RoomError, match="not an option"):
        rooms.submit(
            db,
            eve.token,
            option=a,
            confidence=0.5,
            argument="x",
            told={"industry": Told(option="zz")},
        )
    found = rooms.room(db, opened.code)
    while found.state == "waiting":
        for m in (ana, eve):
            rooms.submit(
                db,
                m.token,
                option=a,
                confidence=0.7,
                argument=f"{m.name} speaks",
                told=told if m is eve else None,
            )
        found = rooms.room(db, opened.code)
    record = Store(db).get_run(found.run_id)
    assert record.council.seats[4].behaviour == "person:equivocate"
    sent = record.rounds[0].statements[4].sent
    assert sent is not None and set(sent) == {a, b}
    assert sum(sent.values()) == 6  # every other seat of the complete council heard it
    kept = RoomStore(db).statements(opened.code, 0)
    assert kept[1].told == told


def test_a_run_error_is_kept_on_the_room_and_the_facilitator_moves_on_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    opened, _ = rooms.open_room(db, settings())
    ana = rooms.join(db, opened.code, "Ana")
    real = rooms.proceed

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("endpoint down\nsecond line")

    monkeypatch.setattr(rooms, "proceed", broken)
    prompt = rooms.prompt_of(opened, 1)
    assert prompt is not None
    rooms.submit(db, ana.token, option=next(iter(prompt.options)), confidence=0.5, argument="a")
    with pytest.raises(RuntimeError):
        rooms.advance(db, opened.code, force=True)
    failed = rooms.room(db, opened.code)
    assert failed.state == "waiting" and failed.turn == 0
    assert failed.error == "RuntimeError: endpoint down"
    assert rooms.advance(db, opened.code).turn == 0  # no retry loop from every poll
    monkeypatch.setattr(rooms, "proceed", real)
    again = rooms.advance(db, opened.code, force=True)
    assert again.turn == 1 and again.error is None
    kept = Store(db)
    assert kept.history() == []  # nothing half-written: the run is not finished


def test_the_handout_says_who_played_what(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    cfg = CONFIG.model_copy(update={"person_faults": {4: "persuader:suspend-scoring"}})
    opened, _ = rooms.open_room(db, RoomSettings(config=cfg))
    ana, eve = rooms.join(db, opened.code, "Ana"), rooms.join(db, opened.code, "Eve")
    done = play_out(db, opened.code, {1: ana.token, 4: eve.token})
    record = Store(db).get_run(done.run_id)
    played = [(m.name, m.seat, role) for m, role in scores.who_played_what(db, opened.code)]
    text = handout(record, played)
    assert "## Who played what" in text
    assert "| 1 | Ana | honest | honest |" in text
    assert "| 4 | Eve | persuader for suspend-scoring | person:persuader:suspend-scoring |" in text


def test_an_llm_room_speaks_through_the_servers_key_which_is_never_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    secret = "sk-room-secret-123"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    with FakeOpenAI(key=secret) as fake:
        cfg = CONFIG.model_copy(
            update={"backend": "openai", "model": "gpt-4o-mini", "base_url": fake.url}
        )
        opened, _ = rooms.open_room(db, RoomSettings(config=cfg))
        ana, bo = rooms.join(db, opened.code, "Ana"), rooms.join(db, opened.code, "Bo")
        done = play_out(db, opened.code, {1: ana.token, 4: bo.token})
    record = Store(db).get_run(done.run_id)
    assert done.state == "done" and record.outcome.status != "error", record.outcome.reason
    models = {s.seat: s.model for s in record.council.seats}
    assert models[1] == models[4] == "human"
    assert {m for s, m in models.items() if s not in (1, 4)} == {"gpt-4o-mini"}
    assert len(fake.requests) == 5 * len(record.rounds)  # the five LLM seats, every round
    assert secret.encode() not in db.read_bytes()

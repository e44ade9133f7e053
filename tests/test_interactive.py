"""Interactive runs: a person's seat pauses the run (LangGraph interrupt), stepping, resuming."""

from __future__ import annotations

from pathlib import Path

import pytest

from council.contracts.config import RunConfig
from council.reasoners.human import HumanAnswer
from council.session import RunSession
from council.session.batch import run
from council.session.interactive import proceed, start
from council.store import Store

CONFIG = RunConfig(
    scenario="kh-credit-scoring-isolated-data", size=9, byzantine=2, human_seats=(3,)
)


def answer(round_no: int) -> HumanAnswer:
    return HumanAnswer(
        option="suspend-scoring",
        confidence=0.9,
        argument=f"Round {round_no}: suspend it until an audit is done.",
    )


def test_a_person_is_asked_every_round_and_their_words_are_the_record(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    session = RunSession(CONFIG, store=db)
    pause = start(session)
    asked = []
    while pause.kind == "human":
        (prompt,) = pause.prompts
        assert prompt.seat == 3 and prompt.persona == "consumer-protection-advocate"
        assert set(prompt.options) == set(
            run(RunSession(CONFIG.model_copy(update={"human_seats": ()}))).outcome.tally
        )
        assert (prompt.round == 0) == (prompt.heard == [])  # the opening is blind
        asked.append(prompt.round)
        # Every other seat finished this phase before the run waited for the person.
        assert len(pause.rounds) == prompt.round
        pause = proceed(session, answers={3: answer(prompt.round)})
    assert pause.kind == "done" and pause.record is not None
    record = pause.record
    assert asked == list(range(record.metrics.rounds_used + 1))
    for rnd in record.rounds:
        statement = rnd.statements[3]
        assert statement.option == "suspend-scoring"
        assert statement.rationale == f"Round {rnd.round}: suspend it until an audit is done."
    assert record.council.seats[3].reasoner == "human"
    assert record.council.seats[3].behaviour == "honest"
    assert Store(db).get_run(record.run_id) == record


def test_wrong_answers_are_refused_before_resuming(tmp_path: Path) -> None:
    session = RunSession(CONFIG, store=tmp_path / "s.db")
    start(session)
    with pytest.raises(ValueError, match="not an option"):
        proceed(session, answers={3: HumanAnswer(option="nope", confidence=0.5, argument="x")})
    with pytest.raises(ValueError, match="not waiting"):
        proceed(session, answers={4: answer(0)})
    with pytest.raises(ValueError, match="waiting for a person"):
        proceed(session)
    other = RunSession(
        CONFIG.model_copy(update={"seed": 1}), run_id=session.run_id, store=session.store
    )
    with pytest.raises(ValueError, match="another config"):
        proceed(other, answers={3: answer(0)})
    with pytest.raises(ValueError):
        HumanAnswer(option="suspend-scoring", confidence=2.0, argument="x")


def test_stepping_pauses_after_every_round_and_ballot_and_matches_a_straight_run(
    tmp_path: Path,
) -> None:
    config = CONFIG.model_copy(update={"human_seats": ()})
    session = RunSession(config, store=tmp_path / "s.db")
    pause = start(session, step=True)
    seen = []
    while pause.kind == "step":
        seen.append((len(pause.rounds), len(pause.ballots)))
        pause = proceed(session, step=True)
    assert seen[0] == (1, 0) and seen == sorted(seen)
    record = pause.record
    assert record is not None
    straight = run(RunSession(config))
    assert record.outcome == straight.outcome and record.rounds == straight.rounds


def test_no_decision_with_a_person_present_is_escalated(tmp_path: Path) -> None:
    config = CONFIG.model_copy(update={"quorum": "unanimity", "ballots": 1, "rounds": 0})
    session = RunSession(config, store=tmp_path / "s.db")
    start(session)
    pause = proceed(session, answers={3: answer(0)})
    assert pause.record is not None
    assert pause.record.outcome.status == "escalated"


def test_an_llm_run_paused_for_a_person_keeps_its_key_when_it_resumes(tmp_path: Path) -> None:
    """The key is held by the session, never stored: every drive of the run is given it."""
    from fake_openai import FakeOpenAI

    from council.reasoners.llm.endpoints import Transport

    key = "sk-session-key-0123456789"
    transport = Transport(timeout=5, backoff=0.01)
    db = tmp_path / "s.db"
    with FakeOpenAI(key=key) as fake:
        config = RunConfig(
            scenario="kh-credit-scoring-isolated-data",
            size=5,
            rounds=1,
            ballots=1,
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
            human_seats=(1,),
        )
        session = RunSession(config, store=db, api_key=key, transport=transport)
        pause = start(session)
        waits = 0
        while pause.kind == "human":
            waits += 1
            pause = proceed(session, answers={1: answer(waits)})
    assert waits == 2  # the opening and round 1
    record = pause.record
    assert record is not None and record.outcome.status in {"decided", "escalated"}
    m = record.metrics
    assert m.llm_errors == 0 and m.seat_failures == 0 and m.llm_calls == 4 * 2
    calls = [
        h for h, b in zip(fake.headers, fake.requests, strict=True) if b.get("response_format")
    ]
    assert len(calls) == 8
    assert all(h["authorization"] == f"Bearer {key}" for h in fake.headers)
    assert record.rounds[1].statements[1].model == "human"
    assert record.rounds[1].statements[0].model == "gpt-4o-mini"
    for path in tmp_path.iterdir():  # the store, its WAL files, the checkpoints of every pause
        assert key.encode() not in path.read_bytes(), path


def test_ten_sessions_running_councils_into_one_store_at_once_all_land(tmp_path: Path) -> None:
    """Ten browser sessions press Run together: graph checkpoints and records, one SQLite file."""
    import threading

    path = tmp_path / "room.db"
    go = threading.Barrier(10)
    done: dict[int, str] = {}
    configs = {
        i: RunConfig(scenario="kh-credit-scoring-isolated-data", size=9, seed=i) for i in range(10)
    }
    failures: list[BaseException] = []

    def session(i: int) -> None:
        try:
            go.wait()
            pause = start(RunSession(configs[i], store=path))
            assert pause.kind == "done" and pause.record is not None
            done[i] = pause.record.run_id
        except BaseException as err:  # noqa: BLE001 - collected, then asserted on
            failures.append(err)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    store = Store(path)
    assert {h.run_id for h in store.history(limit=50)} == set(done.values())
    for i, run_id in done.items():  # each as the same run alone decides, nothing mixed up
        assert store.get_run(run_id).outcome == run(RunSession(configs[i])).outcome

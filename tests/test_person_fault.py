"""A person in a secret faulty role: a faulty seat whose messages are what the person told whom."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from council.contracts.config import RunConfig
from council.contracts.principles import GROUPS
from council.engine.context import prepare
from council.graph.state import run_context, trace_of
from council.reasoners.human import HumanAnswer
from council.rules.faults.person import Told
from council.rules.registry import SpecError
from council.session import RunSession
from council.session.checkpoints import snapshot
from council.session.interactive import Pause, proceed, start

SCENARIO = "kh-credit-scoring-isolated-data"


def config(**update: object) -> RunConfig:
    base = RunConfig(
        scenario=SCENARIO,
        size=8,
        rounds=1,
        ballots=1,
        human_seats=(2,),
        person_faults={2: "equivocate"},
    )
    return base.model_copy(update=update)


def play(session: RunSession, told_for: dict[int, dict[str, str]]) -> Pause:
    pause = start(session)
    while pause.kind == "human":
        answers = {}
        for prompt in pause.prompts:
            options = list(prompt.options)
            told = told_for.get(prompt.seat)
            answers[prompt.seat] = HumanAnswer(
                option=options[0],
                confidence=0.9,
                argument=f"round {prompt.round}",
                told=told,
            )
        pause = proceed(session, answers=answers)
    return pause


def test_each_group_hears_and_receives_what_the_person_told_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import council.store.database

    # A finished run's checkpoints go when its record is saved; this test reads what each
    # recipient heard from them afterwards, so it keeps them.
    monkeypatch.setattr(council.store.database, "drop_checkpoints", lambda db, run_ids: None)
    cfg = config()
    ctx = prepare(cfg)
    a, b = ctx.option_ids[0], ctx.option_ids[1]
    told = {g: (a if k % 2 == 0 else b) for k, g in enumerate(GROUPS)}
    session = RunSession(cfg, store=tmp_path / "s.db")
    pause = play(session, {2: told})
    assert pause.record is not None
    record = pause.record
    seat = record.council.seats[2]
    assert (seat.behaviour, seat.reasoner) == ("person:equivocate", "human")
    # The statement of record is the person's own option and words; what they told whom apart.
    listeners = [i for i in range(ctx.n) if ctx.hears[i, 2]]
    want = {
        a: sum(told[ctx.personas[i].group] == a for i in listeners),
        b: sum(told[ctx.personas[i].group] == b for i in listeners),
    }
    for rnd in record.rounds:
        statement = rnd.statements[2]
        assert statement.rationale == f"round {rnd.round}"
        assert statement.option == a
        assert statement.sent == {o: c for o, c in want.items() if c}
    # In deliberation each recipient heard the person's view with its group's option on top.
    state = asyncio.run(snapshot(session.run_id, tmp_path / "s.db")).state
    run = run_context(state)
    trace = trace_of(run, state)
    inbox, heard = trace.inboxes[0]
    for i in range(ctx.n):
        if heard[i, 2]:
            assert ctx.option_ids[int(inbox[i, 2].argmax())] == told[ctx.personas[i].group]
    # At prepare each recipient received that option first (the record's cast is the most
    # sent); at commit, a commit for it.
    ballot = record.ballots[0]
    assert ballot.cast["2"] in (a, b)
    assert ballot.commit_sent.get("2") in (a, b)
    # The seat is faulty: excluded from honest commits.
    assert "2" not in ballot.committed


def test_the_faulty_person_splits_the_honest_seats_views_unlike_an_honest_person(
    tmp_path: Path,
) -> None:
    """Telling groups different things reaches the ballot: the variants differ by group."""
    cfg = config()
    ctx = prepare(cfg)
    a, b = ctx.option_ids[0], ctx.option_ids[1]
    told = {g: (a if k % 2 == 0 else b) for k, g in enumerate(GROUPS)}
    index = {o: k for k, o in enumerate(ctx.option_ids)}
    run = ctx.with_told({(1, 2): Told(tuple(index[told[g]] for g in GROUPS), 0.9)})
    ranks = np.tile(np.arange(ctx.n_options), (ctx.n, 1))[:, ::-1].copy()
    faulty = run.faulty.nonzero()[0]
    sent = run.fault.ballots(run, faulty, ranks, None, 0, after_round=1)
    got = sent.rankings[sent.variant][:, list(faulty).index(2), 0]
    for i in range(ctx.n):
        assert ctx.option_ids[got[i]] == told[ctx.personas[i].group]
    commits = run.fault.commits(run, faulty, sent, np.full(len(faulty), -1), 1)
    assert (commits[:, list(faulty).index(2)] == got).all()


def test_people_in_faulty_roles_mix_with_automated_faulty_seats(tmp_path: Path) -> None:
    cfg = config(byzantine=1, fault="stubborn:" + prepare(config()).option_ids[2])
    ctx = prepare(cfg)
    assert ctx.faulty.sum() == 2 and ctx.faulty[2]
    a, b = ctx.option_ids[0], ctx.option_ids[1]
    told = {g: (a if k % 2 == 0 else b) for k, g in enumerate(GROUPS)}
    pause = play(RunSession(cfg, store=tmp_path / "s.db"), {2: told})
    assert pause.record is not None
    seats = pause.record.council.seats
    auto = next(s for s in seats if s.behaviour.startswith("stubborn"))
    assert seats[2].behaviour == "person:equivocate" and auto.seat != 2
    ballot = pause.record.ballots[0]
    assert ballot.cast[str(auto.seat)] == ctx.option_ids[2]  # the stubborn seat pushes its own
    assert ballot.cast["2"] in (a, b)


def test_roles_and_seats_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not in human_seats"):
        RunConfig(scenario=SCENARIO, human_seats=(3,), person_faults={2: "equivocate"})
    with pytest.raises(SpecError, match="no person's role"):
        prepare(config(person_faults={2: "crash"}))
    with pytest.raises(SpecError, match="unknown option"):
        prepare(config(person_faults={2: "persuader:nope"}))
    with pytest.raises(SpecError, match="always speaks"):
        prepare(config(byzantine=1, fault="crash"))
    session = RunSession(config(person_faults={}), store=tmp_path / "s.db")
    pause = start(session)
    options = list(pause.prompts[0].options)
    with pytest.raises(ValueError, match="no faulty role"):
        proceed(
            session,
            answers={2: HumanAnswer(option=options[0], confidence=0.5, argument="x", told={})},
        )


def test_a_record_without_people_in_faulty_roles_keeps_its_shape() -> None:
    assert "person_faults" not in RunConfig(scenario=SCENARIO).model_dump()
    dumped = config().model_dump()
    assert dumped["person_faults"] == {2: "equivocate"}
    assert RunConfig.model_validate_json(config().model_dump_json()) == config()

"""``silent-after:R``: a seat honest until round R, then crashed."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fake_openai import FakeOpenAI
from test_llm import llm_config
from test_llm import run as run_llm

from council.contracts.config import RunConfig
from council.engine.adversary import deliberation_inbox
from council.engine.context import RunContext, build_context
from council.engine.phases import Trace, simulate
from council.library.catalog import load_library
from council.reasoners.llm.seat import council_digest
from council.rules.faults import FAULTS, NONE, parse_fault
from council.rules.faults.models import SilentAfter
from council.rules.registry import SpecError
from council.session import RunSession
from council.session.batch import run

LIBRARY = load_library()
SCENARIO = "kh-credit-scoring-isolated-data"


def _simulate(**fields: object) -> tuple[RunContext, Trace]:
    config = RunConfig(scenario=SCENARIO, **fields)  # type: ignore[arg-type]
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[SCENARIO])
    return ctx, simulate(ctx)


def comparable(record) -> dict:  # type: ignore[no-untyped-def]
    data = record.model_dump(exclude={"run_id", "created_at"})
    data["metrics"].pop("wall_s")
    return data


# --- The spec ----------------------------------------------------------------------------------


def test_registered_last_with_a_round_argument_and_named_back() -> None:
    assert FAULTS.names()[-1] == "silent-after"
    entry = FAULTS.entries()[-1]
    assert entry.arg == "round" and entry.summary.startswith("Honest until round ROUND")
    fault = parse_fault("silent-after:2", LIBRARY.scenarios[SCENARIO].option_ids)
    assert fault == SilentAfter(2) and fault.spec == "silent-after:2" and fault.option is None
    assert fault.objective(LIBRARY.scenarios[SCENARIO]) is None and not fault.through_llm


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("silent-after", "needs an argument: silent-after:ROUND"),
        ("silent-after:x", "whole number"),
        ("silent-after:-1", "whole number"),
        ("silent-after:1.5", "whole number"),
        ("silent-after:²", "whole number"),
    ],
)
def test_a_round_that_is_not_a_whole_number_is_a_spec_error(spec: str, words: str) -> None:
    with pytest.raises(SpecError, match=words):
        parse_fault(spec)


def test_honest_before_round_r_and_silent_from_it() -> None:
    fault = SilentAfter(2)
    assert [fault.honest(r) for r in range(5)] == [True, True, False, False, False]
    assert [fault.silent(r) for r in range(5)] == [False, False, True, True, True]


# --- Its messages, on arrays --------------------------------------------------------------------


class _Ctx:
    """A fault context that lets no draw happen: silent-after is deterministic."""

    def __init__(self, honest: np.ndarray) -> None:
        self.honest = honest
        self.fault_option = None

    def random_stream(self, step: int) -> np.random.Generator:
        raise AssertionError("silent-after draws nothing")


FAULTY = np.array([1, 3])
CTX = _Ctx(~np.isin(np.arange(5), FAULTY))


def test_in_deliberation_it_sends_its_own_view_until_its_statements_stop() -> None:
    views = np.random.default_rng(0).uniform(-1, 1, (5, 3))
    fault = SilentAfter(2)
    for round_no in (1, 2):  # carrying its statements of rounds 0 and 1
        inbox = fault.inbox(CTX, FAULTY, views, round_no)
        assert inbox.shape == (5, 5, 3) and (inbox == views[None]).all()
    for round_no in (3, 4):
        inbox = fault.inbox(CTX, FAULTY, views, round_no)
        assert (inbox[:, FAULTY] == 0).all()
        assert (inbox[:, CTX.honest] == views[None, CTX.honest]).all()


def test_at_prepare_and_commit_it_follows_the_protocol_then_sends_nothing() -> None:
    ranks = np.array([[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1], [2, 0, 1]])
    approve = np.array([[1, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 0, 1]], dtype=bool)
    fault = SilentAfter(2)
    sent = fault.ballots(CTX, FAULTY, ranks, approve, 10_002, after_round=1)
    assert sent.speaks and (sent.variant == 0).all()
    assert sent.rankings.tolist() == [ranks[FAULTY].tolist()]
    assert sent.approvals.tolist() == [approve[FAULTY].tolist()]
    unread = fault.ballots(CTX, FAULTY, ranks, None, 10_002, after_round=1)
    assert unread.speaks and not unread.approvals.any()  # the method reads no approvals
    would = np.array([2, NONE])
    assert fault.commits(CTX, FAULTY, sent, would, 10_003).tolist() == [[2, NONE]] * 5
    quiet = fault.ballots(CTX, FAULTY, ranks, approve, 10_004, after_round=2)
    assert not quiet.speaks
    assert (fault.commits(CTX, FAULTY, quiet, would, 10_005) == NONE).all()


# --- Through a run ------------------------------------------------------------------------------


@pytest.mark.parametrize("r", [1, 2, 3])
def test_it_deliberates_like_an_honest_seat_until_round_r_then_nobody_hears_it(r: int) -> None:
    fields = dict(size=13, byzantine=3, rounds=4, ballots=1, seed=3, quorum="unanimity")
    ctx, trace = _simulate(fault=f"silent-after:{r}", **fields)
    twin, twin_trace = _simulate(**{**fields, "byzantine": 0})  # same seed: same noise
    faulty = ctx.faulty.nonzero()[0]
    honest = ctx.honest
    for rnd in range(r):  # every statement so far was honest: the same as the honest twin's
        assert np.array_equal(trace.views[rnd], twin_trace.views[rnd]), rnd
    assert np.array_equal(trace.views[r][honest], twin_trace.views[r][honest])
    for rnd in range(r, 5):  # it stopped: its view stays where it was
        assert np.array_equal(trace.views[rnd][faulty], trace.views[r - 1][faulty])
    assert not np.array_equal(trace.views[4][honest], twin_trace.views[4][honest])
    for rnd in range(1, 5):
        heard = trace.inboxes[rnd - 1][1]
        expected = ctx.hears[:, faulty] if rnd <= r else np.zeros_like(heard[:, faulty])
        assert np.array_equal(heard[:, faulty], expected), rnd
    record = run(RunSession(ctx.config))
    for rnd in record.rounds:
        for seat in faulty:
            said = rnd.statements[seat]
            if rnd.round < r:
                assert said.option is not None and said.sent is None  # an honest statement
                assert said.rationale != "Said nothing."
            else:
                assert said.option is None and said.rationale == "Said nothing."


def test_ballots_get_its_own_ballot_before_round_r_and_nothing_after() -> None:
    ctx, trace = _simulate(
        size=13, byzantine=3, fault="silent-after:2", rounds=0, ballots=4, quorum="unanimity"
    )
    faulty = ctx.faulty.nonzero()[0]
    after = [b.after_round for b in trace.ballots]
    assert after == [0, 1, 2, 3]  # nothing decided: a ballot after each round
    for b in trace.ballots:
        own = trace.views[b.after_round][faulty].argmax(axis=1)
        expected = own if b.after_round < 2 else np.full(len(faulty), NONE)
        assert b.cast[faulty].tolist() == expected.tolist(), b.after_round
        if b.after_round >= 2:
            assert (b.commit_sent[faulty] == NONE).all()
    assert trace.ballots[0].messages > trace.ballots[3].messages


@pytest.mark.parametrize(
    "fields",
    [
        dict(size=10, byzantine=3, ballots=4),
        dict(byzantine=6, protocol="tally", quorum="majority", topology="small-world"),
        dict(size=9, byzantine=2, method="approval", drop=0.2, delay=0.1, seed=4),
    ],
)
def test_silent_after_zero_is_crash(fields: dict) -> None:  # type: ignore[type-arg]
    crashed = comparable(run(RunSession(RunConfig(scenario=SCENARIO, fault="crash", **fields))))
    silent = comparable(
        run(RunSession(RunConfig(scenario=SCENARIO, fault="silent-after:0", **fields)))
    )
    for data in (crashed, silent):
        data["config"].pop("fault")
        for seat in data["council"]["seats"]:
            seat.pop("behaviour")
    assert silent == crashed


def test_past_the_last_round_it_is_the_honest_twin_in_deliberation_and_first_ballot() -> None:
    fields = dict(size=13, byzantine=4, rounds=3, seed=11)
    ctx, trace = _simulate(fault="silent-after:50", **fields)
    _, twin = _simulate(**{**fields, "byzantine": 0})
    assert all(np.array_equal(a, b) for a, b in zip(trace.views, twin.views, strict=False))
    first, twin_first = trace.ballots[0], twin.ballots[0]
    assert np.array_equal(first.cast, twin_first.cast)
    assert np.array_equal(first.committed[ctx.honest], twin_first.committed[ctx.honest])


def test_council_run_on_the_command_line(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    argv = ["run", SCENARIO, "--size", "10", "--byzantine", "3", "--rounds", "3"]
    result = cli(*argv, "--fault", "silent-after:2", "--db", str(tmp_path / "s.db"), "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["config"]["fault"] == "silent-after:2"
    faulty = [s["seat"] for s in record["council"]["seats"] if s["behaviour"] != "honest"]
    assert len(faulty) == 3
    assert {s["behaviour"] for s in record["council"]["seats"]} == {"honest", "silent-after:2"}
    for rnd in record["rounds"]:
        said = [rnd["statements"][s]["option"] for s in faulty]
        assert (None in said) == (rnd["round"] >= 2) and len(set(said)) <= 3
    assert record["outcome"]["status"] in {"decided", "no_quorum"}
    bad = cli(*argv, "--fault", "silent-after:soon", "--db", str(tmp_path / "s.db"))
    assert bad.code == 2 and "whole number" in bad.err and len(bad.err.strip().splitlines()) == 1


# --- With LLM seats -----------------------------------------------------------------------------


def test_llm_runs_keep_it_offline_and_the_digest_counts_it_silent_from_round_r() -> None:
    with FakeOpenAI() as fake:
        config = llm_config(fake, byzantine=2, fault="silent-after:1", rounds=2)
        record, _ = run_llm(config)
    assert record.outcome.status in {"decided", "no_quorum"}
    faulty = [s.seat for s in record.council.seats if s.behaviour == "silent-after:1"]
    assert len(faulty) == 2 and all(record.council.seats[s].model == "offline" for s in faulty)
    assert len(fake.requests) == 5 * 3  # the 5 honest seats, in rounds 0, 1 and 2
    assert [record.rounds[r].statements[faulty[0]].option is None for r in range(3)] == [
        False,
        True,
        True,
    ]
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[SCENARIO])
    views = np.random.default_rng(1).uniform(-1, 1, (ctx.n, ctx.n_options))
    assert '"silent"' not in council_digest(ctx, views, 1, set(), None)  # round 0: all spoke
    assert '"silent":2' in council_digest(ctx, views, 2, set(), None)
    _, heard = deliberation_inbox(ctx, views, 2)
    assert not heard[:, faulty].any()

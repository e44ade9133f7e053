"""Quorum systems inside the protocol, and network faults: drop, delay, partition."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import make_library, make_persona, two_option_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from council.contracts.config import RunConfig
from council.contracts.principles import GROUPS
from council.engine.adversary import NONE
from council.engine.context import build_context
from council.engine.metrics import measure
from council.engine.outcome import summarize
from council.engine.phases import simulate
from council.engine.prepares import decide_views as _decide_views
from council.engine.prepares import receive as _receive
from council.engine.protocols import ProtocolState, honest_ballots
from council.engine.views import commits_received, quorate
from council.library.catalog import load_library
from council.rules.faults import FAULTS, example_spec
from council.rules.voting import METHODS, Profile
from council.session import RunSession
from council.session.batch import run

LIBRARY = load_library()
SCENARIO = "kh-credit-scoring-isolated-data"
FAULT_SPECS = [
    "crash",
    "random",
    "equivocate",
    "stubborn:suspend-scoring",
    "collude:suspend-scoring",
]


def reference_quorum(config: RunConfig, groups: list[str], seats: set[int]) -> bool:
    """The quorum rules' definitions, seat by seat (no arrays)."""
    n = len(groups)
    sizes = {g: groups.count(g) for g in GROUPS}
    if config.quorum.startswith("groups:"):
        g_needed, share = config.quorum[len("groups:") :].split("/")
        seated = [g for g in GROUPS if sizes[g]]
        met = sum(
            sum(1 for s in seats if groups[s] == g) >= max(1, math.ceil(Fraction(share) * sizes[g]))
            for g in seated
        )
        return met >= min(int(g_needed), len(seated))
    t = {"bft": -(-(n + max(0, (n - 1) // 3) + 1) // 2), "majority": n // 2 + 1}[config.quorum]
    if config.weights is None:
        return len(seats) >= t
    weight = {g: Fraction(str(config.weights.get(g, 1.0))) for g in GROUPS}  # type: ignore[call-overload]
    return sum(weight[groups[s]] for s in seats) * n >= t * sum(weight[g] for g in groups)


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(2, 14),
    k=st.integers(0, 4),
    fault=st.sampled_from(FAULT_SPECS),
    method=st.sampled_from(METHODS.names()),
    quorum=st.sampled_from(["groups:3/0.5", "groups:2/0.75", "groups:4/0.34", "bft", "weighted"]),
    drop=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 10_000),
)
def test_each_seat_view_matches_a_per_seat_reference(  # type: ignore[no-untyped-def]
    n, k, fault, method, quorum, drop, seed
) -> None:
    """Winner, support, quorum and commits of every view, recomputed ballot by ballot."""
    weights = {"government": 2.0, "academia": 0.5} if quorum == "weighted" else None
    config = RunConfig(
        scenario=SCENARIO,
        size=n,
        byzantine=min(k, n),
        fault=fault,
        method=method,
        quorum="majority" if weights else quorum,
        weights=weights,
        drop=drop,
        seed=seed,
    )
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[SCENARIO])
    groups = [p.group for p in ctx.personas]
    rng = np.random.default_rng(seed)
    scores = rng.uniform(-1, 1, size=(n, ctx.n_options))
    faulty = ctx.faulty.nonzero()[0]
    ranks, approve = honest_ballots(scores, ProtocolState.start(n))
    got = _receive(ctx, faulty, ranks, approve, step=10_002, after_round=2)
    delivered = None if ctx.network is None else ctx.network.delivered(10_002, 2)
    winner, backing = _decide_views(ctx, faulty, got, None, delivered)
    reach = quorate(ctx, faulty, got, None, winner, backing, delivered)
    sent = got.faulty
    for r in range(n):
        ballots: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for s in range(n):
            if delivered is not None and not delivered[r, s]:
                continue
            if not ctx.faulty[s]:
                ballots[s] = (ranks[s], approve[s])
            elif sent is not None and sent.speaks:
                j = int(np.flatnonzero(faulty == s)[0])
                ballots[s] = (sent.rankings[sent.variant[r], j], sent.approvals[sent.variant[r], j])
        if not ballots:
            assert winner[r] == NONE and backing[r] == 0 and not reach[r]
            continue
        profile = Profile(
            np.array([b[0] for b in ballots.values()]), np.array([b[1] for b in ballots.values()])
        )
        assert winner[r] == METHODS.create(method)(profile)[0]
        backers = {
            s for s, (rk, ap) in ballots.items()
            if (ap[winner[r]] if method == "approval" else rk[0] == winner[r])
        }  # fmt: skip
        assert backing[r] == len(backers)
        assert reach[r] == reference_quorum(config, groups, backers)

    # Commits: random commit messages, counted recipient by recipient.
    commit_sent = np.where(rng.random(n) < 0.7, rng.integers(0, ctx.n_options, n), NONE)
    faulty_sent = rng.integers(-1, ctx.n_options, size=(n, len(faulty))) if len(faulty) else None
    held = commits_received(ctx, commit_sent, faulty, faulty_sent, 10_003, 2)
    late = None if ctx.network is None else ctx.network.delivered(10_003, 2)
    for r in range(n):
        received: dict[int, set[int]] = {}
        for s in range(n):
            if late is not None and not late[r, s]:
                continue
            option = (
                commit_sent[s]
                if not ctx.faulty[s]
                else (faulty_sent[r, int(np.flatnonzero(faulty == s)[0])])  # type: ignore[index]
            )
            if option != NONE:
                received.setdefault(int(option), set()).add(s)
        quorums = {o for o, who in received.items() if reference_quorum(config, groups, who)}
        assert held.quorate[r] == bool(quorums)
        if quorums:
            best = max(len(received[o]) for o in quorums)
            assert held.choice[r] == min(o for o in quorums if len(received[o]) == best)


def small_council(n_each: int = 2):  # type: ignore[no-untyped-def]
    """2 * n_each seats of two groups who all prefer option a: a council that agrees."""
    fair = {"fairness": 1.0, "innovation": 0.0}
    personas = [make_persona(f"gov-{i}", "government", fair) for i in range(n_each)]
    personas += [make_persona(f"acad-{i}", "academia", fair) for i in range(n_each)]
    return personas


def run_small(**overrides):  # type: ignore[no-untyped-def]
    personas = small_council()
    scenario = two_option_scenario()
    lib = make_library(personas, [scenario])
    config = RunConfig(
        scenario="split", personas=tuple(p.id for p in personas), size=len(personas), **overrides
    )
    ctx = build_context(config, lib, scenario)
    trace = simulate(ctx)
    return ctx, trace, summarize(ctx, trace)


def test_partition_cuts_deliberation_and_the_ballot_after_its_round() -> None:
    """4 seats, government|academia cut in round 1: hand-counted messages and commits."""
    ctx, trace, summary = run_small(rounds=1, partition="government|academia@1")
    _, heard = trace.inboxes[0]
    assert heard.tolist() == [
        [False, True, False, False],
        [True, False, False, False],
        [False, False, False, True],
        [False, False, True, False],
    ]
    first, second = trace.ballots
    assert first.after_round == 1 and (first.support[:4] == 2).all()  # its own side's two
    assert (first.committed == NONE).all()  # 2 of 4 is no bft quorum (3)
    assert second.after_round == 2 and (second.committed == 0).all()  # the cut is over
    metrics = measure(ctx, trace, summary, baseline=None)
    assert summary.status == "decided" and not metrics.safety_violation
    # Round 1: 1 heard each; ballot 1: 1 prepare each, no commit; round 2: 3 each;
    # ballot 2: 3 prepares and 3 commits each.
    assert [first.messages, second.messages] == [4, 24]
    assert metrics.messages == 4 + 4 + 12 + 24


def test_a_partition_that_is_never_on_changes_nothing() -> None:
    """The delivery path with everything delivered gives the record of no network faults."""
    for overrides in (
        {"byzantine": 5, "fault": "equivocate"},
        {"byzantine": 3, "fault": "random", "method": "irv"},
        {"byzantine": 4, "fault": "collude:suspend-scoring", "method": "approval"},
        {"quorum": "groups:3/0.75", "byzantine": 2, "fault": "random", "method": "borda"},
    ):
        plain = run(RunSession(RunConfig(scenario=SCENARIO, **overrides)))
        cut = run(
            RunSession(RunConfig(scenario=SCENARIO, partition="government@40-41", **overrides))
        )
        plain_data = plain.model_dump(exclude={"run_id", "created_at", "config", "metrics"})
        cut_data = cut.model_dump(exclude={"run_id", "created_at", "config", "metrics"})
        assert plain_data == cut_data
        assert plain.metrics.messages == cut.metrics.messages


def test_drop_zero_is_no_drop() -> None:
    config = RunConfig(scenario=SCENARIO, byzantine=4, fault="random")
    assert config.model_copy(update={"drop": 0.0}) == config
    assert not config.network_faults
    a, b = (
        run(RunSession(config)),
        run(RunSession(RunConfig(scenario=SCENARIO, byzantine=4, fault="random", drop=0))),
    )
    assert a.model_dump(exclude={"run_id", "created_at", "metrics"}) == b.model_dump(
        exclude={"run_id", "created_at", "metrics"}
    )


@pytest.mark.parametrize("fault", FAULTS.names())
@pytest.mark.parametrize("method", ["plurality", "approval", "irv"])
def test_drop_one_never_decides_never_violates_and_delivers_nothing(
    fault: str, method: str
) -> None:
    spec = example_spec(fault, ["suspend-scoring"])
    for size, byzantine in ((4, 1), (9, 2)):
        config = RunConfig(
            scenario=SCENARIO, size=size, byzantine=byzantine, fault=spec, method=method,
            drop=1.0, seed=size,
        )  # fmt: skip
        record = run(RunSession(config))
        assert record.outcome.status == "no_quorum"
        assert not record.metrics.safety_violation
        assert record.metrics.messages == 0
        assert len(record.ballots) == 3 and record.metrics.rounds_used == 4
        # With nothing heard, nobody moved: each honest seat's view is its opening.
        seat = next(s.seat for s in record.council.seats if s.behaviour == "honest")
        assert record.rounds[-1].statements[seat].scores == record.rounds[0].statements[seat].scores


def test_delay_one_hears_the_round_before_and_misses_every_ballot() -> None:
    ctx, trace, summary = run_small(rounds=2, delay=1.0, ballots=1)
    first_heard = trace.inboxes[0][1]
    assert not first_heard.any()  # round 1: nothing sent earlier to arrive late
    inbox, heard = trace.inboxes[1]
    assert heard.tolist() == (~np.eye(4, dtype=bool)).tolist()
    # Round 2 hears the views sent in round 1: the openings, not the round-1 views.
    for r in range(4):
        for s in range(4):
            if r != s:
                assert np.allclose(inbox[r, s], trace.views[0][s])
                assert not np.allclose(inbox[r, s], trace.views[1][s]) or np.allclose(
                    trace.views[0][s], trace.views[1][s]
                )
    # A late ballot message misses its ballot: each seat holds only its own prepare.
    (ballot,) = trace.ballots
    assert (ballot.support == 1).all() and (ballot.committed == NONE).all()
    assert ballot.messages == 0 and summary.status == "no_quorum"


def test_same_seed_same_losses_other_seed_others() -> None:
    config = RunConfig(scenario=SCENARIO, drop=0.3, delay=0.2, byzantine=3, fault="random")
    a, b = run(RunSession(config)), run(RunSession(config))
    assert a.model_dump(exclude={"run_id", "created_at", "metrics"}) == b.model_dump(
        exclude={"run_id", "created_at", "metrics"}
    )
    assert a.metrics.messages == b.metrics.messages
    c = run(RunSession(config.model_copy(update={"seed": 1})))
    assert c.metrics.messages != a.metrics.messages


def test_faulty_groups_concentrates_the_faulty_seats() -> None:
    config = RunConfig(scenario=SCENARIO, byzantine=6, faulty_groups=("industry",), seed=3)
    record = run(RunSession(config))
    faulty = [s.seat for s in record.council.seats if s.behaviour != "honest"]
    assert len(faulty) == 6
    assert {LIBRARY.personas[record.council.seats[s].persona].group for s in faulty} == {"industry"}
    # Without it the draw is the one it always was.
    plain = run(RunSession(config.model_copy(update={"faulty_groups": None})))
    assert [s.behaviour for s in plain.council.seats] == [
        s.behaviour
        for s in run(RunSession(RunConfig(scenario=SCENARIO, byzantine=6, seed=3))).council.seats
    ]


def test_a_seat_commits_the_option_whose_commits_are_a_quorum_not_the_most_common() -> None:
    """groups:3/0.5 of 8 seats (2 a group): option 1 from three groups beats option 0 from two."""
    config = RunConfig(scenario=SCENARIO, size=8, quorum="groups:3/0.5")
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[SCENARIO])
    assert [p.group for p in ctx.personas][:4] == list(GROUPS)
    commit_sent = np.array([1, 1, 1, 0, 0, NONE, NONE, 0])  # 0: civil society twice, government
    held = commits_received(ctx, commit_sent, np.zeros(0, dtype=int), None, 10_003, 2)
    assert held.quorate.all()
    assert (held.choice == 1).all()
    assert held.messages == 6 * 7

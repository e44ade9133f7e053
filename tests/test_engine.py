"""Runs end to end: determinism, both drivers agree, every registered part runs, validity."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from council.contracts.config import RunConfig
from council.contracts.events import ProgressEvent
from council.contracts.formats import Scenario
from council.contracts.principles import GROUPS
from council.engine.batch import run_seeds, takes
from council.engine.context import build_context
from council.engine.outcome import summarize
from council.engine.phases import simulate
from council.engine.seating import Council, compose, seat_council
from council.library.catalog import load_library, resolve_scenario
from council.rules.faults import FAULTS, example_spec
from council.rules.quorum import RULES
from council.rules.voting import METHODS
from council.session import RunSession
from council.session.batch import run
from council.session.finish import run_graph

LIBRARY = load_library()
SCENARIO = "kh-credit-scoring-isolated-data"


def comparable(record) -> dict:  # type: ignore[no-untyped-def]
    data = record.model_dump(exclude={"run_id", "created_at"})
    data["metrics"].pop("wall_s")
    return data


def test_same_seed_same_record_and_other_seed_differs() -> None:
    config = RunConfig(scenario=SCENARIO, byzantine=6, fault="equivocate", seed=7)
    a, b = run(RunSession(config)), run(RunSession(config))
    assert comparable(a) == comparable(b)
    c = run(RunSession(config.model_copy(update={"seed": 8})))
    assert comparable(c)["rounds"] != comparable(a)["rounds"]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"byzantine": 10, "fault": "equivocate", "rounds": 3},
        {"byzantine": 12, "protocol": "tally", "quorum": "majority", "topology": "small-world"},
        {"byzantine": 4, "fault": "persuader:suspend-scoring", "update": "wmsr", "method": "irv"},
        {"byzantine": 3, "fault": "random", "method": "borda", "topology": "scale-free"},
        {"size": 9, "byzantine": 2, "fault": "crash", "topology": "ring", "ballots": 4},
        {"byzantine": 5, "fault": "collude:suspend-scoring", "update": "majority"},
        # Honest until round 2 (it revises, and casts in ballot 1), then silent.
        {"byzantine": 4, "fault": "silent-after:2", "rounds": 1, "ballots": 3, "delay": 0.1},
        # A seat gives up its lock in ballot 3: the unlock goes through the checkpoint too.
        {"size": 4, "byzantine": 1, "fault": "random", "method": "approval", "seed": 2},
        {"byzantine": 6, "fault": "random", "protocol": "tally", "method": "borda", "seed": 5},
        # Network faults and quorum systems: every recipient's view its own, on both drivers.
        {"byzantine": 4, "fault": "random", "drop": 0.2},
        {
            "rounds": 3,
            "delay": 0.3,
            "quorum": "groups:3/0.75",
            "partition": "government,industry|academia,civil_society@1-2",
        },  # fmt: skip
        {
            "byzantine": 3,
            "fault": "equivocate",
            "method": "copeland",
            "drop": 0.1,
            "delay": 0.1,
            "quorum": "majority",
            "weights": {"government": 2.0},
        },  # fmt: skip
    ],
)
def test_graph_and_batch_produce_the_same_record(overrides: dict) -> None:  # type: ignore[type-arg]
    config = RunConfig(scenario=SCENARIO, **overrides)
    heard: list[ProgressEvent] = []
    batch = run(RunSession(config, progress=heard.append))
    graph, events = asyncio.run(run_graph(RunSession(config)))
    assert comparable(graph) == comparable(batch)
    assert [e.kind for e in events].count("ballot") == len(batch.ballots)
    assert heard == events  # the batch path reports the rounds and ballots the graph records
    if overrides.get("method") == "approval":
        assert any(b.unlocked for b in graph.ballots)
    # Where the sweep's batch kernel takes the config, its row says what both records say.
    council = seat_council(config, LIBRARY, resolve_scenario(SCENARIO, LIBRARY))
    if takes(config, council):
        out = run_seeds(config, council, np.array([config.seed]))
        option = int(out.option[0])
        assert graph.outcome.option == (None if option < 0 else config_options(council)[option])
        got = (bool(out.safety_violation[0]), int(out.rounds_used[0]), int(out.messages[0]),
               round(float(out.honest_drift[0]), 6), int(out.honest_flips[0]))  # fmt: skip
        metrics = graph.metrics
        assert got == (metrics.safety_violation, metrics.rounds_used, metrics.messages,
                       metrics.honest_drift, metrics.honest_flips)  # fmt: skip


def config_options(council: Council) -> tuple[str, ...]:
    """The option ids of a seated council's scenario."""
    return council.scenario.option_ids


def test_graph_checkpoint_resumes_an_interrupted_run(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import council.graph.speak as speak_module
    import council.graph.wiring as graph_module
    from council.session.checkpoints import saved_config

    db = tmp_path / "checkpoints.db"
    config = RunConfig(scenario=SCENARIO, byzantine=5, rounds=3)
    real_ballot = graph_module.run_ballot

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    monkeypatch.setattr(graph_module, "run_ballot", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        asyncio.run(run_graph(RunSession(config, run_id="t1", store=db)))
    monkeypatch.setattr(graph_module, "run_ballot", real_ballot)

    assert asyncio.run(saved_config(db, "t1")) == config
    spoke: list[int] = []
    real_revise = speak_module.revise

    def counting_revise(ctx, seats, *rest):  # type: ignore[no-untyped-def]
        spoke.extend(int(s) for s in seats)
        return real_revise(ctx, seats, *rest)

    monkeypatch.setattr(speak_module, "revise", counting_revise)
    resumed, events = asyncio.run(run_graph(RunSession(config, run_id="t1", store=db), resume=True))
    revised_after_resume = len(spoke)
    # The four rounds were checkpointed before the crash: none is deliberated again.
    expected, expected_events = asyncio.run(run_graph(RunSession(config)))
    assert comparable(resumed) == comparable(run(RunSession(config))) == comparable(expected)
    assert events == expected_events
    ballots = len(resumed.ballots)
    assert revised_after_resume == (ballots - 1) * 33  # only the rounds after failed ballots
    assert asyncio.run(saved_config(db, "unknown")) is None


def test_composition_is_round_robin_and_balanced() -> None:
    seated = compose(LIBRARY, 33)
    assert [p.group for p in seated[:4]] == list(GROUPS)
    counts = {g: sum(p.group == g for p in seated) for g in GROUPS}
    assert counts == {"government": 9, "industry": 8, "academia": 8, "civil_society": 8}
    assert len({p.id for p in seated}) == 33
    big = compose(LIBRARY, 100)
    assert len(big) == 100 and len({p.id for p in big}) == len(LIBRARY.personas)


def test_every_registered_fault_method_and_rule_runs() -> None:
    scenario = LIBRARY.scenarios[SCENARIO]
    for entry in FAULTS.entries():
        spec = example_spec(entry.name, scenario.option_ids)
        for method in METHODS.names():
            for rule in [*RULES.names(), "0.6"]:
                config = RunConfig(
                    scenario=SCENARIO, size=13, byzantine=3, fault=spec, method=method, quorum=rule
                )
                ctx = build_context(config, LIBRARY, scenario)
                trace = simulate(ctx)
                assert summarize(ctx, trace).status in {"decided", "no_quorum"}
                assert trace.rounds_used >= 2


def test_record_numbers_mean_what_the_design_says() -> None:
    record = run(
        RunSession(RunConfig(scenario=SCENARIO, byzantine=10, fault="equivocate", rounds=2))
    )
    c = record.council
    assert (c.size, c.max_faulty, c.quorum) == (33, 10, 22)
    assert c.tolerates.safety == 10 and c.tolerates.liveness == 11
    assert sum(s.behaviour != "honest" for s in c.seats) == 10
    honest = {s.seat for s in c.seats if s.behaviour == "honest"}
    assert set(map(int, record.commits)) == honest
    assert record.rounds[0].round == 0 and len(record.rounds) == record.metrics.rounds_used + 1
    assert 0.0 <= record.metrics.honest_drift <= 1.0
    assert sum(record.outcome.tally.values()) == 33  # 23 honest + each faulty seat's most sent
    n, rounds, ballots = 33, record.metrics.rounds_used, len(record.ballots)
    deliberation = rounds * n * (n - 1)
    assert record.metrics.messages >= deliberation + ballots * n * (n - 1)
    for statement in record.rounds[1].statements:
        assert statement.rationale and statement.option in statement.scores


def test_crashed_seats_say_nothing_and_send_nothing() -> None:
    record = run(RunSession(RunConfig(scenario=SCENARIO, size=10, byzantine=3, fault="crash")))
    crashed = {s.seat for s in record.council.seats if s.behaviour == "crash"}
    for rnd in record.rounds:
        for st in rnd.statements:
            if st.seat in crashed:
                assert st.option is None and st.scores == {}
    # 7 speaking seats, each heard by its 9 peers, every round; plus the protocol's messages.
    assert record.metrics.messages == (
        record.metrics.rounds_used * 7 * 9 + sum(b.messages for b in record.ballots)
    )
    assert all(record.ballots[0].cast[str(s)] is None for s in crashed)


def with_dominant_option(scenario: Scenario) -> Scenario:
    """The scenario plus an option better than every other on every principle at stake."""
    principles = {p for o in scenario.options for p in o.impacts} | set(scenario.harms)
    impacts = {
        p: min(1.0, max(o.impacts.get(p, 0.0) for o in scenario.options) + 0.25) for p in principles
    }
    data = scenario.model_dump()
    data["options"] = [
        *data["options"],
        {"id": "dominant", "label": "Better on every count", "impacts": impacts},
    ][:8]
    return Scenario.model_validate(data)


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_fault_free_council_picks_a_pareto_dominant_option(scenario_id: str) -> None:
    scenario = with_dominant_option(LIBRARY.scenarios[scenario_id])
    for seed in range(5):
        record = run(RunSession(RunConfig(scenario=scenario_id, seed=seed)), scenario=scenario)
        assert record.outcome.option == "dominant", (seed, record.outcome)
        assert record.metrics.agrees_with_baseline is True


def test_library_scenarios_split_councils_somewhere() -> None:
    """Some scenarios must split a council: not every opening is unanimous."""
    split = 0
    for sid, scenario in LIBRARY.scenarios.items():
        ctx = build_context(RunConfig(scenario=sid), LIBRARY, scenario)
        tops = np.bincount(simulate(ctx).views[0].argmax(axis=1), minlength=ctx.n_options)
        if np.sort(tops)[-2] >= 6:
            split += 1
    assert split >= 4, split
